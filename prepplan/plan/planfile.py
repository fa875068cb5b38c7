"""The plan file: the family's answers as versioned JSON, with a published JSON Schema.

A family downloads it, keeps it (or the PDF, which carries it as an attachment) and uploads it
next year. Older versions are migrated; anything broken, tampered, oversized or foreign is
refused with a PlanFileError whose ``reason`` the flow turns into a translated message.
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from prepplan.plan.model import Plan
from prepplan.plan.names import full_name, name_order
from prepplan.plan.text import clean_line

FORMAT_NAME = "prepplan-plan"
FORMAT_VERSION = 2
ATTACHMENT_NAME = "prepplan-plan.json"
# A plan at every bound in four-byte scripts stays well under this; anything larger is not ours.
MAX_FILE_BYTES = 1_000_000

Reason = Literal[
    "too_large", "not_json", "not_a_plan", "newer_version", "invalid", "no_plan_in_pdf"
]


# A value the forms would refuse (phone "12", a birth date in 2099): the file is refused, and
# the flow names the field in the family's words (flow/views.py) so they can correct it.
# Refusing beats loading and fixing later: nothing the forms refuse can then reach a PDF or a
# school file by any path, the command line included.
Problem = Literal["phone_number", "email_address", "birth_date"]
Role = Literal["person", "doctor", "dentist"]


@dataclass(frozen=True)
class FieldProblem:
    problem: Problem
    role: Role  # whose field: the person's own, or a child's doctor or dentist
    name: str  # the person's name as the file holds it: shown to the family, never logged


class PlanFileError(ValueError):
    def __init__(
        self, reason: Reason, detail: str = "", field_problem: FieldProblem | None = None
    ) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.field_problem = field_problem


def _v1_to_v2(plan: dict[str, Any]) -> dict[str, Any]:
    """Version 1 (the pre-release draft format) had one ``phone`` string per contact.
    Anything of the wrong shape is left for validation to refuse."""
    people = [
        person
        for key in ("guardians", "contacts")
        if isinstance(plan.get(key), list)
        for person in plan[key]
        if isinstance(person, dict)
    ]
    for person in people:
        phone = person.pop("phone", None)
        if phone and "phones" not in person:
            person["phones"] = [{"number": phone}]
    return plan


# version -> function taking a plan of that version to the next one
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def dump_plan(plan: Plan) -> bytes:
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "plan": plan.model_dump(mode="json"),
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def load_plan(data: bytes) -> Plan:
    """Read a plan file or a prepplan PDF that carries one."""
    if len(data) > MAX_FILE_BYTES:
        raise PlanFileError("too_large")
    if data.startswith(b"%PDF"):
        data = plan_file_from_pdf(data)
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as error:
        # Not JSON, or JSON no plan file holds: nested thousands deep, a 5,000-digit number.
        raise PlanFileError("not_json", type(error).__name__) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise PlanFileError("not_a_plan")
    version = document.get("version")
    if not isinstance(version, int) or version < 1:
        raise PlanFileError("not_a_plan")
    if version > FORMAT_VERSION:
        raise PlanFileError("newer_version")
    plan = document.get("plan")
    if not isinstance(plan, dict):
        raise PlanFileError("not_a_plan")
    for step in range(version, FORMAT_VERSION):
        plan = MIGRATIONS[step](plan)
    try:
        return Plan.model_validate(plan)
    except ValidationError as error:
        # Only the locations of the problems, never the values: they may be personal.
        where = ", ".join(".".join(map(str, e["loc"])) for e in error.errors()[:5])
        raise PlanFileError("invalid", where, _field_problem(plan, error)) from None


def _field_problem(plan: dict[str, Any], error: ValidationError) -> FieldProblem | None:
    """The first problem a family can correct, with the name of the person it belongs to."""
    problems: dict[str, Problem] = {
        "phone_number": "phone_number",
        "email_address": "email_address",
        "birth_date": "birth_date",
    }
    for detail in error.errors():
        problem = problems.get(detail["type"])
        if problem is None:
            continue
        loc = detail["loc"]
        owner: Any = plan
        for step in loc[:2] if loc and loc[0] in ("guardians", "children", "contacts") else loc[:1]:
            try:
                owner = owner[step]
            except (KeyError, IndexError, TypeError):
                return None
        if loc[0] == "help" and len(loc) > 1:
            owner = (plan.get("help") or {}).get(loc[1])
        if not isinstance(owner, dict):
            return None
        name = _name_in(owner, plan)
        role: Role = "person"
        if "doctor_phone" in loc:
            role = "doctor"
        elif "dentist_phone" in loc:
            role = "dentist"
        return FieldProblem(problem, role, name) if name else None
    return None


def _name_in(person: dict[str, Any], plan: dict[str, Any]) -> str:
    if isinstance(person.get("name"), str):  # a lawyer, consulate or organization
        return str(clean_line(person["name"]))
    given, family = person.get("given_name", ""), person.get("family_name", "")
    if not (isinstance(given, str) and isinstance(family, str)):
        return ""
    language = person.get("language") or plan.get("language")
    return full_name(
        str(clean_line(given)),
        str(clean_line(family)),
        name_order(language if isinstance(language, str) else ""),
    )


def plan_file_from_pdf(data: bytes) -> bytes:
    """The plan file attached to a plan PDF, read with a cap: a small PDF may carry an
    attachment that inflates to many megabytes, and it is refused without being inflated."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        stream = _attachment_stream(reader.trailer["/Root"])
        return _inflate_capped(stream)
    except PlanFileError:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of error on a hostile file
        raise PlanFileError("no_plan_in_pdf") from None


# A name tree deeper or wider than this is not from our PDFs.
MAX_NAME_TREE_NODES = 64


def _attachment_stream(root: Any) -> Any:
    """Our attachment's file stream, found by walking the embedded-files name tree."""
    pending = [root["/Names"]["/EmbeddedFiles"].get_object()]
    visited = 0
    while pending and visited < MAX_NAME_TREE_NODES:
        node = pending.pop().get_object()
        visited += 1
        names = node.get("/Names", [])
        for name, filespec in zip(names[::2], names[1::2], strict=False):
            if str(name) == ATTACHMENT_NAME:
                return filespec.get_object()["/EF"]["/F"].get_object()
        pending.extend(kid for kid in node.get("/Kids", []))
    raise PlanFileError("no_plan_in_pdf")


def _inflate_capped(stream: Any) -> bytes:
    filters = stream.get("/Filter")
    if isinstance(filters, list) and len(filters) == 1:
        filters = filters[0]
    raw: bytes = stream._data  # the bytes as stored: pypdf get_data() would inflate them all
    if filters is None:
        content: bytes = raw
    elif filters == "/FlateDecode" and not stream.get("/DecodeParms"):
        inflater = zlib.decompressobj()
        content = inflater.decompress(raw, MAX_FILE_BYTES + 1)
    else:
        raise PlanFileError("no_plan_in_pdf")
    if len(content) > MAX_FILE_BYTES:
        raise PlanFileError("too_large")
    return content


def plan_json_schema() -> dict[str, Any]:
    """The published JSON Schema of a plan file (``prepplan schema``, /plan-file.schema.json)."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://prepplan.org/schema/plan-file-v{FORMAT_VERSION}.json",
        "title": "prepplan family preparedness plan file",
        "type": "object",
        "required": ["format", "version", "plan"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": FORMAT_NAME},
            "version": {"const": FORMAT_VERSION},
            "plan": {"$ref": "#/$defs/Plan"},
        },
    }
    plan_schema = Plan.model_json_schema(ref_template="#/$defs/{model}")
    defs = plan_schema.pop("$defs", {})
    defs["Plan"] = plan_schema
    schema["$defs"] = defs
    return schema
