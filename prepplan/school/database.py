"""The school inbox's database connection, set up in one place: the engine each app owns, its
sessions, and schema upgrades.

SQLite by default (one app server), PostgreSQL through DATABASE_URL (several app servers).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import create_engine, event
from sqlalchemy.engine import CursorResult, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.dml import UpdateBase

from prepplan.school.encryption import RecordCipher

MIGRATIONS_LOCATION = "prepplan:migrations"


@dataclass
class Inbox:
    engine: Engine
    sessions: sessionmaker[Session]
    cipher: RecordCipher


def make_engine(url: str, timeout_seconds: float = 5) -> Engine:
    """An engine whose every statement gives up after ``timeout_seconds``: a stalled database
    shows the family "school inbox unavailable" quickly instead of a worker timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": timeout_seconds})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # Deleted records are overwritten, not left readable in free pages.
            cursor.execute("PRAGMA secure_delete=ON")
            # Several workers share the file: readers never wait for a writer, fewer fsyncs.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            _private_file(Path(path))
        return engine
    # Several app servers: check connections before use (the server may have restarted), and
    # give up quickly when the database is down so the family sees the paper option at once.
    connect_args: dict[str, Any] = {}
    if url.startswith("postgresql"):
        milliseconds = int(timeout_seconds * 1000)
        # Added to any options the URL carries (a search_path, for example).
        options = make_url(url).query.get("options", "")
        connect_args = {
            "connect_timeout": max(1, int(timeout_seconds)),
            "options": f"{options} -c statement_timeout={milliseconds} "
            f"-c lock_timeout={milliseconds}".strip(),
        }
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _private_file(path: Path) -> None:
    """The SQLite file readable by the site's own user only (its folder too, when we make it)."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def init_inbox(app: Flask) -> Inbox:
    # One engine per app for all its tables (prepplan/revocation.py makes it).
    engine = app.extensions.get("prepplan_database") or make_engine(
        app.config["DATABASE_URL"], app.config["DATABASE_TIMEOUT_SECONDS"]
    )
    inbox = Inbox(
        engine,
        sessionmaker(engine, expire_on_commit=False),
        RecordCipher(app.config["RECORD_KEYS"]),
    )
    app.extensions["prepplan_inbox"] = inbox
    return inbox


def inbox() -> Inbox:
    return cast(Inbox, current_app.extensions["prepplan_inbox"])


@contextmanager
def session() -> Iterator[Session]:
    with inbox().sessions.begin() as db:
        yield db


def rows_changed(db: Session, statement: UpdateBase) -> int:
    """Run an UPDATE or DELETE and say how many rows it changed. Session.execute is typed as
    returning any Result; for these statements it is a CursorResult, which counts them."""
    return cast("CursorResult[Any]", db.execute(statement)).rowcount


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest migration (``prepplan db upgrade``)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS_LOCATION)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
