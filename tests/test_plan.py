"""The plan model and the plan file: versions, migration, schema, refusals."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from prepplan.plan.model import MAX_CHILDREN, Child, Plan
from prepplan.plan.planfile import (
    FORMAT_VERSION,
    MAX_FILE_BYTES,
    PlanFileError,
    dump_plan,
    load_plan,
    plan_json_schema,
)

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = re.compile(
    r"status|citizen|alien|visa|immigration_status|country_of_birth|ssn", re.IGNORECASE
)


def all_field_names(model=Plan, seen=None) -> set[str]:
    seen = set() if seen is None else seen
    names = set()
    for name, field in model.model_fields.items():
        names.add(name)
        for candidate in [field.annotation, *getattr(field.annotation, "__args__", ())]:
            inner = [candidate, *getattr(candidate, "__args__", ())]
            for item in inner:
                if hasattr(item, "model_fields") and item not in seen:
                    seen.add(item)
                    names |= all_field_names(item, seen)
    return names


def test_nothing_in_the_plan_asks_for_immigration_status():
    names = all_field_names()
    assert "given_name" in names and "routines" in names
    assert [name for name in names if FORBIDDEN.search(name)] == []


def test_private_fields_are_marked_in_the_schema():
    text = json.dumps(plan_json_schema())
    assert text.count('"private": true') >= 3


def test_the_example_plan_follows_the_published_schema(example_plan):
    schema = plan_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads((ROOT / "examples" / "family-plan.json").read_text())
    jsonschema.validate(document, schema)
    assert document["version"] == FORMAT_VERSION
    # the committed copy of the schema is the one the code publishes
    assert json.loads((ROOT / "docs" / "plan-file.schema.json").read_text()) == schema


def test_the_schema_is_published_on_the_site_and_the_command_line(client):
    assert client.get("/plan-file.schema.json").get_json() == plan_json_schema()
    from prepplan.cli import schema_command

    result = CliRunner().invoke(schema_command)
    assert json.loads(result.output) == plan_json_schema()


def test_round_trip_keeps_everything(example_plan):
    assert load_plan(dump_plan(example_plan)) == example_plan


def test_version_1_files_are_migrated():
    old = {
        "format": "prepplan-plan",
        "version": 1,
        "plan": {
            "language": "ht",
            "children": [{"given_name": "Ti"}],
            "contacts": [{"given_name": "Mari", "phone": "617 555 0100"}],
        },
    }
    plan = load_plan(json.dumps(old).encode())
    assert plan.contacts[0].phones[0].number == "617 555 0100"
    assert plan.children[0].given_name == "Ti"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"x" * (MAX_FILE_BYTES + 1), "too_large"),
        (b"\xff\xfe not json", "not_json"),
        (b"[1, 2]", "not_a_plan"),
        (b'{"format": "prepplan-plan", "version": "2", "plan": {}}', "not_a_plan"),
        (b'{"format": "prepplan-plan", "version": 3, "plan": {}}', "newer_version"),
        (
            b'{"format": "prepplan-plan", "version": 2, "plan": {"immigration_status": "x"}}',
            "invalid",
        ),
        (
            b'{"format": "prepplan-plan", "version": 2, "plan": {"children": ['
            + b",".join([b'{"given_name": "a"}'] * (MAX_CHILDREN + 1))
            + b"]}}",
            "invalid",
        ),
        (b"%PDF-1.7\n%garbage", "no_plan_in_pdf"),
    ],
)
def test_broken_tampered_oversized_or_foreign_files_are_refused(data, reason):
    with pytest.raises(PlanFileError) as refused:
        load_plan(data)
    assert refused.value.reason == reason


def test_a_refusal_never_quotes_the_file():
    data = json.dumps(
        {
            "format": "prepplan-plan",
            "version": 2,
            "plan": {"children": [{"given_name": "Secretname" * 50}]},
        }
    ).encode()
    with pytest.raises(PlanFileError) as refused:
        load_plan(data)
    assert "Secretname" not in str(refused.value)


def test_children_names_and_bounds_are_enforced_by_the_model():
    with pytest.raises(ValueError):
        Plan(children=[Child(given_name=str(i)) for i in range(MAX_CHILDREN + 1)])
    assert Plan().cover_name == ""
