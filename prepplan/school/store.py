"""The school inbox's database: tables, the engine each app owns, and the operations on them.

Only non-personal columns are in clear: the school's id, when an update arrived, whether it was
entered and when, a hash of the family's submission id (for idempotency) and a random reference.
The record itself is encrypted (encryption.py). Staff accounts hold a staff e-mail and an Argon2
hash; the audit trail holds who did what to which reference, never the contents.

SQLite by default (one app server), PostgreSQL through DATABASE_URL (several app servers).
The schema is created and upgraded by Alembic migrations shipped in ``prepplan/migrations``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    create_engine,
    delete,
    event,
    select,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from prepplan.school.encryption import RecordCipher
from prepplan.school.record import SchoolUpdate

MIGRATIONS_LOCATION = "prepplan:migrations"


class UTCDateTime(TypeDecorator):
    """Timestamps stored and returned as UTC-aware datetimes on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


class StoredUpdate(Base):
    __tablename__ = "school_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    school_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="new")  # new | entered
    entered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    entered_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    idempotency_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    record: Mapped[bytes] = mapped_column(LargeBinary)


class StaffAccount(Base):
    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    # Changing the password bumps this, which ends every session signed in before.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StaffSchool(Base):
    __tablename__ = "staff_schools"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), primary_key=True)
    school_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class AuditEvent(Base):
    """Who did what to which update, and when: never what the update says."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Kept as the e-mail, not a foreign key: the trail outlives a deleted account.
    staff_email: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(32))
    update_reference: Mapped[str] = mapped_column(String(16), default="")
    school_id: Mapped[str] = mapped_column(String(64), default="")


# ---- engine per app -------------------------------------------------------------------------

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
        def _sqlite_pragmas(connection, _record) -> None:
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
    connect_args: dict = {}
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
        app.config["DATABASE_URL"], app.config["DATABASE_TIMEOUT_SECONDS"])
    inbox = Inbox(engine, sessionmaker(engine, expire_on_commit=False),
                  RecordCipher(app.config["RECORD_KEYS"]))
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


def now() -> datetime:
    return datetime.now(UTC)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_reference() -> str:
    """A short code the family and the office can read to each other: no 0/O or 1/I/L."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


# ---- updates --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Receipt:
    reference: str
    school_id: str
    created_at: datetime
    already_sent: bool


def store_update(update: SchoolUpdate, *, school_id: str, idempotency_key: str) -> Receipt:
    """Keep one update for a school. The same idempotency key always gives the same receipt:
    a double click, a retry or a reload never creates a second record."""
    key_hash = digest(idempotency_key)
    cipher = inbox().cipher
    with session() as db:
        existing = db.scalar(select(StoredUpdate).where(
            StoredUpdate.idempotency_key_hash == key_hash))
        if existing is not None:
            return Receipt(existing.reference, existing.school_id, existing.created_at, True)
    reference = new_reference()
    row = StoredUpdate(
        reference=reference, school_id=school_id, created_at=now(), status="new",
        idempotency_key_hash=key_hash,
        record=cipher.seal(update, school_id=school_id, reference=reference),
    )
    try:
        with session() as db:
            db.add(row)
    except IntegrityError:
        # A concurrent request with the same key won the race: report its record.
        with session() as db:
            existing = db.scalar(select(StoredUpdate).where(
                StoredUpdate.idempotency_key_hash == key_hash))
            if existing is None:
                raise
            return Receipt(existing.reference, existing.school_id, existing.created_at, True)
    return Receipt(reference, school_id, row.created_at, False)


def open_update(row: StoredUpdate) -> SchoolUpdate:
    return inbox().cipher.open(row.record, school_id=row.school_id, reference=row.reference)


def updates_for_schools(db: Session, school_ids: list[str], status: str | None = None
                        ) -> list[StoredUpdate]:
    query = select(StoredUpdate).where(StoredUpdate.school_id.in_(school_ids))
    if status:
        query = query.where(StoredUpdate.status == status)
    return list(db.scalars(query.order_by(StoredUpdate.created_at.desc(), StoredUpdate.id)))


def update_for_schools(db: Session, reference: str, school_ids: list[str]) -> StoredUpdate | None:
    return db.scalar(select(StoredUpdate).where(
        StoredUpdate.reference == reference, StoredUpdate.school_id.in_(school_ids)))


def mark_entered(row: StoredUpdate, staff_id: int) -> None:
    if row.status != "entered":
        row.status = "entered"
        row.entered_at = now()
        row.entered_by = staff_id


def purge_entered(retention_days: int, *, at: datetime | None = None) -> int:
    """Delete updates entered more than ``retention_days`` ago."""
    moment = at or now()
    with session() as db:
        deleted = db.execute(delete(StoredUpdate).where(
            StoredUpdate.status == "entered",
            StoredUpdate.entered_at < moment - timedelta(days=retention_days),
        )).rowcount
    return deleted or 0


def rotate_record_keys() -> int:
    """Re-encrypt every stored record with the first configured key."""
    cipher = inbox().cipher
    count = 0
    with session() as db:
        for row in db.scalars(select(StoredUpdate).with_for_update()):
            row.record = cipher.rotate(row.record)
            count += 1
    return count


def audit(db: Session, staff_email: str, action: str, reference: str = "",
          school_id: str = "") -> None:
    db.add(AuditEvent(at=now(), staff_email=staff_email, action=action,
                      update_reference=reference, school_id=school_id))


# ---- staff ----------------------------------------------------------------------------------

def staff_by_email(db: Session, email: str) -> StaffAccount | None:
    return db.scalar(select(StaffAccount).where(StaffAccount.email == email.strip().lower()))


def staff_schools(db: Session, staff_id: int) -> list[str]:
    return sorted(db.scalars(select(StaffSchool.school_id).where(StaffSchool.staff_id == staff_id)))
