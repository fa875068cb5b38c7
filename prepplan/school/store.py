"""What the school inbox does with updates: keep one per submission, open, list, mark entered,
purge after the retention period, re-encrypt under a new key, and audit staff actions.

Tables are in models.py, the connection in database.py, staff accounts in accounts.py.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prepplan.school.database import inbox, rows_changed, session
from prepplan.school.models import AuditEvent, StoredUpdate, now
from prepplan.school.record import SchoolUpdate


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_reference() -> str:
    """A short code the family and the office can read to each other: no 0/O or 1/I/L."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


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
        existing = db.scalar(
            select(StoredUpdate).where(StoredUpdate.idempotency_key_hash == key_hash)
        )
        if existing is not None:
            return Receipt(existing.reference, existing.school_id, existing.created_at, True)
    reference = new_reference()
    row = StoredUpdate(
        reference=reference,
        school_id=school_id,
        created_at=now(),
        status="new",
        idempotency_key_hash=key_hash,
        record=cipher.seal(update, school_id=school_id, reference=reference),
    )
    try:
        with session() as db:
            db.add(row)
    except IntegrityError:
        # A concurrent request with the same key won the race: report its record.
        with session() as db:
            existing = db.scalar(
                select(StoredUpdate).where(StoredUpdate.idempotency_key_hash == key_hash)
            )
            if existing is None:
                raise
            return Receipt(existing.reference, existing.school_id, existing.created_at, True)
    return Receipt(reference, school_id, row.created_at, False)


def open_update(row: StoredUpdate) -> SchoolUpdate:
    return inbox().cipher.open(row.record, school_id=row.school_id, reference=row.reference)


def updates_for_schools(
    db: Session, school_ids: list[str], status: str | None = None
) -> list[StoredUpdate]:
    query = select(StoredUpdate).where(StoredUpdate.school_id.in_(school_ids))
    if status:
        query = query.where(StoredUpdate.status == status)
    return list(db.scalars(query.order_by(StoredUpdate.created_at.desc(), StoredUpdate.id)))


def update_for_schools(db: Session, reference: str, school_ids: list[str]) -> StoredUpdate | None:
    return db.scalar(
        select(StoredUpdate).where(
            StoredUpdate.reference == reference, StoredUpdate.school_id.in_(school_ids)
        )
    )


def mark_entered(row: StoredUpdate, staff_id: int) -> None:
    if row.status != "entered":
        row.status = "entered"
        row.entered_at = now()
        row.entered_by = staff_id


def purge_entered(retention_days: int, *, at: datetime | None = None) -> int:
    """Delete updates entered more than ``retention_days`` ago."""
    moment = at or now()
    with session() as db:
        deleted = rows_changed(
            db,
            delete(StoredUpdate).where(
                StoredUpdate.status == "entered",
                StoredUpdate.entered_at < moment - timedelta(days=retention_days),
            ),
        )
    return deleted


def rotate_record_keys() -> int:
    """Re-encrypt every stored record with the first configured key."""
    cipher = inbox().cipher
    count = 0
    with session() as db:
        for row in db.scalars(select(StoredUpdate).with_for_update()):
            row.record = cipher.rotate(row.record)
            count += 1
    return count


def audit(
    db: Session, staff_email: str, action: str, reference: str = "", school_id: str = ""
) -> None:
    db.add(
        AuditEvent(
            at=now(),
            staff_email=staff_email,
            action=action,
            update_reference=reference,
            school_id=school_id,
        )
    )
