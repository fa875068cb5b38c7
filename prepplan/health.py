"""Is this installation able to serve families? Two answers, neither naming anyone:

- ``/healthz`` for the proxy or a monitor: 200 when this app server can serve, 503 when it
  cannot. It checks the database only when the school inbox is on (the rest of the site needs
  none), and says nothing but which part is down.
- ``prepplan check`` for whoever installs the site: fonts for every language, compiled catalogs,
  the secret key, the database reachable and migrated (inbox on), and header limits that let the
  plan's cookies through gunicorn and nginx. It prints one line per check and exits 1 on any
  failure, each failure saying what to do.
"""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Blueprint, Flask, Response, current_app, jsonify
from flask.cli import with_appcontext
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from prepplan import plan_state as state

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "gunicorn.conf.py"
NGINX_CONFIGS = (
    Path("/etc/nginx/sites-enabled/prepplan"),
    ROOT / "deploy" / "nginx" / "prepplan.conf",
)

# The font each language's PDF is set in (prepplan/static/print/plan.css) and the fontconfig
# language tag it must cover.
LANGUAGE_FONTS = {
    "en": ("Noto Sans", "en"),
    "es": ("Noto Sans", "es"),
    "pt_BR": ("Noto Sans", "pt"),
    "ht": ("Noto Sans", "ht"),
    "vi": ("Noto Sans", "vi"),
    "zh_Hans": ("Noto Sans CJK SC", "zh-cn"),
    "ar": ("Noto Naskh Arabic", "ar"),
    "kea": ("Noto Sans", "pt"),  # fontconfig has no tag for Cape Verdean Creole: Latin letters
}

# Room for the other cookies the site sets beside the plan (session, CSRF, staff login).
OTHER_COOKIES_BYTES = 4096

bp = Blueprint("health", __name__)


# ---- /healthz --------------------------------------------------------------------------------


def database_reachable() -> bool:
    from prepplan.school import database as store

    try:
        with store.inbox().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        # The type only: a driver's message can name hosts and users.
        current_app.logger.warning("healthz: database unreachable (%s)", type(error).__name__)
        return False
    return True


@bp.route("/healthz")
def healthz() -> Response | tuple[Response, int]:
    if "prepplan_inbox" not in current_app.extensions:
        return jsonify(status="ok")
    if database_reachable():
        return jsonify(status="ok", database="ok")
    return jsonify(status="unavailable", database="unreachable"), 503


# ---- prepplan check --------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str


def check_fonts() -> Finding:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return Finding(
            "fonts",
            False,
            "fc-list not found: install fontconfig and the fonts "
            "(./dev.sh setup installs fonts-noto-core and fonts-noto-cjk)",
        )
    missing = []
    for code, (family, fc_lang) in LANGUAGE_FONTS.items():
        # Our own fixed arguments, no shell.
        listed = subprocess.run(  # noqa: S603
            [fc_list, f":lang={fc_lang}", "family"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
        if family not in families:
            missing.append(f"{code} needs {family}")
    if missing:
        return Finding(
            "fonts", False, "; ".join(missing) + " (Debian: fonts-noto-core, fonts-noto-cjk)"
        )
    return Finding("fonts", True, f"a font for each of {len(LANGUAGE_FONTS)} languages")


def check_catalogs(translations: Path) -> Finding:
    from prepplan.i18n import SITE_LANGUAGES

    problems = []
    for language in SITE_LANGUAGES:
        if language.code == "en":
            continue
        po = translations / language.code / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if not mo.exists():
            problems.append(f"{language.code}: {mo} missing")
        elif po.exists() and mo.stat().st_mtime < po.stat().st_mtime:
            problems.append(f"{language.code}: {mo} older than its .po")
    if problems:
        return Finding("catalogs", False, "; ".join(problems) + " (run ./dev.sh compile)")
    return Finding("catalogs", True, f"{len(SITE_LANGUAGES) - 1} compiled in {translations}")


def check_secret_key(environ: Mapping[str, str], instance_path: Path) -> Finding:
    from prepplan.config import ConfigError, load_config

    try:
        config = load_config(instance_path, environ, serving=True)
    except ConfigError as error:
        return Finding("secret key", False, str(error))
    where = "PREPPLAN_SECRET_KEY" if environ.get("PREPPLAN_SECRET_KEY") else "instance folder"
    return Finding("secret key", True, f"set ({where}, {config['PREPPLAN_ENV']})")


def check_database(app: Flask) -> Finding:
    if "prepplan_inbox" not in app.extensions:
        return Finding("database", True, "school inbox off: no database needed")
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from prepplan.school import database as store

    engine = app.extensions["prepplan_inbox"].engine
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as error:
        shown = engine.url.render_as_string(hide_password=True)
        return Finding("database", False, f"cannot reach {shown} ({type(error).__name__})")
    config = Config()
    config.set_main_option("script_location", store.MIGRATIONS_LOCATION)
    head = ScriptDirectory.from_config(config).get_current_head()
    if current != head:
        return Finding(
            "database",
            False,
            f"schema at {current or 'nothing'}, newest is {head}: run `prepplan db upgrade`",
        )
    return Finding("database", True, f"reachable, schema at {head} ({engine.dialect.name})")


def plan_cookie_header_bytes() -> int:
    """The largest Cookie header a family's browser sends: every plan chunk, plus the rest."""
    last_name = f"{state.COOKIE_PREFIX}{state.MAX_CHUNKS - 1}"
    count_prefix = len(f"{state.MAX_CHUNKS}.")
    per_chunk = len(last_name) + 1 + state.CHUNK_CHARS + 2  # name=value;
    return state.MAX_CHUNKS * per_chunk + count_prefix + OTHER_COOKIES_BYTES


def nginx_header_buffer_bytes(config: str) -> int | None:
    """The size of one large header buffer in an nginx config (a header must fit in one)."""
    found = re.search(
        r"^\s*large_client_header_buffers\s+\d+\s+(\d+)([kKmM]?)\s*;", config, re.MULTILINE
    )
    if not found:
        return None
    unit = {"": 1, "k": 1024, "m": 1024 * 1024}[found.group(2).lower()]
    return int(found.group(1)) * unit


def check_header_limits(gunicorn_config: Path, nginx_config: Path | None) -> Finding:
    needed = plan_cookie_header_bytes()
    problems = []
    gunicorn_limit = runpy.run_path(str(gunicorn_config)).get("limit_request_field_size", 8190)
    if gunicorn_limit < needed:
        problems.append(
            f"{gunicorn_config}: limit_request_field_size {gunicorn_limit} < {needed} bytes"
        )
    checked = [f"gunicorn {gunicorn_limit // 1024} kB"]
    if nginx_config is not None:
        nginx_limit = nginx_header_buffer_bytes(nginx_config.read_text())
        if nginx_limit is None or nginx_limit < needed:
            problems.append(
                f"{nginx_config}: large_client_header_buffers "
                f"{nginx_limit or 'default 8k'} < {needed} bytes"
            )
        checked.append(f"nginx {(nginx_limit or 0) // 1024} kB")
    if problems:
        return Finding(
            "header limits",
            False,
            "; ".join(problems) + " (the plan's cookies "
            "would be refused with 400/431 for a large family)",
        )
    return Finding(
        "header limits", True, f"{', '.join(checked)} >= {needed // 1024} kB of plan cookies"
    )


def check_renderer(environ: Mapping[str, str]) -> Finding:
    """The app servers' render child starts, renders, and runs below the pages' priority."""
    from prepplan.config import env_flag
    from prepplan.documents import pdf, render_process

    if not env_flag(environ.get("PREPPLAN_PDF_PROCESS"), True):
        return Finding("renderer", True, "PDFs rendered in the worker (PREPPLAN_PDF_PROCESS off)")
    try:
        made = render_process.run_in_child(pdf.render_pdf, "<p>prepplan check</p>")
        niceness = render_process.run_in_child(os.nice, 0)
    except Exception as error:  # noqa: BLE001 (any failure is the finding)
        return Finding("renderer", False, f"the render child failed: {type(error).__name__}")
    finally:
        render_process.stop()
    if not made.startswith(b"%PDF"):
        return Finding("renderer", False, "the render child made no PDF")
    if niceness <= os.nice(0):
        return Finding(
            "renderer",
            False,
            "the render child could not lower its priority (setpriority refused?): "
            "renders would compete with pages",
        )
    return Finding("renderer", True, f"a child process renders PDFs at nice {niceness}")


def run_checks(
    app: Flask, environ: Mapping[str, str], gunicorn_config: Path, nginx_config: Path | None
) -> list[Finding]:
    return [
        check_fonts(),
        check_catalogs(Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])),
        check_secret_key(environ, Path(app.instance_path)),
        check_database(app),
        check_header_limits(gunicorn_config, nginx_config),
        check_renderer(environ),
    ]


def _default_nginx_config() -> Path | None:
    return next((path for path in NGINX_CONFIGS if path.exists()), None)


@click.command("check")
@click.option(
    "--gunicorn-config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=GUNICORN_CONFIG,
    show_default=True,
)
@click.option(
    "--nginx-config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Default: /etc/nginx/sites-enabled/prepplan, else the repo's.",
)
@with_appcontext
def check_command(gunicorn_config: Path, nginx_config: Path | None) -> None:
    """Verify this installation: fonts, catalogs, secret key, database, header limits, renderer."""
    findings = run_checks(
        current_app, os.environ, gunicorn_config, nginx_config or _default_nginx_config()
    )
    for finding in findings:
        click.echo(f"{'ok  ' if finding.ok else 'FAIL'}  {finding.name}: {finding.detail}")
    if not all(finding.ok for finding in findings):
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(check_command)
