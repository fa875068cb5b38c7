"""The family's steps, each declared once: its URL segment, title, template, form, how it loads
from and saves into the plan, and its rows on the check page.

The flow's views (flow/views.py), the check page (flow/check.html) and the test walker
(tests/walk.py) read these declarations; none of them names a field. A form's fields carry the
plan model's names and types (a PhoneField's data is a ``Phone``, a date field's a ``date``), so
moving between a form and the plan is generic (``answers`` and ``model_fields`` below).

Adding a step or a field: see CONTRIBUTING.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from flask import flash, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from pydantic import BaseModel
from wtforms import Field, FieldList, FormField, RadioField, SelectField

from prepplan import phones
from prepplan.direction import isolate
from prepplan.flow import forms
from prepplan.forms import PageForm
from prepplan.i18n import format_date, format_list
from prepplan.i18n import lazy_gettext as _l
from prepplan.plan.model import (
    DOCUMENT_KINDS,
    MAX_CHILDREN,
    MAX_CONTACTS,
    MAX_GUARDIANS,
    Address,
    CaregiverPlan,
    Child,
    Contact,
    DocumentLocation,
    Guardian,
    Help,
    OutOfAreaContact,
    Phone,
    Plan,
    PlanPart,
)

# Fields a page form has that are not answers.
NOT_ANSWERS = ("csrf_token", "submit")
# Links from the check page come back to it after saving.
FROM_CHECK: dict[str, Any] = {"from": "check"}
# What the check page shows for a private answer.
HIDDEN = "••••••"


# --- moving between forms and the plan --------------------------------------------------------


def model_fields(model: BaseModel) -> dict[str, Any]:
    """A model's values as a form's ``data``: nested models and phones stay objects, which the
    form's fields read as they are."""
    return {name: getattr(model, name) for name in type(model).model_fields}


def answer(field: Field) -> Any:
    """One field's answer in the plan model's type."""
    if isinstance(field, FormField):
        return answers(field.form)
    if isinstance(field, FieldList) and not isinstance(field, forms.PhoneListField):
        return [answer(entry) for entry in field]
    value = field.data
    if isinstance(value, str):
        return value.strip()
    if value is None and not isinstance(field, forms.PhoneField | forms.LocaleDateField):
        return ""  # a text box or choice the browser did not send
    return value


def answers(form: Any) -> dict[str, Any]:
    """A form's answers by the plan model's field names."""
    return {f.short_name: answer(f) for f in form if f.short_name not in NOT_ANSWERS}


M = TypeVar("M", bound=PlanPart)


def merged(model_class: type[M], existing: M | None, form: Any) -> M:
    """``existing`` with the form's answers written over it (fields not on the form are kept)."""
    base = model_fields(existing) if existing is not None else {}
    return model_class.model_validate(base | answers(form))


# --- showing answers on the check page --------------------------------------------------------


@dataclass(frozen=True)
class CheckRow:
    label: object
    value: str  # Markup or plain text; empty shows a dash
    href: str
    # Shown only when the family asks (a <details> "Show" on the check page): a shared screen.
    private: bool = False


def shown(value: Any) -> str:
    """An answer as the check page shows it, by its type: phone numbers formatted for the reader
    and kept left to right, dates in the reader's language, the family's text isolated."""
    if isinstance(value, Phone):
        number = phones.for_reader(phones.best_form(value.e164, value.number))
        return isolate(phones.kept_whole(number), "ltr")
    if isinstance(value, list) and all(isinstance(item, Phone) for item in value):
        return format_list(shown(item) for item in value)
    if isinstance(value, date):
        return isolate(format_date(value))
    if isinstance(value, BaseModel):  # a nested part: what is filled in, in order
        return Markup(" · ").join(shown(v) for v in model_fields(value).values() if v)
    return isolate(value) if value else ""


def field_value(field: Field) -> str:
    """What a (loaded) form field holds, as the check page shows it."""
    if isinstance(field, RadioField | SelectField):
        chosen = {str(value): label for value, label, *_ in field.iter_choices()}
        return isolate(chosen.get(str(field.data), "")) if field.data else ""
    if isinstance(field, FormField):
        return Markup(" · ").join(shown(sub.data) for sub in field.form if sub.data)
    return shown(answer(field))


# --- steps ------------------------------------------------------------------------------------


def _plain(form_class: type[PageForm]) -> Callable[..., PageForm]:
    def make(plan: Plan, **kwargs: Any) -> PageForm:
        return form_class(**kwargs)

    return make


@dataclass(frozen=True, kw_only=True)
class Step:
    """One page of the flow that edits one part of the plan.

    ``attribute`` names the Plan attribute the page edits and ``model`` its class: then loading
    and saving are generic. A step whose form does not mirror one model gives ``load`` and
    ``save`` instead. ``check_fields`` names the form fields shown on the check page (all when
    None); ``check_rows`` replaces that with a summary of its own.
    """

    name: str  # also the URL segment: /<lang>/plan/<name>
    title: object  # lazy translated string
    template: str = ""
    form: Callable[..., PageForm] | None = None  # (plan, **form kwargs) -> form
    attribute: str = ""
    model: type[PlanPart] | None = None
    load: Callable[[Plan], dict[str, Any]] | None = None
    save: Callable[[Plan, Any], dict[str, Any]] | None = None  # -> changes to the plan
    check_fields: Sequence[str] | None = None
    check_rows: Callable[[Step, Plan, Any, str], list[CheckRow]] | None = None
    # Starts its own section of the check page, headed by its title.
    check_section: bool = True
    # What the plan still lacks for this step, said on the check page (None: nothing).
    required: Callable[[Plan], object | None] | None = None

    def missing(self, plan: Plan) -> object | None:
        return self.required(plan) if self.required is not None else None

    def make_form(self, plan: Plan, **kwargs: Any) -> PageForm:
        assert self.form is not None
        return self.form(plan, **kwargs)

    def loaded_form(self, plan: Plan) -> PageForm:
        """The form filled from the plan, as the family sees it when the page opens."""
        return self.make_form(plan, data=self.form_data(plan))

    def form_data(self, plan: Plan) -> dict[str, Any]:
        if self.load is not None:
            return self.load(plan)
        current = getattr(plan, self.attribute)
        if current is None and self.model is not None:
            current = self.model()
        return model_fields(current)

    def changes(self, plan: Plan, form: Any) -> dict[str, Any]:
        """What saving the form changes in the plan."""
        if self.save is not None:
            return self.save(plan, form)
        assert self.model is not None
        return {self.attribute: merged(self.model, getattr(plan, self.attribute), form)}

    def rows(self, plan: Plan) -> list[CheckRow]:
        href = url_for("flow.step", name=self.name, **FROM_CHECK)
        if self.form is None:  # a page of its own feature's (see SCHOOL_PROTOCOL)
            return self.check_rows(self, plan, None, href) if self.check_rows else []
        form = self.loaded_form(plan)
        if self.check_rows is not None:
            return self.check_rows(self, plan, form, href)
        return [
            CheckRow(f.label.text, field_value(f), href)
            for f in form
            if f.short_name not in NOT_ANSWERS
            and (self.check_fields is None or f.short_name in self.check_fields)
        ]


@dataclass(frozen=True, kw_only=True)
class GroupStep(Step):
    """A repeating group of the plan (parents, children, contacts): a list page, one form per
    entry, bounded on both sides."""

    item_form: type[PageForm]
    item_template: str
    maximum: int
    item_title: object  # "Child", "Contact"...
    add_label: object
    empty_error: object
    full_message: object
    intro: object
    hint: object = None
    # Shown under each entry's name on the list and check pages (field names of the entry).
    summary_fields: Sequence[str] = ()
    # A short tag on the list page for entries where this field is true.
    tag_field: str = ""
    tag: object = None
    reorderable: bool = False
    # Changes to other parts of the plan when an entry is removed (and what to tell the family).
    after_remove: Callable[[Plan, Any], dict[str, Any]] | None = None
    numbered: bool = False  # the check page numbers entries (the order to call)
    template: str = "flow/group.html"

    def items(self, plan: Plan) -> list[Any]:
        return list(getattr(plan, self.attribute))

    def missing(self, plan: Plan) -> object | None:
        return None if self.items(plan) else self.empty_error

    def summary(self, item: Any) -> list[str]:
        return [shown(getattr(item, name)) for name in self.summary_fields if getattr(item, name)]

    def rows(self, plan: Plan) -> list[CheckRow]:
        items = self.items(plan)
        if not items:
            return [CheckRow(self.title, "", url_for("flow.step", name=self.name))]
        return [
            CheckRow(
                f"{index + 1}. {item.full_name}" if self.numbered else item.full_name,
                Markup(" · ").join(self.summary(item)),
                url_for("flow.group_item", group_name=self.name, index=index, **FROM_CHECK),
            )
            for index, item in enumerate(items)
        ]


# --- the steps' own loading, saving and check rows ---------------------------------------------


def _one_row(step: Step, plan: Plan, form: Any, href: str) -> list[CheckRow]:
    """The whole page as one row under the step's title: the filled answers in order, isolated
    as one piece (an address reads in its own order inside a right-to-left page)."""
    answered = [str(value) for f in form if f.short_name not in NOT_ANSWERS if (value := answer(f))]
    return [CheckRow(step.title, isolate(", ".join(answered)), href)]


def _out_of_area_changes(plan: Plan, form: Any) -> dict[str, Any]:
    contact = merged(OutOfAreaContact, plan.out_of_area_contact, form)
    empty = not (contact.full_name or contact.phones or contact.email)
    return {"out_of_area_contact": None if empty else contact}


def _out_of_area_rows(step: Step, plan: Plan, form: Any, href: str) -> list[CheckRow]:
    contact = plan.out_of_area_contact
    return [CheckRow(step.title, isolate(contact.full_name), href)] if contact else []


CHOOSE_A_CAREGIVER: object = _l("Choose who will care for the children first.")


def _caregiver_required(plan: Plan) -> object | None:
    return CHOOSE_A_CAREGIVER if plan.primary_caregiver is None else None


def _say_parent_removed(plan: Plan, removed: Guardian) -> dict[str, Any]:
    flash(_("%(name)s was removed.", name=removed.full_name))
    return {}


def _forget_removed_caregiver(plan: Plan, removed: Contact) -> dict[str, Any]:
    """A removed contact is no longer a caregiver: the family is asked to choose again."""
    caregiver = plan.caregiver
    if removed.id not in (caregiver.primary_contact_id, caregiver.backup_contact_id):
        return {}
    flash(_("%(name)s was also a caregiver. Choose the caregivers again.", name=removed.full_name))
    kept = {
        key: ""
        for key in ("primary_contact_id", "backup_contact_id")
        if getattr(caregiver, key) == removed.id
    }
    return {"caregiver": caregiver.model_copy(update=kept)}


def _caregiver_form(plan: Plan, **kwargs: Any) -> PageForm:
    return forms.CaregiverForm(contacts=plan.contacts, **kwargs)


def _caregiver_notes_rows(step: Step, plan: Plan, form: Any, href: str) -> list[CheckRow]:
    # The notes are long: the check page names the topics that are filled in.
    topics = [f.label.text for f in form if f.short_name not in NOT_ANSWERS and f.data]
    return [CheckRow(step.title, isolate(" · ".join(str(topic) for topic in topics)), href)]


def _documents_load(plan: Plan) -> dict[str, Any]:
    data: dict[str, Any] = {kind: plan.document(kind) for kind in DOCUMENT_KINDS}
    data["copies_held_by"] = plan.copies_held_by
    return data


def _documents_changes(plan: Plan, form: Any) -> dict[str, Any]:
    values = answers(form)
    return {
        "documents": [DocumentLocation(kind=kind, **values[kind]) for kind in DOCUMENT_KINDS],
        "copies_held_by": values["copies_held_by"],
    }


def _documents_rows(step: Step, plan: Plan, form: Any, href: str) -> list[CheckRow]:
    rows = [
        CheckRow(f.label.text, isolate(f.form.where.data) if f.form.where.data else "", href)
        for f in form
        if isinstance(f, FormField) and field_value(f)
    ]
    return [*rows, CheckRow(form.copies_held_by.label.text, field_value(form.copies_held_by), href)]


def _help_rows(step: Step, plan: Plan, form: Any, href: str) -> list[CheckRow]:
    # Names only: the numbers are on the plan itself.
    return [
        CheckRow(f.label.text, field_value(f.form.name), href)
        for f in form
        if isinstance(f, FormField)
    ]


def _private_form(plan: Plan, **kwargs: Any) -> PageForm:
    return forms.private_form(plan.guardians, **kwargs)


def _private_load(plan: Plan) -> dict[str, Any]:
    return {
        "family_code_word": plan.family_code_word,
        "a_numbers": [g.a_number for g in plan.guardians],
    }


def _private_changes(plan: Plan, form: Any) -> dict[str, Any]:
    values = answers(form)
    guardians = [
        g.model_copy(update={"a_number": number})
        for g, number in zip(plan.guardians, values["a_numbers"], strict=False)
    ]
    return {"family_code_word": values["family_code_word"], "guardians": guardians}


def _private_rows(step: Step, plan: Plan, form: Any, href: str) -> list[CheckRow]:
    # Each A-number sits behind a "Show" control, so the family can check what they typed
    # without it showing on a shared screen; the code word is not repeated on screen at all.
    a_numbers = [
        CheckRow(
            entry.label.text, isolate(entry.data, "ltr") if entry.data else "", href, private=True
        )
        for entry in form.a_numbers
    ]
    field = form.family_code_word
    return [*a_numbers, CheckRow(field.label.text, HIDDEN if field.data else "", href)]


PARENTS = GroupStep(
    name="parents",
    title=_l("Parents and guardians"),
    attribute="guardians",
    model=Guardian,
    item_form=forms.GuardianForm,
    item_template="flow/parents_item.html",
    maximum=MAX_GUARDIANS,
    item_title=_l("Parent or guardian"),
    add_label=_l("Add a parent or guardian"),
    empty_error=_l("Add at least one parent or guardian."),
    full_message=_l("A plan can hold up to %(max)d parents or guardians."),
    intro=_l("Add yourself and any other parent or guardian who makes this plan with you."),
    summary_fields=("phones",),
    after_remove=_say_parent_removed,
)
CHILDREN = GroupStep(
    name="children",
    title=_l("Children"),
    attribute="children",
    model=Child,
    item_form=forms.ChildForm,
    item_template="flow/children_item.html",
    maximum=MAX_CHILDREN,
    item_title=_l("Child"),
    add_label=_l("Add a child"),
    empty_error=_l("Add at least one child."),
    full_message=_l(
        "A plan can hold up to %(max)d children. To plan for more, make a second plan."
    ),
    intro=_l("Add each child this plan is for."),
    summary_fields=("date_of_birth", "school"),
)
CONTACTS = GroupStep(
    name="contacts",
    title=_l("Emergency contacts"),
    attribute="contacts",
    model=Contact,
    item_form=forms.ContactForm,
    item_template="flow/contacts_item.html",
    maximum=MAX_CONTACTS,
    item_title=_l("Emergency contact"),
    add_label=_l("Add an emergency contact"),
    empty_error=_l("Add at least one emergency contact."),
    full_message=_l("A plan can hold up to %(max)d emergency contacts."),
    intro=_l(
        "Add the people to call, in the order to call them. The first ones will be on the "
        "wallet cards."
    ),
    hint=_l(
        "A school pickup list is not custody: it only lets the school release your "
        "children to this person."
    ),
    summary_fields=("phones", "address"),
    tag_field="may_pick_up",
    tag=_l("May pick up"),
    reorderable=True,
    numbered=True,
    after_remove=_forget_removed_caregiver,
)


def _no_rows(step: Step, plan: Plan, form: Any, href: str) -> list[CheckRow]:
    return []


def _legal_paper_rows(step: Step, plan: Plan, form: Any, href: str) -> list[CheckRow]:
    from prepplan.legal.massachusetts import AFFIDAVIT, AFFIDAVIT_TITLE, AGENT_TITLE, paper_dates

    papers = [
        _(
            "%(paper)s: %(start)s to %(end)s",
            paper=AFFIDAVIT_TITLE if code == AFFIDAVIT else AGENT_TITLE,
            start=format_date(start),
            end=format_date(end),
        )
        for code, start, end in paper_dates(plan.legal)
    ]
    return [CheckRow(step.title, Markup("<br>").join(papers), href)]


# Steps whose page belongs to a feature of its own (its blueprint serves /<lang>/plan/<name>):
# the flow counts them, links to them in order and puts them on the check page; the pages read
# their place in the flow from position().
SCHOOL_PROTOCOL = Step(
    name="school-protocol",
    title=_l("What your school will do"),
    check_rows=_no_rows,
    check_section=False,
)
CAREGIVER_PAPERS = Step(
    name="caregiver-papers",
    title=_l("Papers a caregiver can act on"),
    check_rows=_legal_paper_rows,
)

STEPS: tuple[Step, ...] = (
    PARENTS,
    Step(
        name="address",
        title=_l("Home address"),
        template="flow/address.html",
        form=_plain(forms.AddressForm),
        attribute="home_address",
        model=Address,
        check_rows=_one_row,
        check_section=False,
    ),
    CHILDREN,
    SCHOOL_PROTOCOL,
    CONTACTS,
    Step(
        name="out-of-area",
        title=_l("A contact outside the area"),
        template="flow/out_of_area.html",
        form=_plain(forms.OutOfAreaForm),
        attribute="out_of_area_contact",
        model=OutOfAreaContact,
        save=_out_of_area_changes,
        check_rows=_out_of_area_rows,
        check_section=False,
    ),
    Step(
        name="caregiver",
        title=_l("Who will care for the children"),
        template="flow/caregiver.html",
        form=_caregiver_form,
        attribute="caregiver",
        model=CaregiverPlan,
        required=_caregiver_required,
    ),
    Step(
        name="caregiver-notes",
        title=_l("What the caregiver needs to know"),
        template="flow/caregiver_notes.html",
        form=_plain(forms.CaregiverNotesForm),
        attribute="caregiver",
        model=CaregiverPlan,
        check_rows=_caregiver_notes_rows,
        check_section=False,
    ),
    CAREGIVER_PAPERS,
    Step(
        name="documents",
        title=_l("Important documents"),
        template="flow/documents.html",
        form=_plain(forms.DocumentsForm),
        load=_documents_load,
        save=_documents_changes,
        check_rows=_documents_rows,
    ),
    Step(
        name="help",
        title=_l("Whom to call for help"),
        template="flow/help.html",
        form=_plain(forms.HelpForm),
        attribute="help",
        model=Help,
        check_rows=_help_rows,
    ),
    Step(
        name="private",
        title=_l("Private items"),
        template="flow/private.html",
        form=_private_form,
        load=_private_load,
        save=_private_changes,
        check_rows=_private_rows,
    ),
    Step(name="check", title=_l("Check your answers"), template="flow/check.html"),
)
STEP_NAMES = tuple(step.name for step in STEPS)
BY_NAME = {step.name: step for step in STEPS}
GROUPS = {step.name: step for step in STEPS if isinstance(step, GroupStep)}
# Steps with a page form of their own (not a list, not the check page).
FORM_STEPS = {
    step.name: step for step in STEPS if step.form is not None and not isinstance(step, GroupStep)
}


@dataclass(frozen=True)
class CheckSection:
    step: Step  # the step whose title heads the section
    rows: list[CheckRow] = field(default_factory=list)


def check_sections(plan: Plan) -> list[CheckSection]:
    """The check page: a section per step that starts one, each followed by the rows of the
    steps that belong under it."""
    sections: list[CheckSection] = []
    for step in STEPS:
        if step.name == "check":
            continue
        if step.check_section or not sections:
            sections.append(CheckSection(step))
        sections[-1].rows.extend(step.rows(plan))
    return sections


def step_number(name: str) -> int:
    return STEP_NAMES.index(name) + 1


def next_step(name: str) -> str:
    index = STEP_NAMES.index(name)
    return STEP_NAMES[min(index + 1, len(STEP_NAMES) - 1)]


def previous_step(name: str) -> str | None:
    index = STEP_NAMES.index(name)
    return STEP_NAMES[index - 1] if index else None


def position(name: str) -> dict[str, Any]:
    """Where a step stands in the flow, for a page that a feature serves itself: its number,
    the count, and the pages before and after it."""
    previous = previous_step(name)
    return {
        "step_number": step_number(name),
        "step_count": len(STEPS),
        "back_url": url_for("flow.step", name=previous) if previous else url_for("pages.start"),
        "next_url": url_for("flow.step", name=next_step(name)),
    }
