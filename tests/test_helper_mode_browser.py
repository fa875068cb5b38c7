"""Helper mode in a real Chromium: two families back to back on one browser profile, and
nothing of the first is found in the second's pages, in the history or in the profile's files
(cache, session, history databases); the print buttons print without a download.

Headless Chromium has a PDF viewer (navigator.pdfViewerEnabled, and the viewer's frame loads in
the print frame), but a real print() on a PDF frame crashes its renderer: there is no print
dialog without a screen. So PRINT_SPY replaces print() in every frame with a recorder, and
watches the page's blob: URLs being made and revoked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.servers import CHROMIUM, CHROMIUM_ARGS, gunicorn, production_env

pytestmark = pytest.mark.browser

PIN = "2468"
FIRST = {
    "given": "Marisol",
    "family": "Quenteh",
    "child": "Yaritza",
    "contact": "Eusebia",
    "phone": "508 555 0177",
}
SECOND = {
    "given": "Bento",
    "family": "Farias",
    "child": "Ilda",
    "contact": "Joaquina",
    "phone": "508 555 0188",
}
# How the first family's words could appear anywhere: typed, formatted, in URLs.
FIRST_MARKERS = ("Marisol", "Quenteh", "Yaritza", "Eusebia", "5550177", "555-0177", "555 0177")
ROOT = Path(__file__).resolve().parent.parent

# Runs in every frame before the page's own scripts (Playwright's init scripts reach frames too).
PRINT_SPY = """
(() => {
  window.print = function () {
    const top = window.top;
    (top.__prints = top.__prints || []).push({ href: location.href, type: document.contentType });
  };
  if (window !== window.top) { return; }
  window.__blobs = {};
  window.__revoked = [];
  const create = URL.createObjectURL.bind(URL);
  const revoke = URL.revokeObjectURL.bind(URL);
  URL.createObjectURL = function (blob) {
    const url = create(blob);
    window.__blobs[url] = { type: blob.type, head: null };
    blob.slice(0, 5).text().then((head) => { window.__blobs[url].head = head; });
    return url;
  };
  URL.revokeObjectURL = function (url) { window.__revoked.push(url); return revoke(url); };
})();
"""


def printed_frame(page) -> dict:
    """What print() was called on (the frame's URL and content type), once the PDF has arrived
    and been put in its frame."""
    for _ in range(600):
        prints = page.evaluate("window.__prints || []")
        if prints:
            assert len(prints) == 1
            return prints[0]
        page.wait_for_timeout(100)
    raise AssertionError("print() was not called")


def press_print(page, selector: str) -> dict:
    page.evaluate("window.__prints = []")
    page.click(selector)
    return printed_frame(page)


def assert_printed_a_pdf(page, printed: dict) -> None:
    blobs = page.evaluate("window.__blobs")
    assert printed["href"] in blobs and printed["href"].startswith("blob:")
    assert printed["type"] == "application/pdf"
    assert blobs[printed["href"]] == {"type": "application/pdf", "head": "%PDF-"}
    assert page.locator("iframe.print-frame").count() == 1


def assert_nothing_left(page) -> None:
    """No print frame, and every blob: URL the page made has been revoked."""
    assert page.locator("iframe").count() == 0
    made = set(page.evaluate("Object.keys(window.__blobs)"))
    assert made and made <= set(page.evaluate("window.__revoked"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = f"sqlite:///{tmp_path_factory.mktemp('db')}/prepplan.sqlite"
    with gunicorn(production_env(DATABASE_URL=database, PREPPLAN_EVENT_PIN=PIN)) as running:
        yield running.url
    for marker in FIRST_MARKERS:
        assert marker not in running.log


def submit(page) -> None:
    page.click("#step-form button[type=submit]")
    page.wait_for_load_state("load")


def first_family_marker_in(text: str) -> list[str]:
    return [marker for marker in FIRST_MARKERS if marker in text]


def walk(page, base: str, lang: str, family: dict, seen: list[str]) -> None:
    """One family's plan from the language chooser to the results page; every page's HTML is
    kept in ``seen``."""

    def keep() -> None:
        page.wait_for_load_state("load")
        seen.append(page.content())

    page.goto(f"{base}/")
    keep()
    page.click(f'a[href="/{lang}/"]')
    keep()
    page.click(f'a[href="/{lang}/plan/parents"]')
    page.click("#add-item")
    keep()
    page.fill("#given_name", family["given"])
    page.fill("#family_name", family["family"])
    page.fill("#phones-0-number", family["phone"])
    submit(page)
    keep()
    submit(page)
    submit(page)
    page.click("#add-item")
    keep()
    page.fill("#given_name", family["child"])
    page.fill("#date_of_birth", "21/10/2015")
    submit(page)
    submit(page)
    keep()
    page.click("main p.actions a.button")  # what the school will do: continue
    page.click("#add-item")
    keep()
    page.fill("#given_name", family["contact"])
    page.fill("#phones-0-number", "(508) 555-0123")
    page.check("#may_pick_up")
    submit(page)
    submit(page)
    submit(page)
    page.check("#primary_contact_id-0")
    submit(page)
    keep()
    submit(page)  # caregiver notes
    keep()
    page.click("main p.actions a.button")  # caregiver papers: continue
    for _ in range(4):  # documents, help, private, check
        keep()
        submit(page)
    assert page.url.endswith(f"/{lang}/plan/done")
    keep()


def session_contents(value: str) -> dict:
    """A Flask session cookie opened with the test server's key (tests/servers.py)."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    app = Flask(__name__)
    app.secret_key = production_env()["PREPPLAN_SECRET_KEY"]
    return dict(SecureCookieSessionInterface().get_signing_serializer(app).loads(value))


def test_two_families_back_to_back_share_nothing(server, tmp_path):
    from playwright.sync_api import sync_playwright

    profile = tmp_path / "profile"
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            accept_downloads=True,
        )
        context.add_init_script(PRINT_SPY)
        page = context.new_page()

        # The helper turns helper mode on, with the event's PIN.
        page.goto(f"{server}/en/helpers")
        page.fill("#pin", "0000")
        page.click("#helper-on")
        assert "pin=wrong" in page.url
        assert not [c for c in context.cookies() if c["name"] == "pp_helper"]
        page.fill("#pin", PIN)
        page.click("#helper-on")
        assert page.url == f"{server}/"

        first_pages: list[str] = []
        walk(page, server, "es", FIRST, first_pages)
        # Helper mode showed Spanish first and the English beneath, on every page.
        assert [i for i, html in enumerate(first_pages[1:]) if "helper-en" not in html] == []
        assert any(
            'Guardar y continuar<span class="helper-en" lang="en" dir="ltr">'
            "Save and continue</span>" in html
            for html in first_pages
        )
        assert any("Marisol" in html for html in first_pages)  # the markers were really there
        # Printing: print() called on a frame holding the PDF, and no download.
        downloads: list[str] = []
        page.on("download", lambda download: downloads.append(download.suggested_filename))
        assert_printed_a_pdf(page, press_print(page, "button[name=print][value=complete]"))
        assert downloads == []
        page.click("h1")
        assert_nothing_left(page)  # the family came back to the page: the print frame went
        with page.expect_download() as download:
            page.click(".options-form button[data-busy-retry]")
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

        # Finish and clear: back at the language chooser, only the helper's marker left.
        page.click("#helper-finish")
        page.wait_for_url(f"{server}/")
        # Left: the marker, and the new page's session cookie, which holds its CSRF token only.
        left = {c["name"]: c["value"] for c in context.cookies()}
        assert set(left) <= {"pp_helper", "prepplan_session"} and "pp_helper" in left
        if "prepplan_session" in left:
            assert set(session_contents(left["prepplan_session"])) == {"csrf_token"}
        assert page.locator("#helper-finish").is_visible()  # still in helper mode

        # The history: going back shows nothing of the first family.
        for _ in range(12):
            page.go_back(wait_until="load")
            page.wait_for_load_state("load")
            page.wait_for_timeout(150)  # helper.js replaces an old page at once
            html = page.content()
            assert first_family_marker_in(html) == [], page.url
            assert (
                first_family_marker_in(
                    page.evaluate(
                        "Array.from(document.querySelectorAll('input, textarea'))"
                        ".map(e => e.value).join(' ')"
                    )
                )
                == []
            )
        page.goto(f"{server}/")

        # The second family, in another language, on the same browser.
        second_pages: list[str] = []
        walk(page, server, "pt-BR", SECOND, second_pages)
        for html in second_pages:
            assert first_family_marker_in(html) == []
        assert any("Bento" in html for html in second_pages)
        page.click("#helper-finish")
        page.wait_for_url(f"{server}/")
        context.close()

    # The profile on disk: cache, history, session and cookie files hold nothing of the first
    # family (nor of the second, after its own clear). Text is searched as UTF-8 and UTF-16.
    found = []
    for path in profile.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for marker in (*FIRST_MARKERS, "Bento", "Farias", "Joaquina"):
            if marker.encode() in data or marker.encode("utf-16-le") in data:
                found.append((str(path.relative_to(profile)), marker))
    assert found == []


def test_every_print_button_prints_without_a_download(server):
    """The results page in helper mode: the plan's two copies, each caregiver paper and the
    school form (through the family's check and agreement) are printed from memory; nothing is
    downloaded, and nothing is left once the family is back on the page or has finished. A busy
    server's answer shows the notice, and the print goes through when the server has room."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True)
        context.add_init_script(PRINT_SPY)
        page = context.new_page()
        downloads: list[str] = []
        page.on("download", lambda download: downloads.append(download.suggested_filename))
        page.goto(f"{server}/es/helpers")
        page.fill("#pin", PIN)
        page.click("#helper-on")
        page.goto(f"{server}/es/plan/upload")
        page.set_input_files("#plan_file", str(ROOT / "examples" / "family-plan.json"))
        page.click("main form button[type=submit]")
        page.wait_for_load_state("load")
        # The caregiver papers: both, for the first contact, who lives with the children.
        page.goto(f"{server}/es/plan/caregiver-papers")
        page.check("#caregiver_ids-0")
        page.check("#lives_with_children_now-0")
        page.check("#authority-0")
        page.check("#forms-0")
        page.check("#forms-1")
        page.click("#step-form button[type=submit]")
        page.wait_for_url("**/es/plan/caregiver-papers#papers")
        assert page.locator("#papers button[data-print]").count() == 2
        assert_printed_a_pdf(page, press_print(page, "#papers button[data-print] >> nth=0"))
        page.click("h1")
        assert_nothing_left(page)

        page.goto(f"{server}/es/plan/done")
        answers: list[int] = []

        def busy_first(route) -> None:
            if not answers:
                answers.append(503)
                route.fulfill(status=503, headers={"Retry-After": "1"}, body="busy")
            else:
                answers.append(200)
                route.continue_()

        page.route("**/es/plan/plan.pdf*", busy_first)
        page.evaluate("window.__prints = []")
        page.click("button[name=print][value=to_give]")
        page.wait_for_selector("#busy-notice:not([hidden])", timeout=5_000)
        assert_printed_a_pdf(page, printed_frame(page))
        assert answers == [503, 200]
        assert page.is_hidden("#busy-notice")
        page.unroute("**/es/plan/plan.pdf*")

        buttons = page.locator("button[data-print]")
        assert buttons.count() == 4  # two copies of the plan, two caregiver papers
        for number in range(4):
            assert_printed_a_pdf(page, press_print(page, f"button[data-print] >> nth={number}"))
            page.keyboard.press("Tab")  # back on the page: the frame goes
            assert_nothing_left(page)

        # The school form: the results page leads into the check, which keeps the agreement.
        page.click("#print-school-form")
        page.click("main form button[type=submit]")  # the review: see what will be shared
        page.click("button[name=print]")  # not agreed: the page says what is missing
        page.wait_for_selector(".error-summary")
        assert page.evaluate("window.__prints || []") == []
        page.check("#agree")
        assert_printed_a_pdf(page, press_print(page, "button[name=print]"))
        assert downloads == []
        assert page.url.endswith("/es/school/download/form")  # the preview page, where it was

        # Finish: the frame and its blob go with the page.
        page.click("#helper-finish")
        page.wait_for_url(f"{server}/")
        assert page.locator("iframe").count() == 0
        assert "Ramírez" not in page.content()
        browser.close()


def test_the_idle_limit_in_helper_mode_is_short(server):
    """The page says so, and counts down from the helper's limit (default 5 minutes)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{server}/es/helpers")
        page.fill("#pin", PIN)
        page.click("#helper-on")
        page.goto(f"{server}/es/")
        assert page.get_attribute("body", "data-idle-minutes") == "5"
        assert page.get_attribute("body", "data-cleared-url") == "/es/helpers/idle"
        assert re.search(r"\b5 minutos\b", page.content())
        browser.close()


@pytest.mark.parametrize("slug", ["es", "ar"])
def test_the_kit_page_and_helper_mode_pages_pass_axe(server, slug):
    """WCAG 2.2 A/AA (axe-core) on the helpers' page and on pages in helper mode, where every
    English line is marked lang="en"."""
    from playwright.sync_api import sync_playwright

    from tests.test_accessibility import violations

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 360, "height": 800}).new_page()
        found = {}
        page.goto(f"{server}/{slug}/helpers")
        found["kit"] = violations(page)
        page.fill("#pin", PIN)
        page.click("#helper-on")
        for path in ("helpers", "", "plan/parents/0", "plan/contacts/0"):
            page.goto(f"{server}/{slug}/{path}")
            found[path or "start"] = violations(page)
        browser.close()
    assert {name: problems for name, problems in found.items() if problems} == {}
