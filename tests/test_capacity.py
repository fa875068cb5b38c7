"""PDF rendering is bounded per worker: past the cap a family gets the busy page (503 with
Retry-After, in their language, saying their plan is safe) instead of waiting on a timeout."""

from __future__ import annotations

import threading
import time

from flask_babel import force_locale, gettext

from prepplan.documents.capacity import EXTENSION, RendererBusy, RenderSlots
from tests.conftest import plant_plan as give_plan
from tests.test_school_inbox import choices_from, preview

BUSY_TITLE = "The site is busy"
PLAN_SAFE = "Your plan is safe: nothing you typed was lost. Try again in a moment."


def translated(app, lang: str, message: str) -> str:
    with app.test_request_context(f"/{lang}/"), force_locale(lang):
        text = gettext(message)
    assert lang == "en" or text != message, f"{message!r} has no {lang} translation"
    return text


def test_no_free_slot_gives_the_busy_page_in_arabic(make_app, example_plan):
    app = make_app(PDF_RENDERS=0)
    client = app.test_client()
    give_plan(app, client, example_plan)
    response = client.get("/ar/plan/plan.pdf?paper=a4&bilingual=1")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(app.config["BUSY_RETRY_SECONDS"])
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'dir="rtl"' in page
    assert translated(app, "ar", BUSY_TITLE) in page
    assert translated(app, "ar", PLAN_SAFE) in page
    # "Try again" asks for the very same PDF; the link back leads to the downloads.
    assert 'href="/ar/plan/plan.pdf?paper=a4&amp;bilingual=1"' in page
    assert 'href="/ar/plan/done"' in page
    # The plan is still on the device: the downloads page opens with it.
    assert client.get("/ar/plan/done").status_code == 200


def test_a_full_worker_answers_busy_then_renders_once_a_slot_frees(make_app, example_plan):
    app = make_app(PDF_RENDERS=1, PDF_WAIT_SECONDS=0.05)
    client = app.test_client()
    give_plan(app, client, example_plan)
    slots = app.extensions[EXTENSION]
    with slots.slot():  # another family's render holds the only slot
        busy = client.get("/es/plan/plan.pdf")
    assert busy.status_code == 503
    assert translated(app, "es", BUSY_TITLE) in busy.get_data(as_text=True)
    again = client.get("/es/plan/plan.pdf")
    assert again.status_code == 200
    assert again.mimetype == "application/pdf"


def test_renders_past_the_cap_queue_within_the_wait(make_app, example_plan):
    app = make_app(PDF_RENDERS=1, PDF_WAIT_SECONDS=60)
    statuses: list[int] = []

    def download() -> None:
        client = app.test_client()
        give_plan(app, client, example_plan)
        statuses.append(client.get("/es/plan/plan.pdf").status_code)

    threads = [threading.Thread(target=download) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]


def test_the_school_form_is_bounded_too(make_app, example_plan):
    app = make_app(PDF_RENDERS=0)
    client = app.test_client()
    give_plan(app, client, example_plan)
    fields = choices_from(preview(client))
    response = client.post("/es/school/download/form", data=dict(fields, agree="y"))
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    page = response.get_data(as_text=True)
    assert translated(app, "es", PLAN_SAFE) in page
    assert translated(app, "es", "Try again") not in page  # a POST cannot be repeated by a link
    # CSV files need no renderer: they still come at once.
    csv = client.post("/es/school/download/edfi", data=dict(fields, agree="y"))
    assert csv.status_code == 200


def test_download_buttons_retry_by_themselves_with_javascript(make_app, example_plan):
    app = make_app()
    client = app.test_client()
    give_plan(app, client, example_plan)
    results = client.get("/es/plan/done").get_data(as_text=True)
    assert "data-busy-retry" in results and 'id="busy-notice"' in results
    school = preview(client)
    assert "data-busy-retry" in school and 'id="busy-notice"' in school
    with client.get("/static/prepplan.js") as response:
        script = response.get_data(as_text=True)
    assert "Retry-After" in script and "data-busy-retry" in script


def test_a_slot_is_given_back_whatever_the_answer(make_app, example_plan):
    app = make_app(PDF_RENDERS=1, PDF_WAIT_SECONDS=0.05)
    client = app.test_client()
    assert client.get("/es/plan/plan.pdf").status_code == 302  # no plan yet: to the start
    give_plan(app, client, example_plan)
    assert client.get("/es/plan/plan.pdf").status_code == 200
    assert client.get("/es/plan/plan.pdf").status_code == 200


def test_past_the_queue_the_busy_page_comes_at_once(make_app, example_plan):
    # One render and no queue: a second family is told at once, not after the long wait.
    app = make_app(PDF_RENDERS=1, PDF_QUEUE=0, PDF_WAIT_SECONDS=120)
    client = app.test_client()
    give_plan(app, client, example_plan)
    with app.extensions[EXTENSION].slot():
        started = time.monotonic()
        busy = client.get("/es/plan/plan.pdf")
        waited = time.monotonic() - started
    assert busy.status_code == 503
    assert waited < 60  # it would have taken 120 s had it queued
    assert client.get("/es/plan/plan.pdf").status_code == 200


def test_the_queue_holds_as_many_as_it_says(make_app):
    # Two renders and one waiting: the fourth request is refused while three are in.
    slots = RenderSlots(renders=2, queue=1, wait_seconds=30)
    slots.acquire()
    slots.acquire()
    waiter = threading.Thread(target=slots.acquire)
    waiter.start()
    time.sleep(0.2)  # the third now waits for a render slot
    started = time.monotonic()
    try:
        slots.acquire()
    except RendererBusy:
        refused = True
    else:
        refused = False
    assert refused and time.monotonic() - started < 15
    slots.release()  # a render ends: the waiting one gets its slot
    waiter.join(timeout=30)
    assert not waiter.is_alive()
    slots.release()
    slots.release()
    slots.acquire()  # everything given back: room again
    slots.release()
