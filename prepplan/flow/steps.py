"""The order of the family's steps: one source for navigation, progress and the check page."""

from __future__ import annotations

from dataclasses import dataclass

from prepplan.i18n import lazy_gettext as _l
from prepplan.plan.model import MAX_CHILDREN, MAX_CONTACTS, MAX_GUARDIANS


@dataclass(frozen=True)
class Step:
    name: str  # also the URL segment: /<lang>/plan/<name>
    title: object  # lazy translated string


STEPS: tuple[Step, ...] = (
    Step("parents", _l("Parents and guardians")),
    Step("address", _l("Home address")),
    Step("children", _l("Children")),
    Step("contacts", _l("Emergency contacts")),
    Step("out-of-area", _l("A contact outside the area")),
    Step("caregiver", _l("Who will care for the children")),
    Step("caregiver-notes", _l("What the caregiver needs to know")),
    Step("documents", _l("Important documents")),
    Step("help", _l("Whom to call for help")),
    Step("private", _l("Private items")),
    Step("check", _l("Check your answers")),
)
STEP_NAMES = tuple(step.name for step in STEPS)
BY_NAME = {step.name: step for step in STEPS}


def step_number(name: str) -> int:
    return STEP_NAMES.index(name) + 1


def next_step(name: str) -> str:
    index = STEP_NAMES.index(name)
    return STEP_NAMES[min(index + 1, len(STEP_NAMES) - 1)]


def previous_step(name: str) -> str | None:
    index = STEP_NAMES.index(name)
    return STEP_NAMES[index - 1] if index else None


@dataclass(frozen=True)
class Group:
    """A repeating group of the plan (parents, children, contacts), bounded on both sides."""

    step: str  # the list step
    attribute: str  # the Plan attribute holding the list
    maximum: int
    item_title: object  # "Child", "Contact"...
    add_label: object
    empty_error: object
    full_message: object


GROUPS = {
    "parents": Group(
        "parents", "guardians", MAX_GUARDIANS, _l("Parent or guardian"),
        _l("Add a parent or guardian"),
        _l("Add at least one parent or guardian."),
        _l("A plan can hold up to %(max)d parents or guardians."),
    ),
    "children": Group(
        "children", "children", MAX_CHILDREN, _l("Child"), _l("Add a child"),
        _l("Add at least one child."),
        _l("A plan can hold up to %(max)d children. To plan for more, make a second plan."),
    ),
    "contacts": Group(
        "contacts", "contacts", MAX_CONTACTS, _l("Emergency contact"),
        _l("Add an emergency contact"),
        _l("Add at least one emergency contact."),
        _l("A plan can hold up to %(max)d emergency contacts."),
    ),
}
