"""The printed plan: what a family reads on paper, in their language, and what comes back when
they upload the PDF next year."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask_babel import force_locale, gettext
from pypdf import PdfReader

from prepplan import revocation
from prepplan.documents.plan_pdf import (
    css_string,
    page_counter_content,
    render_plan_html,
    render_plan_pdf,
    review_date,
    shorten,
    text_direction,
)
from prepplan.flow import state
from prepplan.plan.model import Child, Contact, Phone, Plan
from prepplan.plan.planfile import load_plan

ROOT = Path(__file__).resolve().parent.parent
LETTER = (612, 792)
A4 = (595.28, 841.89)


# --- helpers ----------------------------------------------------------------------------------

def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, with line breaks and runs of spaces made single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def page_with(pages: list[str], needle: str) -> str:
    found = [text for text in pages if needle in text]
    assert len(found) == 1, f"{needle!r} is on {len(found)} pages"
    return found[0]


def page_size(pdf: bytes, index: int = 0) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[index].mediabox
    return float(box.width), float(box.height)


def text_positions(pdf: bytes, page_index: int) -> list[tuple[str, float]]:
    """(text, x in points from the left edge) for each piece of text on a page."""
    found: list[tuple[str, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            found.append((text, tm[4] * cm[0] + tm[5] * cm[2] + cm[4]))

    PdfReader(io.BytesIO(pdf)).pages[page_index].extract_text(visitor_text=visit)
    return found


def compile_catalog(directory: Path, locale: str, messages: dict[str, str]) -> None:
    """A tiny catalog of our own, so tests do not depend on how far the translators are."""
    catalog = Catalog(locale=locale)
    for source, translation in messages.items():
        catalog.add(source, translation)
    target = directory / locale / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as mo:
        write_mo(mo, catalog)


SPANISH = {
    "Emergency contacts: call in this order": "Contactos de emergencia: llame en este orden",
    "Emergency card": "Tarjeta de emergencia",
    "Page %(page)s of %(pages)s": "Página %(page)s de %(pages)s",
    "Family preparedness plan": "Plan de preparación familiar",
}


@pytest.fixture
def spanish_app(make_app, tmp_path):
    directory = tmp_path / "catalogs"
    compile_catalog(directory, "es", SPANISH)
    return make_app(BABEL_TRANSLATION_DIRECTORIES=str(directory))


# --- content ----------------------------------------------------------------------------------

def test_family_data_is_in_the_right_sections(app, example_plan):
    with app.app_context():
        pages = pages_text(render_plan_pdf(example_plan, language="en"))

    cover = pages[0]
    assert "Ramírez Ortega / Ramírez" in cover
    assert "November 2, 2026" in cover  # made on
    assert "November 2, 2027" in cover  # review by: a year later
    assert "Carmen Ortega; Thu Trần" in cover  # who holds copies

    contacts = page_with(pages, "Emergency contacts: call in this order")
    # Calling order, phones in the reader's format, language names, permissions.
    assert contacts.index("Carmen Ortega") < contacts.index("Thu Trần") < contacts.index("Fatima")
    assert "(508) 555-0123" in contacts
    assert "Mobile, can text" in contacts
    assert "Vietnamese" in contacts
    assert "Needs an interpreter" in contacts
    assert "María José Ramírez Ortega" in contacts and "mj.ramirez@example.org" in contacts

    sofia = page_with(pages, "Peanuts (severe). EpiPen in her backpack.")
    assert "Sofía Ramírez" in sofia
    assert "April 9, 2015" in sofia
    assert "Dr. Costa" in sofia and "(508) 555-0155" in sofia
    assert "Afraid of the dark" in sofia
    assert "IEP for speech" not in sofia
    mateo = page_with(pages, "IEP for speech; speech therapy on Tuesdays.")
    assert "Mateo Ramírez" in mateo and "blue blanket" in mateo

    caregiver = page_with(pages, "What the caregiver needs to know")
    assert "Carmen Ortega" in caregiver and "Thu Trần" in caregiver
    for note in ("40 Oak Avenue", "St. Paul's", "Spare key with Fatima Haddad", "Cat (Luna)",
                 "Mr. Petrakis", "envelope in the closet"):
        assert note in caregiver

    papers = page_with(pages, "Important papers")
    assert "Locked box under the bed" in papers and "Legal aid office" in papers
    assert "Court orders" not in papers  # nothing written for it: no empty row
    assert "Consulado de México en Boston" in papers and "(617) 555-0400" in papers

    private = page_with(pages, "A123-456-789")
    assert "Private — only in your copy" in private
    assert "girasol" in private

    signatures = page_with(pages, "I agree to care for the children if their parents cannot.")
    assert "Signature" in signatures and "Date" in signatures

    cards = page_with(pages, "Cut along the dashed lines.")
    assert cards.count("Emergency card") == 4  # two children, two parents
    assert "Community Legal Aid" in cards  # the lawyer, on the parents' cards
    # Cards get lost: nothing private on them.
    assert "A123-456-789" not in cards and "girasol" not in cards


def test_private_items_appear_only_on_the_private_page(app, example_plan):
    with app.app_context():
        pages = pages_text(render_plan_pdf(example_plan, language="es"))
    assert sum("A123-456-789" in text for text in pages) == 1
    assert sum("girasol" in text for text in pages) == 1


@pytest.mark.parametrize("language", ["es", "ar"])
def test_wallet_cards_keep_every_number_when_names_are_long(app, example_plan, language):
    long_name = "Maximiliana Alejandra de la Santísima Trinidad Fernández-Villaverde"
    plan = example_plan.model_copy(deep=True)
    for person in [*plan.guardians, *plan.contacts, *plan.children]:
        person.given_name, person.family_name = long_name, long_name
    with app.app_context(), force_locale(language):
        cut_here = gettext("Cut along the dashed lines. Put a child's card in their backpack. "
                           "Keep yours in your wallet.").split()[0:3]
        cut_here = " ".join(cut_here)
        cards = page_with(pages_text(render_plan_pdf(plan, language=language, bilingual=True)),
                          cut_here)
    assert "…" in cards  # names shortened, visibly
    phone = "(508) 555-0123" if language == "es" else "+1 508-555-0123"
    assert cards.count(phone) == 4  # Carmen: on both children's and both parents' cards
    for other in ("555-0142", "555-0177", "555-0168", "555-0111", "555-0300"):
        assert other in cards


def test_empty_optional_fields_are_left_out(app):
    plan = Plan(
        children=[Child(given_name="Ana")],
        contacts=[Contact(given_name="Rosa", phones=[Phone(number="508-555-0199")])],
    )
    with app.app_context():
        text = "\n".join(pages_text(render_plan_pdf(plan, language="en")))
    assert "Ana" in text and "Rosa" in text and "(508) 555-0199" in text
    for label in ("Allergies", "Bus route", "Doctor", "Health insurance", "Important papers",
                  "Whom to call for help", "Private — only in your copy", "Family code word",
                  "Contact outside the area", "Home address", "Copies of this plan are with"):
        assert label not in text, label
    assert "No caregiver chosen yet." in text


def test_the_pdf_carries_the_plan_file(app, example_plan):
    with app.app_context():
        pdf = render_plan_pdf(example_plan, language="zh_Hans", bilingual=True)
    assert load_plan(pdf) == example_plan


@pytest.mark.parametrize(("paper", "size"), [("letter", LETTER), ("a4", A4)])
def test_paper_size(app, example_plan, paper, size):
    with app.app_context():
        pdf = render_plan_pdf(example_plan, language="es", paper=paper)
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(size,
                                                                                          abs=0.5)


def test_metadata_title_language_and_tags(app, example_plan):
    with app.app_context():
        for code, lang in (("ar", "ar"), ("zh_Hans", "zh-Hans"), ("pt_BR", "pt-BR")):
            reader = PdfReader(io.BytesIO(render_plan_pdf(example_plan, language=code)))
            root = reader.trailer["/Root"]
            assert root["/Lang"] == lang
            assert "Ramírez Ortega / Ramírez" in reader.metadata.title
            # Tagged for screen readers (PDF/UA).
            assert root["/MarkInfo"]["/Marked"].value is True
            assert "/StructTreeRoot" in root


def test_fonts_are_embedded_subsets(app, example_plan):
    with app.app_context():
        reader = PdfReader(io.BytesIO(render_plan_pdf(example_plan, language="zh_Hans")))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            names.add(str(font["/BaseFont"]))
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert all(name[7] == "+" for name in names), names  # ABCDEF+Name: a subset
    assert any("CJK-SC" in name for name in names), names


def test_every_script_prints_without_missing_glyphs(app):
    """Text pypdf reads back exactly as written means every glyph was found in a font (a
    missing glyph prints as a box and reads back as something else)."""
    samples = {
        "vi": "Nguyễn Thị Hường, Trần Đức Mạnh",
        "ht": "Kreyòl: Jèn timoun yo ale lekòl, manman pè",
        "kea": "Kabuverdianu: Nha fidju ta bai skóla, mãi, pái",
        "zh": "王小明 放学后去奶奶家",
        "ar": "فاطمة حداد",
        "pt": "João, Conceição, não",
    }
    plan = Plan(
        children=[Child(given_name=text, routines=text) for text in samples.values()],
        contacts=[Contact(given_name="Rosa")],
    )
    with app.app_context():
        # The font stacks differ for Arabic and Chinese; every other language uses the first.
        for code in ("vi", "ar", "zh_Hans"):
            text = "\n".join(pages_text(render_plan_pdf(plan, language=code)))
            for sample in samples.values():
                assert sample in text, (code, sample)


# --- languages --------------------------------------------------------------------------------

def test_language_comes_from_the_argument_only(spanish_app, example_plan):
    # The request says Vietnamese; the document is asked for in Spanish.
    with spanish_app.test_request_context("/vi/"):
        html = render_plan_html(example_plan, language="es")
    assert '<html lang="es" dir="ltr">' in html
    assert "Contactos de emergencia: llame en este orden" in html


def test_spanish_plan_and_its_bilingual_version(spanish_app, example_plan):
    with spanish_app.app_context():
        plain = "\n".join(pages_text(render_plan_pdf(example_plan, language="es")))
        bilingual = "\n".join(pages_text(render_plan_pdf(example_plan, language="es",
                                                         bilingual=True)))
    assert "Contactos de emergencia: llame en este orden" in plain
    assert "Emergency contacts: call in this order" not in plain
    assert "Página 2 de" in plain and "Plan de preparación familiar" in plain
    # Wallet cards are always in the family's language and English.
    assert plain.count("Tarjeta de emergencia") == 4
    assert plain.count("Emergency card") == 4

    assert "Contactos de emergencia: llame en este orden" in bilingual
    assert "Emergency contacts: call in this order" in bilingual
    assert "Página 2 de" in bilingual and "Page 2 of" in bilingual


def test_arabic_plan_is_right_to_left(app, example_plan):
    with app.app_context():
        html = render_plan_html(example_plan, language="ar")
        arabic = render_plan_pdf(example_plan, language="ar")
        spanish = render_plan_pdf(example_plan, language="es")
    assert '<html lang="ar" dir="rtl">' in html
    # Latin names and phone numbers keep their own direction inside the Arabic text.
    assert '<span dir="ltr">Carmen Ortega</span>' in html
    assert 'dir="ltr" class="ltr phone-number">+1 508-555-0123</span>' in html

    def heading_x(pdf: bytes) -> float:
        pages = pages_text(pdf)
        index = pages.index(page_with(pages, "blue blanket"))  # Mateo's page
        return next(x for text, x in text_positions(pdf, index) if "Mateo Ramírez" in text)

    middle = LETTER[0] / 2
    assert heading_x(arabic) > middle  # starts at the right
    assert heading_x(spanish) < middle


def test_page_footer_survives_any_translation(make_app, tmp_path, example_plan):
    """A translation is data: quotes, braces or a closing tag in it must not change the page."""
    directory = tmp_path / "catalogs"
    hostile = 'Tr. "%(page)s"} @page { size: 2in 2in } </style>\\ %(pages)s'
    compile_catalog(directory, "vi", {"Page %(page)s of %(pages)s": hostile})
    app = make_app(BABEL_TRANSLATION_DIRECTORIES=str(directory))
    with app.app_context():
        pdf = render_plan_pdf(example_plan, language="vi")
    assert page_size(pdf) == pytest.approx(LETTER, abs=0.5)
    assert 'Tr. "1"} @page { size: 2in 2in } </style>\\' in pages_text(pdf)[0]


def test_css_helpers():
    assert css_string('a"b\\c</style>') == '"a\\22 b\\5c c\\3c \\2f style\\3e "'
    assert page_counter_content("Page %(page)s of %(pages)s") == (
        '"Page " counter(page) " of " counter(pages)'
    )
    assert page_counter_content("%(page)s/%(pages)s") == 'counter(page) "\\2f " counter(pages)'
    assert text_direction("فاطمة Haddad") == "rtl"
    assert text_direction("(508) Carmen") == "ltr"
    assert text_direction("508", default="rtl") == "rtl"
    assert review_date(date(2028, 2, 29)) == date(2029, 2, 28)
    assert shorten("Ana Lima", 30) == "Ana Lima"
    assert shorten("Maximiliana Alejandra", 10) == "Maximilia…"
    assert shorten("王小明王小明王小明", 8) == "王小明…"


# --- the command line -------------------------------------------------------------------------

def test_command_line_pdf(tmp_path, example_plan):
    output = tmp_path / "out.pdf"
    result = subprocess.run(
        [str(Path(sys.executable).with_name("prepplan")), "pdf", "examples/family-plan.json",
         "--lang", "es", "-o", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    pdf = output.read_bytes()
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "es"
    assert load_plan(pdf) == example_plan


# --- the download -----------------------------------------------------------------------------

def put_plan_in_browser(app, client, plan: Plan) -> None:
    """The cookies the flow would have left in the family's browser (see flow/state.py)."""
    with app.test_request_context():
        token = state.seal(revocation.stamped({"plan": plan.model_dump(mode="json"),
                                                "touched": int(time.time())}))
    chunks = [token[i : i + state.CHUNK_CHARS] for i in range(0, len(token), state.CHUNK_CHARS)]
    chunks[0] = f"{len(chunks)}.{chunks[0]}"
    for index, chunk in enumerate(chunks):
        client.set_cookie(f"{state.COOKIE_PREFIX}{index}", chunk)


def test_download_the_plan_pdf(app, client, example_plan, caplog):
    put_plan_in_browser(app, client, example_plan)
    with caplog.at_level(logging.DEBUG):
        response = client.get("/es/plan/plan.pdf?language=ar&bilingual=1&paper=a4")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="family-plan-2026-11-02.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    pdf = response.get_data()
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "ar"
    assert page_size(pdf) == pytest.approx(A4, abs=0.5)
    assert load_plan(pdf) == example_plan
    # Nothing about the family in any log record.
    for secret in ("Ramírez", "Carmen", "A123", "girasol", "555-01"):
        assert secret not in caplog.text


def test_download_defaults_to_the_page_language(app, client, example_plan):
    put_plan_in_browser(app, client, example_plan)
    response = client.get("/vi/plan/plan.pdf")
    assert response.status_code == 200
    pdf = response.get_data()
    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "vi"
    assert page_size(pdf) == pytest.approx(LETTER, abs=0.5)
    # A language by its URL slug works too.
    response = client.get("/vi/plan/plan.pdf?language=zh-Hans")
    assert PdfReader(io.BytesIO(response.get_data())).trailer["/Root"]["/Lang"] == "zh-Hans"


def test_results_page_checkbox_makes_a_bilingual_pdf(spanish_app, example_plan):
    client = spanish_app.test_client()
    put_plan_in_browser(spanish_app, client, example_plan)
    response = client.get("/es/plan/plan.pdf?language=es&bilingual=y&paper=letter")
    text = "\n".join(pages_text(response.get_data()))
    assert "Emergency contacts: call in this order" in text
    assert "Contactos de emergencia: llame en este orden" in text


def test_no_plan_no_pdf(client):
    response = client.get("/es/plan/plan.pdf")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/es/")
