"""In a server, WeasyPrint runs in a child process of each worker at a lower CPU priority, so a
render never holds the worker's GIL while its other threads serve pages
(prepplan/documents/render_process.py). The command line and the other tests render in their
own process; these tests turn the child on."""

from __future__ import annotations

import os
import signal

import pikepdf
import pytest

from prepplan.documents import render_process
from tests.conftest import plant_plan as give_plan


@pytest.fixture
def app_with_child(make_app):
    app = make_app(PDF_PROCESS=True)
    yield app
    render_process.stop()


def test_the_render_runs_in_a_child_at_a_lower_priority(app_with_child):
    with app_with_child.app_context():
        child = render_process.run(os.getpid)
        assert child != os.getpid()
        assert render_process.run(os.nice, 0) == os.nice(0) + render_process.NICE
    with app_with_child.test_request_context():
        assert render_process.in_child_process()
    assert not render_process.in_child_process()  # outside an app: here, as the CLI does


def test_a_plan_pdf_made_in_the_child_is_the_whole_plan(app_with_child, example_plan, tmp_path):
    client = app_with_child.test_client()
    give_plan(app_with_child, client, example_plan)
    response = client.get("/es/plan/plan.pdf")
    assert response.status_code == 200
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.data)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) > 2
        assert str(pdf.Root.Lang) == "es"
        assert len(pdf.attachments) == 1  # the plan file rides along, as in-process


def test_a_child_that_died_is_replaced(app_with_child):
    with app_with_child.app_context():
        first = render_process.run(os.getpid)
        os.kill(first, signal.SIGKILL)
        # The next render gets a new child rather than an error.
        second = render_process.run(os.getpid)
        assert second not in (first, os.getpid())
