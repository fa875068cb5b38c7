"""The family's side of the school update (blueprint ``school``).

1. ``school.review``: per child, names to remove from the school's list and a note; who sends it.
2. ``school.preview``: exactly what each school will receive, rendered from the SchoolUpdate
   records themselves in the family's language, and the agreement box.
3. ``school.download`` (printable form, Ed-Fi CSV, PowerSchool CSV) and, when the district runs
   a school inbox, ``school.send``. Both rebuild the records and refuse them unless they match
   what the family was shown and the family agreed.
``school.contacts_vcf`` gives the contacts as vCards for the family's own phone.

Nothing the family chooses here is stored before they send: it travels in hidden fields.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from prepplan.i18n import current_language
from prepplan.plan.model import Plan
from prepplan.plan_state import device
from prepplan.school import exports, labels
from prepplan.school.district import District
from prepplan.school.forms import SchoolUpdateForm, school_update_form
from prepplan.school.labels import contact_note_for_phone
from prepplan.school.record import SchoolUpdate, school_contacts, school_updates_from_plan
from prepplan.security import attachment, wants_print

bp = Blueprint("school", __name__, url_prefix="/<lang:lang>/school")

# A child whose school is not in the district's inbox: the family gives the paper form instead.
ON_PAPER = "paper"


@bp.context_processor
def _labels() -> dict:
    return {"labels": labels}


def district() -> District | None:
    return current_app.extensions.get("prepplan_district")


def _default_submitter(plan: Plan) -> str:
    return plan.guardians[0].full_name if plan.guardians else ""


def _form(plan: Plan, formdata: Any = None) -> SchoolUpdateForm:
    form = school_update_form(len(plan.children), formdata=formdata)
    if formdata is None:
        form.submitted_by.data = _default_submitter(plan)
    # A page with the school boxes (the preview) says which school, even "none chosen";
    # before it, each child's school is guessed from the plan.
    schools_were_shown = formdata is not None and any(
        key.startswith("schools-") for key in formdata
    )
    for entry in form.children:
        for number, removal in enumerate(entry.form.removals, start=1):
            # Translators: a numbered box for a person to remove from the school's contact list.
            removal.label.text = _("Name %(number)d", number=number)
    for index, field in enumerate(form.schools):
        field.label.text = _("School for %(name)s", name=_child_name(plan, index))
    schools = district()
    if schools is not None:
        choices = [("", _("Choose the school"))] + [(s.id, s.name) for s in schools.schools]
        # Translators: a choice in the list of schools, for a child whose school is not on it.
        choices.append((ON_PAPER, _("Not on this list: I will give the paper form")))
        for index, field in enumerate(form.schools):
            field.choices = choices
            if field.data is None and not schools_were_shown:
                match = schools.best_match(plan.children[index].school)
                field.data = match.id if match else ""
    return form


def _child_name(plan: Plan, index: int) -> str:
    return plan.children[index].full_name or _("Child %(number)d", number=index + 1)


def _updates(plan: Plan, form: SchoolUpdateForm) -> list[SchoolUpdate]:
    return school_updates_from_plan(
        plan,
        removals=form.removals(),
        notes=form.notes(),
        submitted_by=form.submitted_by.data or "",
        family_language=current_language().code,
    )


def _digest(updates: list[SchoolUpdate]) -> str:
    """A fingerprint of everything shown on the preview, for all children at once."""
    joined = ",".join(update.content_digest() for update in updates)
    return hashlib.sha256(joined.encode()).hexdigest()


def _no_plan() -> str:
    return render_template("school/no_plan.html", title=_("Update your school's contacts"))


def _render_review(plan: Plan, form: SchoolUpdateForm, errors=None) -> str:
    return render_template("school/review.html", plan=plan, form=form, errors=errors or [])


def _render_preview(
    plan: Plan,
    form: SchoolUpdateForm,
    updates: list[SchoolUpdate],
    *,
    errors=None,
    notice: str = "",
    inbox_error: bool = False,
    sent_before=(),
    status: int = 200,
) -> tuple[str, int]:
    page = render_template(
        "school/preview.html",
        plan=plan,
        form=form,
        updates=updates,
        shared_contacts=_shared_contacts(updates),
        district=district(),
        errors=errors or [],
        notice=notice,
        inbox_error=inbox_error,
        sent_before=sent_before,
        retention_days=current_app.config["RETENTION_DAYS"],
    )
    return page, status


def _shared_contacts(updates: list[SchoolUpdate]):
    """The contacts, shown once when every child's school gets the same list (always, today)."""
    if updates and all(u.contacts == updates[0].contacts for u in updates):
        return updates[0].contacts
    return None


@bp.route("/", methods=["GET", "POST"])
def review() -> Any:
    """Step 1. A POST here comes from the preview's "Change" button: the family's choices come
    back filled in, without error messages."""
    plan = device.plan
    if not plan.children:
        return _no_plan()
    form = _form(plan, request.form if request.method == "POST" else None)
    return _render_review(plan, form)


@bp.route("/preview", methods=["POST"])
def preview() -> Any:
    plan = device.plan
    if not plan.children:
        return _no_plan()
    form = _form(plan, request.form)
    if not form.validate():
        return _render_review(plan, form, form.error_list())
    updates = _updates(plan, form)
    form.submission_id.data = secrets.token_hex(16)
    form.shown_digest.data = _digest(updates)
    form.agree.data = False
    return _render_preview(plan, form, updates)


def _checked(plan: Plan, form: SchoolUpdateForm) -> tuple[list[SchoolUpdate] | None, Any]:
    """The records to release, or the page to show instead (errors, or a changed plan)."""
    if not form.validate() or not form.has_preview_ids():
        # Errors, or a page without a preview's ids (old or altered): back to step 1.
        return None, _render_review(plan, form, form.error_list())
    updates = _updates(plan, form)
    if _digest(updates) != form.shown_digest.data:
        # The plan changed in another tab since the family checked it: show the new version.
        form.shown_digest.data = _digest(updates)
        form.submission_id.data = secrets.token_hex(16)
        form.agree.data = False
        return None, _render_preview(
            plan,
            form,
            updates,
            notice=_("Your plan changed since you checked it. Check what will be shared again."),
        )
    if not form.check_agreement():
        return None, _render_preview(plan, form, updates, errors=form.error_list(), status=400)
    return updates, None


def _agreed_updates() -> tuple[Plan, SchoolUpdateForm | None, list[SchoolUpdate] | None, Any]:
    """The plan, the family's answers and the records they agreed to release; or, in place of
    the records, the page to show instead."""
    plan = device.plan
    if not plan.children:
        return plan, None, None, _no_plan()
    form = _form(plan, request.form)
    updates, page = _checked(plan, form)
    return plan, form, updates, page


@bp.route("/download/<any(form,edfi,powerschool):output>", methods=["POST"])
def download(output: str) -> Any:
    _plan, _form_answers, updates, page = _agreed_updates()
    if updates is None:
        return page
    if output == "form":
        from prepplan.school.printable import render_school_form

        return attachment(
            render_school_form(updates),
            "application/pdf",
            "school-contact-update.pdf",
            inline=wants_print(),
        )
    make_csv, filename = exports.CSV_EXPORTS[output]
    return attachment(make_csv(updates), "text/csv; charset=utf-8", filename)


@bp.route("/send", methods=["POST"])
def send() -> Any:
    schools = district()
    if schools is None:
        return redirect(url_for("school.review"))
    plan, form, updates, page = _agreed_updates()
    if updates is None:
        return page
    # Every child is accounted for before anything leaves: sent to a school on the list, or
    # explicitly left for the paper form. A child is never skipped without the family saying so.
    for index, field in enumerate(form.schools):
        if field.data != ON_PAPER and schools.school(field.data or "") is None:
            field.errors = [
                _(
                    "Choose the school for %(name)s, or choose to give the paper form.",
                    name=_child_name(plan, index),
                )
            ]
    if not form.error_list() and all(field.data == ON_PAPER for field in form.schools):
        form.schools[0].errors = [_("Choose the school for at least one child.")]
    if form.error_list():
        return _render_preview(plan, form, updates, errors=form.error_list(), status=400)

    from prepplan.school import store

    receipts = []
    try:
        for index, field in enumerate(form.schools):
            if field.data == ON_PAPER:
                continue
            # The same key on a retry: a child already sent is not sent twice.
            receipt = store.store_update(
                updates[index],
                school_id=field.data,
                idempotency_key=f"{form.submission_id.data}:{index}",
            )
            receipts.append((updates[index], schools.school(receipt.school_id), receipt))
    except SQLAlchemyError as error:
        # The type only: a database error's message can quote the values it was given.
        current_app.logger.warning("school inbox unreachable (%s)", type(error).__name__)
        return _render_preview(
            plan, form, updates, inbox_error=True, sent_before=receipts, status=503
        )
    on_paper = [
        updates[index] for index, field in enumerate(form.schools) if field.data == ON_PAPER
    ]
    return render_template(
        "school/sent.html",
        receipts=receipts,
        on_paper=on_paper,
        form=form,
        title=_("Sent to the school"),
    )


@bp.route("/contacts.vcf")
def contacts_vcf() -> Any:
    """The plan's contacts as vCards, for the family's own phone (nothing goes to a school)."""
    plan = device.plan
    contacts = school_contacts(plan)
    if not contacts:
        return redirect(url_for("school.review"))
    data = exports.vcards(contacts, contact_note_for_phone)
    return attachment(data, "text/vcard; charset=utf-8", "family-contacts.vcf")
