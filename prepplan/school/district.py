"""The district file: which schools a deployment's school inbox serves, and what the district
promises families (its protocol, shown in the flow and the plan PDF: prepplan/protocol.py).

A TOML file named by ``PREPPLAN_DISTRICT_FILE`` (every field: docs/districts.md)::

    [district]
    name = "Worcester Public Schools"
    school_inbox = true            # false: publish the protocol only, run no inbox

    [[schools]]
    id = "chandler-elementary"
    name = "Chandler Pond Elementary School (example)"
    email = "chandler-office@example.org"   # optional, shown to families for questions

    [protocol]
    commitments = ["judicial_warrant", "bus_keeps_students", "release_to_authorized"]
    letter_date = 2025-01-24
    letter_url = "https://example.org/letter"
    [protocol.phones]
    transportation = "508-799-3152"
    [[protocol.additions]]         # the district's own words: English, and translations
    en = "..."
    es = "..."

A broken file stops the app at start-up with a message naming the problem: a typo must not
send a family's update to the wrong school or to nowhere, nor a promise to no one.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import phonenumbers
from flask import Flask, current_app

from prepplan.config import ConfigError
from prepplan.i18n import SITE_LANGUAGES
from prepplan.protocol import COMMITMENT_CODES, PHONE_LABELS, LocalText, Protocol

SCHOOL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
PROTOCOL_KEYS = {
    "commitments",
    "phones",
    "letter_date",
    "letter_url",
    "contact_portal",
    "contact_office",
    "additions",
}
TRANSLATION_CODES = {language.code for language in SITE_LANGUAGES}
MAX_ADDITION_LENGTH = 600  # a sentence or two: the page and the PDF section stay short


@dataclass(frozen=True)
class School:
    id: str
    name: str
    email: str = ""


@dataclass(frozen=True)
class District:
    name: str
    schools: tuple[School, ...]
    protocol: Protocol | None = None
    school_inbox: bool = True

    def school(self, school_id: str) -> School | None:
        return next((s for s in self.schools if s.id == school_id), None)

    def best_match(self, typed_name: str) -> School | None:
        """The school a family most likely means by the name they typed in the plan."""
        wanted = _comparable(typed_name)
        if not wanted:
            return None
        exact = [s for s in self.schools if _comparable(s.name) == wanted]
        if exact:
            return exact[0]
        partial = [
            s
            for s in self.schools
            if wanted in _comparable(s.name) or _comparable(s.name) in wanted
        ]
        return partial[0] if len(partial) == 1 else None


def _comparable(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if c.isalnum() or c.isspace()).split())


def load_district(path: str | Path) -> District:
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text("utf-8"))
    except OSError as error:
        raise ConfigError(f"district file {file}: cannot read it ({error.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"district file {file}: not valid TOML ({error})") from None
    district = data.get("district", {})
    if not isinstance(district, dict) or not str(district.get("name", "")).strip():
        raise ConfigError(f"district file {file}: [district] needs a name")
    school_inbox = district.get("school_inbox", True)
    if not isinstance(school_inbox, bool):
        raise ConfigError(f"district file {file}: school_inbox must be true or false")
    schools_data = data.get("schools", [])
    # A district that only publishes its protocol need not list its schools.
    if not isinstance(schools_data, list) or (school_inbox and not schools_data):
        raise ConfigError(f"district file {file}: list at least one [[schools]] entry")
    schools: list[School] = []
    for number, entry in enumerate(schools_data, start=1):
        if not isinstance(entry, dict):
            raise ConfigError(f"district file {file}: school {number} is not a table")
        school_id = str(entry.get("id", ""))
        name = str(entry.get("name", "")).strip()
        if not SCHOOL_ID.match(school_id):
            raise ConfigError(
                f"district file {file}: school {number} needs an id of lower-case letters, "
                "digits and hyphens (at most 63)"
            )
        if not name:
            raise ConfigError(f"district file {file}: school {school_id} needs a name")
        if any(s.id == school_id for s in schools):
            raise ConfigError(f"district file {file}: school id {school_id} appears twice")
        unknown = set(entry) - {"id", "name", "email"}
        if unknown:
            raise ConfigError(
                f"district file {file}: school {school_id} has unknown keys: "
                + ", ".join(sorted(unknown))
            )
        schools.append(School(school_id, name, str(entry.get("email", "")).strip()))
    protocol = None
    if "protocol" in data:
        protocol = _protocol(
            data["protocol"],
            lambda problem: ConfigError(f"district file {file}: [protocol] {problem}"),
        )
    return District(str(district["name"]).strip(), tuple(schools), protocol, school_inbox)


def _protocol(section: object, error: Callable[[str], ConfigError]) -> Protocol:
    """The [protocol] section, or ``error(problem)`` raised for the first thing wrong in it."""
    if not isinstance(section, dict):
        raise error("is not a table")
    unknown = set(section) - PROTOCOL_KEYS
    if unknown:
        raise error("has unknown keys: " + ", ".join(sorted(unknown)))
    commitments = section.get("commitments", [])
    if not isinstance(commitments, list) or not commitments:
        raise error("needs a list of commitments")
    for code in commitments:
        if code not in COMMITMENT_CODES:
            raise error(
                f"commitment {code!r} is not one prepplan knows; choose from: "
                + ", ".join(COMMITMENT_CODES)
                + " (anything else goes in [[protocol.additions]])"
            )
    if len(set(commitments)) != len(commitments):
        raise error("lists a commitment twice")

    phones_data = section.get("phones", {})
    if not isinstance(phones_data, dict):
        raise error("phones must be a table")
    phones: dict[str, str] = {}
    for key, typed in phones_data.items():
        if key not in PHONE_LABELS:
            raise error(f"phones.{key} is not known; use: " + ", ".join(PHONE_LABELS))
        phones[key] = _e164(str(typed))
        if not phones[key]:
            raise error(f"phones.{key} is not a valid phone number")

    letter_date = section.get("letter_date")
    if letter_date is not None and (
        not isinstance(letter_date, date) or isinstance(letter_date, datetime)
    ):
        raise error("letter_date must be a date like 2025-01-24 (no quotes)")
    letter_url = str(section.get("letter_url", "")).strip()
    if letter_url and not letter_url.startswith("https://"):
        raise error("letter_url must start with https://")

    additions_data = section.get("additions", [])
    if not isinstance(additions_data, list):
        raise error("additions must be a list of [[protocol.additions]] tables")
    additions = tuple(
        _addition(entry, number, error) for number, entry in enumerate(additions_data, start=1)
    )
    return Protocol(
        commitments=tuple(commitments),
        phones=phones,
        letter_date=letter_date,
        letter_url=letter_url,
        contact_portal=str(section.get("contact_portal", "")).strip(),
        contact_office=str(section.get("contact_office", "")).strip(),
        additions=additions,
    )


def _e164(typed: str) -> str:
    """The number in E.164 form (US numbers may be written without +1), or "" if it is none."""
    try:
        number = phonenumbers.parse(typed, "US")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _addition(entry: object, number: int, error: Callable[[str], ConfigError]) -> LocalText:
    """One of the district's own sentences: English required, translations keyed by locale."""
    if not isinstance(entry, dict) or not str(entry.get("en", "")).strip():
        raise error(f'addition {number} needs its English text: en = "..."')
    unknown = set(entry) - TRANSLATION_CODES
    if unknown:
        raise error(
            f"addition {number} has keys that are not site languages: "
            + ", ".join(sorted(unknown))
            + " (use: "
            + ", ".join(sorted(TRANSLATION_CODES))
            + ")"
        )
    texts = {code: str(text).strip() for code, text in entry.items()}
    if any(len(text) > MAX_ADDITION_LENGTH for text in texts.values()):
        raise error(f"addition {number} is longer than {MAX_ADDITION_LENGTH} characters")
    english = texts.pop("en")
    return LocalText(english, {code: text for code, text in texts.items() if text})


# The deployment's district, read once at start-up (a broken file stops the app).
EXTENSION = "prepplan_configured_district"


def init_app(app: Flask) -> None:
    path = app.config.get("DISTRICT_FILE")
    app.extensions[EXTENSION] = load_district(path) if path else None


def configured_district() -> District | None:
    """The deployment's district, whether or not it runs a school inbox."""
    return current_app.extensions.get(EXTENSION)
