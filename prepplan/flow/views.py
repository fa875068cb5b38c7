"""The family's steps: request -> form -> plan model -> the plan kept on the family's device.

Every step saves only when its answers are valid; on an error the page comes back with what the
family typed and an error summary. Nothing here writes plan data anywhere but the response's
cookies (flow/state.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from prepplan.flow import forms, state
from prepplan.flow.choices import DOCUMENT_KIND_LABELS
from prepplan.flow.steps import BY_NAME, GROUPS, STEPS, Group, next_step, previous_step, step_number
from prepplan.i18n import SITE_LANGUAGES, current_language
from prepplan.i18n import lazy_gettext as _l
from prepplan.pages import CLEARED_REASONS
from prepplan.plan.model import (
    DOCUMENT_KINDS,
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
)
from prepplan.plan.planfile import PlanFileError, dump_plan, load_plan
from prepplan.security import attachment

bp = Blueprint("flow", __name__, url_prefix="/<lang:lang>/plan")

PLAN_FILE_ERRORS = {
    "too_large": _l("This file is too large to be a plan file. Choose the file you downloaded "
                    "from this site (it ends in .json or .pdf)."),
    "not_json": _l("This file is not a plan file. Choose the file you downloaded from this site "
                   "(it ends in .json or .pdf)."),
    "not_a_plan": _l("This file is not a plan file from this site. Choose the plan file or the "
                     "plan PDF you downloaded here."),
    "newer_version": _l("This plan file was made by a newer version of this site. Open it on the "
                        "site where you made it."),
    "invalid": _l("This plan file has been changed or damaged, so it cannot be read. Choose "
                  "another copy, or start a new plan."),
    "no_plan_in_pdf": _l("This PDF does not contain a plan from this site. Choose the plan PDF "
                         "you downloaded here, or the plan file (.json)."),
}


@bp.before_request
def _say_when_the_plan_expired() -> None:
    """A page left open past the idle limit: tell the family why their answers are gone."""
    if state.plan_expired():
        flash(CLEARED_REASONS["idle"])


# --- moving between form data and the plan ------------------------------------------------------

def _phone(typed: str | None, kind: str = "mobile", can_text: bool = False) -> Phone | None:
    typed = (typed or "").strip()
    if not typed:
        return None
    return Phone(number=typed, e164=forms.to_e164(typed), kind=kind, can_text=can_text)


def _phones(entries: list[dict[str, Any]]) -> list[Phone]:
    phones = [_phone(e.get("number"), e.get("kind") or "mobile", bool(e.get("can_text")))
              for e in entries]
    return [phone for phone in phones if phone]


def _form_values(form: forms.PageForm) -> dict[str, Any]:
    values = {k: v for k, v in form.data.items() if k not in ("csrf_token", "submit")}
    for key, value in values.items():
        if isinstance(value, str):
            values[key] = value.strip()
        elif value is None and key not in ("date_of_birth",):
            values[key] = ""  # a text box the browser did not send
    if "phones" in values:
        values["phones"] = _phones(values["phones"])
    for key in ("doctor_phone", "dentist_phone"):
        if key in values:
            values[key] = _phone(values[key], kind="work")
    return values


def _form_data(item: Any) -> dict[str, Any]:
    """A model as data for a form: phones become the numbers the family typed."""
    data = item.model_dump()
    for key in ("doctor_phone", "dentist_phone"):
        if key in data:
            data[key] = (data[key] or {}).get("number", "")
    return data


def _apply(plan: Plan, **changes: Any) -> Plan:
    values = plan.model_dump()
    values.update(changes)
    values["language"] = current_language().code
    values["made_on"] = date.today()
    return Plan.model_validate(values)


def _render_step(step: str, template: str, form: forms.PageForm,
                 errors: list[tuple[str, str]] | None = None, **context: Any) -> str:
    if errors is None:
        errors = form.error_list()
    return render_template(
        template,
        step=BY_NAME[step],
        step_number=step_number(step),
        step_count=len(STEPS),
        back_url=_back_url(step),
        form=form,
        form_errors=errors,
        errors=errors,
        **context,
    )


def switching_language() -> bool:
    """The family switched language in the middle of a page: the page comes back in the new
    language with what they typed, unsaved and unjudged, so nothing is lost (flow/_step.html)."""
    return request.args.get("switch") == "language"


def _back_url(step: str) -> str:
    previous = previous_step(step)
    return url_for("flow.step", name=previous) if previous else url_for("pages.start")


def _after_save(step: str) -> Response:
    if request.args.get("from") == "check":
        return redirect(url_for("flow.step", name="check"))
    return redirect(url_for("flow.step", name=next_step(step)))


def _save(plan: Plan) -> bool:
    """Keep the plan on the device; False (with a message) if it would no longer fit."""
    if not state.check_fits(plan):
        flash(_("Your plan is too long to keep on this device. Shorten some of the longer notes."))
        return False
    state.save_plan(plan)
    return True


# --- simple steps -----------------------------------------------------------------------------

def _address(plan: Plan, form: forms.AddressForm | None) -> Any:
    if form is None:
        return forms.AddressForm(data=plan.home_address.model_dump())
    return _apply(plan, home_address=Address(**_form_values(form)))


def _out_of_area(plan: Plan, form: forms.OutOfAreaForm | None) -> Any:
    if form is None:
        contact = plan.out_of_area_contact or OutOfAreaContact()
        return forms.OutOfAreaForm(data=_form_data(contact))
    values = _form_values(form)
    contact = OutOfAreaContact(**values)
    empty = not (contact.full_name or contact.phones or contact.email)
    return _apply(plan, out_of_area_contact=None if empty else contact)


def _caregiver(plan: Plan, form: forms.CaregiverForm | None) -> Any:
    if form is None:
        return forms.CaregiverForm(data=plan.caregiver.model_dump(), contacts=plan.contacts)
    caregiver = plan.caregiver.model_copy(update=_form_values(form))
    return _apply(plan, caregiver=CaregiverPlan.model_validate(caregiver.model_dump()))


def _caregiver_notes(plan: Plan, form: forms.CaregiverNotesForm | None) -> Any:
    if form is None:
        return forms.CaregiverNotesForm(data=plan.caregiver.model_dump())
    caregiver = plan.caregiver.model_dump() | _form_values(form)
    return _apply(plan, caregiver=CaregiverPlan.model_validate(caregiver))


def _documents(plan: Plan, form: forms.PageForm | None) -> Any:
    if form is None:
        data = {kind: plan.document(kind).model_dump() for kind in DOCUMENT_KINDS}
        data["copies_held_by"] = plan.copies_held_by
        return forms.DocumentsForm(data=data)
    values = _form_values(form)
    documents = [DocumentLocation(kind=kind, **{k: (v or "").strip() for k, v in
                                                values[kind].items()})
                 for kind in DOCUMENT_KINDS]
    return _apply(plan, documents=documents, copies_held_by=values["copies_held_by"])


def _help(plan: Plan, form: forms.HelpForm | None) -> Any:
    if form is None:
        data = {key: {"name": getattr(plan.help, key).name,
                      "phone": (getattr(plan.help, key).phone or Phone(number="")).number}
                for key in ("lawyer", "consulate", "community_org")}
        return forms.HelpForm(data=data)
    values = _form_values(form)
    help_ = Help(**{key: {"name": (values[key]["name"] or "").strip(),
                          "phone": _phone(values[key]["phone"], kind="work")}
                    for key in ("lawyer", "consulate", "community_org")})
    return _apply(plan, help=help_)


def _private(plan: Plan, form: forms.PrivateForm | None) -> Any:
    if form is None:
        return forms.private_form(plan.guardians, data={
            "family_code_word": plan.family_code_word,
            "a_numbers": [g.a_number for g in plan.guardians]})
    values = _form_values(form)
    guardians = [g.model_copy(update={"a_number": (number or "").strip()})
                 for g, number in zip(plan.guardians, values["a_numbers"], strict=False)]
    return _apply(plan, family_code_word=values["family_code_word"],
                  guardians=[g.model_dump() for g in guardians])


SIMPLE_STEPS = {
    "address": (forms.AddressForm, _address, "flow/address.html"),
    "out-of-area": (forms.OutOfAreaForm, _out_of_area, "flow/out_of_area.html"),
    "caregiver": (forms.CaregiverForm, _caregiver, "flow/caregiver.html"),
    "caregiver-notes": (forms.CaregiverNotesForm, _caregiver_notes, "flow/caregiver_notes.html"),
    "documents": (forms.DocumentsForm, _documents, "flow/documents.html"),
    "help": (forms.HelpForm, _help, "flow/help.html"),
    "private": (forms.PrivateForm, _private, "flow/private.html"),
}


def _bound_form(name: str, plan: Plan) -> forms.PageForm:
    form_class = SIMPLE_STEPS[name][0]
    if name == "caregiver":
        return form_class(contacts=plan.contacts)
    if name == "private":
        return forms.private_form(plan.guardians)
    return form_class()


@bp.route("/<name>", methods=["GET", "POST"])
def step(name: str) -> Any:
    if name in GROUPS:
        return group_list(GROUPS[name])
    if name == "check":
        return check()
    if name not in SIMPLE_STEPS:
        abort(404)
    _form_class, apply, template = SIMPLE_STEPS[name]
    plan = state.current_plan()
    if request.method == "POST":
        form = _bound_form(name, plan)
        if switching_language():
            return _render_step(name, template, form, errors=[], plan=plan, switchable=True)
        if form.validate() and _save(apply(plan, form)):
            return _after_save(name)
    else:
        form = apply(plan, None)
    return _render_step(name, template, form, plan=plan, switchable=True)


# --- repeating groups: parents, children, contacts ---------------------------------------------

GROUP_FORMS = {"parents": forms.GuardianForm, "children": forms.ChildForm,
               "contacts": forms.ContactForm}
GROUP_MODELS = {"parents": Guardian, "children": Child, "contacts": Contact}


def group_list(group: Group) -> Any:
    plan = state.current_plan()
    items = getattr(plan, group.attribute)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        form = forms.RemoveForm()  # only the CSRF check
        if not form.validate():
            errors = form.error_list()
        elif not items:
            errors = [("add-item", str(group.empty_error))]
        else:
            return _after_save(group.step)
    return _render_step(group.step, "flow/group.html", forms.RemoveForm(), errors=errors,
                        plan=plan, group=group, items=items, full=len(items) >= group.maximum)


@bp.route("/<any(parents,children,contacts):group_name>/<int:index>", methods=["GET", "POST"])
def group_item(group_name: str, index: int) -> Any:
    group = GROUPS[group_name]
    plan = state.current_plan()
    items = list(getattr(plan, group.attribute))
    if index > len(items):
        return redirect(url_for("flow.step", name=group.step))
    if index == len(items) and len(items) >= group.maximum:
        # At the bound: say so instead of showing a form whose answers could not be kept.
        flash(group.full_message % {"max": group.maximum})
        return redirect(url_for("flow.step", name=group.step))
    existing = items[index] if index < len(items) else None
    form_class = GROUP_FORMS[group_name]
    if request.method == "POST":
        form = form_class()
        if switching_language():
            return _render_step(group.step, f"flow/{group_name}_item.html", form, errors=[],
                                plan=plan, group=group, index=index, is_new=existing is None,
                                switchable=True)
        if form.validate():
            values = _form_values(form)
            if existing is not None:
                values = existing.model_dump() | values
            item = GROUP_MODELS[group_name].model_validate(values)
            if existing is None:
                items.append(item)
            else:
                items[index] = item
            if _save(_apply(plan, **{group.attribute: [i.model_dump() for i in items]})):
                return redirect(url_for("flow.step", name=group.step, **_keep_from()))
    else:
        # A new person reads the family's language unless the family says otherwise.
        default = {"language": current_language().code.split("_")[0]}
        form = form_class(data=_form_data(existing) if existing else default)
    return _render_step(group.step, f"flow/{group_name}_item.html", form, plan=plan,
                        group=group, index=index, is_new=existing is None, switchable=True)


def _keep_from() -> dict[str, str]:
    return {"from": "check"} if request.args.get("from") == "check" else {}


@bp.route("/<any(parents,children,contacts):group_name>/<int:index>/remove",
          methods=["GET", "POST"])
def group_remove(group_name: str, index: int) -> Any:
    group = GROUPS[group_name]
    plan = state.current_plan()
    items = list(getattr(plan, group.attribute))
    if index >= len(items):
        return redirect(url_for("flow.step", name=group.step))
    form = forms.RemoveForm()
    if request.method == "POST" and form.validate():
        removed = items.pop(index)
        changes: dict[str, Any] = {group.attribute: [i.model_dump() for i in items]}
        if group_name == "contacts":
            caregiver = plan.caregiver.model_dump()
            for key in ("primary_contact_id", "backup_contact_id"):
                if caregiver[key] == removed.id:
                    caregiver[key] = ""
                    flash(_("%(name)s was also a caregiver. Choose the caregivers again.",
                            name=removed.full_name))
            changes["caregiver"] = caregiver
        if group_name == "parents":
            flash(_("%(name)s was removed.", name=removed.full_name))
        state.save_plan(_apply(plan, **changes))
        return redirect(url_for("flow.step", name=group.step))
    return _render_step(group.step, "flow/remove.html", form, plan=plan, group=group,
                        index=index, item=items[index])


@bp.route("/contacts/<int:index>/move", methods=["POST"])
def move_contact(index: int) -> Response:
    plan = state.current_plan()
    contacts = list(plan.contacts)
    form = forms.RemoveForm()
    target = index - 1 if request.form.get("direction") == "up" else index + 1
    if form.validate() and 0 <= index < len(contacts) and 0 <= target < len(contacts):
        contacts[index], contacts[target] = contacts[target], contacts[index]
        state.save_plan(_apply(plan, contacts=[c.model_dump() for c in contacts]))
    return redirect(url_for("flow.step", name="contacts", **_keep_from()))


# --- check answers, results, plan file -----------------------------------------------------------

def check() -> Any:
    plan = state.current_plan()
    missing = [(f"missing-{g.step}", str(g.empty_error)) for g in GROUPS.values()
               if not getattr(plan, g.attribute)]
    if not plan.caregiver.primary_contact_id or plan.primary_caregiver is None:
        missing.append(("missing-caregiver", _("Choose who will care for the children first.")))
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        form = forms.RemoveForm()
        if form.validate() and not missing:
            return redirect(url_for("flow.results"))
        errors = form.error_list() + missing
    # Before the family presses the button, what is missing is a to-do list, not an error.
    # The caregiver's notes are long: the check page names the topics that are filled in.
    notes_form = forms.CaregiverNotesForm(formdata=None, data=plan.caregiver.model_dump())
    caregiver_topics = [field.label.text for field in notes_form
                        if field.name != "csrf_token" and field.data]
    return _render_step("check", "flow/check.html", forms.RemoveForm(), errors=errors,
                        plan=plan, missing=missing, caregiver_topics=caregiver_topics,
                        document_labels=DOCUMENT_KIND_LABELS)


@bp.route("/done")
def results() -> Any:
    plan = state.current_plan()
    if not plan.children and not plan.contacts:
        return redirect(url_for("pages.start"))
    options = forms.DocumentOptionsForm(
        formdata=None, data={"language": current_language().code, "paper": "letter"})
    options.language.choices = forms.options((lang.code, lang.native_name)
                                             for lang in SITE_LANGUAGES)
    return render_template("flow/results.html", plan=plan, options=options,
                           finish_form=forms.RemoveForm())


@bp.route("/plan-file.json")
def download_plan_file() -> Response:
    plan = state.current_plan()
    filename = f"family-plan-{date.today().isoformat()}.json"
    return attachment(dump_plan(plan), "application/json", filename)


@bp.route("/upload", methods=["GET", "POST"])
def upload() -> Any:
    form = forms.UploadForm()
    if request.method == "POST" and form.validate():
        upload_file = form.plan_file.data
        if not upload_file or not upload_file.filename:
            form.plan_file.errors = [_("Choose your plan file or plan PDF.")]
        else:
            try:
                plan = load_plan(upload_file.read())
            except PlanFileError as error:
                form.plan_file.errors = [str(PLAN_FILE_ERRORS[error.reason])]
            else:
                plan = _apply(plan)
                if not state.check_fits(plan):
                    form.plan_file.errors = [str(PLAN_FILE_ERRORS["invalid"])]
                    return _render_upload(form)
                state.save_plan(plan)
                flash(_("Your plan was loaded. Check your answers and change anything that is "
                        "out of date."))
                return redirect(url_for("flow.step", name="check"))
    return _render_upload(form)


def _render_upload(form: forms.UploadForm) -> str:
    errors = form.error_list()
    return render_template("flow/upload.html", form=form, form_errors=errors, errors=errors)
