"""Where a family can have its papers notarized for free: a list a district or an organization
keeps in a TOML file named by ``PREPPLAN_NOTARIES_FILE`` (see examples/notaries.toml)::

    [[notaries]]
    name = "Worcester Public Library, main branch"
    address = "3 Salem Square, Worcester"
    when = "Tuesdays 10-12, by appointment"
    phone = "508-555-0600"

Printed on the signing checklist. No file, no list: the checklist then says to ask the school or
a community organization.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

MAX_NOTARIES = 12
FIELD_LENGTH = 200


@dataclass(frozen=True)
class Notary:
    name: str
    address: str = ""
    when: str = ""
    phone: str = ""


class NotariesFileError(ValueError):
    pass


def load_notaries(path: str | Path) -> list[Notary]:
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise NotariesFileError(f"{path}: cannot read the notaries file") from error
    entries = data.get("notaries", [])
    if not isinstance(entries, list) or len(entries) > MAX_NOTARIES:
        raise NotariesFileError(f"{path}: [[notaries]] must be a list of at most {MAX_NOTARIES}")
    notaries = []
    for entry in entries:
        fields = {
            key: str(entry.get(key, ""))[:FIELD_LENGTH]
            for key in ("name", "address", "when", "phone")
        }
        if not fields["name"]:
            raise NotariesFileError(f"{path}: every notary needs a name")
        notaries.append(Notary(**fields))
    return notaries


def configured_notaries() -> list[Notary]:
    """The list the running site was configured with (empty when none)."""
    path = current_app.config.get("NOTARIES_FILE", "")
    return load_notaries(path) if path else []
