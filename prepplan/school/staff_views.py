"""The school office's side of the inbox (blueprint ``staff``): log in, list, open, mark as
entered, export selected updates as CSV, print one as the paper form.

A staff member sees only the updates of their own schools; any other reference is "not found".
Every view, export and change is written to the audit trail (who, what, which reference, when),
never with the update's contents.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from prepplan.forms import ConfirmForm
from prepplan.school import accounts, database, exports, labels, models, store
from prepplan.school.encryption import RecordUnreadable
from prepplan.school.forms import ExportForm, LoginForm
from prepplan.school.record import SchoolUpdate
from prepplan.security import attachment, csrf

bp = Blueprint("staff", __name__, url_prefix="/<lang:lang>/staff")


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"labels": labels, "district": current_app.extensions["prepplan_district"]}


P = ParamSpec("P")
R = TypeVar("R")


def staff_required(view: Callable[P, R]) -> Callable[P, R | BaseResponse]:
    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | BaseResponse:
        with database.session() as db:
            staff = accounts.signed_in_staff(db)
        if staff is None:
            return redirect(url_for("staff.login"))
        g.staff = staff
        return view(*args, **kwargs)

    return wrapped


@bp.route("/login", methods=["GET", "POST"])
def login() -> BaseResponse | tuple[str, int]:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            account = accounts.check_login(form.email.data, form.password.data)
            if account is not None:
                with database.session() as db:
                    store.audit(db, account.email, "login")
                    accounts.start_session(db, account)
        except accounts.LoginLimited:
            form.email.errors = [_("Too many attempts. Wait 15 minutes, then try again.")]
            status = 429
        else:
            if account is not None:
                return redirect(url_for("staff.updates"))
            form.email.errors = [_("The e-mail address or password is not right.")]
            status = 401
    errors = form.error_list()
    return render_template("school/staff/login.html", form=form, errors=errors), status


@bp.route("/logout", methods=["POST"])
@csrf.exempt  # type: ignore[untyped-decorator]  # Flask-WTF ships no types
def logout() -> BaseResponse:
    # Signing out needs no CSRF token: the worst a forged sign-out does is sign someone out,
    # while refusing a stale token would leave a shared office computer signed in.
    with database.session() as db:
        staff = accounts.signed_in_staff(db)
        if staff is not None:
            store.audit(db, staff.email, "logout")
        accounts.end_session(db)
    return redirect(url_for("staff.login"))


def _show(value: str | None) -> str:
    return value if value in ("new", "entered", "all") else "new"


@bp.route("/")
@staff_required
def updates() -> str:
    # Retention runs here too, not only from cron: a small district may never set up `purge`.
    store.purge_entered(current_app.config["RETENTION_DAYS"])
    show = _show(request.args.get("show"))
    rows: list[tuple[models.StoredUpdate, SchoolUpdate | None]] = []
    with database.session() as db:
        stored = store.updates_for_schools(
            db, list(g.staff.school_ids), None if show == "all" else show
        )
        store.audit(db, g.staff.email, "list")
        for row in stored:
            try:
                rows.append((row, store.open_update(row)))
            except RecordUnreadable:
                rows.append((row, None))
                continue
            # Which records this list showed in clear, one by one.
            store.audit(db, g.staff.email, "list-opened", row.reference, row.school_id)
    return render_template(
        "school/staff/list.html",
        rows=rows,
        show=show,
        export_form=ExportForm(),
        action_form=ConfirmForm(),
    )


def _own_update(db: Session, reference: str) -> models.StoredUpdate:
    row = store.update_for_schools(db, reference, list(g.staff.school_ids))
    if row is None:
        _audit_not_found(reference)
        abort(404)
    return row


def _opened_own_update(
    db: Session, reference: str, action: str
) -> tuple[models.StoredUpdate, SchoolUpdate | None]:
    """One of the signed-in staff's updates and its record (None if the keys cannot open it),
    the opening written to the audit trail."""
    row = _own_update(db, reference)
    try:
        record = store.open_update(row)
    except RecordUnreadable:
        record = None
    store.audit(db, g.staff.email, action, row.reference, row.school_id)
    return row, record


def _audit_not_found(reference: str) -> None:
    """Another school's reference, or a guessed one: kept in the trail (in its own
    transaction, as the 404 rolls back the caller's)."""
    with database.session() as db:
        store.audit(db, g.staff.email, "not-found", reference[:16])


@bp.route("/updates/<reference>")
@staff_required
def update(reference: str) -> str:
    with database.session() as db:
        row, record = _opened_own_update(db, reference, "view")
    return render_template(
        "school/staff/update.html", row=row, record=record, action_form=ConfirmForm()
    )


@bp.route("/updates/<reference>/entered", methods=["POST"])
@staff_required
def mark_entered(reference: str) -> BaseResponse:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with database.session() as db:
        row = _own_update(db, reference)
        store.mark_entered(row, g.staff.id)
        store.audit(db, g.staff.email, "entered", row.reference, row.school_id)
    return redirect(url_for("staff.update", reference=reference))


@bp.route("/updates/<reference>/form.pdf")
@staff_required
def form_pdf(reference: str) -> Response:
    from prepplan.school.printable import render_school_form

    with database.session() as db:
        row, record = _opened_own_update(db, reference, "export-form")
        if record is None:
            abort(410)  # the audit entry goes too: nothing was exported
    return attachment(
        render_school_form([record]),
        "application/pdf",
        f"school-contact-update-{row.reference}.pdf",
    )


@bp.route("/export", methods=["POST"])
@staff_required
def export() -> BaseResponse:
    form = ExportForm()
    references = request.form.getlist("reference")[:500]
    if not form.validate_on_submit() or not references:
        return redirect(
            url_for("staff.updates", show=_show(request.args.get("show")), nothing_selected=1)
        )
    make_csv, filename = exports.CSV_EXPORTS[form.format.data]
    records = []
    with database.session() as db:
        for reference in references:
            row = store.update_for_schools(db, reference, list(g.staff.school_ids))
            if row is None:
                store.audit(db, g.staff.email, "not-found", reference[:16])
                continue
            try:
                records.append(store.open_update(row))
            except RecordUnreadable:
                continue
            store.audit(
                db, g.staff.email, f"export-{form.format.data}", row.reference, row.school_id
            )
    if not records:
        abort(404)
    return attachment(make_csv(records), "text/csv; charset=utf-8", filename)
