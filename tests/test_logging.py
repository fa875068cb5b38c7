"""Nothing from a request reaches the log: not uploaded content quoted by a library, not a
request line, not a client's address. One filter scrubs every record (prepplan.security)."""

from __future__ import annotations

import http.client
import io
import logging
import re
import socket
from urllib.parse import urlsplit

import pytest
from pypdf import PdfWriter

from prepplan.security import ScrubLogRecord
from tests.servers import gunicorn, production_env

A_NUMBER = "A987654321"
CODE_WORD = "Girasolmarker"
QUERY_MARKER = "Querymarker5531"


def pdf_quoting_its_names() -> bytes:
    """A PDF whose attachment name holds an A-number, broken so that pypdf warns about a key
    named with the family's code word (pypdf quotes both in its warnings)."""
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_attachment(f"{A_NUMBER}-{CODE_WORD}.json", b'{"format": "x"}')
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue().replace(
        b"/Type /Filespec", f"/Type /Filespec\n/{CODE_WORD} 1\n/{CODE_WORD} 2".encode()
    )


def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "prepplanboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="plan_file"; '
        f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


def upload_through(server_url: str, content: bytes) -> int:
    address = urlsplit(server_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", "/en/plan/upload")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body, boundary = _multipart({"csrf_token": token}, f"{A_NUMBER}.pdf", content)
    connection.request(
        "POST",
        "/en/plan/upload",
        body=body,
        headers={"Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def malformed_request_line(server_url: str) -> bytes:
    address = urlsplit(server_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(f"GET /en/?q={QUERY_MARKER} HTTP/1.1 extra\r\nHost: x\r\n\r\n".encode())
        return sock.recv(4096)


def test_uploaded_pdf_names_and_bad_request_lines_never_reach_the_gunicorn_log():
    with gunicorn(production_env(PREPPLAN_WORKERS="1")) as server:
        assert upload_through(server.url, pdf_quoting_its_names()) == 200
        assert malformed_request_line(server.url).startswith(b"HTTP/1.1 400")
    log = server.log
    # The log is there: pypdf's warnings and gunicorn's, without what they quoted.
    assert "Multiple definitions in dictionary" in log and "gunicorn.error" in log
    for marker in (A_NUMBER, CODE_WORD, QUERY_MARKER, "127.0.0.1", "/en/"):
        assert marker not in log, marker


@pytest.mark.parametrize(
    "logger_name",
    [
        "pypdf._reader",
        "gunicorn.error",
        "werkzeug",
        "weasyprint",
        "fontTools.subset",
        "sqlalchemy.engine",
    ],
)
def test_every_library_logger_is_scrubbed(app, logger_name, caplog):
    caplog.set_level(logging.INFO)
    logger = logging.getLogger(logger_name)
    logger.warning(f"quoting {CODE_WORD} in the message itself")
    logger.warning("Invalid request from ip=%s: %s", "203.0.113.7", f"GET /?q={QUERY_MARKER}")
    logger.warning("key %(key)s", {"key": CODE_WORD})
    logger.warning("worker %s exited", 4242)
    assert CODE_WORD not in caplog.text and QUERY_MARKER not in caplog.text
    assert "203.0.113.7" not in caplog.text
    assert "worker 4242 exited" in caplog.text  # numbers and the library's own words stay


def test_exception_messages_are_withheld_for_any_logger(app, caplog):
    try:
        raise ValueError(f"{CODE_WORD} typed by a family")
    except ValueError:
        logging.getLogger("anything.else").exception("failed")
    assert "ValueError: [message withheld]" in caplog.text
    assert CODE_WORD not in caplog.text


def test_the_filter_keeps_our_own_messages():
    record = logging.LogRecord(
        "prepplan",
        logging.WARNING,
        __file__,
        1,
        "school inbox unreachable (%s)",
        ("OperationalError",),
        None,
    )
    ScrubLogRecord().filter(record)
    assert record.getMessage() == "school inbox unreachable (OperationalError)"
