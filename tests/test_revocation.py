"""A copy of a family's plan cookies stops working once the family deletes or finishes the plan,
and no plan cookie lives longer than PLAN_MAX_HOURS, however often it is used."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from prepplan.flow import state
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
    assert thief.get("/en/plan/plan.pdf").status_code != 200 or b"Copied" not in thief.get(
        "/en/plan/plan.pdf").data
    # A second app server on the same database refuses it too.
    other_server = make_app()
    assert _children(_replay(other_server, copy)) == []


def test_the_deny_list_holds_only_random_ids_and_forgets_them(make_app, instance_path,
                                                              monkeypatch):
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
