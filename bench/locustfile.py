"""Families and school staff for the load test (bench/load.py starts the stack and runs this).

A family walks the whole flow through the real forms (tests/walk.py, CSRF on) in one of the
site's languages, downloads the plan PDF, previews and sends the school update, sometimes
downloads the school's printable form, then finishes (which deletes the plan) and starts again
as a new family. One family in three is back for next year's update: it uploads last year's
plan file instead of typing, checks it and goes on the same way. Staff log in, list their
school's updates and export them.

Each request is named by its kind, so locust's figures come per kind. A busy answer (503 with
Retry-After: the PDF cap, prepplan/documents/capacity.py) is reported under "<kind> (busy)" and
counted apart from errors; the family waits Retry-After and asks again, as prepplan.js does.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, events, task

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from walk import FlowWalker  # noqa: E402

from prepplan.i18n import SITE_LANGUAGES  # noqa: E402
from prepplan.plan.planfile import load_plan  # noqa: E402

EXAMPLE_PLAN_FILE = (ROOT / "examples" / "family-plan.json").read_bytes()
EXAMPLE_PLAN = load_plan(EXAMPLE_PLAN_FILE)
STAFF_EMAIL = os.environ.get("PREPPLAN_LOAD_STAFF_EMAIL", "office@chandler.example")
STAFF_PASSWORD = os.environ.get("PREPPLAN_LOAD_STAFF_PASSWORD", "")
SCHOOLS = ("chandler-elementary", "elm-park-community")
BUSY_RETRIES = 3
# Seconds a family spends on each step's form: far quicker than a real family (minutes).
THINK_SECONDS = tuple(float(x) for x in os.environ.get("PREPPLAN_LOAD_THINK", "0.5-1.5").split("-"))
busy_counts: dict[str, int] = {}
# Every request's time in ms and whether it went right, per kind: exact percentiles later.
timings: dict[str, list[tuple[float, bool]]] = {}
errors: dict[str, int] = {}


class _Fields(HTMLParser):
    """A page's hidden inputs and CSRF token, as a browser would post them back."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""


def hidden_fields(page: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(page)
    return parser.fields


class _WalkerResponse:
    """What tests/walk.py reads from a Flask test response, over a real HTTP response."""

    def __init__(self, response) -> None:
        self.status_code = response.status_code
        self.data = response.content

    def get_data(self, as_text: bool = False):
        return self.data.decode() if as_text else self.data


class _WalkerClient:
    """tests/walk.py's client, over locust's HTTP session: opened pages and saved steps."""

    def __init__(self, user: HttpUser) -> None:
        self.user = user

    def get(self, url: str):
        return _WalkerResponse(self.user.client.get(url, name="page"))

    def post(self, url: str, data: dict):
        time.sleep(random.uniform(*THINK_SECONDS))  # filling in the form
        with self.user.client.post(
            url, data=data, name="step", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"step answered {response.status_code}")
        return _WalkerResponse(response)


class Family(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.language = random.choice(SITE_LANGUAGES)

    def busy_aware(self, method: str, url: str, kind: str, expect: str, **kwargs) -> None:
        """A download; a busy answer is waited out (Retry-After) and asked again."""
        for _attempt in range(BUSY_RETRIES + 1):
            with self.client.request(
                method, url, name=kind, catch_response=True, **kwargs
            ) as response:
                if response.status_code == 503 and response.headers.get("Retry-After"):
                    response.request_meta["name"] = f"{kind} (busy)"
                    response.success()
                    busy_counts[kind] = busy_counts.get(kind, 0) + 1
                    retry_after = int(response.headers["Retry-After"])
                elif response.status_code != 200 or not response.headers.get(
                    "Content-Type", ""
                ).startswith(expect):
                    response.failure(f"{kind} answered {response.status_code}")
                    return
                else:
                    return
            time.sleep(retry_after)  # gevent's sleep: locust patches the standard library

    @task(2)
    def make_a_plan(self) -> None:
        slug = self.language.slug
        self.client.cookies.clear()
        self.client.get(f"/{slug}/", name="page")
        walker = FlowWalker(_WalkerClient(self), lang=slug, csrf=True)
        walker.walk(EXAMPLE_PLAN)
        self.downloads_and_school()

    @task(1)
    def update_last_years_plan(self) -> None:
        slug = self.language.slug
        self.client.cookies.clear()
        page = self.client.get(f"/{slug}/plan/upload", name="page").text
        time.sleep(random.uniform(*THINK_SECONDS))
        with self.client.post(
            f"/{slug}/plan/upload",
            name="upload plan file",
            data={"csrf_token": hidden_fields(page).get("csrf_token", "")},
            files={"plan_file": ("family-plan.json", EXAMPLE_PLAN_FILE, "application/json")},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"upload answered {response.status_code}")
                return
        check = self.client.get(f"/{slug}/plan/check", name="page").text
        time.sleep(random.uniform(*THINK_SECONDS))
        with self.client.post(
            f"/{slug}/plan/check",
            name="step",
            allow_redirects=False,
            data={"csrf_token": hidden_fields(check).get("csrf_token", "")},
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"step answered {response.status_code}")
                return
        self.downloads_and_school()

    def downloads_and_school(self) -> None:
        slug, code = self.language.slug, self.language.code
        self.client.get(f"/{slug}/plan/done", name="page")
        bilingual = "1" if random.random() < 0.3 else ""
        self.busy_aware(
            "GET",
            f"/{slug}/plan/plan.pdf?language={code}&bilingual={bilingual}&paper=letter",
            "plan pdf",
            "application/pdf",
        )
        self.send_to_school(slug)
        finish = self.client.get(f"/{slug}/plan/done", name="page").text
        token = hidden_fields(finish).get("csrf_token", "")
        self.client.post(f"/{slug}/finish", data={"csrf_token": token}, name="finish")

    def send_to_school(self, slug: str) -> None:
        review = self.client.get(f"/{slug}/school/", name="page").text
        fields = hidden_fields(review)
        fields.update({"submitted_by": "María José Ramírez Ortega", "children-0-note": ""})
        preview = self.client.post(
            f"/{slug}/school/preview", data=fields, name="school preview"
        ).text
        agreed = dict(hidden_fields(preview), agree="y")
        for index, school in enumerate(SCHOOLS):
            agreed[f"schools-{index}"] = school
        with self.client.post(
            f"/{slug}/school/send", data=agreed, name="school send", catch_response=True
        ) as response:
            if response.status_code != 200 or "reference" not in response.text:
                response.failure(f"school send answered {response.status_code}")
        if random.random() < 0.25:
            self.busy_aware(
                "POST",
                f"/{slug}/school/download/form",
                "school form pdf",
                "application/pdf",
                data=agreed,
            )


class Staff(HttpUser):
    fixed_count = 1  # one school office beside the families (load.py adds it to the count)
    wait_time = between(2.0, 5.0)

    def on_start(self) -> None:
        page = self.client.get("/en/staff/login", name="staff login").text
        self.client.post(
            "/en/staff/login",
            name="staff login",
            data={
                "csrf_token": hidden_fields(page).get("csrf_token", ""),
                "email": STAFF_EMAIL,
                "password": STAFF_PASSWORD,
            },
        )

    @task
    def list_and_export(self) -> None:
        page = self.client.get("/en/staff/?show=all", name="staff list").text
        references = re.findall(r'name="reference" value="([^"]+)"', page)[:50]
        if not references:
            return
        with self.client.post(
            "/en/staff/export?show=all",
            name="staff export",
            catch_response=True,
            data={
                "csrf_token": hidden_fields(page).get("csrf_token", ""),
                "format": random.choice(("edfi", "powerschool")),
                "reference": references,
            },
        ) as response:
            if not response.headers.get("Content-Type", "").startswith("text/csv"):
                response.failure(f"staff export answered {response.status_code}")


@events.request.add_listener
def _record(name: str, response_time: float, exception=None, **_kwargs) -> None:
    timings.setdefault(name, []).append((response_time, exception is None))
    if exception is not None:
        message = f"{name}: {type(exception).__name__}: {str(exception)[:120]}"
        errors[message] = errors.get(message, 0) + 1


@events.test_stop.add_listener
def _write_figures(**_kwargs) -> None:
    target = os.environ.get("PREPPLAN_LOAD_RESULTS")
    if target:
        Path(target).write_text(
            json.dumps({"busy": busy_counts, "timings": timings, "errors": errors})
        )
