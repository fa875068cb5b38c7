"""Where a family's unfinished plan lives: in their own browser, never on the server.

The plan travels in a set of cookies: JSON, compressed, encrypted and authenticated with AES-GCM
under a key derived from the app's secret key. So the server keeps nothing at rest, yet the flow
survives reload, back and forward and a server restart. Someone who later reads the cookies off a
shared device learns nothing without the server's key, and the server refuses them once the family
has been idle for IDLE_MINUTES (or pressed Finish, which deletes them).

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
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, Response, current_app, g, request
from pydantic import ValidationError

from prepplan.plan.model import Plan

COOKIE_PREFIX = "pp"
CHUNK_CHARS = 3800
MAX_CHUNKS = 150
STATE_VERSION = b"1"


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


def _read_token() -> str:
    first = request.cookies.get(f"{COOKIE_PREFIX}0", "")
    count_text, _, head = first.partition(".")
    if not count_text.isdigit() or not 0 < int(count_text) <= MAX_CHUNKS:
        return ""
    parts = [head] + [request.cookies.get(name, "") for name in _chunk_names(int(count_text))[1:]]
    return "" if any(not part for part in parts) else "".join(parts)


def _load_state() -> dict[str, Any]:
    if "plan_state" in g:
        return g.plan_state
    state = unseal(_read_token()) if f"{COOKIE_PREFIX}0" in request.cookies else None
    # Helper mode (helper_mode.py) sets a shorter limit for a shared event laptop.
    idle_seconds = (g.get("idle_minutes") or current_app.config["IDLE_MINUTES"]) * 60
    if state is None or time.time() - state.get("touched", 0) > idle_seconds:
        if f"{COOKIE_PREFIX}0" in request.cookies:
            g.plan_state_expired = True
        state = {}
    g.plan_state = state
    return state


def current_plan() -> Plan:
    """The family's plan as it stands on this device (an empty plan if there is none)."""
    if "plan" not in g:
        try:
            g.plan = Plan.model_validate(_load_state().get("plan", {}))
        except ValidationError:
            g.plan = Plan()
    return g.plan


def has_plan() -> bool:
    return bool(_load_state().get("plan"))


def plan_expired() -> bool:
    """True when this request carried a plan that was forgotten for being idle too long."""
    _load_state()
    return bool(g.get("plan_state_expired"))


def save_plan(plan: Plan) -> None:
    """Keep the plan on the family's device; the cookies are written as the response leaves."""
    state = dict(_load_state())
    state["plan"] = plan.model_dump(mode="json", exclude_defaults=True)
    g.plan_state = state
    g.plan = plan
    g.plan_state_dirty = True


def check_fits(plan: Plan) -> bool:
    state = {"plan": plan.model_dump(mode="json", exclude_defaults=True), "touched": 0}
    return len(seal(state)) <= CHUNK_CHARS * MAX_CHUNKS - 8


def forget_plan() -> None:
    """Delete the plan from this device when the response leaves."""
    g.plan_state = {}
    g.plan_state_forget = True


def _delete_cookies(response: Response, names: list[str]) -> None:
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    for name in names:
        response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="Lax")


def _write_cookies(response: Response) -> Response:
    if request.endpoint == "static":
        return response
    old_names = _chunk_names(sum(1 for name in request.cookies if name.startswith(COOKIE_PREFIX)
                                 and name[len(COOKIE_PREFIX):].isdigit()))
    dirty = bool(g.get("plan_state_dirty"))
    if not dirty and request.method == "GET" and old_names:
        # Any page the family opens counts as activity: it restarts the idle clock.
        dirty = bool(_load_state())
    if g.get("plan_state_forget") or not dirty and g.get("plan_state_expired"):
        _delete_cookies(response, old_names)
        return response
    if not dirty:
        return response
    token = seal(dict(g.plan_state, touched=int(time.time())))
    chunks = [token[i : i + CHUNK_CHARS] for i in range(0, len(token), CHUNK_CHARS)]
    if len(chunks) > MAX_CHUNKS:
        raise PlanTooLarge(len(token))
    chunks[0] = f"{len(chunks)}.{chunks[0]}"
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    for name, value in zip(_chunk_names(len(chunks)), chunks, strict=True):
        # Session cookies (no expiry): closing the browser forgets them too.
        response.set_cookie(name, value, path="/", secure=secure, httponly=True, samesite="Lax")
    _delete_cookies(response, old_names[len(chunks):])
    return response


def init_app(app: Flask) -> None:
    app.after_request(_write_cookies)
