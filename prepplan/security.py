"""Security rules set in one place: response headers and log scrubbing. (Request size limits
are set where they apply: MAX_CONTENT_LENGTH in config.py, header sizes in gunicorn.conf.py.)

Families fear that what they type reaches immigration enforcement, so nothing personal is ever
logged: no query strings, no form values, no exception messages (which can quote input).
"""

from __future__ import annotations

import logging
import traceback

from flask import Flask, Response, request

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
    )
)


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    """A download. Every download here carries family or school data: no cache may keep it
    (said here as well as in set_security_headers, so it holds wherever the response goes)."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
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


class DropQueryStrings(logging.Filter):
    """Werkzeug's access log quotes the request line; keep the path, drop any query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(
                arg.split("?", 1)[0] if isinstance(arg, str) and "?" in arg else arg
                for arg in record.args
            )
        if "?" in str(record.msg):
            record.msg = str(record.msg).split("?", 1)[0]
        return True


def scrub_logging() -> None:
    formatter = ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("", "flask.app", "prepplan", "gunicorn.error", "werkzeug"):
        logger = logging.getLogger(name)
        for handler in logger.handlers:
            handler.setFormatter(formatter)
    logging.getLogger("werkzeug").addFilter(DropQueryStrings())


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
    scrub_logging()
    for handler in app.logger.handlers:
        handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s: %(message)s"))
