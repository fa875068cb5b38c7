"""The caregiver papers as PDFs: the signed English text first (on the left), the family's
language beside it, signature blocks, the notary certificate, a signing checklist and a
revocation form. Rendered from the plan alone through the one WeasyPrint helper.

A blank paper (``blank=True``) carries no family data at all: every name, date and address is a
line to write on, for families who fill the papers in by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from prepplan import phones
from prepplan.direction import isolate
from prepplan.documents.pdf import PRINT_STYLESHEETS, render_pdf
from prepplan.documents.plan_pdf import css_string, page_counter_content, review_date
from prepplan.i18n import SiteLanguage, document_language, format_date
from prepplan.legal import massachusetts as ma
from prepplan.legal.notaries import Notary
from prepplan.plan.model import Address, Child, Contact, Plan
from prepplan.plan.vocabulary import RELATIONSHIP_LABELS

LEGAL_STYLESHEETS = (*PRINT_STYLESHEETS, "print/legal.css")
BLANK_CHILD_ROWS = 4


@dataclass(frozen=True)
class Paper:
    """One paper to sign: one caregiver (or agent), the children it covers, its dates."""

    form: str
    caregiver: Contact | None
    children: tuple[Child, ...]
    starts: date | None
    ends: date | None


def papers_for(plan: Plan, form: str, *, blank: bool = False) -> list[Paper]:
    """One paper per caregiver named in the plan's legal part, covering all the children
    (c.201F: one affidavit per caregiver). A blank form is one paper with nothing filled in."""
    if blank:
        return [Paper(form, None, (), None, None)]
    starts = plan.legal.affidavit_starts if form == ma.AFFIDAVIT else plan.legal.agent_starts
    ends = ma.expiry(form, starts) if starts else None
    caregivers: Sequence[Contact | None] = plan.legal_caregivers or [None]
    return [Paper(form, caregiver, tuple(plan.children), starts, ends) for caregiver in caregivers]


def caregiver_address(contact: Contact | None) -> Address | None:
    """The caregiver's address, once contacts carry one (the flow redesign adds it); until
    then the paper leaves a line to write it on."""
    address = getattr(contact, "address", None)
    return address if isinstance(address, Address) and not address.is_empty else None


def copies_to(plan: Plan) -> list[str]:
    """Who should get a copy of the papers (c.201F s.5: amendments and revocations go to every
    one of them): the children's schools, doctors and dentists, without repeats."""
    found: list[str] = []
    for child in plan.children:
        for name in (child.school, child.doctor_name, child.dentist_name):
            if name and name not in found:
                found.append(name)
    return found


def _signed(message: object) -> str:
    """A clause as it is signed: in English, whatever the document's language."""
    with force_locale("en"):
        return str(message)


def english_first(message: str, **variables: object) -> Markup:
    """``both()`` for the papers: the English first, the translation after it. Templates here
    get it as ``both``, so messages are extracted as usual."""
    with force_locale("en"):
        source = escape(_(message, **variables))
    translated = escape(_(message, **variables))
    if translated == source:
        return Markup(source)  # noqa: S704 (escaped above)
    language = get_locale()
    direction = "rtl" if language and language.character_order == "right-to-left" else "ltr"
    pair = (
        '<span class="en-first" lang="en" dir="ltr">{}</span> '
        '<span class="tr-after" lang="{}" dir="{}">{}</span>'
    )
    tag = str(language).replace("_", "-")
    return Markup(pair).format(source, tag, direction, translated)  # noqa: S704 (escaped above)


def _page_css(language: SiteLanguage, title_en: str) -> Markup:
    page_of = _("Page %(page)s of %(pages)s")
    with force_locale("en"):
        page_of_en = _("Page %(page)s of %(pages)s")
    footer = page_counter_content(page_of_en)
    if page_of != page_of_en:
        footer = f'{footer} "   " {page_counter_content(page_of)}'
    review = f"Reviewed by a lawyer: {ma.LAWYER_REVIEW}. Text of {ma.VERSION}."
    rules = f"""
@page {{
  size: letter;
  @top-left {{ content: {css_string(title_en)}; width: 48%; }}
  @top-right {{ content: {css_string(review)}; width: 50%; }}
  @bottom-center {{ content: {footer}; white-space: pre; }}
}}
"""
    # Safe: every piece of text went through css_string(), which escapes all punctuation.
    return Markup(rules)  # noqa: S704


def _context(
    plan: Plan, form: str, language: SiteLanguage, blank: bool, notaries: list[Notary]
) -> dict[str, object]:
    title = ma.AFFIDAVIT_TITLE if form == ma.AFFIDAVIT else ma.AGENT_TITLE
    clauses = (
        ma.affidavit_clauses(plan.legal.authority) if form == ma.AFFIDAVIT else ma.AGENT_CLAUSES
    )
    translated = language.code != "en"

    def date_en(value: date | None) -> str:
        return format_date(value, "long", "en") if value else ""

    def date_tr(value: date | None) -> str:
        return format_date(value, "long", language.code) if value and translated else ""

    def relationship(code: str) -> tuple[str, str]:
        label = RELATIONSHIP_LABELS.get(code)
        return (_signed(label), str(label) if translated else "") if label else (code, "")

    def phone(contact: Contact | None) -> Markup:
        number = contact.phones[0] if contact and contact.phones else None
        if number is None:
            return Markup("")
        formatted = phones.for_reader(number.e164 or number.number, "en")
        return Markup('<span dir="ltr" class="ltr phone-number">{}</span>').format(formatted)

    def pair(message: object) -> dict[str, str]:
        """A piece of signed text: the English, and the translation beside it."""
        return {"en": _signed(message), "tr": str(message) if translated else ""}

    guardians = [] if blank else list(plan.guardians)
    other_parent = "" if blank else plan.legal.other_parent
    made_on = plan.made_on or date.today()
    return {
        "plan": plan,
        "form": form,
        "is_affidavit": form == ma.AFFIDAVIT,
        "blank": blank,
        "language": language,
        "translated": translated,
        "title": pair(title),
        "page_css": _page_css(language, _signed(title)),
        "papers": papers_for(plan, form, blank=blank),
        "clauses": [dict(pair(clause.text), cite=clause.cite) for clause in clauses],
        "caregiver_acknowledgment": pair(ma.AFFIDAVIT_CAREGIVER_ACKNOWLEDGMENT.text),
        "affidavit_witnesses": pair(ma.AFFIDAVIT_WITNESSES.text),
        "agent_acceptance": pair(ma.AGENT_ACCEPTANCE.text),
        "agent_witnesses": pair(ma.AGENT_WITNESSES.text),
        "other_parent_consent": pair(ma.AGENT_OTHER_PARENT_CONSENT.text),
        "revocation": dict(pair(ma.REVOCATION.text), cite=""),
        "authority_label": pair(ma.AUTHORITY_LABELS[plan.legal.authority]),
        "no_limits": pair(ma.NO_LIMITS),
        # The consent block is printed unless the family said no such parent can consent.
        "needs_other_parent": other_parent in ("", "will_consent"),
        "guardians": guardians,
        "parent_address": None if blank or plan.home_address.is_empty else plan.home_address,
        "limits": "" if blank else plan.legal.limits,
        "authority": "both" if blank else plan.legal.authority,
        "notary_certificate": ma.NOTARY_JURAT if form == ma.AFFIDAVIT else ma.NOTARY_ACKNOWLEDGMENT,
        "copies_to": [] if blank else copies_to(plan),
        "notaries": notaries,
        "free_legal_help": ma.FREE_LEGAL_HELP,
        "sources": ma.SOURCES,
        "version": ma.VERSION,
        "lawyer_review": ma.LAWYER_REVIEW,
        "review_by": None if blank else review_date(made_on),
        "blank_child_rows": range(BLANK_CHILD_ROWS),
        # Helpers: pure functions of plain data.
        "both": english_first,
        "pair": pair,
        "signed": _signed,
        "date_en": date_en,
        "date_tr": date_tr,
        "relationship": relationship,
        "phone": phone,
        "caregiver_address": caregiver_address,
        "isolated": isolate,
        "escape": escape,
    }


def render_legal_html(
    plan: Plan,
    form: str,
    *,
    language: str,
    blank: bool = False,
    notaries: list[Notary] | None = None,
) -> str:
    """A caregiver paper as HTML: ``form`` is a code of ``massachusetts.FORMS``."""
    if form not in ma.FORMS:
        raise ValueError(f"unknown form {form!r}")
    with document_language(language) as site_language:
        template = current_app.jinja_env.get_template("documents/legal/paper.html")
        return template.render(_context(plan, form, site_language, blank, notaries or []))


def render_legal_pdf(
    plan: Plan,
    form: str,
    *,
    language: str,
    blank: bool = False,
    notaries: list[Notary] | None = None,
) -> bytes:
    html = render_legal_html(plan, form, language=language, blank=blank, notaries=notaries)
    return render_pdf(html, stylesheets=LEGAL_STYLESHEETS)
