"""Security rules: headers, CSRF, limits, escaping, and the plan kept only on the device."""

import logging
import re
import time

import pytest

from prepplan import plan_state as state
from prepplan.security import ScrubbingFormatter
from tests.walk import FlowWalker

PAGES = [
    "/",
    "/es/",
    "/es/plan/parents",
    "/es/plan/children/0",
    "/es/plan/check",
    "/es/privacy",
    "/languages",
    "/es/no-such-page",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_the_security_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_csp_allows_framing_only_blob_documents_and_no_plugins(client):
    """Helper mode prints a PDF from a frame holding a blob: URL of the page's own making
    (static/prepplan.js); nothing else may be framed, embedded or frame this site."""
    directives = dict(
        directive.split(" ", 1)
        for directive in client.get("/es/").headers["Content-Security-Policy"].split("; ")
    )
    assert directives["frame-src"] == "blob:"
    assert directives["object-src"] == "'none'"
    assert directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "child-src" not in directives and "worker-src" not in directives


def test_downloads_with_family_data_are_not_stored(client, example_plan):
    FlowWalker(client, "en").walk(example_plan)
    response = client.get("/en/plan/plan-file.json")
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]


def test_pages_have_no_inline_script_or_style(client, example_plan):
    FlowWalker(client, "en").walk(example_plan)
    for path in PAGES + ["/en/plan/contacts", "/en/plan/caregiver", "/en/plan/documents"]:
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path
        assert " style=" not in page and "<style" not in page, path
        assert not re.search(r"\son[a-z]+=", page), path


def test_what_a_family_types_is_escaped(client):
    FlowWalker(client, "en").post("children/0", {"given_name": "<script>alert(1)</script>"})
    page = client.get("/en/plan/children").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_posts_without_a_csrf_token_change_nothing(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    walker = FlowWalker(client, "en", csrf=True)
    walker.post("children/0", {"given_name": "Kept"})

    flow_posts = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint.startswith("flow.")
    ]
    assert len(flow_posts) >= 5
    for rule in flow_posts:
        url = rule.rule.replace("<lang:lang>", "en").replace("<name>", "children")
        url = re.sub(r"<any\([^)]*\):group_name>", "children", url)
        url = url.replace("<int:index>", "0")
        response = client.post(url, data={"given_name": "Changed", "direction": "down"})
        assert response.status_code in (400, 404), url  # refused before the view (CSRFProtect)
        assert [c.given_name for c in walker.plan().children] == ["Kept"], url


def test_a_stale_csrf_token_keeps_what_was_typed_and_says_what_to_do(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post(
        "/en/plan/children/0", data={"given_name": "Typed before expiry", "csrf_token": "stale"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Typed before expiry"' in page
    assert "press the button again" in page


def test_fields_are_length_limited_with_a_translated_message(client):
    response = client.post("/es/plan/children/0", data={"given_name": "x" * 5000})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="#given_name"' in page
    assert "maxlength" not in page  # the browser would cut it silently; the server says so
    assert FlowWalker(client).plan().children == []


def test_oversized_requests_are_refused(client):
    body = (
        b'--b\r\nContent-Disposition: form-data; name="plan_file"; filename="big.json"'
        b"\r\n\r\n" + b"x" * (3 * 1024 * 1024) + b"\r\n--b--\r\n"
    )
    response = client.post(
        "/en/plan/upload", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_the_plan_on_the_device_is_encrypted_and_tamper_proof(client, app):
    FlowWalker(client, "en").post("children/0", {"given_name": "Secretname"})
    cookies = {c.key: c.value for c in client._cookies.values()}
    assert "pp0" in cookies
    assert all("Secretname" not in value for value in cookies.values())
    with app.test_request_context():
        assert state.unseal(cookies["pp0"].split(".", 1)[1][:-4] + "AAAA") is None
    client.set_cookie("pp0", cookies["pp0"][:-6] + "abcdef")
    assert FlowWalker(client).plan().children == []


def test_an_idle_plan_is_forgotten(client, monkeypatch):
    FlowWalker(client, "en").post("children/0", {"given_name": "Idle"})
    later = time.time() + 31 * 60
    monkeypatch.setattr(state.time, "time", lambda: later)
    page = client.get("/en/").get_data(as_text=True)
    assert "nobody used this screen" in page
    assert "pp0" not in {c.key for c in client._cookies.values()}
    monkeypatch.undo()
    assert FlowWalker(client).plan().children == []


def test_delete_everything_clears_the_device(client, example_plan):
    FlowWalker(client, "en").walk(example_plan)
    response = client.post("/en/delete")
    assert response.status_code == 302
    assert '"cookies"' in response.headers["Clear-Site-Data"]
    assert not [c for c in client._cookies.values() if c.key.startswith("pp")]
    assert FlowWalker(client).plan().children == []


def test_finish_clears_the_device_and_says_so(client, example_plan):
    FlowWalker(client, "es").walk(example_plan)
    response = client.post("/es/finish", follow_redirects=True)
    assert not [c for c in client._cookies.values() if c.key.startswith("pp")]
    assert response.status_code == 200


def test_log_scrubbing_withholds_exception_messages():
    record = logging.LogRecord("prepplan", logging.ERROR, __file__, 1, "failed", None, None)
    typed = {"name": "María Secreta", "phone": "+15085550142"}  # as a family typed them
    try:
        raise ValueError(f"{typed['name']} {typed['phone']}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    text = ScrubbingFormatter().format(record)
    assert "ValueError" in text and "test_security.py" in text
    assert "Secreta" not in text and "5085550142" not in text


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    from prepplan.config import ConfigError, load_config

    with pytest.raises(ConfigError):
        load_config(tmp_path, {"PREPPLAN_ENV": "production"})
    with pytest.raises(ConfigError):
        load_config(tmp_path, {"PREPPLAN_ENV": "production", "PREPPLAN_SECRET_KEY": "short"})
    config = load_config(tmp_path, {"PREPPLAN_ENV": "production", "PREPPLAN_SECRET_KEY": "s" * 48})
    assert config["SESSION_COOKIE_SECURE"] is True
    development = load_config(tmp_path, {"PREPPLAN_ENV": "development"})
    assert len(development["SECRET_KEY"]) >= 32
    assert (
        development["SECRET_KEY"]
        == load_config(tmp_path, {"PREPPLAN_ENV": "development"})["SECRET_KEY"]
    )


def test_behind_a_proxy_the_clients_address_is_trusted_only_when_configured(make_app):
    from flask import request

    def address_seen(proxies: int) -> str:
        app = make_app(environ={"PREPPLAN_PROXIES": str(proxies)})
        app.add_url_rule("/whoami", "whoami", lambda: request.remote_addr)
        response = app.test_client().get(
            "/whoami",
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
        return response.get_data(as_text=True)

    assert address_seen(0) == "10.0.0.1"
    assert address_seen(1) == "203.0.113.9"


def test_any_page_the_family_opens_restarts_the_idle_clock(client, monkeypatch):
    FlowWalker(client, "en").post("children/0", {"given_name": "Active"})
    start = time.time()
    monkeypatch.setattr(state.time, "time", lambda: start + 20 * 60)
    client.get("/en/privacy")  # a page that does not read the plan
    monkeypatch.setattr(state.time, "time", lambda: start + 40 * 60)
    assert [c.given_name for c in FlowWalker(client).plan().children] == ["Active"]


def test_a_step_page_left_open_too_long_says_why_the_answers_are_gone(client, monkeypatch):
    FlowWalker(client, "en").post("children/0", {"given_name": "Forgotten"})
    later = time.time() + 31 * 60
    monkeypatch.setattr(state.time, "time", lambda: later)
    response = client.post("/en/plan/children/1", data={"given_name": ""}, follow_redirects=True)
    assert "nobody used this screen" in response.get_data(as_text=True)
    assert FlowWalker(client).plan().children == []
