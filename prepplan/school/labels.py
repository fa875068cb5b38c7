"""Translated words for a school update's values, shared by the preview, the printable form and
the vCards. The record holds codes (``aunt_uncle``, ``mobile``); people read these."""

from __future__ import annotations

from flask_babel import gettext as _

from prepplan.i18n import language_name
from prepplan.plan.vocabulary import PHONE_KIND_LABELS, RELATIONSHIP_LABELS, phone_kind_labels
from prepplan.school.record import SchoolContact, SchoolPhone


def relationship_label(code: str) -> str:
    return str(RELATIONSHIP_LABELS.get(code, code))


def phone_kind_label(kind: str) -> str:
    return str(PHONE_KIND_LABELS.get(kind, kind))


def phone_kind_and_texts(phone: SchoolPhone) -> str:
    return str(phone_kind_labels(phone.can_receive_texts).get(phone.kind, phone.kind))


def yes_no(value: bool | None) -> str:
    if value is None:
        # Translators: a yes/no answer the family did not give.
        return str(_("Not stated"))
    return str(_("Yes") if value else _("No"))


def person_language(code: str) -> str:
    return language_name(code)


def contact_note_for_phone(contact: SchoolContact) -> str:
    """The NOTE of a contact's vCard, in the family's language."""
    parts = [relationship_label(contact.relationship)]
    if contact.priority:
        parts.append(_("Call order: %(number)d", number=contact.priority))
    parts.append(
        _("May pick up the children") if contact.may_pick_up else _("May not pick up the children")
    )
    return " · ".join(parts)
