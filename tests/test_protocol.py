"""What the school district promises, in every family's plan: the district file's protocol, the
"What your school will do" page, the plan PDF's section and the line on each child's card."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader
from weasyprint import HTML

from prepplan.config import ConfigError
from prepplan.documents import pdf as pdf_helper
from prepplan.documents.plan_pdf import render_plan_html, render_plan_pdf
from prepplan.i18n import SITE_LANGUAGES
from prepplan.phones import for_reader as format_phone
from prepplan.protocol import FALLBACK_CODES, PHONE_LABELS, STATEMENTS
from prepplan.school.district import load_district
from tests.conftest import plant_plan as give_plan

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = ROOT / "examples" / "district.toml"
LANGUAGES = [language.code for language in SITE_LANGUAGES]
SLUGS = {language.code: language.slug for language in SITE_LANGUAGES}
TRANSPORTATION = "+15087993152"  # Worcester's published transportation office
LIAISON = "+15085550134"  # the example's fictional family liaison office

# The statements' English (read outside any app, where lazy strings stay untranslated).
SOURCE = {code: str(message) for code, message in STATEMENTS.items()}

PHONE_LABELS_EN = [str(label) for label in PHONE_LABELS.values()]

# Every English sentence the protocol can show: none may be left in a translated page.
PROTOCOL_MESSAGES = [
    *SOURCE.values(),
    *PHONE_LABELS_EN,
    "To change your emergency contacts, use %(portal)s or go to this office: %(office)s.",
    "%(district)s wrote to families on %(date)s. It promises:",
    "Read the district's letter:",
    "District phone numbers",
    "What this means for your family",
    "Teach your children: if something happens at the bus stop, the driver keeps everyone on "
    "the bus, and they stay on it.",
    "I leave school only with adults my parents named. District:",
]


def squeezed(text: str) -> str:
    """Text without any white space: PDF lines break sentences (and Chinese has no spaces)."""
    return re.sub(r"\s+", "", text)


def in_pdf_text(text: str, pdf_text: str) -> bool:
    """Whether a sentence is in a PDF page's text. pypdf moves an Arabic sentence's closing full
    stop to the start of its line, so the comparison ignores end punctuation."""
    return squeezed(text).strip(".:。：") in squeezed(pdf_text)


def english_fragments(message: str) -> list[str]:
    """The fixed English pieces of a message, around its placeholders."""
    return [squeezed(piece) for piece in re.split(r"%\(\w+\)s", message) if len(piece) > 12]


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def page_with(pages: list[str], needle: str) -> str:
    found = [text for text in pages if squeezed(needle) in squeezed(text)]
    assert len(found) == 1, f"{needle!r} is on {len(found)} pages"
    return found[0]


def section_page(pages: list[str], code: str) -> str:
    """The PDF's protocol section (its heading is also in the contents; this one is not)."""
    return page_with(pages, translated(code, "What this means for your family"))


def translated(code: str, message: str, **variables) -> str:
    with force_locale(code):
        return gettext(message, **variables)


@pytest.fixture
def district_app(make_app):
    app = make_app(DISTRICT_FILE=str(DISTRICT))
    yield app
    inbox = app.extensions.get("prepplan_inbox")
    if inbox is not None:
        inbox.engine.dispose()


# --- the district file ------------------------------------------------------------------------


def test_the_example_district_file_has_worcesters_protocol():
    district = load_district(DISTRICT)
    protocol = district.protocol
    assert district.name == "Worcester Public Schools (example)" and district.school_inbox
    assert {
        "judicial_warrant",
        "bus_keeps_students",
        "release_to_authorized",
        "no_status_collected",
        "records_need_consent",
    } <= set(protocol.commitments)
    assert protocol.phones == {"transportation": TRANSPORTATION, "family_liaison": LIAISON}
    assert protocol.letter_url.startswith("https://") and protocol.letter_date.year == 2025
    # Its own sentence comes with a translation for every site language.
    assert set(protocol.additions[0].translations) == set(LANGUAGES) - {"en"}
    assert all("(example)" in school.name for school in district.schools)


@pytest.mark.parametrize(
    ("protocol", "problem"),
    [
        (
            "commitments = ['judicial_warrant', 'free_lunch']",
            "'free_lunch' is not one prepplan knows",
        ),
        ("commitments = []", "needs a list of commitments"),
        ("commitments = ['judicial_warrant', 'judicial_warrant']", "twice"),
        (
            "commitments = ['judicial_warrant']\n[protocol.phones]\ntransportation = '555'",
            "not a valid phone number",
        ),
        (
            "commitments = ['judicial_warrant']\n[protocol.phones]\nfax = '508-799-3152'",
            "phones.fax is not known",
        ),
        (
            "commitments = ['judicial_warrant']\nletter_url = 'http://example.org/letter'",
            "https://",
        ),
        ("commitments = ['judicial_warrant']\nletter_date = 'January'", "letter_date"),
        ("commitments = ['judicial_warrant']\n[[protocol.additions]]\nes = 'Hola'", "English"),
        (
            "commitments = ['judicial_warrant']\n[[protocol.additions]]\nen = 'Hi'\nfr = 'Salut'",
            "not site languages: fr",
        ),
        ("commitments = ['judicial_warrant']\nphone = '508-799-3152'", "unknown keys: phone"),
    ],
)
def test_a_broken_protocol_stops_the_app_and_says_what_is_wrong(
    make_app, tmp_path, protocol, problem
):
    path = tmp_path / "district.toml"
    path.write_text("[district]\nname = 'X'\nschool_inbox = false\n[protocol]\n" + protocol)
    with pytest.raises(ConfigError, match=re.escape(problem)):
        make_app(DISTRICT_FILE=str(path))


def test_a_district_can_publish_its_protocol_without_running_an_inbox(
    make_app, tmp_path, example_plan
):
    path = tmp_path / "district.toml"
    path.write_text(
        "[district]\nname = 'Chelsea Public Schools (example)'\n"
        "school_inbox = false\n"
        "[protocol]\ncommitments = ['judicial_warrant', 'release_to_authorized']\n"
        "[protocol.phones]\nfamily_liaison = '617-555-0120'\n"
    )
    app = make_app(DISTRICT_FILE=str(path))
    assert "prepplan_inbox" not in app.extensions  # no database, no staff pages
    client = app.test_client()
    assert client.get("/es/staff/login").status_code == 404
    give_plan(app, client, example_plan)
    assert "/es/school/send" not in client.get("/es/school/").get_data(as_text=True)
    page = client.get("/es/plan/school-protocol").get_data(as_text=True)
    assert "Chelsea Public Schools (example)" in page
    with app.app_context():
        assert translated("es", SOURCE["judicial_warrant"]) in page
    assert 'href="tel:+16175550120"' in page


# --- the page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_protocol_page_is_in_the_familys_language(district_app, example_plan, code):
    client = district_app.test_client()
    give_plan(district_app, client, example_plan)
    response = client.get(f"/{SLUGS[code]}/plan/school-protocol")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    district = load_district(DISTRICT)
    with district_app.test_request_context(), force_locale(code):
        title = gettext("What your school will do")
        commitments = [
            gettext(SOURCE[c]) for c in district.protocol.commitments if c != "update_contacts"
        ]
        expected = [
            title,
            *commitments,
            gettext(
                "To change your emergency contacts, use %(portal)s or go to this "
                "office: %(office)s.",
                portal="\x00",
                office="\x00",
            ).split("\x00")[0],
            district.protocol.additions[0].in_language(code)[0],
        ]
        note = gettext("(The district has not translated this yet, so it is shown in English.)")
    for text in expected:
        assert text.replace("'", "&#39;") in page, text
    assert note not in page  # every word of the example is translated
    if code != "en":
        for message in PROTOCOL_MESSAGES:
            for piece in english_fragments(message):
                assert piece not in squeezed(page), piece
    # The phone numbers, whole and left to right even on an Arabic page.
    for number in (TRANSPORTATION, LIAISON):
        shown = format_phone(number, code)
        assert f'href="tel:{number}" dir="ltr">{shown}</a>' in page
    assert "Chandler Pond Elementary School" in page  # the children's school, from the plan
    assert 'lang="{}" dir="{}"'.format(SLUGS[code], "rtl" if code == "ar" else "ltr") in page


def test_without_a_district_file_the_page_gives_the_attorney_generals_guidance(
    app, client, example_plan
):
    give_plan(app, client, example_plan)
    page = client.get("/pt-BR/plan/school-protocol").get_data(as_text=True)
    with app.test_request_context(), force_locale("pt_BR"):
        expected = [
            gettext("What Massachusetts asks of schools"),
            gettext(
                "The Massachusetts Attorney General's guidance to schools (January 2025) says:"
            ),
            gettext(
                "This is guidance, not a promise from your school. Ask your child's "
                "school what it will do."
            ),
            *(gettext(SOURCE[code]) for code in FALLBACK_CODES),
        ]
        district_only = [gettext(SOURCE["bus_keeps_students"]), gettext("District phone numbers")]
    for text in expected:
        assert text in page, text
    assert f"<title>{expected[0]} –" in page
    for text in district_only:
        assert text not in page, text
    assert "tel:" not in page


def test_an_untranslated_addition_is_shown_in_english_with_a_note(make_app, tmp_path, example_plan):
    path = tmp_path / "district.toml"
    path.write_text(
        DISTRICT.read_text("utf-8") + "\n[[protocol.additions]]\n"
        "en = 'Our buses carry a walkie-talkie to the dispatch office.'\n"
        "es = 'Nuestros autobuses llevan un radio para la oficina de despacho.'\n"
    )
    app = make_app(DISTRICT_FILE=str(path))
    client = app.test_client()
    give_plan(app, client, example_plan)
    english = "Our buses carry a walkie-talkie to the dispatch office."
    note = "(The district has not translated this yet, so it is shown in English.)"
    spanish = client.get("/es/plan/school-protocol").get_data(as_text=True)
    assert "Nuestros autobuses llevan un radio" in spanish and english not in spanish
    assert translated("es", note) not in spanish
    for code in ("vi", "ar"):
        page = client.get(f"/{SLUGS[code]}/plan/school-protocol").get_data(as_text=True)
        assert f'<span lang="en" dir="ltr">{english}</span>' in page
        with app.app_context():
            assert translated(code, note) in page
    # The plan PDF says the same.
    with app.app_context():
        pdf = render_plan_pdf(example_plan, language="vi", district=load_district(path))
        section = section_page(pdf_pages(pdf), "vi")
        assert squeezed(english) in squeezed(section)
        assert squeezed(translated("vi", note)) in squeezed(section)
    app.extensions["prepplan_inbox"].engine.dispose()


# --- the plan PDF -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_pdf_section_is_in_the_familys_language(app, example_plan, code):
    district = load_district(DISTRICT)
    with app.app_context():
        pdf = render_plan_pdf(example_plan, language=code, district=district)
        pages = pdf_pages(pdf)
        section = section_page(pages, code)
        expected = [
            translated(code, SOURCE[c])
            for c in district.protocol.commitments
            if c != "update_contacts"
        ]
        expected += [translated(code, label) for label in PHONE_LABELS_EN]
        expected.append(district.protocol.additions[0].in_language(code)[0])
        card_line = translated(code, "I leave school only with adults my parents named. District:")
    for text in expected:
        assert in_pdf_text(text, section), text
    if code != "en":
        for message in PROTOCOL_MESSAGES[:-1]:  # the card line is bilingual on purpose
            for piece in english_fragments(message):
                assert piece not in squeezed(section), piece
    # Phone numbers whole, in the reader's form; in Arabic each is a left-to-right run.
    for number in (TRANSPORTATION, LIAISON):
        assert format_phone(number, code) in section
    # Each child's card carries the line and the district's number.
    cards = pages[-1]
    assert squeezed(cards).count(squeezed(card_line).strip(".:。：")) == len(example_plan.children)
    assert cards.count(format_phone(LIAISON, code)) == len(example_plan.children)


def test_arabic_keeps_district_numbers_left_to_right(app, example_plan):
    with app.app_context():
        html = render_plan_html(example_plan, language="ar", district=load_district(DISTRICT))
    for number in ("+1 508-799-3152", "+1 508-555-0134"):
        assert f'<span dir="ltr" class="ltr phone-number">{number}</span>' in html
    # The district's name (Latin letters) inside the Arabic sentence is isolated too.
    assert '<span dir="ltr" class="ltr">Worcester Public Schools (example)</span>' in html


def test_without_a_district_the_pdf_gives_the_attorney_generals_guidance(app, example_plan):
    with app.app_context():
        pages = pdf_pages(render_plan_pdf(example_plan, language="ht"))
        section = section_page(pages, "ht")
        assert squeezed(translated("ht", "What Massachusetts asks of schools")) in squeezed(section)
        for code in FALLBACK_CODES:
            assert in_pdf_text(translated("ht", SOURCE[code]), section)
        assert squeezed(
            translated(
                "ht",
                "This is guidance, not a promise from your school. "
                "Ask your child's school what it will do.",
            )
        ) in squeezed(section)
        card_line = translated("ht", "I leave school only with adults my parents named.")
    # No district: no promise about release on the cards, and no district number.
    assert squeezed(card_line) not in squeezed(pages[-1])
    assert "799-3152" not in "".join(pages)


def walk(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from walk(child)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_card_line_fits_on_each_childs_card(app, example_plan, code):
    """Laid out by WeasyPrint: the line ends inside the card's dashed border, not under it
    (the card hides what overflows)."""
    long_name = "Maximiliana Alejandra de la Santísima Trinidad Fernández-Villaverde"
    plan = example_plan.model_copy(deep=True)
    for person in [*plan.guardians, *plan.contacts, *plan.children]:
        person.given_name, person.family_name = long_name, long_name
    with app.app_context():
        html = render_plan_html(plan, language=code, district=load_district(DISTRICT))
        document = HTML(string=html, url_fetcher=pdf_helper.shared_fetcher()).render(
            stylesheets=list(pdf_helper.shared_stylesheets()),
            font_config=pdf_helper.shared_font_config(),
        )
    checked = 0
    for page in document.pages:
        cards = [
            box
            for box in walk(page._page_box)
            if box.element_tag == "div"
            and box.element.get("class") == "card"
            # cards are inline blocks (laid out in rows): the card itself, not its line box
            and type(box).__name__ in ("BlockBox", "InlineBlockBox")
        ]
        for card in cards:
            lines = [
                box
                for box in walk(card)
                if box.element_tag == "p"
                and box.element.get("class") == "card-school"
                and type(box).__name__ == "BlockBox"
            ]
            assert len(lines) == 1
            line = lines[0]
            card_bottom = card.content_box_y() + card.height
            assert line.position_y + line.margin_height() <= card_bottom + 0.01, code
            checked += 1
    assert checked == len(plan.children)


# --- the command line -------------------------------------------------------------------------


def test_the_command_line_takes_a_district_file(app, tmp_path):
    runner = app.test_cli_runner()
    output = tmp_path / "plan.pdf"
    plan_file = str(ROOT / "examples" / "family-plan.json")
    result = runner.invoke(
        args=["pdf", plan_file, "--lang", "es", "--district", str(DISTRICT), "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        section = section_page(pdf_pages(output.read_bytes()), "es")
    assert "(508) 799-3152" in section and "Worcester Public Schools (example)" in section

    result = runner.invoke(args=["pdf", plan_file, "--lang", "es", "-o", str(output)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        section = section_page(pdf_pages(output.read_bytes()), "es")
        assert translated("es", "What Massachusetts asks of schools") in section

    broken = tmp_path / "broken.toml"
    broken.write_text(
        "[district]\nname = 'X'\nschool_inbox = false\n[protocol]\ncommitments = ['free_lunch']\n"
    )
    result = runner.invoke(
        args=["pdf", plan_file, "--district", str(broken), "-o", str(tmp_path / "other.pdf")]
    )
    assert result.exit_code != 0 and "'free_lunch' is not one prepplan knows" in result.output
    assert not (tmp_path / "other.pdf").exists()


# --- the web: the PDF a family downloads, and the page in a real browser ------------------------


def test_the_downloaded_plan_pdf_carries_the_configured_district(district_app, example_plan):
    client = district_app.test_client()
    give_plan(district_app, client, example_plan)
    response = client.get("/kea/plan/plan.pdf")
    assert response.status_code == 200
    with district_app.app_context():
        section = section_page(pdf_pages(response.data), "kea")
        assert in_pdf_text(translated("kea", SOURCE["bus_keeps_students"]), section)
    assert "+1 508-799-3152" in section


@pytest.mark.browser
def test_the_district_page_passes_axe_in_every_language(tmp_path):
    from tests.servers import chromium, gunicorn, production_env
    from tests.test_accessibility import violations

    district = tmp_path / "district.toml"
    district.write_text(
        DISTRICT.read_text("utf-8").replace("school_inbox = true", "school_inbox = false")
    )
    found = {}
    with (
        gunicorn(production_env(PREPPLAN_DISTRICT_FILE=str(district))) as site,
        chromium() as browser,
    ):
        page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
        for code, slug in SLUGS.items():
            page.goto(f"{site.url}/{slug}/plan/school-protocol")
            assert page.locator("a[href='tel:+15087993152']").count() == 1
            if problems := violations(page):
                found[code] = problems
    assert found == {}
