"""PDF rendering as a bounded, fair resource.

A render keeps a CPU busy for about a second (several for Chinese); a page takes milliseconds.
Each worker process renders at most ``PDF_RENDERS`` PDFs at once (in a child process at a lower
priority, render_process.py, so the pages served meanwhile stay fast), and at most ``PDF_QUEUE``
more requests wait their turn, each for at most ``PDF_WAIT_SECONDS``. A request that finds the
queue full gets the busy page at once: status 503 with ``Retry-After``, in the family's language,
saying their plan is safe, never a timeout. The slots are per process and per app, so a test app
with a cap of 0 or 1 leaves every other app alone.

The routes that make PDFs take their slot before doing anything else (reading the plan's
cookies, rendering the HTML), so a busy answer costs almost nothing; ``render_pdf`` takes one
too when its caller has none, so a PDF route added later is bounded all the same.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g, has_app_context, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import ServiceUnavailable

EXTENSION = "prepplan_pdf_slots"
# Endpoints that answer with a PDF, and the URL values that make them do so.
PDF_ENDPOINTS: dict[str, dict[str, str]] = {
    "documents.plan_pdf": {},
    "school.download": {"output": "form"},
    "staff.form_pdf": {},
}


class RendererBusy(ServiceUnavailable):
    """Every PDF slot in this worker stayed taken for the whole bounded wait."""


class RenderSlots:
    """At most ``renders`` at once and ``queue`` more waiting, each at most ``wait_seconds``;
    anyone past those is refused at once."""

    def __init__(self, renders: int, queue: int, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        self._running = threading.BoundedSemaphore(renders) if renders > 0 else None
        self._admitted = (
            threading.BoundedSemaphore(renders + max(0, queue)) if renders > 0 else None
        )

    def acquire(self) -> None:
        """Take a slot, or raise RendererBusy: at once when the queue is full, else after the
        bounded wait."""
        if self._running is None or self._admitted is None:
            raise RendererBusy()
        if not self._admitted.acquire(blocking=False):
            raise RendererBusy()
        if not self._running.acquire(timeout=self.wait_seconds):
            self._admitted.release()
            raise RendererBusy()

    def release(self) -> None:
        if self._running is not None and self._admitted is not None:
            self._running.release()
            self._admitted.release()

    @contextmanager
    def slot(self) -> Iterator[None]:
        self.acquire()
        try:
            yield
        finally:
            self.release()


def _slots() -> RenderSlots | None:
    return current_app.extensions.get(EXTENSION) if has_app_context() else None


@contextmanager
def render_slot() -> Iterator[None]:
    """A slot for one render in the current app, unless this request holds one already;
    outside an app (the command line) no limit."""
    slots = _slots()
    if slots is None or g.get("pdf_slot_held"):
        yield
        return
    with slots.slot():
        yield


def _is_pdf_request() -> bool:
    wanted = PDF_ENDPOINTS.get(request.endpoint or "")
    if wanted is None:
        return False
    values = request.view_args or {}
    return all(values.get(name) == value for name, value in wanted.items())


def _take_slot_first() -> None:
    slots = _slots()
    if slots is not None and _is_pdf_request():
        slots.acquire()
        g.pdf_slot_held = True


def _give_slot_back(_error: BaseException | None) -> None:
    slots = _slots()
    if g.pop("pdf_slot_held", False) and slots is not None:
        slots.release()


def busy_page(error: RendererBusy) -> tuple[str, int, dict[str, str]]:
    """The busy page, in the family's language. Nothing was lost: the plan is still in the
    family's cookies, so trying again a moment later gives the same PDF."""
    retry_after = current_app.config["BUSY_RETRY_SECONDS"]
    try_again = request.full_path.rstrip("?") if request.method == "GET" else ""
    # Staff print a stored update's form (staff.form_pdf): their way back is the inbox.
    if request.blueprint == "staff":
        back, back_label = url_for("staff.updates"), _("Back to the inbox")
    else:
        back, back_label = url_for("flow.results"), _("Back to your plan's downloads")
    page = render_template("pages/busy.html", try_again=try_again, back=back, back_label=back_label)
    return page, 503, {"Retry-After": str(retry_after)}


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = RenderSlots(
        app.config["PDF_RENDERS"], app.config["PDF_QUEUE"], app.config["PDF_WAIT_SECONDS"]
    )
    app.before_request(_take_slot_first)
    app.teardown_request(_give_slot_back)
    app.register_error_handler(RendererBusy, busy_page)
