"""Staff sessions kept on the server: the browser holds only a random session id.

Signing out, a new password or removing the account deletes the rows, so a copy of a staff
member's cookie stops working at once on every app server (a signed cookie alone would keep
working until it expired). The table holds a hash of the id, never the id itself.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import session
from sqlalchemy import ForeignKey, String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from prepplan.school.database import rows_changed
from prepplan.school.models import Base, UTCDateTime, now
from prepplan.school.store import digest

# A staff session lasts one working day at most.
SESSION_HOURS = 10
COOKIE_KEY = "staff_session"


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


def start(db: Session, staff_id: int) -> None:
    # A fresh browser session: nothing from before the login (fixation) survives it.
    session.clear()
    session_id = secrets.token_urlsafe(32)
    db.execute(delete(StaffSession).where(StaffSession.expires_at < now()))
    db.add(
        StaffSession(
            id_hash=digest(session_id),
            staff_id=staff_id,
            expires_at=now() + timedelta(hours=SESSION_HOURS),
        )
    )
    session[COOKIE_KEY] = session_id


def current(db: Session) -> StaffSession | None:
    session_id = session.get(COOKIE_KEY)
    if not isinstance(session_id, str):
        return None
    row = db.get(StaffSession, digest(session_id))
    return row if row is not None and row.expires_at > now() else None


def end(db: Session) -> None:
    """Sign this browser out, on the server first."""
    session_id = session.get(COOKIE_KEY)
    if isinstance(session_id, str):
        db.execute(delete(StaffSession).where(StaffSession.id_hash == digest(session_id)))
    session.clear()


def end_all(db: Session, staff_id: int) -> int:
    """Sign an account out everywhere (a new password, a removed account)."""
    return rows_changed(db, delete(StaffSession).where(StaffSession.staff_id == staff_id))
