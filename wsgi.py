"""The production entry point: ``gunicorn -c gunicorn.conf.py wsgi:app``."""

from prepplan import create_app

app = create_app()
