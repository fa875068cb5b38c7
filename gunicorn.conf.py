"""gunicorn settings for prepplan (``gunicorn -c gunicorn.conf.py wsgi:app``)."""

import multiprocessing
import os

bind = os.environ.get("PREPPLAN_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("PREPPLAN_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
# Threads, so a worker keeps serving pages while one of its threads renders a PDF; the renders
# themselves are capped per worker (PREPPLAN_PDF_RENDERS, prepplan/documents/capacity.py), and
# a family past the cap gets the busy page at once rather than a slow page.
worker_class = "gthread"
threads = int(os.environ.get("PREPPLAN_THREADS", 4))
timeout = 60
# Longer than nginx keeps an idle upstream connection (deploy/nginx: keepalive_timeout 60s), so
# nginx, not gunicorn, closes it, and never sends a request down a connection being closed.
keepalive = 75  # a plan PDF in Chinese takes a few seconds on a slow machine
# The family's unfinished plan travels in its cookies (prepplan/flow/state.py): a large family
# sends a Cookie header far bigger than the default 8 kB limit (up to MAX_CHUNKS x 3.8 kB).
# A proxy in front needs the same room (nginx: large_client_header_buffers 4 640k).
limit_request_field_size = 640 * 1024
# Nothing personal is logged: no access log (paths and user agents are not needed), errors only.
accesslog = None
errorlog = "-"
loglevel = "warning"
