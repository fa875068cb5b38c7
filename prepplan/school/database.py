"""The school inbox's database connection, set up in one place: the engine each app owns, its
sessions, and schema upgrades.

SQLite by default (one app server), PostgreSQL through DATABASE_URL (several app servers).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from prepplan.school.encryption import RecordCipher

MIGRATIONS_LOCATION = "prepplan:migrations"


@dataclass
class Inbox:
    engine: Engine
    sessions: sessionmaker[Session]
    cipher: RecordCipher


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            # Deleted records are overwritten, not left readable in free pages.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return engine
    # Several app servers: check connections before use (the server may have restarted), and
    # give up quickly when the database is down so the family sees the paper option at once.
    connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def init_inbox(app: Flask) -> Inbox:
    engine = make_engine(app.config["DATABASE_URL"])
    inbox = Inbox(
        engine,
        sessionmaker(engine, expire_on_commit=False),
        RecordCipher(app.config["RECORD_KEYS"]),
    )
    app.extensions["prepplan_inbox"] = inbox
    return inbox


def inbox() -> Inbox:
    return current_app.extensions["prepplan_inbox"]


@contextmanager
def session() -> Iterator[Session]:
    with inbox().sessions.begin() as db:
        yield db


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest migration (``prepplan db upgrade``)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS_LOCATION)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
