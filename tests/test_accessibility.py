"""axe-core's WCAG 2.2 A and AA rules on every kind of page, in every language, in Chromium."""

import pytest

from prepplan.i18n import SITE_LANGUAGES
from tests.conftest import EXAMPLE_PLAN
from tests.servers import chromium, gunicorn, production_env

pytestmark = pytest.mark.browser
RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
PAGES = [
    "",
    "plan/parents",
    "plan/parents/0",
    "plan/children/0",
    "plan/contacts",
    "plan/contacts/0",
    "plan/caregiver",
    "plan/documents",
    "plan/check",
    "plan/done",
    "plan/upload",
    "plan/school-protocol",
    "school/",
    "privacy",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    database = f"sqlite:///{tmp_path_factory.mktemp('db')}/prepplan.sqlite"
    with gunicorn(production_env(DATABASE_URL=database)) as running:
        yield running.url


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=RULES)
    return [
        f"{v['id']}: {[node['target'] for node in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("language", SITE_LANGUAGES, ids=lambda lang: lang.code)
def test_every_page_passes_axe_in_every_language(site, browser, language):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/{language.slug}/plan/upload")
    page.set_input_files("#plan_file", str(EXAMPLE_PLAN))
    page.click("main form button[type=submit]")
    found = {}
    for path in PAGES:
        page.goto(f"{site}/{language.slug}/{path}")
        if problems := violations(page):
            found[path] = problems
    # a page with errors: the summary, the messages and the fields they belong to
    page.goto(f"{site}/{language.slug}/plan/contacts/0")
    page.fill("#given_name", "")
    page.fill("#phones-0-number", "12")
    page.click("#step-form button[type=submit]")
    if problems := violations(page):
        found["errors"] = problems
    page.goto(f"{site}/")
    if problems := violations(page):
        found["language chooser"] = problems
    context.close()
    assert found == {}


def test_the_checker_does_find_problems(site, browser):
    """A control: an unlabelled box and low-contrast text added to our page are caught."""
    page = browser.new_page()
    page.goto(f"{site}/en/")
    page.evaluate("""() => {
        const box = document.createElement('input');
        document.querySelector('main').appendChild(box);
        const faint = document.createElement('p');
        faint.textContent = 'faint';
        faint.style.color = '#eeeeee';
        document.querySelector('main').appendChild(faint);
    }""")
    found = " ".join(violations(page))
    assert "label" in found and "color-contrast" in found
    page.close()
