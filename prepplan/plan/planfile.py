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
from typing import Any, Literal

from pydantic import ValidationError

from prepplan.plan.model import Plan

FORMAT_NAME = "prepplan-plan"
FORMAT_VERSION = 2
ATTACHMENT_NAME = "prepplan-plan.json"
# A plan at every bound in four-byte scripts stays well under this; anything larger is not ours.
MAX_FILE_BYTES = 1_000_000

Reason = Literal[
    "too_large", "not_json", "not_a_plan", "newer_version", "invalid", "no_plan_in_pdf"
]


class PlanFileError(ValueError):
    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _v1_to_v2(plan: dict[str, Any]) -> dict[str, Any]:
    """Version 1 (the pre-release draft format) had one ``phone`` string per contact.
    Anything of the wrong shape is left for validation to refuse."""
    people = [person for key in ("guardians", "contacts") if isinstance(plan.get(key), list)
              for person in plan[key] if isinstance(person, dict)]
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
        raise PlanFileError("invalid", where) from None


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
    raw = stream._data  # the bytes as stored: pypdf's get_data() would inflate them all
    if filters is None:
        content = raw
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
