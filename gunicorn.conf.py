"""gunicorn settings for prepplan (``gunicorn -c gunicorn.conf.py wsgi:app``)."""

import multiprocessing
import os

from gunicorn.glogging import Logger
from gunicorn.http import parser
from gunicorn.http.message import Request

from prepplan.plan_state import CHUNK_CHARS, MAX_CHUNKS

bind = os.environ.get("PREPPLAN_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("PREPPLAN_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
# Threads, so a worker keeps serving pages while some of its threads wait for a PDF: the render
# itself runs in the worker's render child (prepplan/documents/render_process.py), capped per
# worker with a short queue (PREPPLAN_PDF_RENDERS, PREPPLAN_PDF_QUEUE, capacity.py); a family
# past the queue gets the busy page at once. A waiting thread costs no CPU, so there are enough
# for the renders, the queue and the pages.
worker_class = "gthread"
threads = int(os.environ.get("PREPPLAN_THREADS", 8))
timeout = 60  # a plan PDF in Chinese takes a few seconds on a slow machine
# Longer than nginx keeps an idle upstream connection (deploy/nginx: keepalive_timeout 60s), so
# nginx, not gunicorn, closes it, and never sends a request down a connection being closed.
keepalive = 75

# The family's unfinished plan travels in its cookies (prepplan/plan_state.py): a large family
# sends one Cookie header far bigger than the default 8 kB limit, up to MAX_CHUNKS cookies of
# CHUNK_CHARS (plus each name, "; " and the staff session cookie). No other header comes close,
# and a browser sends about a dozen: every field may not be that large, so few fields are allowed.
# A proxy in front needs the same room (nginx: large_client_header_buffers 4 640k).
limit_request_field_size = MAX_CHUNKS * (CHUNK_CHARS + 16) + 4096
limit_request_fields = 40
# All headers together: the Cookie field and room for the others. gunicorn's own bound is
# fields x field size (23 MB here), and it re-scans the whole buffer on every read, so a few
# connections sending that much froze every worker for minutes.
MAX_HEADER_BYTES = limit_request_field_size + 32 * 1024


class BoundedRequest(Request):
    """gunicorn's request with a bound on the whole header block (gunicorn has no setting for
    it; tests/test_request_limits.py checks it against a real gunicorn)."""

    def parse(self, unreader):
        self.max_buffer_headers = MAX_HEADER_BYTES
        return super().parse(unreader)


parser.RequestParser.mesg_class = BoundedRequest


class ScrubbedLogger(Logger):
    """gunicorn's logger without the access log, and with every record scrubbed (request lines,
    client addresses: prepplan.security.ScrubLogRecord)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        from prepplan.security import scrub_logging

        scrub_logging()

    def access(self, resp, req, environ, request_time) -> None:
        return None  # paths, addresses and user agents are not needed


logger_class = ScrubbedLogger


def post_worker_init(worker) -> None:
    """Start the worker's render child before the first family asks for a PDF."""
    from prepplan.documents import render_process

    with worker.wsgi.app_context():
        render_process.start()


# Nothing personal is logged: no access log, errors only.
accesslog = None
errorlog = "-"
loglevel = "warning"
