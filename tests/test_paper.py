"""Blank paper in every language: the plan and the school form to write on by hand, and the same
as fillable PDFs that a family fills offline in a PDF reader."""

from __future__ import annotations

import io
import unicodedata
from functools import cache

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter

from prepplan import create_app
from prepplan.documents.paper import (
    BLANK_CHILDREN,
    BLANK_CONTACTS,
    BLANK_SCHOOL_CONTACTS,
    field_title,
    render_blank_html,
    render_blank_pdf,
)
from prepplan.i18n import SITE_LANGUAGES

LANGUAGES = [language.code for language in SITE_LANGUAGES]
LETTER = (612, 792)
A4 = (595.28, 841.89)


@cache
def paper_app():
    return create_app({"WTF_CSRF_ENABLED": False}, serving=False)


@cache
def blank(kind: str, language: str, fillable: bool, paper: str = "letter") -> bytes:
    """Each PDF is rendered once for the whole module: WeasyPrint is slow, the machine shared."""
    with paper_app().app_context():
        return render_blank_pdf(kind, language=language, fillable=fillable, paper=paper)


def fields(pdf: bytes) -> dict:
    return PdfReader(io.BytesIO(pdf)).get_fields() or {}


def text_field_alignments(pdf: bytes) -> set:
    return {
        annotation.get_object().get("/Q")
        for page in PdfReader(io.BytesIO(pdf)).pages
        for annotation in page.get("/Annots") or []
        if annotation.get_object().get("/FT") == "/Tx"
    }


def text(pdf: bytes) -> str:
    return " ".join(
        " ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
        for page in PdfReader(io.BytesIO(pdf)).pages
    )


def has_words(extracted: str, expected: str) -> bool:
    """Word by word: right-to-left extraction may move a dash or a number within a line."""
    expected = unicodedata.normalize("NFKC", expected)
    return all(word in extracted for word in expected.split() if word != "—")


def translated(language: str, message: str, **variables) -> str:
    with paper_app().test_request_context(), force_locale(language):
        return _(message, **variables)


def title(language: str, group: str, label: str, **variables) -> str:
    with paper_app().test_request_context(), force_locale(language):
        return field_title(_(group, **variables), _(label))


@pytest.mark.parametrize("language", LANGUAGES)
def test_blank_plan_has_every_section_in_the_language(language):
    pdf = blank("plan", language, False)
    words = text(pdf)
    for heading in (
        "Our family and whom to call",
        "Emergency contacts: call in this order",
        "For the caregiver",
        "Important papers",
        "Private — only in your copy",
        "Signatures",
        "Wallet cards",
    ):
        assert has_words(words, translated(language, heading)), heading
    assert has_words(words, translated(language, "Child %(number)d", number=BLANK_CHILDREN))
    # Wallet cards carry English beneath, for a teacher or an officer.
    assert "Emergency card" in words and "If you cannot reach my parents, call" in words
    # Paper to write on, not a form: no field.
    assert fields(pdf) == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_fillable_plan_fields_are_named_and_labelled_in_the_language(language):
    found = fields(blank("plan", language, True))
    for number in range(1, BLANK_CONTACTS + 1):
        assert f"contact-{number}-name" in found
        assert found[f"contact-{number}-may-pick-up"]["/FT"] == "/Btn"
    assert found["child-1-allergies"]["/FT"] == "/Tx"
    assert found[f"child-{BLANK_CHILDREN}-date-of-birth"]["/FT"] == "/Tx"
    assert found["family-code-word"]["/TU"] == translated(language, "Family code word")
    assert found["child-1-allergies"]["/TU"] == title(
        language, "Child %(number)d", "Allergies", number=1
    )
    assert found["contact-2-may-pick-up"]["/TU"] == title(
        language, "Emergency contact %(number)d", "May pick up the children", number=2
    )
    if language != "en":
        english = title("en", "Child %(number)d", "Allergies", number=1)
        assert found["child-1-allergies"]["/TU"] != english
    # Every field has a name a program can use and a label a person can read.
    assert all(name.isascii() and " " not in name for name in found)
    assert all(field.get("/TU") for field in found.values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_fillable_school_form_asks_only_contacts_and_pickup(language):
    found = fields(blank("school-form", language, True))
    assert {f"contact-{n}-may-pick-up" for n in range(1, BLANK_SCHOOL_CONTACTS + 1)} <= set(found)
    assert found["student-name"]["/TU"] == translated(language, "Student name")
    words = text(blank("school-form", language, True))
    assert "School emergency contact update" in words  # English for the office
    assert translated(language, "School emergency contact update") in words
    for never in ("A-number", "Consulate", "Lawyer", "immigration", "Immigration"):
        assert not any(never in name for name in found)
        assert never not in words


@pytest.mark.parametrize("language", ["es", "ar", "zh_Hans"])
def test_filled_values_read_back(language):
    reader = PdfReader(io.BytesIO(blank("plan", language, True)))
    writer = PdfWriter(clone_from=reader)
    values = {
        "family-name": "Ramírez Ortega",
        "child-1-allergies": "Cacahuetes\nEpiPen",
        "contact-1-name": "فاطمة Haddad",
        "help-lawyer-phone": "+1 508 555 0100",
        "family-code-word": "阳光",
    }
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    writer.update_page_form_field_values(
        None, {"contact-1-may-pick-up": "/on"}, auto_regenerate=False
    )
    filled = io.BytesIO()
    writer.write(filled)
    back = fields(filled.getvalue())
    assert {name: back[name]["/V"] for name in values} == values
    assert back["contact-1-may-pick-up"]["/V"] == "/on"
    assert back["contact-2-may-pick-up"]["/V"] == "/Off"


def test_arabic_paper_reads_right_to_left():
    with paper_app().app_context():
        html = render_blank_html("plan", language="ar")
    assert '<html lang="ar" dir="rtl">' in html
    # Text fields start at the right edge (/Q 2); other languages keep the default (left).
    assert text_field_alignments(blank("plan", "ar", True)) == {2}
    assert text_field_alignments(blank("plan", "es", True)) == {None}
    # The first heading sits on the right half of the page.
    reader = PdfReader(io.BytesIO(blank("plan", "ar", False)))
    heading = translated("ar", "Our family and whom to call")
    positions = []

    def visit(piece, cm, tm, font_dict, font_size):
        if len(piece.strip()) > 3 and piece.strip() in heading:
            positions.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    reader.pages[1].extract_text(visitor_text=visit)
    assert positions and min(positions) > LETTER[0] / 2


@pytest.mark.parametrize(("paper", "size"), [("letter", LETTER), ("a4", A4)])
def test_letter_and_a4(paper, size):
    for kind in ("plan", "school-form"):
        reader = PdfReader(io.BytesIO(blank(kind, "ht", False, paper)))
        box = reader.pages[0].mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(size, abs=0.5)


def test_fillable_chinese_stays_small():
    """A form field embeds its font whole: the fields must not pull in the 16 MB CJK font."""
    assert len(blank("plan", "zh_Hans", True)) < 3_000_000
