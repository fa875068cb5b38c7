"""The school contact update: the record, its exports and the school inbox.

- record.py: what a school receives (an allow-list copied from the plan); labels.py, exports.py,
  printable.py: its words, files and printable form;
- family_views.py: the family's pages (review, preview, download, send);
- the inbox, only where a district runs one: models.py (tables), database.py (engine, sessions,
  upgrades), store.py (operations on updates), accounts.py (staff accounts and logins),
  staff_views.py (the office's pages), commands.py (the command line), encryption.py.

``init_app(app)`` wires it into the app: the family's pages always; the inbox only when the
deployment names a district file.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from prepplan.config import ConfigError


def _development_record_key(instance_path: Path) -> str:
    """Like the development secret key: a random record key kept in the instance folder."""
    from prepplan.school.encryption import new_record_key

    path = instance_path / "dev-record-key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(new_record_key())
        path.chmod(0o600)
    return path.read_text().strip()


def init_app(app: Flask) -> None:
    from prepplan.school import commands, family_views

    app.register_blueprint(family_views.bp)
    commands.register(app)
    app.extensions["prepplan_district"] = None

    from prepplan.school import database, staff_views
    from prepplan.school.district import EXTENSION as CONFIGURED_DISTRICT

    district = app.extensions.get(CONFIGURED_DISTRICT)
    if district is None:
        return
    if not district.school_inbox:
        return  # the district publishes its protocol only (flow/protocol_views.py)
    app.extensions["prepplan_district"] = district
    if not app.config.get("RECORD_KEYS"):
        if app.config["PREPPLAN_ENV"] == "production":
            raise ConfigError(
                "The school inbox needs PREPPLAN_RECORD_KEYS: create a key with "
                "`PREPPLAN_DISTRICT_FILE= prepplan new-record-key` (or "
                "`python3 -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)."
            )
        app.config["RECORD_KEYS"] = _development_record_key(Path(app.instance_path))
    inbox = database.init_inbox(app)
    app.register_blueprint(staff_views.bp)

    # SQLite serves one machine: keep its schema current at start-up. PostgreSQL (several app
    # servers) is upgraded once, on purpose, with `prepplan db upgrade`.
    if inbox.engine.dialect.name == "sqlite" or app.config["PREPPLAN_ENV"] != "production":
        try:
            database.upgrade_database(inbox.engine)
        except SQLAlchemyError as error:
            # Families can still print the paper form; sending shows a clear message.
            app.logger.warning("school inbox database not upgraded (%s)", type(error).__name__)
