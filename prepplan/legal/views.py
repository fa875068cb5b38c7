"""The caregiver papers page, its PDFs and the reminder file. Everything is made on request from
the plan held in the family's browser; the server keeps none of it."""

from __future__ import annotations

from datetime import date

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

from prepplan import plan_state
from prepplan.flow.steps import position
from prepplan.i18n import current_language
from prepplan.legal import massachusetts as ma
from prepplan.legal.documents import render_legal_pdf
from prepplan.legal.forms import CaregiverPapersForm
from prepplan.legal.massachusetts import paper_dates
from prepplan.legal.notaries import configured_notaries
from prepplan.legal.reminders import reminder_calendar
from prepplan.plan.model import LegalPapers, Plan
from prepplan.plan_state import device
from prepplan.security import attachment, wants_print

bp = Blueprint("legal", __name__)


def form_data(plan: Plan) -> dict:
    legal = plan.legal.model_dump()
    if not legal["caregiver_ids"] and plan.caregiver.primary_contact_id:
        legal["caregiver_ids"] = [plan.caregiver.primary_contact_id]
    if legal["lives_with_children_now"] is None and plan.primary_caregiver:
        # The contacts step already asked whether this person lives with the children.
        legal["lives_with_children_now"] = plan.primary_caregiver.lives_with_children
    if legal["lives_with_children_now"] is not None:
        legal["lives_with_children_now"] = "yes" if legal["lives_with_children_now"] else "no"
    return legal


def _legal_papers(form: CaregiverPapersForm) -> LegalPapers:
    lives_now = form.lives_with_children_now.data == "yes"
    recommendation = ma.recommend(lives_now)
    chosen = list(form.forms.data or []) or list(recommendation.forms if recommendation else ())
    return LegalPapers(
        caregiver_ids=form.caregiver_ids.data,
        lives_with_children_now=lives_now,
        authority=form.authority.data,
        limits=(form.limits.data or "").strip(),
        other_parent=form.other_parent.data or "",
        forms=[code for code in ma.FORMS if code in chosen],
        # A paper with no start date starts the day it is made.
        affidavit_starts=form.affidavit_starts.data
        or (date.today() if ma.AFFIDAVIT in chosen else None),
        agent_starts=form.agent_starts.data
        or (date.today() if ma.TEMPORARY_AGENT in chosen else None),
    )


@bp.route("/<lang:lang>/plan/caregiver-papers", methods=["GET", "POST"])
def caregiver_papers() -> Response | str:
    plan = device.plan
    if request.method == "POST":
        form = CaregiverPapersForm(contacts=plan.contacts)
        if form.validate():
            plan = plan.model_copy(update={"legal": _legal_papers(form)})
            plan = Plan.model_validate(plan.model_dump())
            if plan_state.fits(plan):
                device.save(plan)
                return redirect(url_for("legal.caregiver_papers", _anchor="papers"))
            # The same words as the flow's: the plan lives in cookies, which have a limit.
            flash(
                _("Your plan is too long to keep on this device. Shorten some of the longer notes.")
            )
    else:
        form = CaregiverPapersForm(data=form_data(plan), contacts=plan.contacts)
    return render_template(
        "legal/caregiver_papers.html",
        form=form,
        form_errors=form.error_list(),
        errors=form.error_list(),
        plan=plan,
        recommendation=ma.recommend(plan.legal.lives_with_children_now),
        papers=paper_dates(plan.legal),
        free_legal_help=ma.FREE_LEGAL_HELP,
        forms=ma.FORMS,
        **position("caregiver-papers"),
    )


@bp.route("/<lang:lang>/plan/caregiver-papers/<form>.pdf")
def paper_pdf(form: str) -> Response:
    if form not in ma.FORMS:
        abort(404)
    blank = request.args.get("blank") == "1"
    plan = Plan() if blank else device.plan
    if not blank and form not in plan.legal.forms:
        return redirect(url_for("legal.caregiver_papers"))
    pdf = render_legal_pdf(
        plan, form, language=current_language().code, blank=blank, notaries=configured_notaries()
    )
    # An ASCII name with nothing personal in it.
    filename = f"{form}{'-blank' if blank else ''}.pdf"
    return attachment(pdf, "application/pdf", filename, inline=wants_print())


@bp.route("/<lang:lang>/plan/reminders.ics")
def reminders() -> Response:
    plan = device.plan
    ics = reminder_calendar(plan, language=current_language().code)
    return attachment(ics, "text/calendar", "family-plan-reminders.ics")
