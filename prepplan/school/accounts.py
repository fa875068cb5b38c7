"""School staff accounts: Argon2 password hashes, rate-limited login, session checks.

Accounts are made on the command line (``prepplan staff create``), each tied to one or more
schools from the district file. Login attempts are limited in the database (login_limits.py), so
the limit holds across several app servers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import cache
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from prepplan.school import login_limits, sessions, store
from prepplan.school.database import session as database_session
from prepplan.school.district import District
from prepplan.school.models import StaffAccount, StaffSchool

MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_SCORE = 3  # zxcvbn: 0 (too guessable) to 4 (very unguessable)

_hasher = PasswordHasher()


@cache
def _unknown_account_hash() -> str:
    """Verified against when an e-mail is unknown: a wrong address takes as long as a wrong
    password, so timing does not tell which addresses have accounts."""
    return _hasher.hash(secrets.token_urlsafe(16))


class PasswordTooWeak(ValueError):
    pass


def password_weakness(password: str, email: str = "") -> str:
    """Why a password is too weak for a staff account, or "" when it is strong enough:
    MIN_PASSWORD_LENGTH characters and zxcvbn's score 3 ("safely unguessable"), which knows
    common passwords, words, keyboard walks, repeats and the person's own e-mail."""
    from zxcvbn import zxcvbn

    if len(password) < MIN_PASSWORD_LENGTH:
        return f"use at least {MIN_PASSWORD_LENGTH} characters"
    result = zxcvbn(password[:100], user_inputs=[part for part in re.split(r"[@.]", email) if part])
    if result["score"] < MIN_PASSWORD_SCORE:
        warning = result["feedback"].get("warning") or "it is easy to guess"
        return f"this password is too easy to guess ({warning.rstrip('.')})"
    return ""


def hash_password(password: str, email: str = "") -> str:
    weakness = password_weakness(password, email)
    if weakness:
        raise PasswordTooWeak(weakness)
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


def check_login(email: str, password: str) -> StaffAccount | None:
    """The account if the password is right; None if not; LoginLimited after too many tries
    (school/login_limits.py). Each attempt is audited, never with the password."""
    email = email.strip().lower()
    account_key = _limit_key("account", email)
    with database_session() as db:
        account = staff_by_email(db, email)
    who = account.email if account is not None else "(unknown account)"
    if not login_limits.take_slot(account_key, login_limits.MAX_ATTEMPTS_PER_ACCOUNT):
        _audit(who, "login-limited")
        raise LoginLimited
    if account is None and not login_limits.take_slot(
        _limit_key("address", request.remote_addr or ""),
        login_limits.MAX_UNKNOWN_ACCOUNT_ATTEMPTS_PER_ADDRESS,
    ):
        # Spared the Argon2 check, and answered like any wrong e-mail: a "too many attempts"
        # here would tell this address which e-mails have no account.
        _audit(who, "login-limited")
        return None
    try:
        verified: bool = _hasher.verify(
            account.password_hash if account else _unknown_account_hash(), password
        )
    except (VerificationError, InvalidHashError):
        verified = False
    if account is None or not verified:
        _audit(who, "login-failed")
        return None
    login_limits.give_back(account_key)
    if _hasher.check_needs_rehash(account.password_hash):
        with database_session() as db:
            db.get_one(StaffAccount, account.id).password_hash = _hasher.hash(password)
    return account


def _audit(who: str, action: str) -> None:
    with database_session() as db:
        store.audit(db, who, action)


def start_session(db: Session, account: StaffAccount) -> None:
    sessions.start(db, account.id)


def end_session(db: Session) -> None:
    sessions.end(db)


def signed_in_staff(db: Session) -> SignedInStaff | None:
    if "signed_in_staff" in g:
        return cast(SignedInStaff | None, g.signed_in_staff)
    found = None
    row = sessions.current(db)
    account = db.get(StaffAccount, row.staff_id) if row is not None else None
    if account is not None:
        district: District = current_app.extensions["prepplan_district"]
        schools = tuple(s for s in staff_schools(db, account.id) if district.school(s) is not None)
        found = SignedInStaff(account.id, account.email, schools)
    g.signed_in_staff = found
    return found


def staff_by_email(db: Session, email: str) -> StaffAccount | None:
    return db.scalar(select(StaffAccount).where(StaffAccount.email == email.strip().lower()))


def staff_schools(db: Session, staff_id: int) -> list[str]:
    return sorted(db.scalars(select(StaffSchool.school_id).where(StaffSchool.staff_id == staff_id)))
