"""Settings from the environment, with safe local defaults.

Every setting is read from a ``PREPPLAN_*`` variable (``DATABASE_URL`` too, by convention).
Outside development and testing the app refuses to start without a real secret key.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TypedDict

ENVIRONMENTS = ("development", "testing", "production")


class ConfigError(RuntimeError):
    pass


class Settings(TypedDict):
    """The app's settings, as ``load_config`` reads them (described there)."""

    PREPPLAN_ENV: str
    SECRET_KEY: str
    MAX_CONTENT_LENGTH: int
    MAX_FORM_MEMORY_SIZE: int
    IDLE_MINUTES: int
    PLAN_MAX_HOURS: int
    SESSION_COOKIE_NAME: str
    SESSION_COOKIE_HTTPONLY: bool
    SESSION_COOKIE_SAMESITE: str
    SESSION_COOKIE_SECURE: bool
    WTF_CSRF_TIME_LIMIT: int | None
    DATABASE_URL: str
    DATABASE_TIMEOUT_SECONDS: float
    DISTRICT_FILE: str
    NOTARIES_FILE: str
    RECORD_KEYS: str
    RETENTION_DAYS: int
    BASE_URL: str
    EVENT_PIN: str
    HELPER_IDLE_MINUTES: int
    PROXIES: int
    PDF_RENDERS: int
    PDF_QUEUE: int
    PDF_WAIT_SECONDS: float
    PDF_PROCESS: bool
    BUSY_RETRY_SECONDS: int


def env_flag(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key(instance_path: Path) -> str:
    """A random key kept in the instance folder, so development survives a restart."""
    path = instance_path / "dev-secret-key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(
    instance_path: Path, environ: Mapping[str, str] | None = None, *, serving: bool = True
) -> Settings:
    env = os.environ if environ is None else environ
    environment = env.get("PREPPLAN_ENV", "production")
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"PREPPLAN_ENV must be one of {', '.join(ENVIRONMENTS)}")

    secret_key = env.get("PREPPLAN_SECRET_KEY", "")
    if not secret_key and not serving:
        secret_key = secrets.token_urlsafe(48)
    if not secret_key:
        if environment == "production":
            raise ConfigError(
                "PREPPLAN_SECRET_KEY is not set. Set it to a long random value "
                "(python3 -c 'import secrets; print(secrets.token_urlsafe(48))'), "
                "or set PREPPLAN_ENV=development on your own machine."
            )
        secret_key = _dev_secret_key(instance_path)
    elif len(secret_key) < 32 and environment == "production":
        raise ConfigError("PREPPLAN_SECRET_KEY is too short: use at least 32 random characters.")

    return {
        "PREPPLAN_ENV": environment,
        "SECRET_KEY": secret_key,
        # Plan files and PDFs a family uploads are small; a full family plan is ~100 kB.
        "MAX_CONTENT_LENGTH": int(env.get("PREPPLAN_MAX_UPLOAD_BYTES", 2 * 1024 * 1024)),
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        # Minutes without activity after which an unfinished plan is forgotten on this device.
        "IDLE_MINUTES": int(env.get("PREPPLAN_IDLE_MINUTES", 30)),
        # Hours after which any plan on a device is refused, however active it is.
        "PLAN_MAX_HOURS": int(env.get("PREPPLAN_PLAN_MAX_HOURS", 12)),
        "SESSION_COOKIE_NAME": "prepplan_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env_flag(
            env.get("PREPPLAN_SECURE_COOKIES"), environment == "production"
        ),
        "WTF_CSRF_TIME_LIMIT": None,  # the CSRF token lives as long as the browser session
        "DATABASE_URL": env.get("DATABASE_URL")
        or "sqlite:///" + str(instance_path / "prepplan.sqlite"),
        # Every database statement and lock wait gives up after this (stalled database).
        "DATABASE_TIMEOUT_SECONDS": float(env.get("PREPPLAN_DATABASE_TIMEOUT_SECONDS", 5)),
        # The school inbox is on only when a district file is configured.
        "DISTRICT_FILE": env.get("PREPPLAN_DISTRICT_FILE", ""),
        # Free notaries printed on the caregiver papers' signing checklist (prepplan/legal).
        "NOTARIES_FILE": env.get("PREPPLAN_NOTARIES_FILE", ""),
        # Comma-separated keys for school records at rest; the first one encrypts.
        "RECORD_KEYS": env.get("PREPPLAN_RECORD_KEYS", ""),
        "RETENTION_DAYS": int(env.get("PREPPLAN_RETENTION_DAYS", 30)),
        # Events (helpers' kit): the site's public address for QR flyers, an optional PIN that
        # turns helper mode on, and helper mode's shorter idle limit.
        "BASE_URL": env.get("PREPPLAN_BASE_URL", "").strip(),
        "EVENT_PIN": env.get("PREPPLAN_EVENT_PIN", "").strip(),
        "HELPER_IDLE_MINUTES": int(env.get("PREPPLAN_HELPER_IDLE_MINUTES", 5)),
        # How many reverse proxies stand in front (their X-Forwarded-* headers are trusted).
        "PROXIES": int(env.get("PREPPLAN_PROXIES", 0)),
        # PDF renders at once per worker process, how many more may wait for one and for how
        # long; past the queue the busy page comes at once, with this Retry-After.
        "PDF_RENDERS": int(env.get("PREPPLAN_PDF_RENDERS", 1)),
        "PDF_QUEUE": int(env.get("PREPPLAN_PDF_QUEUE", 1)),
        "PDF_WAIT_SECONDS": float(env.get("PREPPLAN_PDF_WAIT_SECONDS", 10)),
        # A server renders in a child process of each worker (prepplan/documents/render_process.py);
        # the command line and the tests render in their own process.
        "PDF_PROCESS": env_flag(
            env.get("PREPPLAN_PDF_PROCESS"), serving and environment != "testing"
        ),
        "BUSY_RETRY_SECONDS": int(env.get("PREPPLAN_BUSY_RETRY_SECONDS", 5)),
    }
