"""The school office's sessions, login limits and audit trail, as an attacker would try them."""
# ruff: noqa: F811 (the inbox tests' fixtures, imported by name, are the tests' arguments)

from __future__ import annotations

import re

from tests.conftest import plant_plan as give_plan
from tests.test_school_inbox import (  # noqa: F401 (fixtures)
    PASSWORD,
    create_staff,
    db_url,
    inbox_app,
    inbox_settings,
    login,
    record_key,
    rows,
    run_cli,
)

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _staff_cookie(client) -> str:
    return next(c.value for c in client._cookies.values() if c.key == "prepplan_session")


def _replay(app, cookie: str):
    thief = app.test_client()
    thief.set_cookie("prepplan_session", cookie)
    return thief


def test_a_saved_staff_cookie_stops_working_at_logout(inbox_app):
    create_staff(inbox_app)
    client, _ = login(inbox_app)
    saved = _staff_cookie(client)
    assert _replay(inbox_app, saved).get("/en/staff/").status_code == 200
    client.post("/en/staff/logout")
    assert _replay(inbox_app, saved).get("/en/staff/").status_code == 302
    assert rows(inbox_app, "staff_sessions") == []
    assert [r["action"] for r in rows(inbox_app, "audit_events")][-1] == "logout"


def test_logout_without_a_valid_csrf_token_still_signs_out(make_app, inbox_settings):
    app = make_app(WTF_CSRF_ENABLED=True, **inbox_settings)
    create_staff(app)
    client = app.test_client()
    token = CSRF.search(client.get("/en/staff/login").get_data(as_text=True)).group(1)
    client.post(
        "/en/staff/login",
        data={"email": "office@chandler.example", "password": PASSWORD, "csrf_token": token},
    )
    saved = _staff_cookie(client)
    assert client.get("/en/staff/").status_code == 200
    client.post("/en/staff/logout", data={"csrf_token": "stale"})
    assert client.get("/en/staff/").status_code == 302
    assert _replay(app, saved).get("/en/staff/").status_code == 302
    app.extensions["prepplan_inbox"].engine.dispose()


def test_the_staff_cookie_holds_only_a_random_id(inbox_app):
    create_staff(inbox_app)
    client, _ = login(inbox_app)
    from itsdangerous import URLSafeTimedSerializer

    serializer = URLSafeTimedSerializer(
        inbox_app.secret_key,
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": "sha1"},
    )
    data = serializer.loads(_staff_cookie(client))
    assert set(data) <= {"staff_session", "csrf_token"}
    assert len(data["staff_session"]) >= 40
    stored = rows(inbox_app, "staff_sessions")
    assert len(stored) == 1 and data["staff_session"] not in str(stored)


def test_a_new_password_ends_every_session_and_is_audited(inbox_app):
    create_staff(inbox_app)
    first, _ = login(inbox_app)
    second, _ = login(inbox_app)
    result = run_cli(
        inbox_app,
        "staff",
        "password",
        "--email",
        "office@chandler.example",
        "--password-stdin",
        input="another long password 7Qx!\n",
    )
    assert result.exit_code == 0, result.output
    assert first.get("/en/staff/").status_code == 302
    assert second.get("/en/staff/").status_code == 302
    assert "password-changed" in [r["action"] for r in rows(inbox_app, "audit_events")]


# ---- a stalled database ---------------------------------------------------------------------


def test_a_stalled_database_gives_the_inbox_unavailable_page_quickly(
    make_app, inbox_settings, example_plan, db_url
):
    import time as clock

    from sqlalchemy import create_engine, text

    from tests.test_school_inbox import choices_from, preview, send

    app = make_app(DATABASE_TIMEOUT_SECONDS=1, **inbox_settings)
    client = app.test_client()
    give_plan(app, client, example_plan)
    fields = choices_from(preview(client))
    blocker = create_engine(db_url)
    with blocker.connect() as connection:
        # Another session holds the table (a long migration, a stuck transaction).
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
        else:
            connection.execute(text("BEGIN"))
            connection.execute(text("LOCK TABLE school_updates IN ACCESS EXCLUSIVE MODE"))
        started = clock.monotonic()
        response = send(client, fields)
        waited = clock.monotonic() - started
        connection.rollback()
    blocker.dispose()
    assert response.status_code == 503
    assert "/es/school/download/form" in response.get_data(as_text=True)
    assert waited < 10  # the statement gave up; no worker timeout (60 s)
    app.extensions["prepplan_inbox"].engine.dispose()


# ---- login limits and passwords ---------------------------------------------------------------


def test_sixty_parallel_wrong_passwords_check_at_most_five(inbox_app, monkeypatch):
    import threading

    from argon2 import PasswordHasher

    from prepplan.school import accounts

    create_staff(inbox_app)
    checked, results = [], []

    class CountingHasher(PasswordHasher):
        def verify(self, *args):
            checked.append(1)
            return super().verify(*args)

    def attempt():
        with inbox_app.test_request_context(
            "/en/staff/login", environ_base={"REMOTE_ADDR": "198.51.100.4"}
        ):
            try:
                results.append(accounts.check_login("office@chandler.example", "wrong guess!"))
            except accounts.LoginLimited:
                results.append("limited")

    monkeypatch.setattr(accounts, "_hasher", CountingHasher())
    threads = [threading.Thread(target=attempt) for _ in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 60
    assert len(checked) <= 5
    assert results.count("limited") >= 55
    actions = [r["action"] for r in rows(inbox_app, "audit_events")]
    assert actions.count("login-failed") == len(checked)
    assert "login-limited" in actions


def test_one_noisy_address_does_not_lock_out_other_accounts(inbox_app):
    create_staff(inbox_app)
    office = {"REMOTE_ADDR": "198.51.100.9"}
    for number in range(25):  # a colleague mistyping e-mails all morning, behind the same router
        client = inbox_app.test_client()
        response = client.post(
            "/en/staff/login",
            environ_base=office,
            data={"email": f"typo{number}@x.example", "password": "nope"},
        )
        assert response.status_code == 401  # the same answer as any wrong e-mail
    client = inbox_app.test_client()
    response = client.post(
        "/en/staff/login",
        environ_base=office,
        data={"email": "office@chandler.example", "password": PASSWORD},
    )
    assert response.status_code == 302
    actions = [r["action"] for r in rows(inbox_app, "audit_events")]
    assert actions.count("login-limited") == 5  # attempts 21-25 were not even checked


def test_weak_passwords_are_refused_on_the_command_line(inbox_app):
    for weak in (" " * 12, "password1234", "chandlerchandler", "qwertyuiop123"):
        result = run_cli(
            inbox_app,
            "staff",
            "create",
            "--email",
            "office@chandler.example",
            "--school",
            "chandler-elementary",
            "--password-stdin",
            input=weak + "\n",
        )
        assert result.exit_code != 0, weak
        assert "Choose another password" in result.output
    assert rows(inbox_app, "staff_accounts") == []
    create_staff(inbox_app)
    result = run_cli(
        inbox_app,
        "staff",
        "password",
        "--email",
        "office@chandler.example",
        "--password-stdin",
        input="password1234\n",
    )
    assert result.exit_code != 0 and "too easy to guess" in result.output


# ---- the audit trail ----------------------------------------------------------------------------


def test_cross_school_probes_and_decrypted_list_rows_are_audited(inbox_app, example_plan):
    from tests.test_school_inbox import sent_updates

    mine = sent_updates(inbox_app, example_plan, give_plan)
    other = sent_updates(inbox_app, example_plan, give_plan, schools=("north-high", "paper"))[0]
    create_staff(inbox_app)
    client, _ = login(inbox_app)
    client.get("/en/staff/")
    assert client.get(f"/en/staff/updates/{other}").status_code == 404
    assert client.get("/en/staff/updates/GUESSED-REF").status_code == 404
    response = client.post("/en/staff/export", data={"reference": other, "format": "edfi"})
    assert response.status_code == 404
    events = [(r["action"], r["update_reference"]) for r in rows(inbox_app, "audit_events")]
    assert sorted(ref for action, ref in events if action == "list-opened") == sorted(mine)
    assert [ref for action, ref in events if action == "not-found"] == [other, "GUESSED-REF", other]


def test_csv_exports_name_one_charset(inbox_app, example_plan):
    from tests.test_school_inbox import sent_updates

    references = sent_updates(inbox_app, example_plan, give_plan)
    create_staff(inbox_app)
    client, _ = login(inbox_app)
    response = client.post("/en/staff/export", data={"reference": references, "format": "edfi"})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
