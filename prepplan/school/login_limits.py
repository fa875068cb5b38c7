"""Login limits, counted atomically in the database so they hold across threads, workers and
app servers: an attempt takes a slot *before* its password is checked, in one UPDATE that only
succeeds while slots are left. Sixty simultaneous guesses at one account check at most
MAX_ATTEMPTS_PER_ACCOUNT passwords, not however many read the counter before anyone wrote it.

Two counters, both keyed by a keyed hash (no e-mail or address in clear):

- per account: MAX_ATTEMPTS_PER_ACCOUNT tries per LOGIN_WINDOW, wherever they come from;
  a correct password gives the slots back;
- per client address, for unknown accounts only: a school office shares one address behind its
  router, so one person's typos must never lock their colleagues out of their own accounts
  (those are already protected by their own counter). What an address must not do is try
  invented e-mails without end, each costing an Argon2 check: that is what this one stops.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Integer, String, Table, case, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from prepplan.school.database import rows_changed
from prepplan.school.database import session as database_session
from prepplan.school.models import Base, UTCDateTime, now

LOGIN_WINDOW = timedelta(minutes=15)
MAX_ATTEMPTS_PER_ACCOUNT = 5
MAX_UNKNOWN_ACCOUNT_ATTEMPTS_PER_ADDRESS = 20


class LoginLimit(Base):
    __tablename__ = "login_limits"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


def take_slot(key_hash: str, maximum: int) -> bool:
    """Count one attempt for this key; False (nothing counted) when none is left."""
    moment = now()
    cutoff = moment - LOGIN_WINDOW
    # Declarative types __table__ as any FromClause; a mapped class's is a Table.
    table = cast(Table, LoginLimit.__table__)
    with database_session() as db:
        insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
        db.execute(delete(LoginLimit).where(LoginLimit.window_start < cutoff - LOGIN_WINDOW))
        db.execute(
            insert(table)
            .values(key_hash=key_hash, attempts=0, window_start=moment)
            .on_conflict_do_nothing()
        )
        expired = LoginLimit.window_start < cutoff
        taken = rows_changed(
            db,
            update(LoginLimit)
            .where(LoginLimit.key_hash == key_hash, (LoginLimit.attempts < maximum) | expired)
            .values(
                attempts=case((expired, 1), else_=LoginLimit.attempts + 1),
                window_start=case((expired, moment), else_=LoginLimit.window_start),
            )
            .execution_options(synchronize_session=False),
        )
    return taken == 1


def give_back(key_hash: str) -> None:
    """A correct password: the account's earlier failures no longer count."""
    with database_session() as db:
        db.execute(delete(LoginLimit).where(LoginLimit.key_hash == key_hash))
