"""Plans ended on purpose stay ended: the deny list of plan ids, and the plan cookie's limits.

The unfinished plan lives in the family's cookies (flow/state.py), so a copy of those cookies
is a bearer token for the whole plan. Three rules bound what a copy can do:

- every plan carries a random id, sealed inside the cookie with the plan;
- "Delete everything now" and Finish put that id on a deny list in the app's database, so a
  copy saved before is refused by every app server. A row holds the random id and when it may
  be dropped, nothing else: a copy can only be replayed while it is younger than the idle limit,
  so the row is kept that long and then purged;
- a plan is refused PLAN_MAX_HOURS after it was started, however active it is, so polling a copy
  cannot keep it alive for ever.

The table lives in the same database as the school inbox (DATABASE_URL, SQLite by default) and is
made by the same Alembic migrations, whether or not the inbox is on.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from flask import Flask, current_app
from sqlalchemy import String, delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from prepplan.school.database import make_engine, upgrade_database
from prepplan.school.models import Base, UTCDateTime


class RevokedPlan(Base):
    """A plan id that Delete or Finish ended; nothing about the plan itself."""

    __tablename__ = "revoked_plans"

    plan_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


def _sessions() -> sessionmaker[Session]:
    return cast("sessionmaker[Session]", current_app.extensions["prepplan_revocation"])


def stamped(state: dict[str, Any]) -> dict[str, Any]:
    """The state with its plan id and start time, given once when the plan is first kept."""
    if not isinstance(state.get("id"), str):
        state = dict(state, id=secrets.token_hex(16), started=int(time.time()))
    return state


def too_old(state: dict[str, Any]) -> bool:
    started = state.get("started")
    max_age = current_app.config["PLAN_MAX_HOURS"] * 3600
    return not isinstance(started, int) or time.time() - started > max_age


# After the deny list could not be read, pages skip it for this long instead of each waiting
# for the database's timeout (5 s per page while a database is down or stalled).
PAUSE_SECONDS = 30


class Outage:
    """When this app (in this process) last found the database away; shared by its threads."""

    def __init__(self) -> None:
        self.until = 0.0

    def now(self) -> bool:
        return time.monotonic() < self.until

    def seen(self) -> None:
        self.until = time.monotonic() + PAUSE_SECONDS


def _outage() -> Outage:
    return cast(Outage, current_app.extensions["prepplan_revocation_outage"])


def is_revoked(state: dict[str, Any]) -> bool:
    """True for a plan without an id (sealed before ids existed) or one that was ended."""
    plan_id = state.get("id")
    if not isinstance(plan_id, str):
        return True
    if _outage().now():
        return False
    try:
        with _sessions()() as db:
            return db.get(RevokedPlan, plan_id) is not None
    except SQLAlchemyError as error:
        # The family keeps working when the database is away; only replay protection pauses.
        _outage().seen()
        current_app.logger.warning("plan deny list unreadable (%s)", type(error).__name__)
        return False


def revoke(state: dict[str, Any]) -> None:
    """End this plan on every app server. Old entries are purged on the way."""
    plan_id = state.get("id")
    if not isinstance(plan_id, str):
        return
    now = datetime.fromtimestamp(time.time(), UTC)  # one clock with flow/state.py
    # A copy of the cookies was touched before now, so it is refused as idle after this anyway.
    keep_until = now + timedelta(minutes=current_app.config["IDLE_MINUTES"])
    try:
        with _sessions().begin() as db:
            db.execute(delete(RevokedPlan).where(RevokedPlan.expires_at < now))
            if db.scalar(select(RevokedPlan.plan_id).where(RevokedPlan.plan_id == plan_id)) is None:
                db.add(RevokedPlan(plan_id=plan_id, expires_at=keep_until))
    except SQLAlchemyError as error:
        current_app.logger.warning("plan not added to the deny list (%s)", type(error).__name__)


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"], app.config["DATABASE_TIMEOUT_SECONDS"])
    app.extensions["prepplan_revocation"] = sessionmaker(engine, expire_on_commit=False)
    app.extensions["prepplan_database"] = engine
    app.extensions["prepplan_revocation_outage"] = Outage()
    # As for the inbox: SQLite (one machine) is kept current at start-up; PostgreSQL is upgraded
    # on purpose with `prepplan db upgrade`.
    if engine.dialect.name == "sqlite" or app.config["PREPPLAN_ENV"] != "production":
        try:
            upgrade_database(engine)
        except SQLAlchemyError as error:
            app.logger.warning("database not upgraded (%s)", type(error).__name__)
