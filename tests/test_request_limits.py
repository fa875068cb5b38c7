"""Bounds on what one request can make the server do: headers, cookies, lists in a plan."""

from __future__ import annotations

import contextlib
import io
import json
import runpy
import time
import typing
from pathlib import Path

import pytest
from annotated_types import MaxLen
from pydantic import BaseModel
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from prepplan import plan_state as state
from prepplan.plan import model as plan_model
from prepplan.plan.planfile import dump_plan
from prepplan.school import record as school_record
from tests.test_browser import worst_case_plan

ROOT = Path(__file__).resolve().parent.parent


def _models() -> list[type[BaseModel]]:
    found = []
    for module in (plan_model, school_record):
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, BaseModel)
            and value.__module__ == module.__name__
        ]
    return found


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_every_list_in_the_plan_and_school_models_is_bounded(model):
    for name, field in model.model_fields.items():
        if typing.get_origin(field.annotation) is list:
            bounds = [m for m in field.metadata if isinstance(m, MaxLen)]
            assert bounds, f"{model.__name__}.{name} has no max_length"


def test_a_plan_file_with_thousands_of_document_entries_is_refused(client, example_plan):
    document = json.loads(dump_plan(example_plan))
    document["plan"]["documents"] = [{"kind": "lease"}] * 20_000
    data = json.dumps(document).encode()
    response = client.post("/en/plan/upload", data={"plan_file": (io.BytesIO(data), "p.json")})
    assert response.status_code == 200
    assert "changed or damaged" in response.get_data(as_text=True)


def _gunicorn_settings() -> dict:
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_header_limits_fit_the_largest_plan_and_no_more(app):
    settings = _gunicorn_settings()
    with app.test_request_context():
        token = state.seal({"plan": worst_case_plan().model_dump(mode="json"), "touched": 0})
    largest_cookie_header = len(token) + 8 * (len(token) // state.CHUNK_CHARS + 1) + 200
    assert largest_cookie_header < settings["limit_request_field_size"]
    # The most a plan may ever take (MAX_CHUNKS full chunks) fits too.
    assert settings["limit_request_field_size"] > state.MAX_CHUNKS * (state.CHUNK_CHARS + 8)
    assert settings["limit_request_field_size"] < 600 * 1024
    # A browser sends about a dozen headers; 100 fields of 600 kB froze the site.
    assert settings["limit_request_fields"] <= 40
    assert settings["limit_request_fields"] * settings["limit_request_field_size"] < 24 * 2**20


def _get_with_cookie_header(app, path: str, header: str) -> Response:
    """A request with exactly this Cookie header (the test client would use its own jar)."""
    environ = EnvironBuilder(path=path, headers={"Cookie": header}).get_environ()
    return Response.from_app(app, environ)


def test_thousands_of_cookies_are_refused_before_they_are_parsed(app):
    header = "; ".join(f"pp{i}=x" for i in range(50_000))
    started = time.process_time()
    response = _get_with_cookie_header(app, "/en/", header)
    assert response.status_code == 400
    assert time.process_time() - started < 1.0  # parsing them all took 3.4 s
    assert len(response.headers.getlist("Set-Cookie")) < 5
    assert response.headers["Content-Security-Policy"]
    assert "Something in that request was not right" in response.get_data(as_text=True)


def test_forged_chunk_names_get_no_set_cookie_each(app):
    header = "; ".join(f"pp{i}=x" for i in range(1, 1000))
    response = _get_with_cookie_header(app, "/en/", "pp0=1.x; " + header)
    assert response.status_code == 400  # over the count
    fewer = "; ".join(f"pp{i}=x" for i in range(1, 140))
    response = _get_with_cookie_header(app, "/en/", "pp0=1.x; " + fewer)
    assert response.status_code == 200
    assert len(response.headers.getlist("Set-Cookie")) <= state.MAX_CHUNKS


def _raw_request(url: str, head: bytes) -> bytes:
    import socket
    from urllib.parse import urlsplit

    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=60) as sock:
        # The server may answer and close before reading it all.
        with contextlib.suppress(OSError):
            sock.sendall(head)
        return sock.recv(200)


def test_gunicorn_bounds_the_whole_header_block_and_still_takes_the_largest_plan(app):
    from tests.servers import gunicorn, production_env

    settings = _gunicorn_settings()
    field = b"X-Filler: " + b"a" * (settings["limit_request_field_size"] - 20) + b"\r\n"
    with app.test_request_context():
        token = state.seal({"plan": worst_case_plan().model_dump(mode="json"), "touched": 0})
    cookie = "; ".join(
        f"pp{i}=" + token[i * state.CHUNK_CHARS : (i + 1) * state.CHUNK_CHARS]
        for i in range(len(token) // state.CHUNK_CHARS + 1)
    )
    with gunicorn(production_env(PREPPLAN_WORKERS="1")) as server:
        started = time.monotonic()
        answer = _raw_request(
            server.url, b"GET /en/ HTTP/1.1\r\nHost: x\r\n" + field * 39 + b"\r\n"
        )
        refused_after = time.monotonic() - started
        largest = _raw_request(
            server.url,
            b"GET /en/privacy HTTP/1.1\r\nHost: x\r\n"
            + f"Cookie: {cookie}\r\n".encode()
            + b"X-A: 1\r\n" * 30
            + b"\r\n",
        )
    assert answer.startswith(b"HTTP/1.1 431") or answer.startswith(b"HTTP/1.1 400"), answer
    # 39 fields of 570 kB were read and re-scanned for minutes; now the first 600 kB decide.
    assert refused_after < 10
    assert largest.startswith(b"HTTP/1.1 200"), largest
