"""Phone numbers, in one place: read as people type them, checked, kept in E.164, written for
each reader (a page or PDF in the family's language, an office CSV, a vCard).

The plan keeps both what the family typed and the E.164 form (plan.model.Phone); everything
downstream writes the E.164 form when there is one, and what was typed otherwise.
"""

from __future__ import annotations

import phonenumbers
from flask_babel import get_locale
from markupsafe import Markup

from prepplan.plan.model import Phone, readable_phone


def to_e164(typed: str) -> str:
    """The E.164 form ("+15085550142"), or "" when the number cannot be read. The reading itself
    lives with the plan model, which refuses what cannot be read from any source."""
    return readable_phone(typed)


def is_valid(typed: str) -> bool:
    return bool(readable_phone(typed))


def phone_from_typed(
    typed: str | None, kind: str = "mobile", can_text: bool = False
) -> Phone | None:
    """The plan's Phone for what the family typed; None for an empty box."""
    typed = (typed or "").strip()
    if not typed:
        return None
    return Phone(number=typed, e164=to_e164(typed), kind=kind, can_text=can_text)


def best_form(e164: str, typed: str) -> str:
    """What to write down: the E.164 form when the number could be read, else what was typed."""
    return e164 or typed


def for_reader(e164_or_typed: str, language: str | None = None) -> str:
    """A phone number as its reader expects it: US numbers in national form for readers of
    English and Spanish, international form otherwise (it reads the same in every country)."""
    try:
        number = phonenumbers.parse(e164_or_typed, "US")
    except phonenumbers.NumberParseException:
        return e164_or_typed
    if not phonenumbers.is_valid_number(number):
        return e164_or_typed
    reader = language or str(get_locale() or "en")
    if number.country_code == 1 and reader.split("_")[0] in ("en", "es"):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def kept_whole(number: str) -> Markup:
    """A phone number for a web page: it moves to the next line whole, and only when one line
    cannot hold it (200% text on a 320 px screen) does it wrap, between its groups, never inside
    one. Left alone, Chromium broke "+1 508-555-0100" after a hyphen on the Arabic check page."""
    groups = (Markup('<span class="unbroken">{}</span>').format(g) for g in number.split(" "))
    return Markup('<span class="phone-number">{}</span>').format(Markup(" ").join(groups))


def export_cell(e164: str, typed: str) -> str:
    """A number for an office system's CSV import: E.164 ("+15085550142") when the number could
    be read, one form every system accepts, with the country code a family abroad needs; else as
    typed. A number is never taken for a formula (school/exports.py neutralises formulas only)."""
    return best_form(e164, typed)


def vcard_value(e164: str, typed: str) -> str:
    """A vCard TEL value: E.164 dials from any phone in any country."""
    return best_form(e164, typed)
