"""School staff accounts: Argon2 password hashes, rate-limited login, session checks.

Accounts are made on the command line (``prepplan staff create``), each tied to one or more
schools from the district file. Failed logins are counted in the database, per account and per
client address, so the limit holds across several app servers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request, session
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from prepplan.school.models import LoginFailure, StaffAccount, StaffSchool, now

MIN_PASSWORD_LENGTH = 12
# A staff session lasts one working day at most.
SESSION_HOURS = 10

# Failed logins are counted for this long; then they no longer count.
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20

_hasher = PasswordHasher()


@cache
def _unknown_account_hash() -> str:
    """Verified against when an e-mail is unknown: a wrong address takes as long as a wrong
    password, so timing does not tell which addresses have accounts."""
    return _hasher.hash(secrets.token_urlsafe(16))


class PasswordTooWeak(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooWeak(f"use at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def _limit_key(kind: str, value: str) -> str:
    """Keyed hash: the failures table never holds an address or e-mail in clear."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SignedInStaff:
    id: int
    email: str
    school_ids: tuple[str, ...]


class LoginLimited(Exception):
    pass


def check_login(db: Session, email: str, password: str) -> StaffAccount | None:
    """The account if the password is right; None if not; LoginLimited after too many tries."""
    email = email.strip().lower()
    account_key = _limit_key("account", email)
    address_key = _limit_key("address", request.remote_addr or "")
    if (
        recent_failures(db, account_key) >= MAX_FAILURES_PER_ACCOUNT
        or recent_failures(db, address_key) >= MAX_FAILURES_PER_ADDRESS
    ):
        raise LoginLimited
    account = staff_by_email(db, email)
    try:
        _hasher.verify(account.password_hash if account else _unknown_account_hash(), password)
        ok = account is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        record_failure(db, account_key, address_key)
        return None
    clear_failures(db, account_key)
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return account


def start_session(account: StaffAccount) -> None:
    # A fresh session: nothing from before the login (fixation) survives it.
    session.clear()
    session["staff"] = {"id": account.id, "v": account.session_version, "at": int(time.time())}


def end_session() -> None:
    session.pop("staff", None)


def signed_in_staff(db: Session) -> SignedInStaff | None:
    if "signed_in_staff" in g:
        return g.signed_in_staff
    found = None
    data = session.get("staff")
    if isinstance(data, dict) and time.time() - data.get("at", 0) < SESSION_HOURS * 3600:
        account = db.get(StaffAccount, data.get("id"))
        if account is not None and account.session_version == data.get("v"):
            district = current_app.extensions["prepplan_district"]
            schools = tuple(
                s for s in staff_schools(db, account.id) if district.school(s) is not None
            )
            found = SignedInStaff(account.id, account.email, schools)
    g.signed_in_staff = found
    return found


# --- queries ---------------------------------------------------------------------------------


def staff_by_email(db: Session, email: str) -> StaffAccount | None:
    return db.scalar(select(StaffAccount).where(StaffAccount.email == email.strip().lower()))


def staff_schools(db: Session, staff_id: int) -> list[str]:
    return sorted(db.scalars(select(StaffSchool.school_id).where(StaffSchool.staff_id == staff_id)))


def recent_failures(db: Session, key_hash: str) -> int:
    return (
        db.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.key_hash == key_hash, LoginFailure.at >= now() - LOGIN_WINDOW)
        )
        or 0
    )


def record_failure(db: Session, *key_hashes: str) -> None:
    for key_hash in key_hashes:
        db.add(LoginFailure(key_hash=key_hash, at=now()))


def clear_failures(db: Session, key_hash: str) -> None:
    db.execute(delete(LoginFailure).where(LoginFailure.key_hash == key_hash))
