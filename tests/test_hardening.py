"""Transport and files: HSTS behind HTTPS, a private SQLite file."""

from __future__ import annotations

import stat


def test_hsts_behind_a_configured_https_proxy(make_app):
    plain = make_app(environ={"PREPPLAN_SECURE_COOKIES": "0"}).test_client().get("/en/")
    assert "Strict-Transport-Security" not in plain.headers
    proxied = make_app(environ={"PREPPLAN_PROXIES": "1", "PREPPLAN_SECURE_COOKIES": "0"})
    response = proxied.test_client().get("/en/", headers={"X-Forwarded-Proto": "https"})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    secure = make_app(environ={"PREPPLAN_SECURE_COOKIES": "1"}).test_client().get("/en/")
    assert "max-age" in secure.headers["Strict-Transport-Security"]


def test_the_sqlite_file_and_a_new_folder_for_it_are_private(make_app, tmp_path):
    folder = tmp_path / "data"
    make_app(DATABASE_URL=f"sqlite:///{folder}/prepplan.sqlite")
    assert stat.S_IMODE((folder / "prepplan.sqlite").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_the_default_database_in_the_instance_folder_is_private(app, instance_path):
    assert stat.S_IMODE((instance_path / "prepplan.sqlite").stat().st_mode) == 0o600
