"""What a family's school district promises to do, in the family's language.

A district chooses its commitments from the statements below (by code, in its district file,
parsed by school/district.py); prepplan carries the translations, so no commitment reaches a
family in a language it cannot read. Without a district file the family sees what the
Massachusetts Attorney General's guidance to schools asks of them, said to be guidance.

Everything here is plain data for templates: the flow's page (flow/protocol_views.py), the plan
PDF's section and the wallet cards render the same ``SchoolProtocol``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from prepplan.direction import isolate
from prepplan.i18n import format_date
from prepplan.i18n import lazy_gettext as _l

# The statements prepplan knows, by the code a district file uses. Each is one sentence that is
# true of the district that chooses it; "update_contacts" is written out with the district's
# portal and office (see _update_contacts).
STATEMENTS: dict[str, object] = {
    "judicial_warrant": _l(
        "No immigration agent enters a school without a criminal judicial warrant signed by "
        "a judge."
    ),
    "warrants_to_counsel": _l(
        "Any warrant shown at a school goes to the district's lawyers before anyone acts on it."
    ),
    "bus_keeps_students": _l(
        "If a bus driver sees immigration agents at a bus stop, every student stays on the bus "
        "and the driver calls the transportation office."
    ),
    "release_to_authorized": _l(
        "A school releases a student only to adults that a parent or guardian has named in writing."
    ),
    "no_status_collected": _l(
        "Schools do not ask about immigration status and keep no record of it."
    ),
    "records_need_consent": _l(
        "Student records are shared only with a court order or a parent's written consent."
    ),
    "equal_access": _l("Every child may go to public school, whatever their immigration status."),
    "agents_need_consent_or_warrant": _l(
        "An immigration agent needs a parent's consent or a judicial warrant to speak with a "
        "student."
    ),
    "parents_told": _l(
        "If an immigration agent asks for a student, the school tells the principal and the "
        "student's parents right away."
    ),
    "update_contacts": _l("To change your emergency contacts, ask your child's school."),
}
COMMITMENT_CODES = tuple(STATEMENTS)

# Massachusetts, when no district file says more: the Attorney General's guidance to K-12
# schools (January 2025). Only what that guidance says, and called guidance, not a promise.
FALLBACK_CODES = (
    "equal_access",
    "no_status_collected",
    "records_need_consent",
    "agents_need_consent_or_warrant",
    "parents_told",
)

PHONE_LABELS = {
    "transportation": _l("Transportation office"),
    "family_liaison": _l("Family liaison office"),
}
# The district number on a child's wallet card: the office a caregiver or a school would call
# about releasing a child; the transportation office when that is the only number.
CARD_PHONE_ORDER = ("family_liaison", "transportation")


@dataclass(frozen=True)
class LocalText:
    """A district's own words: English, and whichever site languages the district translated."""

    english: str
    translations: Mapping[str, str] = field(default_factory=dict)

    def in_language(self, code: str) -> tuple[str, bool]:
        """The text for a reader of ``code``, and whether it is the English stand-in."""
        if code == "en":
            return self.english, False
        translated = self.translations.get(code, "")
        return (translated, False) if translated else (self.english, True)


@dataclass(frozen=True)
class Protocol:
    """The district file's [protocol] section, checked (school/district.py)."""

    commitments: tuple[str, ...]
    phones: Mapping[str, str] = field(default_factory=dict)  # PHONE_LABELS key -> E.164
    letter_date: date | None = None
    letter_url: str = ""
    contact_portal: str = ""  # a name, kept as written ("Aspen Family Portal")
    contact_office: str = ""  # likewise ("Parent Information Center, 768 Main Street")
    additions: tuple[LocalText, ...] = ()


@dataclass(frozen=True)
class Addition:
    text: str
    in_english: bool  # shown in English with a note: the district did not translate it


@dataclass(frozen=True)
class SchoolProtocol:
    """Everything a page, the PDF and the cards show, translated for the current locale."""

    from_district: bool
    district_name: str
    intro: Markup
    commitments: tuple[Markup, ...]
    additions: tuple[Addition, ...]
    phones: tuple[tuple[str, str], ...]  # (translated label, E.164)
    letter_url: str
    closing: str
    for_family: tuple[str, ...]
    card_release_line: bool  # the wallet cards say whom the school releases a child to
    card_phone: str


def _with_names(message: str, **names: str | Markup) -> Markup:
    """A translated sentence with names put in: a name as written (Latin) is kept left to right
    inside Arabic; markup (a date already in the reader's language) goes in as it is."""
    return escape(message) % {
        key: value if isinstance(value, Markup) else isolate(value, "ltr")
        for key, value in names.items()
    }


def _update_contacts(protocol: Protocol) -> Markup:
    portal, office = protocol.contact_portal, protocol.contact_office
    if portal and office:
        return _with_names(
            _(
                "To change your emergency contacts, use %(portal)s or go to this office: "
                "%(office)s."
            ),
            portal=portal,
            office=office,
        )
    if portal:
        return _with_names(_("To change your emergency contacts, use %(portal)s."), portal=portal)
    if office:
        return _with_names(
            _("To change your emergency contacts, go to this office: %(office)s."), office=office
        )
    return escape(str(STATEMENTS["update_contacts"]))


def _statement(code: str, protocol: Protocol | None) -> Markup:
    if code == "update_contacts" and protocol is not None:
        return _update_contacts(protocol)
    return escape(str(STATEMENTS[code]))


def _for_family(commitments: tuple[str, ...], from_district: bool) -> tuple[str, ...]:
    steps = []
    if "release_to_authorized" in commitments:
        steps.append(
            _(
                "The school gives your children only to people on its list. Put every "
                "person who may pick up your children on that list: the school update at "
                "the end of this plan does it."
            )
        )
    else:
        steps.append(
            _(
                "Put every person who may pick up your children on the school's list: "
                "the school update at the end of this plan does it."
            )
        )
    steps.append(
        _("Tell your caregiver what the school will do, and give them these phone numbers.")
        if from_district
        else _("Tell your caregiver what the school will do once you know it.")
    )
    if "bus_keeps_students" in commitments:
        steps.append(
            _(
                "Teach your children: if something happens at the bus stop, the driver "
                "keeps everyone on the bus, and they stay on it."
            )
        )
    return tuple(steps)


def school_protocol(district_name: str | None, protocol: Protocol | None) -> SchoolProtocol:
    """The district's protocol (or the Massachusetts guidance) in the current locale."""
    code = str(get_locale() or "en")
    if protocol is None or not district_name:
        return SchoolProtocol(
            from_district=False,
            district_name="",
            intro=escape(
                _("The Massachusetts Attorney General's guidance to schools (January 2025) says:")
            ),
            commitments=tuple(_statement(c, None) for c in FALLBACK_CODES),
            additions=(),
            phones=(),
            letter_url="",
            closing=_(
                "This is guidance, not a promise from your school. Ask your child's school "
                "what it will do."
            ),
            for_family=_for_family((), from_district=False),
            card_release_line=False,
            card_phone="",
        )
    if protocol.letter_date:
        intro = _with_names(
            _("%(district)s wrote to families on %(date)s. It promises:"),
            district=district_name,
            date=escape(format_date(protocol.letter_date, "long", code)),
        )
    else:
        intro = _with_names(_("%(district)s promises families:"), district=district_name)
    additions = tuple(Addition(*text.in_language(code)) for text in protocol.additions)
    card_phone = next(
        (protocol.phones[key] for key in CARD_PHONE_ORDER if protocol.phones.get(key)), ""
    )
    return SchoolProtocol(
        from_district=True,
        district_name=district_name,
        intro=intro,
        commitments=tuple(_statement(c, protocol) for c in protocol.commitments),
        additions=additions,
        phones=tuple(
            (str(PHONE_LABELS[key]), number) for key, number in protocol.phones.items() if number
        ),
        letter_url=protocol.letter_url,
        closing="",
        for_family=_for_family(protocol.commitments, from_district=True),
        card_release_line="release_to_authorized" in protocol.commitments,
        card_phone=card_phone,
    )
