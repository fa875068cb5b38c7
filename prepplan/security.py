"""Security rules set in one place: response headers and log scrubbing. (Request size limits
are set where they apply: MAX_CONTENT_LENGTH in config.py, header sizes in gunicorn.conf.py.)

Families fear that what they type reaches immigration enforcement, so nothing personal is ever
logged: no query strings, no form values, no exception messages (which can quote input).
"""

from __future__ import annotations

import logging
import traceback

from flask import Flask, Response, abort, current_app, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
        # Helper mode prints a PDF from a hidden frame holding it as a blob: URL
        # (static/prepplan.js). Chromium's PDF viewer needs nothing more: object-src stays 'none'
        # and frame-ancestors 'none' does not stop a blob frame of the page's own making.
        "frame-src blob:",
    )
)


def attachment(data: bytes, mimetype: str, filename: str, *, inline: bool = False) -> Response:
    """A download or, with ``inline``, a document the browser shows itself (helper mode's print
    buttons: the browser's PDF viewer, with its own print button, and nothing in the downloads
    folder). Every one carries family or school data: no cache may keep it (said here as well as
    in set_security_headers, so it holds wherever the response goes)."""
    # content_type, not mimetype: Werkzeug would add a second charset to "text/csv; charset=...".
    response = Response(data, content_type=mimetype)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def wants_print() -> bool:
    """A print button asked for this document (``print`` in the query or the form): it is shown
    inline, to print, rather than downloaded."""
    return bool(request.values.get("print"))


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    # Served over HTTPS (directly, or behind a configured HTTPS proxy), or with secure cookies:
    # the browser must never come back over plain HTTP, where the plan cookies could be read.
    if request.is_secure or current_app.config["SESSION_COOKIE_SECURE"]:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    # Any page or download may carry family data: no cache may keep it. Static files are the
    # only exception (they hold none).
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


class ScrubbingFormatter(logging.Formatter):
    """Logs exceptions as their type and stack frames only.

    An exception's message can quote what a family typed (a validation error, a decode error), so
    it is dropped. Frames name code, never data.
    """

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        exc_type, _value, tb = ei
        frames = "".join(traceback.format_list(traceback.extract_tb(tb)))
        name = getattr(exc_type, "__qualname__", "Exception")
        return f"Traceback (most recent call last):\n{frames}{name}: [message withheld]"


WITHHELD = "[withheld]"
# Loggers of our own code: it logs types and counts, never input (tests walk whole plans with
# markers through every log). Every other library may quote what it was given.
OWN_LOGGERS = ("prepplan", "flask.app")


class ScrubLogRecord(logging.Filter):
    """The one filter every log record passes (installed as the record factory, so it holds for
    every logger and handler: gunicorn, werkzeug, pypdf, weasyprint, fontTools, SQLAlchemy...).

    - exception messages are withheld (ScrubbingFormatter), whatever formatter prints them;
    - a library's arguments are withheld (they are request lines, addresses, PDF names, SQL
      parameters); its message template stays, because it is the library's code;
    - a library's message without arguments may have been formatted before logging (pypdf's
      f-strings, gunicorn's "Invalid request from ip=..."): it is withheld whole.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            record.exc_text = ScrubbingFormatter().formatException(record.exc_info)
            record.exc_info = None
        record.stack_info = None
        if record.name.startswith(OWN_LOGGERS):
            return True
        if isinstance(record.args, dict):
            record.args = {key: _withheld(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(_withheld(value) for value in record.args)
        else:
            record.msg = WITHHELD
        return True


def _withheld(value: object) -> object:
    # Numbers (a pid, a status code, a count) are kept; they cannot quote input.
    return value if isinstance(value, int | float) and not isinstance(value, bool) else WITHHELD


def scrub_logging() -> None:
    """Every record, from any logger, is scrubbed as it is made; our handlers format it."""
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "prepplan_scrubbed", False):
        scrub = ScrubLogRecord()

        def scrubbed_record(*args, **kwargs) -> logging.LogRecord:
            record = factory(*args, **kwargs)
            scrub.filter(record)
            return record

        scrubbed_record.prepplan_scrubbed = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(scrubbed_record)
    formatter = ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("", "flask.app", "prepplan", "gunicorn.error", "werkzeug"):
        for handler in logging.getLogger(name).handlers:
            handler.setFormatter(formatter)


class CookieCountLimit:
    """WSGI middleware: a request carrying more cookies than a plan ever uses is refused before
    anything parses them (50,000 forged cookies cost seconds each to parse, and Flask parses the
    Cookie header before any view or hook runs). The header is dropped and the request marked;
    ``refuse_marked_requests`` then answers with the translated 400 page and every header."""

    def __init__(self, wsgi_app, max_cookies: int) -> None:
        self.wsgi_app = wsgi_app
        self.max_cookies = max_cookies

    def __call__(self, environ, start_response):
        if environ.get("HTTP_COOKIE", "").count(";") >= self.max_cookies:
            environ["HTTP_COOKIE"] = ""
            environ["prepplan.refused"] = "too many cookies"
        return self.wsgi_app(environ, start_response)


# Every POST needs the form's CSRF token, whatever view it reaches (Delete and Finish too).
csrf = CSRFProtect()
# Not written back into a page, even the family's own.
NOT_RESENT = {"csrf_token", "password"}


def resubmit_page(error: CSRFError) -> tuple[str, int]:
    """A POST without a valid token (a page left open too long, or a form on another site):
    nothing is done, and the page offers to send the same answers again with a fresh token,
    so nothing the family typed is lost."""
    fields = [
        (name, value) for name, value in request.form.items(multi=True) if name not in NOT_RESENT
    ]
    action = request.path
    if request.query_string:
        action += "?" + request.query_string.decode("utf-8", "replace")
    return render_template("pages/resubmit.html", fields=fields, action=action), 400


def refuse_marked_requests() -> None:
    if request.environ.get("prepplan.refused"):
        abort(400)


def init_app(app: Flask) -> None:
    from prepplan.plan_state import MAX_CHUNKS

    # The plan's chunks, the staff session, and room for a few cookies of the browser's own.
    app.wsgi_app = CookieCountLimit(app.wsgi_app, MAX_CHUNKS + 10)
    app.before_request(refuse_marked_requests)
    csrf.init_app(app)
    app.register_error_handler(CSRFError, resubmit_page)
    app.after_request(set_security_headers)
    scrub_logging()
    for handler in app.logger.handlers:
        handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s: %(message)s"))
