"""Where a family's unfinished plan lives: in their own browser, never on the server.

The plan travels in a set of cookies: JSON, compressed, encrypted and authenticated with AES-GCM
under a key derived from the app's secret key. So the server keeps nothing at rest, yet the flow
survives reload, back and forward and a server restart. Someone who later reads the cookies off a
shared device learns nothing without the server's key, and the server refuses them once the family
has been idle for IDLE_MINUTES (or pressed Finish, which deletes them).

The state of one request is one object, ``device`` (a DevicePlan): what the cookies held, the
plan read from them, and what the response must do with them (write, delete, leave alone).

Cookies are at most ~4 kB each, so the sealed plan is split into chunks. A plan at every bound
(10 children, 8 contacts, every note full in any script) fits within MAX_CHUNKS; the server (see
gunicorn.conf.py) accepts a Cookie header that large.
"""

from __future__ import annotations

import base64
import json
import os
import time
import zlib
from typing import Any, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, Response, current_app, g, request
from pydantic import ValidationError
from werkzeug.local import LocalProxy

from prepplan import revocation
from prepplan.i18n import lazy_gettext as _l
from prepplan.plan.model import Plan

COOKIE_PREFIX = "pp"
CHUNK_CHARS = 3800
MAX_CHUNKS = 150
STATE_VERSION = b"1"


# Why a plan was cleared from the device: said on the page that follows.
CLEARED_REASONS = {
    "deleted": _l("Everything you typed has been deleted from this device."),
    "finished": _l(
        "Your plan is finished and has been cleared from this device. "
        "Keep your PDF and plan file somewhere safe."
    ),
    "idle": _l(
        "Your answers were deleted because nobody used this screen for a while. "
        "This protects your family on a shared device."
    ),
}


class PlanTooLarge(ValueError):
    pass


def _cipher() -> AESGCM:
    cached = current_app.extensions.get("prepplan_state_cipher")
    if cached is None:
        key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"prepplan plan state v1"
        ).derive(current_app.config["SECRET_KEY"].encode())
        cached = current_app.extensions["prepplan_state_cipher"] = AESGCM(key)
    return cached


def seal(state: dict[str, Any]) -> str:
    nonce = os.urandom(12)
    packed = zlib.compress(json.dumps(state, separators=(",", ":")).encode(), 9)
    sealed = _cipher().encrypt(nonce, packed, STATE_VERSION)
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(token: str) -> dict[str, Any] | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        packed = _cipher().decrypt(raw[:12], raw[12:], STATE_VERSION)
        state = json.loads(zlib.decompress(packed))
    except (ValueError, InvalidTag, zlib.error):
        return None
    return state if isinstance(state, dict) else None


def _chunk_names(count: int) -> list[str]:
    return [f"{COOKIE_PREFIX}{i}" for i in range(count)]


def sealed_cookies(state: dict[str, Any]) -> list[tuple[str, str]]:
    """The cookies (name, value) that carry ``state``: the first says how many there are."""
    token = seal(state)
    chunks = [token[i : i + CHUNK_CHARS] for i in range(0, len(token), CHUNK_CHARS)]
    if len(chunks) > MAX_CHUNKS:
        raise PlanTooLarge(len(token))
    chunks[0] = f"{len(chunks)}.{chunks[0]}"
    return list(zip(_chunk_names(len(chunks)), chunks, strict=True))


def fits(plan: Plan) -> bool:
    """Whether the plan, sealed, fits in the cookies a browser keeps."""
    state = revocation.stamped(
        {"plan": plan.model_dump(mode="json", exclude_defaults=True), "touched": 0}
    )
    return len(seal(state)) <= CHUNK_CHARS * MAX_CHUNKS - 8


class DevicePlan:
    """The family's plan as this request found it on their device, and what the response
    will do to it. One per request (``device`` below)."""

    def __init__(self) -> None:
        self._state: dict[str, Any] | None = None
        self._plan: Plan | None = None
        self.expired = False  # the request carried a plan forgotten for being idle too long
        # The request carried a plan cookie that was tampered with, sealed under another key or
        # ended by Delete or Finish: forgotten, and nothing is said about being idle.
        self.refused = False
        self._changed = False
        self._forget = False

    def _load(self) -> dict[str, Any]:
        if self._state is not None:
            return self._state
        carried = f"{COOKIE_PREFIX}0" in request.cookies
        state = unseal(self._read_token()) if carried else None
        # Helper mode (helper_mode.py) sets a shorter limit for a shared event laptop.
        idle_seconds = (g.get("idle_minutes") or current_app.config["IDLE_MINUTES"]) * 60
        if state is None or revocation.is_revoked(state):
            self.refused = carried
            state = {}
        elif time.time() - state.get("touched", 0) > idle_seconds or revocation.too_old(state):
            self.expired = True
            state = {}
        self._state = state
        return state

    @staticmethod
    def _read_token() -> str:
        first = request.cookies.get(f"{COOKIE_PREFIX}0", "")
        count_text, _, head = first.partition(".")
        if not count_text.isdigit() or not 0 < int(count_text) <= MAX_CHUNKS:
            return ""
        names = _chunk_names(int(count_text))[1:]
        parts = [head] + [request.cookies.get(name, "") for name in names]
        return "" if any(not part for part in parts) else "".join(parts)

    @property
    def plan(self) -> Plan:
        """The plan as it stands on this device (an empty plan if there is none)."""
        if self._plan is None:
            try:
                self._plan = Plan.model_validate(self._load().get("plan", {}))
            except ValidationError:
                self._plan = Plan()
        return self._plan

    @property
    def has_plan(self) -> bool:
        return bool(self._load().get("plan"))

    @property
    def plan_expired(self) -> bool:
        """True when this request carried a plan that was forgotten for being idle too long."""
        self._load()
        return self.expired

    def save(self, plan: Plan) -> None:
        """Keep the plan on the family's device; the cookies are written as the response
        leaves."""
        self._state = dict(self._load(), plan=plan.model_dump(mode="json", exclude_defaults=True))
        self._plan = plan
        self._changed = True

    def forget(self) -> None:
        """Delete the plan from this device when the response leaves, and end any copy of it."""
        revocation.revoke(self._load())
        self._state = {}
        self._forget = True

    def write_cookies(self, response: Response) -> Response:
        # Only names a plan can use: thousands of forged "pp..." cookies get no Set-Cookie each.
        old_names = [name for name in _chunk_names(MAX_CHUNKS) if name in request.cookies]
        changed = self._changed
        if not changed and request.method == "GET" and old_names:
            # Any page the family opens counts as activity: it restarts the idle clock.
            changed = bool(self._load())
        if self._forget or not changed and (self.expired or self.refused):
            _delete_cookies(response, old_names)
            return response
        if not changed:
            return response
        try:
            cookies = sealed_cookies(
                revocation.stamped(dict(self._load(), touched=int(time.time())))
            )
        except PlanTooLarge:
            # The views check first (fits); raising here would cost the response its security
            # headers. Keep what the device had.
            current_app.logger.warning("plan too large for its cookies")
            return response
        secure = current_app.config["SESSION_COOKIE_SECURE"]
        new_names = [name for name, _value in cookies]
        for name, value in cookies:
            # Session cookies (no expiry): closing the browser forgets them too.
            response.set_cookie(name, value, path="/", secure=secure, httponly=True, samesite="Lax")
        _delete_cookies(response, [name for name in old_names if name not in new_names])
        return response


def _current_device_plan() -> DevicePlan:
    if "device_plan" not in g:
        g.device_plan = DevicePlan()
    return cast(DevicePlan, g.device_plan)


# The plan on the requesting family's device: ``device.plan``, ``device.save(plan)``...
device: DevicePlan = LocalProxy(_current_device_plan)  # type: ignore[assignment]


def _delete_cookies(response: Response, names: list[str]) -> None:
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    for name in names:
        response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="Lax")


def _write_cookies(response: Response) -> Response:
    if request.endpoint == "static":
        return response
    return device.write_cookies(response)


def init_app(app: Flask) -> None:
    app.after_request(_write_cookies)
