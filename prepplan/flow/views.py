"""The family's steps: request -> form -> plan model -> the plan kept on the family's device.

Every step saves only when its answers are valid; on an error the page comes back with what the
family typed and an error summary. Nothing here writes plan data anywhere but the response's
cookies (plan_state.py).
"""

from __future__ import annotations

import hashlib
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
from wtforms import RadioField
from wtforms.validators import Optional

from prepplan import plan_state
from prepplan.flow import forms
from prepplan.flow.steps import (
    BY_NAME,
    FORM_STEPS,
    GROUPS,
    STEPS,
    GroupStep,
    Step,
    check_sections,
    merged,
    model_fields,
    next_step,
    previous_step,
    step_number,
)
from prepplan.forms import ConfirmForm, PageForm
from prepplan.i18n import SITE_LANGUAGES, current_language
from prepplan.i18n import lazy_gettext as _l
from prepplan.legal import massachusetts as legal_forms
from prepplan.plan.model import Plan
from prepplan.plan.planfile import PlanFileError, dump_plan, load_plan
from prepplan.plan_state import CLEARED_REASONS, device
from prepplan.security import attachment

bp = Blueprint("flow", __name__, url_prefix="/<lang:lang>/plan")
# The URL segment naming a repeating group: only the groups' own names match.
GROUP_NAMES = f"<any({', '.join(GROUPS)}):group_name>"

PLAN_FILE_ERRORS = {
    "too_large": _l(
        "This file is too large to be a plan file. Choose the file you downloaded "
        "from this site (it ends in .json or .pdf)."
    ),
    "not_json": _l(
        "This file is not a plan file. Choose the file you downloaded from this site "
        "(it ends in .json or .pdf)."
    ),
    "not_a_plan": _l(
        "This file is not a plan file from this site. Choose the plan file or the "
        "plan PDF you downloaded here."
    ),
    "newer_version": _l(
        "This plan file was made by a newer version of this site. Open it on the "
        "site where you made it."
    ),
    "invalid": _l(
        "This plan file has been changed or damaged, so it cannot be read. Choose "
        "another copy, or start a new plan."
    ),
    "no_plan_in_pdf": _l(
        "This PDF does not contain a plan from this site. Choose the plan PDF "
        "you downloaded here, or the plan file (.json)."
    ),
}


# A value the forms would refuse, named in the family's words (plan/planfile.py).
PLAN_FILE_PROBLEMS = {
    ("phone_number", "person"): _l("The phone number of %(name)s is not a phone number."),
    ("phone_number", "doctor"): _l("The doctor's phone number for %(name)s is not a phone number."),
    ("phone_number", "dentist"): _l(
        "The dentist's phone number for %(name)s is not a phone number."
    ),
    ("email_address", "person"): _l("The e-mail address of %(name)s is not an e-mail address."),
    ("birth_date", "person"): _l("The date of birth of %(name)s must be between 1900 and today."),
}
PLAN_FILE_FIX = _l("Correct it in the file and choose the file again, or start a new plan.")


def _plan_file_errors(error: PlanFileError) -> list[str]:
    found = error.field_problem
    message = PLAN_FILE_PROBLEMS.get((found.problem, found.role)) if found else None
    if found and message is not None:
        return [str(message) % {"name": found.name}, str(PLAN_FILE_FIX)]
    return [str(PLAN_FILE_ERRORS[error.reason])]


def _plan_in_progress() -> bool:
    plan = device.plan
    return bool(plan.guardians or plan.children or plan.contacts or plan.out_of_area_contact)


@bp.before_request
def _say_when_the_plan_expired() -> None:
    """A page left open past the idle limit: tell the family why their answers are gone."""
    if device.plan_expired:
        flash(CLEARED_REASONS["idle"])


def _apply(plan: Plan, **changes: Any) -> Plan:
    values = plan.model_dump()
    values.update(changes)
    values["language"] = current_language().code
    values["made_on"] = date.today()
    return Plan.model_validate(values)


def _render_step(
    step: Step,
    form: PageForm,
    errors: list[tuple[str, str]] | None = None,
    template: str = "",
    **context: Any,
) -> str:
    if errors is None:
        errors = form.error_list()
    return render_template(
        template or step.template,
        step=step,
        step_number=step_number(step.name),
        step_count=len(STEPS),
        back_url=_back_url(step.name),
        form=form,
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
    if not plan_state.fits(plan):
        flash(_("Your plan is too long to keep on this device. Shorten some of the longer notes."))
        return False
    device.save(plan)
    return True


# --- one page, one part of the plan ------------------------------------------------------------


@bp.route("/<name>", methods=["GET", "POST"])
def step(name: str) -> Any:
    if name in GROUPS:
        return group_list(GROUPS[name])
    if name == "check":
        return check()
    if name not in FORM_STEPS:
        abort(404)
    step = FORM_STEPS[name]
    plan = device.plan
    if request.method == "POST":
        form = step.make_form(plan)
        if switching_language():
            return _render_step(step, form, errors=[], plan=plan, switchable=True)
        adding_to = GROUPS.get(request.form.get("add_to", ""))
        if adding_to is not None:
            # "Add someone new" (caregiver.html) saves the page and goes to the new entry's form.
            # A choice not made yet is no error then: the new person may be the one to choose.
            for field in form:
                if isinstance(field, RadioField):
                    field.validators = [Optional()]
        if form.validate() and _save(_apply(plan, **step.changes(plan, form))):
            if adding_to is not None:
                return redirect(
                    url_for(
                        "flow.group_item",
                        group_name=adding_to.name,
                        index=len(adding_to.items(plan)),
                        back=name,
                        **_keep_from(),
                    )
                )
            return _after_save(name)
    else:
        form = step.loaded_form(plan)
    return _render_step(step, form, plan=plan, switchable=True)


# --- repeating groups: parents, children, contacts ---------------------------------------------


def group_list(group: GroupStep) -> Any:
    plan = device.plan
    items = group.items(plan)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        form = ConfirmForm()
        if not form.validate():
            errors = form.error_list()
        elif not items:
            errors = [("add-item", str(group.empty_error))]
        else:
            return _after_save(group.name)
    return _render_step(
        group,
        ConfirmForm(),
        errors=errors,
        plan=plan,
        group=group,
        items=items,
        full=len(items) >= group.maximum,
    )


CHANGED_ELSEWHERE = _l(
    "This entry was changed in another tab or window after this page was opened. Check the "
    "answers here and save again to keep them."
)


def fingerprint(item: Any | None) -> str:
    """What a group item form was made from ("new", or a hash of the entry), posted back with
    it: a save can then tell an entry that changed in another tab since (group_item)."""
    if item is None:
        return "new"
    return hashlib.sha256(item.model_dump_json().encode()).hexdigest()[:16]


@bp.route(f"/{GROUP_NAMES}/<int:index>", methods=["GET", "POST"])
def group_item(group_name: str, index: int) -> Any:
    group = GROUPS[group_name]
    plan = device.plan
    items = group.items(plan)
    # A form made for a new entry appends, whatever another tab added meanwhile.
    posted_new = request.method == "POST" and request.form.get("loaded_from") == "new"
    if index > len(items) and request.method == "GET":
        return redirect(url_for("flow.step", name=group.name))
    if (index >= len(items) or posted_new) and len(items) >= group.maximum:
        # At the bound: say so instead of showing a form whose answers could not be kept.
        flash(group.full_message % {"max": group.maximum})
        return redirect(url_for("flow.step", name=group.name))
    existing = items[index] if index < len(items) and not posted_new else None
    context = {
        "plan": plan,
        "group": group,
        "index": index,
        "is_new": existing is None,
        "switchable": True,
        "template": group.item_template,
        "loaded_from": fingerprint(existing),
    }
    if request.method == "POST":
        form = group.item_form()
        loaded_from = request.form.get("loaded_from")
        if switching_language():
            # The page in another language still says what it was first made from.
            context["loaded_from"] = loaded_from or context["loaded_from"]
            return _render_step(group, form, errors=[], **context)
        if loaded_from and loaded_from != "new" and loaded_from != fingerprint(existing):
            # Another tab changed (or removed) this entry: say so rather than overwrite it.
            # The page now carries the entry's current fingerprint, so saving again is a choice.
            first = next(f.id for f in form if f.short_name != "csrf_token")
            return _render_step(group, form, errors=[(first, str(CHANGED_ELSEWHERE))], **context)
        if form.validate():
            assert group.model is not None
            item = merged(group.model, existing, form)
            if existing is None:
                items.append(item)
            else:
                items[index] = item
            if _save(_apply(plan, **{group.attribute: items})):
                # Came from a step's "Add someone new": back to that step, its answers kept.
                back = request.args.get("back", "")
                if back in FORM_STEPS:
                    return redirect(url_for("flow.step", name=back, **_keep_from()))
                return redirect(url_for("flow.step", name=group.name, **_keep_from()))
    else:
        # A new person reads the family's language unless the family says otherwise.
        default = {"language": current_language().code.split("_")[0]}
        form = group.item_form(data=model_fields(existing) if existing else default)
    return _render_step(group, form, **context)


def _keep_from() -> dict[str, str]:
    return {"from": "check"} if request.args.get("from") == "check" else {}


@bp.route(f"/{GROUP_NAMES}/<int:index>/remove", methods=["GET", "POST"])
def group_remove(group_name: str, index: int) -> Any:
    group = GROUPS[group_name]
    plan = device.plan
    items = group.items(plan)
    if index >= len(items):
        return redirect(url_for("flow.step", name=group.name))
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        removed = items.pop(index)
        changes: dict[str, Any] = {group.attribute: items}
        if group.after_remove is not None:
            changes |= group.after_remove(plan, removed)
        device.save(_apply(plan, **changes))
        return redirect(url_for("flow.step", name=group.name))
    return _render_step(
        group,
        form,
        template="flow/remove.html",
        plan=plan,
        group=group,
        index=index,
        item=items[index],
    )


@bp.route(f"/{GROUP_NAMES}/<int:index>/move", methods=["POST"])
def move_item(group_name: str, index: int) -> Response:
    group = GROUPS[group_name]
    if not group.reorderable:
        abort(404)
    plan = device.plan
    items = group.items(plan)
    form = ConfirmForm()
    target = index - 1 if request.form.get("direction") == "up" else index + 1
    if form.validate() and 0 <= index < len(items) and 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        device.save(_apply(plan, **{group.attribute: items}))
    return redirect(url_for("flow.step", name=group.name, **_keep_from()))


# --- check answers, results, plan file -----------------------------------------------------------


def check() -> Any:
    plan = device.plan
    missing = [
        (f"missing-{step.name}", str(message))
        for step in STEPS
        if (message := step.missing(plan)) is not None
    ]
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        form = ConfirmForm()
        if form.validate() and not missing:
            return redirect(url_for("flow.results"))
        errors = form.error_list() + missing
    # Before the family presses the button, what is missing is a to-do list, not an error.
    return _render_step(
        BY_NAME["check"],
        ConfirmForm(),
        errors=errors,
        plan=plan,
        missing=missing,
        sections=check_sections(plan),
    )


@bp.route("/done")
def results() -> Any:
    plan = device.plan
    if not plan.children and not plan.contacts:
        return redirect(url_for("pages.start"))
    options = forms.DocumentOptionsForm(
        formdata=None,
        data={"language": current_language().code, "paper": "letter", "copy": "complete"},
    )
    options.language.choices = forms.options(
        (lang.code, lang.native_name) for lang in SITE_LANGUAGES
    )
    return render_template(
        "flow/results.html", plan=plan, options=options, affidavit=legal_forms.AFFIDAVIT
    )


@bp.route("/plan-file.json")
def download_plan_file() -> Response:
    plan = device.plan
    filename = f"family-plan-{date.today().isoformat()}.json"
    return attachment(dump_plan(plan), "application/json", filename)


@bp.route("/upload", methods=["GET", "POST"])
def upload() -> Any:
    form = forms.UploadForm()
    if request.method == "POST" and form.validate():
        upload_file = form.plan_file.data
        confirmed = form.confirmed_plan.data
        if not confirmed and (not upload_file or not upload_file.filename):
            form.plan_file.errors = [_("Choose your plan file or plan PDF.")]
        else:
            try:
                plan = load_plan(confirmed.encode() if confirmed else upload_file.read())
            except PlanFileError as error:
                form.plan_file.errors = _plan_file_errors(error)
            else:
                if not confirmed and _plan_in_progress():
                    # Ask before replacing what the family has typed on this device.
                    return render_template(
                        "flow/upload_confirm.html", form=form, plan_file=dump_plan(plan).decode()
                    )
                plan = _apply(plan)
                if not plan_state.fits(plan):
                    form.plan_file.errors = [str(PLAN_FILE_ERRORS["invalid"])]
                    return render_template("flow/upload.html", form=form, errors=form.error_list())
                device.save(plan)
                flash(
                    _(
                        "Your plan was loaded. Check your answers and change anything that is "
                        "out of date."
                    )
                )
                return redirect(url_for("flow.step", name="check"))
    return render_template("flow/upload.html", form=form, errors=form.error_list())
