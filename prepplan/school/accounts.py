"""School staff accounts: Argon2 password hashes, rate-limited login, session checks.

Accounts are made on the command line (``prepplan staff create``), each tied to one or more
schools from the district file. Failed logins are counted in the database, per account and per
client address, so the limit holds across several app servers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request
from sqlalchemy.orm import Session

from prepplan.school import sessions, store

MIN_PASSWORD_LENGTH = 12

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


def check_login(db: Session, email: str, password: str) -> store.StaffAccount | None:
    """The account if the password is right; None if not; LoginLimited after too many tries."""
    email = email.strip().lower()
    account_key = _limit_key("account", email)
    address_key = _limit_key("address", request.remote_addr or "")
    if (store.recent_failures(db, account_key) >= store.MAX_FAILURES_PER_ACCOUNT
            or store.recent_failures(db, address_key) >= store.MAX_FAILURES_PER_ADDRESS):
        raise LoginLimited
    account = store.staff_by_email(db, email)
    try:
        _hasher.verify(account.password_hash if account else _unknown_account_hash(), password)
        ok = account is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        store.record_failure(db, account_key, address_key)
        return None
    store.clear_failures(db, account_key)
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return account


def start_session(db: Session, account: store.StaffAccount) -> None:
    sessions.start(db, account.id)


def end_session(db: Session) -> None:
    sessions.end(db)


def signed_in_staff(db: Session) -> SignedInStaff | None:
    if "signed_in_staff" in g:
        return g.signed_in_staff
    found = None
    row = sessions.current(db)
    account = db.get(store.StaffAccount, row.staff_id) if row is not None else None
    if account is not None:
        district = current_app.extensions["prepplan_district"]
        schools = tuple(s for s in store.staff_schools(db, account.id)
                        if district.school(s) is not None)
        found = SignedInStaff(account.id, account.email, schools)
    g.signed_in_staff = found
    return found
