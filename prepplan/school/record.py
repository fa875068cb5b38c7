"""The school-update record: what a child's school receives, and nothing else.

One ``SchoolUpdate`` per child, built from the plan by copying allowed fields one by one. The
record has no field for immigration or citizenship status, A-numbers, country of birth, passports
or ID documents, consulates, lawyers or Social Security numbers, and ``extra="forbid"`` refuses
any field it does not declare: a school update cannot carry them even by mistake.

Every export (printable form, CSVs, vCards), the family's preview and the school inbox are made
from this record alone, never from the plan.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from prepplan.plan.model import (
    MAX_CHILDREN,
    MAX_CONTACTS,
    MAX_GUARDIANS,
    MAX_PHONES,
    SHORT_TEXT,
    Contact,
    Guardian,
    PersonLanguage,
    PhoneKind,
    Plan,
    Relationship,
)
from prepplan.plan.names import NameOrder, full_name, name_order
from prepplan.plan.text import clean_line, clean_text

# Version of this record's shape, stored with every record sent to a school inbox.
SCHEMA_VERSION: Final = 1

# The family's note to the school office, counted in characters (Unicode code points).
MAX_NOTE_CHARS = 250
# Names a family may ask the school to remove from one child's contact list.
MAX_REMOVALS = 3
MAX_SCHOOL_CONTACTS = MAX_GUARDIANS + MAX_CONTACTS

# The same input policy as the plan (plan/text.py): a record read back from the inbox or built
# by other code is held to it too.
Name = Annotated[str, BeforeValidator(clean_line), StringConstraints(max_length=SHORT_TEXT)]
Note = Annotated[str, BeforeValidator(clean_text), StringConstraints(max_length=MAX_NOTE_CHARS)]


class RecordPart(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SchoolPhone(RecordPart):
    e164: Name = Field("", description="E.164 form, when the number could be read.")
    as_typed: Name = Field("", description="The number exactly as the family typed it.")
    kind: PhoneKind = "mobile"
    can_receive_texts: bool = False


class SchoolContact(RecordPart):
    """One person the school may call, in the family's calling order."""

    priority: int = Field(ge=1, le=MAX_SCHOOL_CONTACTS, description="1 = call first.")
    given_name: Name = ""
    family_name: Name = ""
    relationship: Relationship
    phones: list[SchoolPhone] = Field(default_factory=list, max_length=MAX_PHONES)
    email: Name = ""
    language: PersonLanguage = "en"
    interpreter_needed: bool = False
    emergency_contact: bool = True
    may_pick_up: bool = False
    # None: the plan does not say (a parent's household is not asked about).
    lives_with_student: bool | None = None
    # The family's own statement, not a court document.
    parent_or_legal_guardian: bool = False

    @property
    def full_name(self) -> str:
        """In the person's own order (plan/names.py), from the language the record carries."""
        return full_name(self.given_name, self.family_name, name_order(self.language))


class Student(RecordPart):
    given_name: Name = ""
    family_name: Name = ""
    date_of_birth: date | None = None
    school: Name = ""
    grade: Name = ""
    student_id: Name = Field("", description="The school's student ID, if the family knows it.")
    # A child has no language of their own: the order comes from the plan (plan/names.py) and
    # travels with the record, so staff pages and the form print the name as the family does.
    name_order: NameOrder = "given_first"

    @property
    def full_name(self) -> str:
        return full_name(self.given_name, self.family_name, self.name_order)


class SchoolUpdate(RecordPart):
    """Everything one child's school receives from the family."""

    schema_version: Literal[1] = SCHEMA_VERSION
    student: Student
    contacts: list[SchoolContact] = Field(default_factory=list, max_length=MAX_SCHOOL_CONTACTS)
    remove_from_list: list[Name] = Field(default_factory=list, max_length=MAX_REMOVALS)
    note_to_school: Note = ""
    submitted_by: Name = Field(min_length=1)
    submitted_at: datetime
    # The language the family reads: the printable form shows it beside English.
    family_language: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_]{2,10}$")] = "en"

    def content_digest(self) -> str:
        """A fingerprint of what is shared (not when): the family's preview and the download or
        send that follows must agree on it, or the family is shown the new version first."""
        content = self.model_dump(mode="json", exclude={"submitted_at"})
        packed = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(packed.encode()).hexdigest()


def _phones(person: Guardian | Contact) -> list[SchoolPhone]:
    return [
        SchoolPhone(
            e164=phone.e164,
            as_typed=phone.number,
            kind=phone.kind,
            can_receive_texts=phone.can_text,
        )
        for phone in person.phones
    ]


def _guardian_contact(guardian: Guardian, priority: int) -> SchoolContact:
    # Field by field: a Guardian also holds an A-number, which must never be copied.
    return SchoolContact(
        priority=priority,
        given_name=guardian.given_name,
        family_name=guardian.family_name,
        relationship=guardian.relationship,
        phones=_phones(guardian),
        email=guardian.email,
        language=guardian.language,
        emergency_contact=True,
        may_pick_up=True,
        lives_with_student=None,
        parent_or_legal_guardian=True,
    )


def _emergency_contact(contact: Contact, priority: int) -> SchoolContact:
    return SchoolContact(
        priority=priority,
        given_name=contact.given_name,
        family_name=contact.family_name,
        relationship=contact.relationship,
        phones=_phones(contact),
        email=contact.email,
        language=contact.language,
        interpreter_needed=contact.interpreter_needed,
        emergency_contact=True,
        may_pick_up=contact.may_pick_up,
        lives_with_student=contact.lives_with_children,
        parent_or_legal_guardian=contact.is_legal_guardian,
    )


def school_contacts(plan: Plan) -> list[SchoolContact]:
    """Parents and guardians first, then the emergency contacts in the family's calling order."""
    people: list[Guardian | Contact] = [*plan.guardians, *plan.contacts]
    contacts = []
    for priority, person in enumerate(people, start=1):
        if isinstance(person, Guardian):
            contacts.append(_guardian_contact(person, priority))
        else:
            contacts.append(_emergency_contact(person, priority))
    return contacts


def school_updates_from_plan(
    plan: Plan,
    *,
    removals: Sequence[Iterable[str]] = (),
    notes: Sequence[str] = (),
    submitted_by: str,
    submitted_at: datetime | None = None,
    family_language: str | None = None,
) -> list[SchoolUpdate]:
    """One record per child. ``removals[i]`` and ``notes[i]`` belong to ``plan.children[i]``."""
    if len(plan.children) > MAX_CHILDREN:  # the plan model already bounds this; be explicit
        raise ValueError("too many children")
    when = submitted_at or datetime.now(UTC)
    contacts = school_contacts(plan)
    updates = []
    for index, child in enumerate(plan.children):
        names = list(removals[index]) if index < len(removals) else []
        updates.append(
            SchoolUpdate(
                student=Student(
                    given_name=child.given_name,
                    family_name=child.family_name,
                    date_of_birth=child.date_of_birth,
                    school=child.school,
                    grade=child.grade,
                    student_id=child.student_id,
                    name_order=child.name_order,
                ),
                contacts=contacts,
                remove_from_list=[name for name in map(clean_line, names) if name],
                note_to_school=normalise_note(notes[index] if index < len(notes) else ""),
                submitted_by=submitted_by,
                submitted_at=when,
                family_language=family_language or plan.language or "en",
            )
        )
    return updates


def normalise_note(text: str | None) -> str:
    """The input policy for notes (plan/text.py): browsers send a line break as CR LF but count
    it as one character, and so do we."""
    return str(clean_text(text or ""))
