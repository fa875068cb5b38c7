"""The school-update record: built from the plan by copying allowed fields only."""

from datetime import UTC, date, datetime

import pytest
from pydantic import BaseModel, ValidationError

from prepplan.plan.model import Contact, Guardian, Phone, Plan
from prepplan.school.record import (
    MAX_NOTE_CHARS,
    MAX_REMOVALS,
    SCHEMA_VERSION,
    SchoolContact,
    SchoolPhone,
    SchoolUpdate,
    Student,
    normalise_note,
    school_updates_from_plan,
)

FORBIDDEN_WORDS = (
    "status",
    "citizen",
    "immigra",
    "a_number",
    "anumber",
    "alien",
    "passport",
    "ssn",
    "social_security",
    "consul",
    "lawyer",
    "attorney",
    "country_of_birth",
    "birth_country",
    "birthplace",
    "visa",
    "document",
    "code_word",
    "itin",
)


def all_field_names(model: type[BaseModel], seen=None) -> set[str]:
    seen = seen if seen is not None else set()
    names: set[str] = set()
    if model in seen:
        return names
    seen.add(model)
    for name, field in model.model_fields.items():
        names.add(name)
        annotation = field.annotation
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                names |= all_field_names(candidate, seen)
    return names


def test_the_record_has_no_field_for_status_or_identity_documents():
    names = all_field_names(SchoolUpdate)
    # The walk reaches the nested models, so the check covers every level.
    assert {"student", "contacts", "phones", "may_pick_up", "date_of_birth", "e164"} <= names
    for name in names:
        assert not any(word in name.lower() for word in FORBIDDEN_WORDS), name


@pytest.mark.parametrize("model", [SchoolUpdate, SchoolContact, SchoolPhone, Student])
def test_every_part_of_the_record_refuses_unknown_fields(model):
    assert model.model_config["extra"] == "forbid"


def test_an_update_cannot_smuggle_an_a_number(example_plan):
    update = school_updates_from_plan(example_plan, submitted_by="María")[0]
    data = update.model_dump()
    data["contacts"][0]["a_number"] = "A123-456-789"
    with pytest.raises(ValidationError):
        SchoolUpdate.model_validate(data)
    data = update.model_dump()
    data["immigration_status"] = "x"
    with pytest.raises(ValidationError):
        SchoolUpdate.model_validate(data)


def test_one_record_per_child_with_guardians_first_then_contacts_in_calling_order(example_plan):
    when = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    updates = school_updates_from_plan(
        example_plan, submitted_by="María José Ramírez Ortega", submitted_at=when
    )
    assert [u.student.given_name for u in updates] == ["Sofía", "Mateo"]
    sofia = updates[0]
    assert sofia.schema_version == SCHEMA_VERSION
    assert sofia.student == Student(
        given_name="Sofía",
        family_name="Ramírez",
        date_of_birth=date(2015, 4, 9),
        school="Chandler Pond Elementary School",
        grade="5",
        student_id="",
    )
    names = [c.full_name for c in sofia.contacts]
    assert names == [
        "María José Ramírez Ortega",
        "Luis Ramírez",
        "Carmen Ortega",
        "Trần Thu",
        "Fatima Haddad",
    ]
    assert [c.priority for c in sofia.contacts] == [1, 2, 3, 4, 5]
    mother, father, carmen, thu, fatima = sofia.contacts
    assert mother.parent_or_legal_guardian and mother.may_pick_up and mother.emergency_contact
    assert mother.lives_with_student is None  # the plan does not say; the record does not guess
    assert mother.phones == [
        SchoolPhone(
            e164="+15085550142", as_typed="(508) 555-0142", kind="mobile", can_receive_texts=True
        )
    ]
    assert len(father.phones) == 2 and father.phones[1].kind == "work"
    assert carmen.relationship == "aunt_uncle" and carmen.interpreter_needed
    assert carmen.may_pick_up and not carmen.parent_or_legal_guardian
    assert carmen.email == "carmen.ortega@example.org" and carmen.language == "es"
    assert thu.may_pick_up and thu.language == "vi"
    assert not fatima.may_pick_up
    assert sofia.submitted_by == "María José Ramírez Ortega" and sofia.submitted_at == when
    assert sofia.family_language == "es"


def test_removals_and_note_belong_to_their_own_child(example_plan):
    updates = school_updates_from_plan(
        example_plan,
        removals=[["Pedro Páramo", "  ", ""], ["Juan Preciado"]],
        notes=["Sofía takes the bus.", ""],
        submitted_by="Luis",
    )
    assert updates[0].remove_from_list == ["Pedro Páramo"]
    assert updates[1].remove_from_list == ["Juan Preciado"]
    assert updates[0].note_to_school == "Sofía takes the bus."
    assert updates[1].note_to_school == ""


def test_at_most_three_removals_per_child(example_plan):
    names = [f"Person {i}" for i in range(MAX_REMOVALS)]
    assert (
        school_updates_from_plan(example_plan, removals=[names], submitted_by="x")[
            0
        ].remove_from_list
        == names
    )
    with pytest.raises(ValidationError):
        school_updates_from_plan(example_plan, removals=[[*names, "One more"]], submitted_by="x")


@pytest.mark.parametrize("character", ["a", "é", "ü", "中", "ع", "😀"])
def test_the_note_is_counted_in_characters_not_bytes(example_plan, character):
    note = character * MAX_NOTE_CHARS
    update = school_updates_from_plan(example_plan, notes=[note], submitted_by="x")[0]
    assert update.note_to_school == note
    with pytest.raises(ValidationError):
        school_updates_from_plan(example_plan, notes=[note + character], submitted_by="x")


def test_a_line_break_counts_as_one_character_as_browsers_count_it(example_plan):
    note = "ab\r\n" * 83 + "a"  # 333 sent, 250 once each CR LF is one line break
    assert normalise_note(note) == "ab\n" * 83 + "a"
    update = school_updates_from_plan(example_plan, notes=[note], submitted_by="x")[0]
    assert len(update.note_to_school) == 250


def test_someone_must_submit_it(example_plan):
    with pytest.raises(ValidationError):
        school_updates_from_plan(example_plan, submitted_by="  ")


def test_private_fields_are_not_copied():
    plan = Plan(
        guardians=[
            Guardian(
                given_name="Ana",
                a_number="A999888777",
                phones=[Phone(number="508 555 0101", e164="+15085550101")],
            )
        ],
        children=[{"given_name": "Leo", "allergies": "ALLERGY-MARKER"}],
        contacts=[Contact(given_name="Rita", may_pick_up=True)],
        family_code_word="CODEWORD-MARKER",
        help={"lawyer": {"name": "LAWYER-MARKER"}, "consulate": {"name": "CONSULATE-MARKER"}},
    )
    dumped = school_updates_from_plan(plan, submitted_by="Ana")[0].model_dump_json()
    for marker in (
        "A999888777",
        "ALLERGY-MARKER",
        "CODEWORD-MARKER",
        "LAWYER-MARKER",
        "CONSULATE-MARKER",
    ):
        assert marker not in dumped
    assert "Rita" in dumped and "+15085550101" in dumped


def test_the_digest_covers_what_is_shared_but_not_when(example_plan):
    (first,) = school_updates_from_plan(example_plan, submitted_by="x")[:1]
    later = first.model_copy(update={"submitted_at": datetime(2030, 1, 1, tzinfo=UTC)})
    assert first.content_digest() == later.content_digest()
    changed = first.model_copy(update={"note_to_school": "different"})
    assert first.content_digest() != changed.content_digest()
