"""The family's plan as a printed document: the plan itself, its private page and wallet cards.

The document's language is the caller's choice (the family's, or a liaison's), never the request's.
The PDF carries the plan file as an attachment, so uploading the PDF next year restores the plan.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from prepplan import phones
from prepplan.bilingual import label as bilingual_label
from prepplan.direction import isolate
from prepplan.documents.pdf import render_pdf
from prepplan.i18n import SiteLanguage, document_language, format_date
from prepplan.legal.massachusetts import paper_dates
from prepplan.plan.model import Contact, Person, Phone, Plan
from prepplan.plan.planfile import ATTACHMENT_NAME, dump_plan
from prepplan.plan.privacy import without_private
from prepplan.plan.vocabulary import DOCUMENT_KIND_LABELS, RELATIONSHIP_LABELS, phone_kind_labels
from prepplan.protocol import school_protocol

if TYPE_CHECKING:
    from prepplan.school.district import District

Paper = Literal["letter", "a4"]
PAPER_SIZES = {"letter": "letter", "a4": "A4"}
# "complete": the family's own copy, private page included. "to_give": for a caregiver, a relative
# or a school: made from the plan without its private fields, attachment included.
Copy = Literal["complete", "to_give"]
COPIES: tuple[Copy, ...] = ("complete", "to_give")

# How many people fit on a wallet card (credit-card size) with their phone numbers, and how
# long a name may be there (in Latin letters; a Chinese character counts as two).
CARD_PARENTS = 2
CARD_CONTACTS = 3
CARD_HOLDER_WIDTH = 34
CARD_NAME_WIDTH = 30
CARD_LONG_NAME_WIDTH = 56  # the lawyer's office, on two lines


# --- Values -----------------------------------------------------------------------------------


def phone_number(phone: Phone | None) -> Markup:
    """A phone number formatted for the reader, always left to right."""
    if phone is None or not (phone.e164 or phone.number):
        return Markup("")
    formatted = phones.for_reader(phones.best_form(phone.e164, phone.number), str(get_locale()))
    return isolate(formatted, "ltr", "phone-number")


def phone_kind(phone: Phone, english: bool = False) -> Markup:
    return bilingual_label(phone_kind_labels(phone.can_text), phone.kind, english=english)


def first_phone(person: Person) -> Phone | None:
    """The number to put on a wallet card: a mobile if there is one."""
    mobiles = [phone for phone in person.phones if phone.kind == "mobile"]
    candidates = mobiles or person.phones
    return candidates[0] if candidates else None


def shorten(text: str, width: int) -> str:
    """At most ``width`` columns (wide characters count two), ending in "…" when cut. Cards have
    no room for a long name, and WeasyPrint's CSS ellipsis misplaces right-to-left text."""
    used = 0
    for index, character in enumerate(text):
        used += 2 if unicodedata.east_asian_width(character) in ("W", "F") else 1
        if used > width - 1 and index < len(text) - 1:
            return text[:index].rstrip() + "…"
    return text


def review_date(made_on: date) -> date:
    """Plans are reviewed once a year."""
    try:
        return made_on.replace(year=made_on.year + 1)
    except ValueError:  # 29 February
        return made_on.replace(year=made_on.year + 1, day=28)


# --- The page frame ---------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\((page|pages)\)s")


def css_string(text: str) -> str:
    """A CSS string literal that no translation can break out of: every character that is not
    a letter, digit or space is written as a CSS escape (so no quote, backslash, ``<`` or ``}``
    ever appears as itself)."""
    escaped = "".join(
        character if character.isalnum() or character == " " else f"\\{ord(character):x} "
        for character in text
    )
    return f'"{escaped}"'


def page_counter_content(message: str) -> str:
    """``Page %(page)s of %(pages)s`` (translated) as CSS ``content``: the placeholders become
    page counters, everything else stays text."""
    parts = []
    for index, piece in enumerate(_PLACEHOLDER.split(message)):
        if index % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts) or '""'


def page_css(language: SiteLanguage, bilingual: bool, paper: Paper) -> Markup:
    """The per-document page rules: paper size, running header and the page footer."""
    page_of = _("Page %(page)s of %(pages)s")
    title = _("Family preparedness plan")
    footer = page_counter_content(page_of)
    if bilingual and language.code != "en":
        with force_locale("en"):
            page_of_en = _("Page %(page)s of %(pages)s")
            title_en = _("Family preparedness plan")
        # English on a second line. Until a catalog exists the two are the same: say it once.
        if page_of_en != page_of:
            footer = f'{footer} "\\a " {page_counter_content(page_of_en)}'
        if title_en != title:
            title = f"{title}\n{title_en}"
    # Family name at the start side of the header, the document's name at the end side.
    start, end = ("right", "left") if language.direction == "rtl" else ("left", "right")
    rules = f"""
@page {{ size: {PAPER_SIZES[paper]}; }}
@page {{
  @top-{start} {{ content: string(family-name); width: 58%; }}
  @top-{end} {{ content: {css_string(title)}; width: 40%; white-space: pre; }}
  @bottom-center {{ content: {footer}; white-space: pre; }}
}}
@page :first {{
  @top-{start} {{ content: none; }}
  @top-{end} {{ content: none; }}
}}
"""
    # Safe: every translated piece went through css_string(), which escapes all punctuation.
    return Markup(rules)  # noqa: S704


# --- Wallet cards -----------------------------------------------------------------------------


def _card_contacts(plan: Plan) -> list[Contact]:
    """Whom a wallet card says to call: the caregivers first, then the others in calling order."""
    ordered: list[Contact] = []
    for contact in (plan.primary_caregiver, plan.backup_caregiver, *plan.contacts):
        if contact is not None and contact not in ordered:
            ordered.append(contact)
    return ordered[:CARD_CONTACTS]


# --- Rendering --------------------------------------------------------------------------------


def district_phone(e164: str) -> Markup:
    """A district office's number, formatted for the reader like the family's numbers."""
    return phone_number(Phone(number=e164, e164=e164)) if e164 else Markup("")


def _context(
    plan: Plan,
    language: SiteLanguage,
    bilingual: bool,
    paper: Paper,
    district: District | None = None,
) -> dict[str, Any]:
    made_on = plan.made_on or date.today()
    help_contacts = [
        (key, contact)
        for key, contact in (
            ("lawyer", plan.help.lawyer),
            ("consulate", plan.help.consulate),
            ("community_org", plan.help.community_org),
        )
        if contact.name or contact.phone
    ]
    guardians_with_a_number = [g for g in plan.guardians if g.a_number]
    return {
        "plan": plan,
        "language": language,
        "bilingual": bilingual and language.code != "en",
        "paper": paper,
        "page_css": page_css(language, bilingual, paper),
        "made_on": made_on,
        "review_by": review_date(made_on),
        "primary": plan.primary_caregiver,
        "backup": plan.backup_caregiver,
        "documents": [d for d in plan.documents if d.where or d.copies_with],
        "help_contacts": help_contacts,
        "guardians_with_a_number": guardians_with_a_number,
        "has_private": bool(guardians_with_a_number or plan.family_code_word),
        "card_parents": [g for g in plan.guardians if g.phones][:CARD_PARENTS],
        # A dot between names, not "and": the same in every language and script.
        "children_names": " · ".join(
            child.given_name or child.full_name
            for child in plan.children
            if child.given_name or child.full_name
        ),
        "card_contacts": _card_contacts(plan),
        # What the district promises (or Massachusetts guidance without a district file).
        "school_protocol": school_protocol(
            district.name if district else None, district.protocol if district else None
        ),
        "district_phone": district_phone,
        "legal_papers": paper_dates(plan.legal),
        # Helpers: the template gets plain data and these pure functions, nothing else.
        "date": lambda value: format_date(value, "long", language.code),
        "phone_number": phone_number,
        "phone_kind": phone_kind,
        "first_phone": first_phone,
        "card_holder": lambda name: shorten(name, CARD_HOLDER_WIDTH),
        "card_name": lambda name: shorten(name, CARD_NAME_WIDTH),
        "card_long_name": lambda name: shorten(name, CARD_LONG_NAME_WIDTH),
        "relationship": lambda code, english=False: bilingual_label(
            RELATIONSHIP_LABELS, code, english
        ),
        "document_kind": lambda code, english=False: bilingual_label(
            DOCUMENT_KIND_LABELS, code, english
        ),
    }


def render_plan_html(
    plan: Plan,
    *,
    language: str,
    bilingual: bool = False,
    paper: Paper = "letter",
    copy: Copy = "complete",
    district: District | None = None,
) -> str:
    """The plan as HTML for the PDF, in ``language`` (a site language code or slug), with
    ``district``'s protocol (None: what Massachusetts guidance asks of schools)."""
    if paper not in PAPER_SIZES:
        raise ValueError("paper must be 'letter' or 'a4'")
    if copy not in COPIES:
        raise ValueError("copy must be 'complete' or 'to_give'")
    if copy == "to_give":
        plan = without_private(plan)
    with document_language(language) as site_language:
        template = current_app.jinja_env.get_template("documents/plan.html")
        context = _context(plan, site_language, bilingual, paper, district)
        return template.render(context, copy_to_give=copy == "to_give")


def render_plan_pdf(
    plan: Plan,
    *,
    language: str,
    bilingual: bool = False,
    paper: Paper = "letter",
    copy: Copy = "complete",
    district: District | None = None,
) -> bytes:
    """The plan PDF, carrying the plan file so that uploading the PDF restores the plan. A copy
    to give carries the plan file without its private items."""
    if copy == "to_give":
        plan = without_private(plan)
    html = render_plan_html(
        plan, language=language, bilingual=bilingual, paper=paper, copy=copy, district=district
    )
    with document_language(language):
        description = _(
            "Your plan file. To update your plan next year, upload this PDF on the plan website."
        )
    return render_pdf(html, attachments=[(dump_plan(plan), ATTACHMENT_NAME, description)])
