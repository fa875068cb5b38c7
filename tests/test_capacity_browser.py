"""With JavaScript, a download that meets a busy server retries by itself: the notice shows,
and the PDF arrives once the server has room, without the family pressing anything again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.servers import chromium, gunicorn, production_env

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent


def test_the_plan_download_waits_out_a_busy_server(tmp_path):
    database = f"sqlite:///{tmp_path}/prepplan.sqlite"
    with gunicorn(production_env(DATABASE_URL=database)) as server, chromium() as browser:
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.goto(f"{server.url}/es/plan/upload")
        page.set_input_files("#plan_file", str(ROOT / "examples" / "family-plan.json"))
        page.click("main form button[type=submit]")
        page.click("#step-form button[type=submit]")  # the check page: make my plan
        assert page.url.endswith("/es/plan/done")

        answers: list[int] = []

        def busy_first(route) -> None:
            # The first ask meets a full server (as capacity.py answers); the next goes through.
            if not answers:
                answers.append(503)
                route.fulfill(
                    status=503,
                    headers={"Retry-After": "1"},
                    content_type="text/html",
                    body="<p>busy</p>",
                )
            else:
                answers.append(200)
                route.continue_()

        page.route("**/es/plan/plan.pdf*", busy_first)
        with page.expect_download(timeout=20_000) as download:
            page.click("button[data-busy-retry]")
            page.wait_for_selector("#busy-notice:not([hidden])", timeout=5_000)
        assert answers == [503, 200]
        assert download.value.suggested_filename.startswith("family-plan-")
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
        assert page.url.endswith("/es/plan/done")  # the family never left the page
        assert page.is_hidden("#busy-notice")
        context.close()
