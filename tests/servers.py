"""Real servers and a real browser for end-to-end tests: gunicorn as in production, Debian's
Chromium driven by Playwright. Everything listens on 127.0.0.1 only."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**settings: str) -> dict[str, str]:
    return {
        **os.environ,
        "PREPPLAN_ENV": "production",
        "PREPPLAN_SECRET_KEY": "b" * 48,
        "PREPPLAN_SECURE_COOKIES": "0",
        "PREPPLAN_WORKERS": "2",
        **settings,
    }


@dataclass
class Server:
    url: str
    log: str = field(default="")


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[Server]:
    """The site under gunicorn with the project's own gunicorn.conf.py; its log is kept on the
    Server once it stops, for tests that check nothing personal was logged."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + process.stdout.read().decode())
    server = Server(f"http://127.0.0.1:{port}")
    try:
        yield server
    finally:
        process.terminate()
        server.log = process.communicate(timeout=10)[0].decode()


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
