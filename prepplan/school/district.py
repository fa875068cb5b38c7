"""The district file: which schools a deployment's school inbox serves.

A TOML file named by ``PREPPLAN_DISTRICT_FILE``::

    [district]
    name = "Worcester Public Schools"

    [[schools]]
    id = "chandler-elementary"
    name = "Chandler Elementary Community School"
    email = "chandler-office@example.org"   # optional, shown to families for questions

A broken file stops the app at start-up with a message naming the problem: a typo must not
send a family's update to the wrong school or to nowhere.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from prepplan.config import ConfigError

SCHOOL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class School:
    id: str
    name: str
    email: str = ""


@dataclass(frozen=True)
class District:
    name: str
    schools: tuple[School, ...]

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
    schools_data = data.get("schools", [])
    if not isinstance(schools_data, list) or not schools_data:
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
    return District(str(district["name"]).strip(), tuple(schools))
