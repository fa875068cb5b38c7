"""Nothing personal at rest or in logs: a whole plan walked with marker values leaves no trace."""

import logging
import tempfile
from pathlib import Path

from tests.markers import marker_plan
from tests.walk import FlowWalker


def files_under(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


def test_a_whole_plan_leaves_no_trace_in_logs_or_files(
    make_app, instance_path, tmp_path, example_plan, caplog, capfd, monkeypatch
):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    caplog.set_level(logging.DEBUG)
    before = set(files_under(instance_path, scratch))

    plan, markers = marker_plan(example_plan)
    app = make_app()
    client = app.test_client()
    walker = FlowWalker(client, "es")
    walker.walk(plan)
    pages = [
        "/es/plan/check",
        "/es/plan/done",
        "/es/plan/children/1",
        "/es/plan/contacts",
        "/es/plan/caregiver-notes",
        "/es/plan/private",
        "/es/no-such-page",
    ]
    for path in pages:
        client.get(path)
    plan_file = client.get("/es/plan/plan-file.json").get_data(as_text=True)
    pdf = client.get("/es/plan/plan.pdf?language=es")
    # the family's own downloads hold their data...
    assert all(marker in plan_file for marker in markers[:5])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # ...and an error on the way logs no data either
    client.post(
        "/es/plan/upload",
        data={"plan_file": (__import__("io").BytesIO(("{" + markers[0]).encode()), "plan.json")},
        content_type="multipart/form-data",
    )

    logged = caplog.text + "".join(capfd.readouterr())
    written = set(files_under(instance_path, scratch)) - before
    for marker in markers:
        assert marker not in logged
        for path in written:
            assert marker.encode() not in path.read_bytes(), path
