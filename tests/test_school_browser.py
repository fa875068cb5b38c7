"""The school update and the school inbox in a real headless Chromium, without JavaScript,
served by gunicorn with production settings."""

import io
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from prepplan.school.encryption import new_record_key
from tests.servers import BIN, ROOT, chromium, gunicorn, production_env

pytestmark = pytest.mark.browser
SECRET = "b" * 48  # production_env's key: the plan cookies below are sealed with it
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    env = production_env(
        PREPPLAN_DISTRICT_FILE=str(ROOT / "examples" / "district.toml"),
        PREPPLAN_RECORD_KEYS=new_record_key(),
        DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('db')}/inbox.sqlite")
    created = subprocess.run(
        [str(BIN / "prepplan"), "staff", "create", "--email", "office@chandler.example",
         "--school", "chandler-elementary", "--password-stdin"],
        input=PASSWORD + "\n", text=True, capture_output=True, cwd=ROOT, env=env, check=False)
    assert created.returncode == 0, created.stdout + created.stderr
    with gunicorn(env) as running:
        yield running.url
    for typed in ("Ramírez", "Carmen", "Pedro", "5550142", "555-0142", "autobús"):
        assert typed not in running.log


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def spanish(message: str) -> str:
    """What a Spanish reader sees for a message (the catalogs may translate it)."""
    from babel.support import Translations

    from prepplan.i18n import TRANSLATIONS_DIR

    return Translations.load(str(TRANSLATIONS_DIR), ["es"]).gettext(message)


def plan_cookies(plan) -> list[dict]:
    """The plan as the flow leaves it in the family's browser (sealed with the site's key)."""
    from prepplan import create_app, revocation
    from prepplan.flow import state

    app = create_app({"environ": {"PREPPLAN_SECRET_KEY": SECRET}})
    with app.test_request_context():
        token = state.seal(revocation.stamped({"plan": plan.model_dump(mode="json"),
                                                "touched": int(time.time())}))
    chunks = [token[i:i + state.CHUNK_CHARS] for i in range(0, len(token), state.CHUNK_CHARS)]
    chunks[0] = f"{len(chunks)}.{chunks[0]}"
    return [{"name": f"{state.COOKIE_PREFIX}{i}", "value": chunk, "domain": "127.0.0.1",
             "path": "/"} for i, chunk in enumerate(chunks)]


def test_family_sends_and_the_office_enters_it_without_javascript(site, browser, example_plan):
    family = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800},
                                 accept_downloads=True)
    family.add_cookies(plan_cookies(example_plan))
    page = family.new_page()
    problems, failed = [], []

    def watch(page) -> None:
        # CSP violations and script errors show as console errors; missing files as responses.
        page.on("console", lambda m: problems.append(m.text)
                if m.type == "error" and "Failed to load resource" not in m.text else None)
        page.on("response", lambda r: failed.append((r.status, r.url))
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)

    watch(page)

    page.goto(f"{site}/es/school/")
    page.fill("#children-0-removals-0", "Pedro Páramo")
    page.fill("#children-0-note", "Sofía toma el autobús 14.")
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == spanish("Check what the school will receive")
    assert page.locator("text=Pedro Páramo").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll

    page.click("button[formaction='/es/school/download/edfi']")
    assert page.title().startswith("Error:")
    page.check("#agree")
    with page.expect_download() as download:
        page.click("button[formaction='/es/school/download/form']")
    pdf = Path(download.value.path()).read_bytes()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2

    page.check("#agree")
    page.click("button[formaction='/es/school/send']")
    assert page.locator("h1").inner_text() == spanish("Sent to the school")
    references = page.locator(".reference").all_inner_texts()
    assert len(references) == 2
    page.reload()  # the browser posts the same form again: still the same two updates
    assert page.locator(".reference").all_inner_texts() == references
    family.close()

    office = browser.new_context(java_script_enabled=False)
    page = office.new_page()
    watch(page)
    page.goto(f"{site}/en/staff/login")
    page.fill("#email", "office@chandler.example")
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == "School inbox"
    assert page.locator("input[name=reference]").count() == 2
    page.click("table a >> nth=0")
    assert "Carmen Ortega" in page.content()
    page.click("text=Mark as entered in our system")
    assert page.locator("text=Mark as entered in our system").count() == 0
    office.close()
    assert problems == []
    assert failed == [(400, f"{site}/es/school/download/edfi")]  # only the missing agreement
