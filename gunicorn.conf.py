"""gunicorn settings for prepplan (``gunicorn -c gunicorn.conf.py wsgi:app``)."""

import multiprocessing
import os

bind = os.environ.get("PREPPLAN_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("PREPPLAN_WORKERS", min(4, multiprocessing.cpu_count() * 2)))
timeout = 60  # a plan PDF in Chinese takes a few seconds on a slow machine
# The family's unfinished plan travels in its cookies (prepplan/flow/state.py): a large family
# sends a Cookie header bigger than the default 8 kB limit. 0 lifts the limit on that one field.
limit_request_field_size = 0
# Nothing personal is logged: no access log (paths and user agents are not needed), errors only.
accesslog = None
errorlog = "-"
loglevel = "warning"
