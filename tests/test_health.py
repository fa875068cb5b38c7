"""/healthz for the proxy and ``prepplan check`` for whoever installs the site."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from prepplan.documents import render_process
from prepplan.health import plan_cookie_header_bytes
from prepplan.school.encryption import new_record_key
from tests.test_school_inbox import (  # db_url: fresh SQLite and (if reachable) PostgreSQL
    DISTRICT,
    db_url,  # noqa: F401
)

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "k" * 48
NGINX_SITE = ROOT / "deploy" / "nginx" / "prepplan.conf"
DOWN_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere"


# ---- /healthz --------------------------------------------------------------------------------


def test_healthz_without_the_inbox_needs_no_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert not response.headers.getlist("Set-Cookie")


def test_healthz_with_the_inbox_checks_the_database(make_app, db_url):  # noqa: F811 (the fixture)
    app = make_app(DISTRICT_FILE=str(DISTRICT), RECORD_KEYS=new_record_key(), DATABASE_URL=db_url)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    app.extensions["prepplan_inbox"].engine.dispose()


def test_healthz_with_the_database_down_is_503_and_names_nothing(make_app, caplog):
    caplog.set_level(logging.WARNING)
    app = make_app(
        DISTRICT_FILE=str(DISTRICT), RECORD_KEYS=new_record_key(), DATABASE_URL=DOWN_DATABASE
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert "OperationalError" in caplog.text
    assert "127.0.0.1" not in caplog.text and "nowhere" not in caplog.text


# ---- prepplan check --------------------------------------------------------------------------


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("PREPPLAN_ENV", "production")
    monkeypatch.setenv("PREPPLAN_SECRET_KEY", GOOD_KEY)


def check(app, *args):
    result = app.test_cli_runner().invoke(args=["check", "--nginx-config", str(NGINX_SITE), *args])
    lines = {
        line.split(":", 1)[0].split(None, 1)[1]: line
        for line in result.output.splitlines()
        if line.startswith(("ok", "FAIL"))
    }
    return result.exit_code, lines


def test_check_passes_on_a_good_installation(make_app, production_env):
    code, lines = check(make_app())
    assert code == 0, lines
    assert set(lines) == {
        "fonts",
        "catalogs",
        "secret key",
        "database",
        "header limits",
        "renderer",
    }
    assert all(line.startswith("ok") for line in lines.values())


def test_check_starts_the_render_child_and_finds_it_below_the_pages(make_app, production_env):
    code, lines = check(make_app())
    assert code == 0, lines
    assert f"renders PDFs at nice {os.nice(0) + render_process.NICE}" in lines["renderer"]
    assert render_process._pools.get(os.getpid()) is None  # stopped again


def test_check_says_when_renders_stay_in_the_worker(make_app, production_env, monkeypatch):
    monkeypatch.setenv("PREPPLAN_PDF_PROCESS", "0")
    code, lines = check(make_app())
    assert code == 0, lines
    assert "in the worker" in lines["renderer"]


def test_check_passes_with_the_inbox_on_a_migrated_database(make_app, production_env, db_url):  # noqa: F811 (the fixture)
    app = make_app(DISTRICT_FILE=str(DISTRICT), RECORD_KEYS=new_record_key(), DATABASE_URL=db_url)
    code, lines = check(app)
    assert code == 0, lines
    assert "reachable, schema at" in lines["database"]
    app.extensions["prepplan_inbox"].engine.dispose()


def test_check_fails_without_a_secret_key(make_app, monkeypatch):
    monkeypatch.setenv("PREPPLAN_ENV", "production")
    monkeypatch.delenv("PREPPLAN_SECRET_KEY", raising=False)
    code, lines = check(make_app())
    assert code == 1
    assert lines["secret key"].startswith("FAIL")
    assert "PREPPLAN_SECRET_KEY is not set" in lines["secret key"]
    assert lines["fonts"].startswith("ok")


def test_check_fails_on_a_missing_compiled_catalog(make_app, production_env, tmp_path):
    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations)
    (translations / "ar" / "LC_MESSAGES" / "messages.mo").unlink()
    code, lines = check(make_app(BABEL_TRANSLATION_DIRECTORIES=str(translations)))
    assert code == 1
    assert lines["catalogs"].startswith("FAIL")
    assert "ar:" in lines["catalogs"] and "messages.mo missing" in lines["catalogs"]
    assert "./dev.sh compile" in lines["catalogs"]


def test_check_fails_on_an_unreachable_or_unmigrated_database(make_app, production_env, db_url):  # noqa: F811 (the fixture)
    down = make_app(
        DISTRICT_FILE=str(DISTRICT), RECORD_KEYS=new_record_key(), DATABASE_URL=DOWN_DATABASE
    )
    code, lines = check(down)
    assert code == 1 and "cannot reach" in lines["database"]
    app = make_app(DISTRICT_FILE=str(DISTRICT), RECORD_KEYS=new_record_key(), DATABASE_URL=db_url)
    with app.extensions["prepplan_inbox"].engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
    code, lines = check(app)
    assert code == 1 and "prepplan db upgrade" in lines["database"]
    app.extensions["prepplan_inbox"].engine.dispose()


def test_check_fails_when_gunicorn_or_nginx_would_refuse_a_large_plan(
    make_app, production_env, tmp_path
):
    small_gunicorn = tmp_path / "gunicorn.conf.py"
    small_gunicorn.write_text("limit_request_field_size = 8190\n")
    small_nginx = tmp_path / "prepplan.conf"
    small_nginx.write_text(
        NGINX_SITE.read_text().replace(
            "large_client_header_buffers 4 640k", "large_client_header_buffers 4 64k"
        )
    )
    app = make_app()
    result = app.test_cli_runner().invoke(
        args=["check", "--gunicorn-config", str(small_gunicorn), "--nginx-config", str(small_nginx)]
    )
    assert result.exit_code == 1
    assert "limit_request_field_size 8190" in result.output
    assert (
        f"large_client_header_buffers {64 * 1024} < {plan_cookie_header_bytes()}" in result.output
    )


def test_the_repos_configs_fit_the_largest_plan_cookies():
    from prepplan import plan_state as state

    # Every chunk full, each with its name: well over half a megabyte.
    assert plan_cookie_header_bytes() > state.MAX_CHUNKS * state.CHUNK_CHARS
    assert "large_client_header_buffers 4 640k;" in NGINX_SITE.read_text()
    assert "proxy_buffer_size 640k;" in NGINX_SITE.read_text()
