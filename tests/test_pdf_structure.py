"""The PDFs' structure, as a screen reader meets it: table headers with a scope, English read in
English inside another language, links that say where they go, and the document's language.

Checked with pikepdf on the real PDFs in all eight languages (PDF/UA, Matterhorn 15-003, 11-006).
"""

from __future__ import annotations

import io
import re

import pikepdf
import pytest

from prepplan.documents.plan_pdf import render_plan_html, render_plan_pdf
from prepplan.i18n import SITE_LANGUAGES


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/Type") == "/StructElem" or "/S" in node:
                found.append(node)
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                    walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def scope_of(element: pikepdf.Dictionary) -> str | None:
    attributes = element.get("/A")
    for entry in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        if isinstance(entry, pikepdf.Dictionary) and "/Scope" in entry:
            return str(entry.Scope)
    return None


def link_annotations(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return [
        annotation
        for page in pdf.pages
        for annotation in page.get("/Annots", [])
        if annotation.get("/Subtype") == "/Link"
    ]


@pytest.mark.parametrize("language", SITE_LANGUAGES, ids=lambda lang: lang.code)
def test_plan_pdf_structure_serves_a_screen_reader(app, example_plan, language):
    with app.app_context():
        html = render_plan_html(example_plan, language=language.code, bilingual=True)
        pdf = pikepdf.open(
            io.BytesIO(render_plan_pdf(example_plan, language=language.code, bilingual=True))
        )
    assert str(pdf.Root.Lang) == language.html_lang
    elements = struct_elements(pdf)

    headers = [e for e in elements if e.get("/S") == "/TH"]
    assert headers, "the plan's tables have header cells"
    assert [scope_of(e) for e in headers if scope_of(e) is None] == []
    # Row headers (scope="row" in the HTML) stay row headers.
    assert {scope_of(e) for e in headers} == {"/Row", "/Column"}

    # Every element the HTML marks as English carries the language in the PDF (wallet cards are
    # bilingual in every language, so English appears even in an English-only plan's cards).
    english_in_html = len(re.findall(r'<span[^>]*\blang="en"', html))
    english_in_pdf = sum(1 for e in elements if str(e.get("/Lang", "")) == "en")
    if language.code != "en":
        assert english_in_html > 0
        assert english_in_pdf >= english_in_html

    # A link says what it opens, in words, not as an anchor id.
    links = link_annotations(pdf)
    assert links
    for annotation in links:
        contents = str(annotation.get("/Contents", ""))
        assert contents.strip() and contents != str(annotation.get("/Dest", "")), contents


def test_headers_get_the_scope_their_html_gives(app, example_plan):
    """The control: a header without scope in a <thead> is a column header, scope="row" a row."""
    with app.app_context():
        pdf = pikepdf.open(io.BytesIO(render_plan_pdf(example_plan, language="en")))
    scopes = [scope_of(e) for e in struct_elements(pdf) if e.get("/S") == "/TH"]
    assert scopes.count("/Row") > 5 and scopes.count("/Column") > 5


@pytest.mark.parametrize("language", SITE_LANGUAGES, ids=lambda lang: lang.code)
def test_school_form_is_english_with_the_family_language_marked(app, example_plan, language):
    """The school form is an English office form: /Lang en, and each line in the family's
    language carries its own language (and direction), so a screen reader switches voice."""
    from prepplan.school.printable import render_school_form, render_school_form_html
    from prepplan.school.record import school_updates_from_plan

    updates = school_updates_from_plan(
        example_plan, submitted_by="María", family_language=language.code
    )
    with app.test_request_context("/"):
        html = render_school_form_html(updates)
        pdf = pikepdf.open(io.BytesIO(render_school_form(updates)))
    assert str(pdf.Root.Lang) == "en"
    if language.code == "en":
        return
    family_spans = re.findall(rf'<span class="tr" lang="{language.html_lang}" dir="(\w+)"', html)
    assert len(family_spans) > 20, "the family's language is marked beside the English"
    assert set(family_spans) == {language.direction}
    marked_in_pdf = sum(
        1 for e in struct_elements(pdf) if str(e.get("/Lang", "")) == language.html_lang
    )
    assert marked_in_pdf >= len(family_spans)
