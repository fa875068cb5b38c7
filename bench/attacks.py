"""Issue 11's attacks, re-run for figures: ``.venv/bin/python bench/attacks.py [CODE_ROOT]``.

CODE_ROOT (default: this checkout) is a prepplan source tree; pointing it at an export of an
older commit (``git archive main | tar -x -C /tmp/old``) gives the "before" figures with the
same attacks. Sections:
  headers   4 connections each sending limit_request_fields headers of limit_request_field_size
            to gunicorn (gunicorn.conf.py of CODE_ROOT, 4 workers): how long a family's request
            waits meanwhile
  cookies   one request carrying 50,000 small cookies: CPU time and Set-Cookie headers
  fuzz      fuzzed plan-file and PDF uploads (tests/test_upload_fuzz.py's strategies): 500s
  bomb      a 70 kB PDF whose attachment inflates to 74 MB: peak Python memory reading it
Everything listens on 127.0.0.1; nothing is kept.
"""

from __future__ import annotations

import os
import runpy
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
CODE = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
sys.path.insert(0, str(CODE))
sys.path.insert(1, str(HERE))  # the attack inputs come from this checkout's tests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def headers_attack() -> None:
    settings = runpy.run_path(str(CODE / "gunicorn.conf.py"))
    fields = settings.get("limit_request_fields", 100)
    size = settings["limit_request_field_size"]
    port = free_port()
    env = {
        **os.environ,
        "PREPPLAN_ENV": "production",
        "PREPPLAN_SECRET_KEY": "b" * 48,
        "PREPPLAN_WORKERS": "4",
        "PYTHONPATH": str(CODE),
        "PREPPLAN_SECURE_COOKIES": "0",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=CODE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        header = b"X-Filler: " + b"a" * (size - 20) + b"\r\n"

        def family_request() -> float:
            asked = time.monotonic()
            with socket.create_connection(("127.0.0.1", port), timeout=300) as sock:
                sock.sendall(b"GET /en/privacy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                sock.recv(100)
            return time.monotonic() - asked

        family_request()  # warm the workers up
        baseline = family_request()

        def attack() -> None:
            with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
                try:
                    sock.sendall(
                        b"GET /en/ HTTP/1.1\r\nHost: x\r\n" + header * (fields - 2) + b"\r\n"
                    )
                    sock.recv(100)
                except OSError:
                    pass

        attackers = [threading.Thread(target=attack) for _ in range(4)]
        started = time.monotonic()
        for thread in attackers:
            thread.start()
        time.sleep(0.5)
        waited = family_request()
        for thread in attackers:
            thread.join()
        print(
            f"headers: {fields} fields x {size // 1024} kB, 4 connections: a family's "
            f"request waited {waited:.1f} s ({baseline:.2f} s without the attack); "
            f"the attack took {time.monotonic() - started:.1f} s; load {os.getloadavg()[0]:.0f}"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


def make_app():
    from prepplan import create_app

    return create_app({"WTF_CSRF_ENABLED": False}, instance_path=tempfile.mkdtemp())


def cookies_attack() -> None:
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Response

    app = make_app()
    header = "; ".join(f"pp{i}=x" for i in range(50_000))
    environ = EnvironBuilder(path="/en/", headers={"Cookie": "pp0=1.x; " + header}).get_environ()
    started = time.process_time()
    response = Response.from_app(app, environ)
    cpu = time.process_time() - started
    print(
        f"cookies: 50,000 cookies: {cpu:.2f} s CPU, status {response.status_code}, "
        f"{len(response.headers.getlist('Set-Cookie'))} Set-Cookie headers"
    )


def fuzz_attack(examples: int = 1500) -> None:
    from hypothesis import HealthCheck, given, settings

    from tests.test_upload_fuzz import upload, uploads

    app = make_app()
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    statuses: dict[int, int] = {}
    slowest = [0.0]

    @settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(content=uploads)
    def run(content):
        started = time.process_time()
        status = upload(client, content).status_code
        slowest[0] = max(slowest[0], time.process_time() - started)
        statuses[status] = statuses.get(status, 0) + 1

    from tests.test_upload_fuzz import REGRESSIONS

    for content in REGRESSIONS.values():
        status = upload(client, content).status_code
        statuses[status] = statuses.get(status, 0) + 1
    run()
    total = sum(statuses.values())
    print(
        f"fuzz: {total} uploads ({len(REGRESSIONS)} saved cases first): "
        f"{statuses.get(500, 0)} gave a 500; statuses {dict(sorted(statuses.items()))}; "
        f"slowest {slowest[0]:.2f} s CPU"
    )


def bomb_attack() -> None:
    from prepplan.plan.planfile import ATTACHMENT_NAME, PlanFileError, load_plan
    from tests.test_upload_fuzz import pdf_with_attachment

    bomb = pdf_with_attachment(ATTACHMENT_NAME, b"\0" * 74_000_000, deflated=True)
    tracemalloc.start()
    try:
        load_plan(bomb)
        outcome = "accepted"
    except PlanFileError as error:
        outcome = f"refused ({error.reason})"
    except Exception as error:  # noqa: BLE001 - the old code's crash is a figure too
        outcome = f"crashed ({type(error).__name__}: a 500)"
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"bomb: {len(bomb) // 1024} kB PDF, 74 MB attachment: {outcome}, peak {peak / 2**20:.1f} MB"
    )


if __name__ == "__main__":
    import logging

    logging.disable(logging.CRITICAL)
    wanted = sys.argv[2:] or ["cookies", "bomb", "fuzz", "headers"]
    for name in wanted:
        {
            "headers": headers_attack,
            "cookies": cookies_attack,
            "fuzz": fuzz_attack,
            "bomb": bomb_attack,
        }[name]()
