"""The whole flow in a real headless Chromium, served by gunicorn as in production."""

import io
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.servers import chromium, gunicorn, production_env

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = f"sqlite:///{tmp_path_factory.mktemp('db')}/prepplan.sqlite"
    with gunicorn(production_env(DATABASE_URL=database)) as running:
        yield running.url
    # nothing the family typed reaches the server's log
    for typed in ("Rosalba", "Quispe", "Dulce", "Tomasa", "5550142"):
        assert typed not in running.log


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def submit(page):
    page.click("#step-form button[type=submit]")


def walk_to_pdf(page, base: str, lang: str) -> bytes:
    page.goto(f"{base}/")
    page.click(f'a[href="/{lang}/"]')
    page.click(f'a[href="/{lang}/plan/parents"]')
    page.click("#add-item")
    page.fill("#given_name", "Rosalba")
    page.fill("#family_name", "Quispe")
    page.fill("#phones-0-number", "508 555 0142")
    submit(page)
    submit(page)  # parents done
    submit(page)  # no address
    page.click("#add-item")
    page.fill("#given_name", "Dulce")
    page.fill("#date_of_birth", "21/10/2015" if lang != "en" else "10/21/2015")
    submit(page)
    submit(page)  # children done
    page.click("main p.actions a.button")  # what the school will do: read, continue
    page.click("#add-item")
    page.fill("#given_name", "Tomasa")
    page.fill("#phones-0-number", "(508) 555-0123")
    page.check("#may_pick_up")
    submit(page)
    submit(page)  # contacts done
    submit(page)  # no out-of-area contact
    page.check("#primary_contact_id-0")
    submit(page)
    submit(page)  # caregiver notes
    page.click("main p.actions a.button")  # caregiver papers: none made, continue
    for _ in range(4):  # documents, help, private, check
        submit(page)
    assert page.url.endswith(f"/{lang}/plan/done")
    with page.expect_download() as download:
        page.click(".options-form button[type=submit]")
    return Path(download.value.path()).read_bytes()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_family_walks_the_flow_to_the_pdf(server, browser, javascript):
    context = browser.new_context(
        java_script_enabled=javascript,
        accept_downloads=True,
        viewport={"width": 360, "height": 740},
    )
    page = context.new_page()
    pdf = walk_to_pdf(page, server, "es")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Dulce" in text and "Tomasa" in text and "Rosalba" in text
    # Finish clears the device
    page.click("form[action$='/finish'] button")
    assert not [c for c in context.cookies() if c["name"].startswith("pp")]
    context.close()


def test_an_error_is_announced_and_focus_moves_to_the_summary(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/ar/plan/contacts/0")
    page.fill("#phones-0-number", "12")
    submit(page)
    assert page.title().startswith(("Error", "خطأ"))
    # the script moves focus to the summary once the page has loaded (polled from here:
    # wait_for_function would need eval, which our Content-Security-Policy forbids)
    deadline = time.monotonic() + 5
    while "error-summary" not in page.evaluate("document.activeElement.className"):
        assert time.monotonic() < deadline, "focus never reached the error summary"
        time.sleep(0.05)
    page.click('.error-summary a[href="#given_name"]')
    assert page.evaluate("location.hash") == "#given_name"
    wait_for_focus(page, "given_name")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    context.close()


def wait_for_focus(page, element_id: str) -> None:
    deadline = time.monotonic() + 5
    while page.evaluate("document.activeElement.id") != element_id:
        assert time.monotonic() < deadline, f"focus never reached #{element_id}"
        time.sleep(0.05)


def test_an_error_link_to_radio_buttons_focuses_the_first_button(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/en/plan/contacts/0")
    page.fill("#given_name", "Ana")
    page.fill("#phones-0-number", "508 555 0142")
    submit(page)
    page.goto(f"{server}/en/plan/caregiver")
    submit(page)
    page.click('.error-summary a[href="#primary_contact_id-0"]')
    wait_for_focus(page, "primary_contact_id-0")
    context.close()


def test_after_the_idle_warning_focus_returns_to_where_it_was(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.clock.install()
    page.goto(f"{server}/en/plan/children/0")
    page.focus("#family_name")
    page.clock.run_for(29 * 60 * 1000)  # the warning comes 2 minutes before the 30-minute limit
    assert page.is_visible("#idle-warning")
    assert page.evaluate("document.activeElement.id") == "idle-continue"
    page.click("#idle-continue")
    assert not page.is_visible("#idle-warning")
    assert page.evaluate("document.activeElement.id") == "family_name"
    context.close()


def test_pages_fit_a_320_pixel_screen(server, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for lang in ("vi", "ar", "zh-Hans", "ht"):
        for path in ("/", "plan/contacts/0", "plan/children/0"):
            page.goto(f"{server}/{lang}/{path}" if path != "/" else f"{server}/{lang}/")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (lang, path, overflow)
    context.close()


def worst_case_plan():
    """Every bound at once, in characters that compress worst (random CJK)."""
    import random

    from prepplan.plan.model import (
        LONG_TEXT,
        MAX_CHILDREN,
        MAX_CONTACTS,
        MEDIUM_TEXT,
        SHORT_TEXT,
        CaregiverPlan,
        Child,
        Contact,
        Phone,
        Plan,
    )

    rng = random.Random(7)

    def text(length):
        return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(length))

    long_fields = ("allergies", "medications", "medical_conditions", "special_needs", "routines")
    children = [
        Child(
            given_name=text(SHORT_TEXT),
            family_name=text(SHORT_TEXT),
            after_school=text(MEDIUM_TEXT),
            health_insurance=text(MEDIUM_TEXT),
            **{name: text(LONG_TEXT) for name in long_fields},
        )
        for _ in range(MAX_CHILDREN)
    ]
    contacts = [
        Contact(
            given_name=text(SHORT_TEXT),
            family_name=text(SHORT_TEXT),
            phones=[Phone(number="508 555 0100", e164="+15085550100")],
        )
        for _ in range(MAX_CONTACTS)
    ]
    caregiver = CaregiverPlan(
        where_children_stay=text(MEDIUM_TEXT),
        house_keys=text(MEDIUM_TEXT),
        pets=text(MEDIUM_TEXT),
        money_access=text(MEDIUM_TEXT),
        **{
            name: text(LONG_TEXT)
            for name in ("routines", "school_notes", "health_notes", "religion", "diet", "bills")
        },
    )
    return Plan(language="zh_Hans", children=children, contacts=contacts, caregiver=caregiver)


def test_the_largest_possible_family_survives_in_a_real_browser(server, browser, tmp_path):
    from prepplan.plan.planfile import dump_plan

    plan_file = tmp_path / "plan.json"
    plan_file.write_bytes(dump_plan(worst_case_plan()))
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/zh-Hans/plan/upload")
    page.set_input_files("#plan_file", str(plan_file))
    page.click("main form button[type=submit]")
    assert page.url.endswith("/zh-Hans/plan/check")
    assert len([c for c in context.cookies() if c["name"].startswith("pp")]) > 40
    # every request now carries the whole plan, and the server still reads it
    response = page.goto(f"{server}/zh-Hans/plan/children/9")
    assert response.status == 200
    page.fill("#teacher", "Ms. Last")
    submit(page)
    assert page.url.endswith("/zh-Hans/plan/children")
    page.goto(f"{server}/zh-Hans/plan/children/9")
    assert page.input_value("#teacher") == "Ms. Last"
    context.close()


@pytest.mark.parametrize("lang", ["ar", "vi", "zh-Hans", "ht"])
def test_the_school_preview_fits_a_320_pixel_screen_at_200_percent_text(
    server, browser, lang, tmp_path
):
    """Where a family agrees to share: long e-mails and names without spaces wrap."""
    import json

    document = json.loads((ROOT / "examples" / "family-plan.json").read_text())
    document["plan"]["contacts"][0]["email"] = (
        "a.very.long.email.address.for.testing@some-long-domain-name.example.org"
    )
    document["plan"]["children"][0]["school"] = "Escuela_Primaria_Con_Un_Nombre_Sin_Espacios"
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(document), encoding="utf-8")
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{server}/{lang}/plan/upload")
    page.set_input_files("#plan_file", str(plan_file))
    page.click("main form button[type=submit]")
    page.goto(f"{server}/{lang}/school/")
    page.fill("#submitted_by", "Ana")
    page.click("main form .actions button")
    page.wait_for_url("**/school/preview")
    for text_size in ("100%", "200%"):
        page.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (lang, text_size, width)
    context.close()


def test_arabic_check_page_lays_childrens_rows_out_right_to_left(server, browser):
    """At phone width, in Arabic: each child's name and answers start at the right edge, the
    date of birth (read first) sits right of the school, and "Change" is on the left."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{server}/ar/plan/upload")
    page.set_input_files("#plan_file", str(ROOT / "examples" / "family-plan.json"))
    page.click("main form button[type=submit]")
    page.goto(f"{server}/ar/plan/check")
    rows = page.locator("#missing-children + dl .check-row").all()
    assert len(rows) == 2
    text_right = (
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " return r.getBoundingClientRect().right }"
    )
    for row in rows:
        box = row.bounding_box()
        right = box["x"] + box["width"]
        # the text itself, not only its box, starts at the right edge
        for part in (row.locator("dt"), row.locator("dd").first):
            assert abs(part.evaluate(text_right) - right) < 2
        value, change = row.locator("dd").first.bounding_box(), row.locator(".check-change")
        change_box = change.bounding_box()
        assert change_box["x"] + change_box["width"] <= value["x"]
        # inside the answers too: the first answer (the date of birth) is right of the school
        born, school = row.locator("dd").first.locator("span").all()[:2]
        assert born.bounding_box()["x"] > school.bounding_box()["x"]
    context.close()


def test_arabic_check_page_breaks_phone_numbers_only_at_their_spaces(server, browser):
    """At 360 px a second number after "و" did not fit: Chromium broke it after a hyphen
    ("+1 508-555-" / "0100"). A number moves to the next line whole."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{server}/ar/plan/upload")
    page.set_input_files("#plan_file", str(ROOT / "examples" / "family-plan.json"))
    page.click("main form button[type=submit]")
    page.goto(f"{server}/ar/plan/check")
    numbers = page.locator(".check-row dd .ltr").all()
    pieces = [
        number.evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e);"
            " const tops = [...r.getClientRects()].map(b => Math.round(b.top));"
            " return [e.textContent, new Set(tops).size] }"
        )
        for number in numbers
    ]
    phones = [(text, lines) for text, lines in pieces if text.startswith("+1 ")]
    assert len(phones) >= 6
    assert [text for text, lines in phones if lines != 1] == []
    context.close()
