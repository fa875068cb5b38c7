"""Which parts of a plan are private, and a copy of the plan without them.

A field is private when the model marks it so (``private()`` in model.py; ``"private": true`` in
the published schema): A-numbers, the family code word, the lawyer, consulate and community
organization. They stay in the family's complete copy only. A "copy to give" (to a caregiver,
a relative, a school) is made from ``without_private(plan)``: its pages and its attached plan
file cannot show what is not in it.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)


def is_private(model_class: type[BaseModel], name: str) -> bool:
    extra = model_class.model_fields[name].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("private"))


def without_private(model: Model) -> Model:
    """A deep copy of ``model`` with every private field, at any depth, reset to its default."""
    changes: dict[str, object] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if is_private(type(model), name):
            changes[name] = field.get_default(call_default_factory=True)
        elif isinstance(value, BaseModel):
            changes[name] = without_private(value)
        elif isinstance(value, list) and any(isinstance(item, BaseModel) for item in value):
            changes[name] = [
                without_private(item) if isinstance(item, BaseModel) else item for item in value
            ]
    return model.model_copy(update=changes, deep=True)
