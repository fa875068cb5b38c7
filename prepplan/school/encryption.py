"""School-update records at rest: encrypted with keys from configuration.

``PREPPLAN_RECORD_KEYS`` holds one or more Fernet keys, comma-separated. The first key encrypts;
every key decrypts, so a new key can be put first while older records still open. Then
``prepplan rotate-keys`` re-encrypts every stored record with the first key, after which the old
keys can be removed (docs/school-inbox.md walks through it).

The encrypted envelope names its school and reference, and opening checks both: a record copied
into another row, or another school's row, is refused rather than shown to the wrong office.
"""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from prepplan.config import ConfigError
from prepplan.school.record import SchoolUpdate


class RecordUnreadable(ValueError):
    """No configured key opens this record, or it was moved from its own row."""


def new_record_key() -> str:
    return Fernet.generate_key().decode()


def parse_record_keys(setting: str) -> list[Fernet]:
    keys = [key.strip() for key in setting.split(",") if key.strip()]
    if not keys:
        raise ConfigError(
            "The school inbox needs PREPPLAN_RECORD_KEYS: create one with "
            "`prepplan new-record-key`."
        )
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise ConfigError(
                f"PREPPLAN_RECORD_KEYS: key {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes; `prepplan new-record-key` makes one)."
            ) from None
    return fernets


class RecordCipher:
    def __init__(self, setting: str) -> None:
        self._fernet = MultiFernet(parse_record_keys(setting))

    def seal(self, update: SchoolUpdate, *, school_id: str, reference: str) -> bytes:
        envelope = {
            "school_id": school_id,
            "reference": reference,
            "update": update.model_dump(mode="json"),
        }
        return self._fernet.encrypt(json.dumps(envelope, ensure_ascii=False).encode("utf-8"))

    def open(self, token: bytes, *, school_id: str, reference: str) -> SchoolUpdate:
        try:
            envelope = json.loads(self._fernet.decrypt(token))
        except (InvalidToken, ValueError):
            raise RecordUnreadable("no configured key opens this record") from None
        if envelope.get("school_id") != school_id or envelope.get("reference") != reference:
            raise RecordUnreadable("this record belongs to another row")
        return SchoolUpdate.model_validate(envelope["update"])

    def rotate(self, token: bytes) -> bytes:
        """The same record encrypted with the first key."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken:
            raise RecordUnreadable("no configured key opens this record") from None
