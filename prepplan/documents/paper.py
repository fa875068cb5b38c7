"""Blank paper in every language: the plan and the school contact form with nothing filled in,
for families who will not type into any website, and the same as a fillable PDF (AcroForm fields)
that a phone's or computer's PDF reader fills offline, so nothing reaches a server.

Both go through the one WeasyPrint helper and the shared print stylesheet; nothing here reads a
request or a plan. Field names are stable ASCII (``child-1-allergies``) so a filled copy can be
read back by a program; each field's /TU (the name a reader and a screen reader show) is the
translated label.
"""

from __future__ import annotations

import io
from typing import Literal

from flask import current_app
from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, NumberObject

from prepplan.documents.pdf import PRINT_STYLESHEETS, render_pdf
from prepplan.documents.plan_pdf import PAPER_SIZES, Paper, page_css
from prepplan.i18n import SiteLanguage, document_language
from prepplan.plan.vocabulary import DOCUMENT_KIND_LABELS

PaperKind = Literal["plan", "school-form"]
PAPER_STYLESHEETS = (*PRINT_STYLESHEETS, "print/paper.css")

# How many of each repeated group a blank plan prints. A family with more children copies a
# child's page; the numbers match the wallet cards on one sheet.
BLANK_GUARDIANS = 2
BLANK_CONTACTS = 4
BLANK_CHILDREN = 2
BLANK_CARD_CHILDREN = 2
BLANK_CARD_ADULTS = 2
BLANK_SCHOOL_CONTACTS = 4
BLANK_REMOVALS = 1

# PDF text field quadding (/Q): 2 is right-aligned, where an Arabic answer starts.
_QUADDING_RIGHT = 2


def field_title(group: str, label: str) -> str:
    """The name a PDF reader shows for a field in a repeated group ("Child 1: Allergies")."""
    # Translators: the name of one fillable field in a PDF form: a group (a child, a contact)
    # and the field's label, e.g. "Child 1: Allergies".
    return str(_("%(group)s: %(field)s", group=group, field=label))


def _context(language: SiteLanguage, paper: Paper, fillable: bool) -> dict[str, object]:
    return {
        "language": language,
        "paper": paper,
        "fillable": fillable,
        "bilingual": False,
        "page_css": page_css(language, False, paper),
        "field_title": field_title,
        "guardians": range(1, BLANK_GUARDIANS + 1),
        "contacts": range(1, BLANK_CONTACTS + 1),
        "children": range(1, BLANK_CHILDREN + 1),
        "card_children": range(1, BLANK_CARD_CHILDREN + 1),
        "card_adults": range(1, BLANK_CARD_ADULTS + 1),
        "school_contacts": range(1, BLANK_SCHOOL_CONTACTS + 1),
        "removals": range(1, BLANK_REMOVALS + 1),
        "document_kinds": [
            (code.replace("_", "-"), label) for code, label in DOCUMENT_KIND_LABELS.items()
        ],
    }


TEMPLATES = {
    "plan": "documents/paper/blank_plan.html",
    "school-form": "documents/paper/blank_school_form.html",
}


def render_blank_html(
    kind: PaperKind, *, language: str, paper: Paper = "letter", fillable: bool = False
) -> str:
    """A blank plan or school form as HTML, in ``language`` (a site language code or slug)."""
    if paper not in PAPER_SIZES:
        raise ValueError("paper must be 'letter' or 'a4'")
    with document_language(language) as site_language:
        template = current_app.jinja_env.get_template(TEMPLATES[kind])
        return template.render(_context(site_language, paper, fillable))


def render_blank_pdf(
    kind: PaperKind, *, language: str, paper: Paper = "letter", fillable: bool = False
) -> bytes:
    """A blank plan or school form to print, or (``fillable``) to fill in a PDF reader."""
    html = render_blank_html(kind, language=language, paper=paper, fillable=fillable)
    pdf = render_pdf(html, stylesheets=PAPER_STYLESHEETS, forms=fillable)
    with document_language(language) as site_language:
        if fillable and site_language.direction == "rtl":
            pdf = _align_fields_right(pdf)
    return pdf


def _align_fields_right(pdf: bytes) -> bytes:
    """Right-to-left text fields: WeasyPrint leaves /Q unset (left), so an Arabic answer would
    start at the wrong edge."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        for annotation in page.get("/Annots") or []:
            field = annotation.get_object()
            if field.get("/FT") == "/Tx":
                field[NameObject("/Q")] = NumberObject(_QUADDING_RIGHT)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
