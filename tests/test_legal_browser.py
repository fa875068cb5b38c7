"""The caregiver papers page in Chromium: axe-core's WCAG 2.2 A/AA rules, filled and with
errors, left to right and right to left; the papers download from it."""

import pytest

from tests.conftest import EXAMPLE_PLAN
from tests.servers import chromium, gunicorn, production_env
from tests.test_accessibility import violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    database = f"sqlite:///{tmp_path_factory.mktemp('db')}/prepplan.sqlite"
    with gunicorn(production_env(DATABASE_URL=database)) as running:
        yield running.url


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.mark.parametrize("slug", ["es", "ar"])
def test_the_caregiver_papers_page_passes_axe_and_serves_the_papers(site, browser, slug):
    context = browser.new_context(viewport={"width": 360, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{site}/{slug}/plan/upload")
    page.set_input_files("#plan_file", str(EXAMPLE_PLAN))
    page.click("main form button[type=submit]")
    page.goto(f"{site}/{slug}/plan/caregiver-papers")
    found = {}
    if problems := violations(page):
        found["filled"] = problems
    # the papers the example plan made, ready to download
    with page.expect_download() as download:
        page.click("#papers a[href$='ma-temporary-agent.pdf']")
    assert download.value.suggested_filename == "ma-temporary-agent.pdf"
    # a page with errors: no one chosen, a date that is not one
    page.uncheck("#caregiver_ids-0")
    page.fill("#agent_starts", "99/99")
    page.click("#step-form button[type=submit]")
    assert page.locator(".has-error").count() >= 2
    if problems := violations(page):
        found["errors"] = problems
    context.close()
    assert found == {}
