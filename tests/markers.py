"""A plan whose every free-text field holds a unique marker, to follow data wherever it goes."""

from __future__ import annotations

import itertools
from typing import Any

from pydantic import BaseModel

from prepplan.plan.model import Plan

# Fields that hold codes or derived values, not text a family types.
NOT_FREE_TEXT = {
    "language",
    "kind",
    "relationship",
    "id",
    "e164",
    "primary_contact_id",
    "backup_contact_id",
    "number",
    "caregiver_ids",
    "forms",
    "authority",
    "other_parent",
}


def marker_plan(plan: Plan) -> tuple[Plan, list[str]]:
    counter = itertools.count(1)
    markers: list[str] = []

    def mark(value: Any, name: str = "") -> Any:
        if isinstance(value, BaseModel):
            return {key: mark(getattr(value, key), key) for key in type(value).model_fields}
        if isinstance(value, list):
            return [mark(item, name) for item in value]
        if isinstance(value, str) and name not in NOT_FREE_TEXT:
            marker = f"Mrk{next(counter):03d}q"
            markers.append(marker)
            return f"{marker}@example.org" if name == "email" else marker
        return value.isoformat() if hasattr(value, "isoformat") else value

    return Plan.model_validate(mark(plan)), markers


def private_markers(plan: Plan) -> dict[str, str]:
    """Fill every private field with its own marker: {marker: field path}."""
    found: dict[str, str] = {}
    data = plan.model_dump()

    def walk(model_class: type[BaseModel], values: dict, path: str) -> None:
        for key, field in model_class.model_fields.items():
            extra = field.json_schema_extra or {}
            annotation = field.annotation
            here = f"{path}.{key}" if path else key
            is_private = isinstance(extra, dict) and extra.get("private")
            value = values.get(key)
            if is_private and (isinstance(value, str) or value is None and key != "phone"):
                marker = f"Prv{len(found) + 1:03d}z"
                values[key] = marker
                found[marker] = here
            elif is_private and key == "phone" or key == "phone" and "help" in path:
                marker_number = f"+161755501{len(found) + 1:02d}"
                values[key] = {"number": marker_number, "e164": marker_number, "kind": "work"}
                found[marker_number[2:]] = here
            elif isinstance(value, dict) and hasattr(annotation, "model_fields"):
                walk(annotation, value, here)
            elif isinstance(value, list):
                item_class = getattr(annotation, "__args__", [None])[0]
                if hasattr(item_class, "model_fields"):
                    for i, item in enumerate(value):
                        walk(item_class, item, f"{here}[{i}]")

    walk(Plan, data, "")
    return Plan.model_validate(data), found
