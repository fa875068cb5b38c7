"""A copy of a family's plan cookies stops working once the family deletes or finishes the plan,
and no plan cookie lives longer than PLAN_MAX_HOURS, however often it is used."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import create_engine, text

from prepplan import plan_state as state
from tests.walk import FlowWalker


def _plan_cookies(client) -> dict[str, str]:
    return {c.key: c.value for c in client._cookies.values() if c.key.startswith("pp")}


def _replay(app, cookies: dict[str, str]):
    """Another browser (or another app server) presenting a saved copy of the cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def _children(client) -> list[str]:
    return [c.given_name for c in FlowWalker(client, "en").plan().children]


@pytest.mark.parametrize("ending", ["/en/delete", "/en/finish"])
def test_a_copied_plan_cookie_is_refused_after_delete_or_finish(make_app, ending):
    app = make_app()
    family = app.test_client()
    FlowWalker(family, "en").post("children/0", {"given_name": "Copied"})
    copy = _plan_cookies(family)
    assert _children(_replay(app, copy)) == ["Copied"]  # the copy works while the plan lives

    family.post(ending)
    thief = _replay(app, copy)
    assert _children(thief) == []
    assert "Copied" not in thief.get("/en/plan/check").get_data(as_text=True)
    assert (
        thief.get("/en/plan/plan.pdf").status_code != 200
        or b"Copied" not in thief.get("/en/plan/plan.pdf").data
    )
    # A second app server on the same database refuses it too.
    other_server = make_app()
    assert _children(_replay(other_server, copy)) == []


def test_the_deny_list_holds_only_random_ids_and_forgets_them(make_app, instance_path, monkeypatch):
    app = make_app()
    family = app.test_client()
    FlowWalker(family, "en").post("children/0", {"given_name": "Marker4417"})
    family.post("/en/delete")
    engine = create_engine(f"sqlite:///{instance_path}/prepplan.sqlite")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM revoked_plans")).all()
    assert len(rows) == 1 and len(rows[0].plan_id) == 32
    assert "Marker4417" not in str(rows)
    # Once a copy would be refused as idle anyway, its row goes (on the next revocation).
    later = time.time() + 31 * 60
    monkeypatch.setattr(state.time, "time", lambda: later)
    other = app.test_client()
    FlowWalker(other, "en").post("children/0", {"given_name": "Next"})
    other.post("/en/delete")
    with engine.connect() as connection:
        assert len(connection.execute(text("SELECT * FROM revoked_plans")).all()) == 1
    engine.dispose()


def test_polling_a_copy_cannot_keep_a_plan_alive_past_its_maximum_age(client, monkeypatch):
    FlowWalker(client, "en").post("children/0", {"given_name": "Polled"})
    start = time.time()
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes: never idle
        monkeypatch.setattr(state.time, "time", lambda m=minutes: start + m * 60)
        client.get("/en/privacy")
    monkeypatch.setattr(state.time, "time", lambda: start + 12 * 60 * 60 + 60)
    assert _children(client) == []


def test_a_tampered_cookie_is_forgotten_without_the_idle_message(client):
    FlowWalker(client, "en").post("children/0", {"given_name": "Tampered"})
    first = _plan_cookies(client)["pp0"]
    client.set_cookie("pp0", first[:-6] + "abcdef")
    response = client.get("/en/plan/children")
    assert "nobody used this screen" not in response.get_data(as_text=True)
    assert "pp0" not in _plan_cookies(client)


def test_a_link_to_the_idle_page_does_not_wipe_a_plan_in_use(client):
    FlowWalker(client, "en").post("children/0", {"given_name": "InUse"})
    response = client.get("/en/cleared?reason=idle")
    assert response.status_code == 302
    assert _children(client) == ["InUse"]


def test_a_plan_really_left_idle_is_cleared_by_the_idle_page(client, monkeypatch):
    FlowWalker(client, "en").post("children/0", {"given_name": "Idle"})
    later = time.time() + 31 * 60
    monkeypatch.setattr(state.time, "time", lambda: later)
    page = client.get("/en/cleared?reason=idle").get_data(as_text=True)
    assert "nobody used this screen" in page
    assert "pp0" not in _plan_cookies(client)


# ---- deletion needs the page's own form (CSRF on for every POST) ------------------------------

CSRF_FIELD = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.mark.parametrize("ending", ["/en/delete", "/en/finish"])
def test_a_cross_site_form_cannot_delete_the_plan(make_app, ending):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    FlowWalker(client, "en", csrf=True).post("children/0", {"given_name": "Kept"})
    response = client.post(ending)  # what a form on another site sends: no token
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "press the button again" in page and "Try again" in page
    assert _children(client) == ["Kept"]
    # The page's own button works.
    token = CSRF_FIELD.search(client.get("/en/privacy").get_data(as_text=True)).group(1)
    assert client.post(ending, data={"csrf_token": token}).status_code == 302
    assert _children(client) == []


def test_every_post_route_refuses_a_request_without_a_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    FlowWalker(client, "en", csrf=True).post("children/0", {"given_name": "Kept"})
    posts = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    assert len(posts) >= 10
    for rule in posts:
        url = re.sub(r"<[^>]+>", "x", rule.rule).replace("/x/", "/en/", 1)
        url = url.replace("/plan/x", "/plan/children").replace("/x/", "/0/")
        if rule.endpoint == "staff.logout":
            continue  # signing out is allowed without a token (see school/staff.py)
        response = client.post(url, data={"given_name": "Changed"})
        assert response.status_code in (400, 404), (url, response.status_code)
    assert _children(client) == ["Kept"]


def test_the_failure_page_keeps_what_was_typed_and_sends_it_again(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post(
        "/en/plan/children/0?from=check",
        data={"given_name": "Typed <b>before</b>", "csrf_token": "stale"},
    )
    page = response.get_data(as_text=True)
    assert 'action="/en/plan/children/0?from=check"' in page
    assert 'name="given_name" value="Typed &lt;b&gt;before&lt;/b&gt;"' in page
    token = CSRF_FIELD.search(page).group(1)
    again = client.post(
        "/en/plan/children/0?from=check", data={"given_name": "Typed before", "csrf_token": token}
    )
    assert again.status_code == 302


def test_while_the_database_is_away_pages_stop_asking_it(make_app, monkeypatch):
    """A stalled database would cost every page its timeout; after one failure the deny list is
    skipped for a while (replay protection pauses, the family keeps working)."""
    from sqlalchemy.exc import OperationalError

    from prepplan import revocation

    app = make_app()
    family = app.test_client()
    FlowWalker(family, "en").post("children/0", {"given_name": "Kept"})
    asked = []

    def unreachable(*_args, **_kwargs):
        asked.append(1)
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    # The deny list's sessions: each one fails as a stalled database's would, after its timeout.
    monkeypatch.setitem(app.extensions, "prepplan_revocation", unreachable)
    for _ in range(3):
        assert _children(family) == ["Kept"]
    assert len(asked) == 1  # asked once, then left alone
    later = time.monotonic() + revocation.PAUSE_SECONDS + 1
    monkeypatch.setattr(revocation.time, "monotonic", lambda: later)
    assert _children(family) == ["Kept"]
    assert len(asked) == 2  # asked again once the pause is over
