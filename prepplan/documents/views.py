"""Downloading the plan PDF. Made on request from the plan held in the family's browser; the
server keeps neither the plan nor the PDF."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, request, url_for
from flask.typing import ResponseReturnValue

from prepplan.documents.plan_pdf import Copy, Paper, render_plan_pdf
from prepplan.i18n import BY_CODE, BY_SLUG, current_language
from prepplan.plan_state import device
from prepplan.school.district import configured_district
from prepplan.security import attachment, wants_print

bp = Blueprint("documents", __name__)


def _document_language_code() -> str:
    """The PDF's language: the ``language`` argument (code or slug), else the page's."""
    asked = request.args.get("language", "")
    language = BY_CODE.get(asked) or BY_SLUG.get(asked) or current_language()
    return language.code


@bp.route("/<lang:lang>/plan/plan.pdf")
def plan_pdf() -> ResponseReturnValue:
    plan = device.plan
    if not plan.children and not plan.contacts:
        return redirect(url_for("pages.start"))
    paper: Paper = "a4" if request.args.get("paper") == "a4" else "letter"
    # "1" from a link, "y" from the results page's checkbox.
    bilingual = request.args.get("bilingual", "").lower() in ("1", "y", "yes", "on", "true")
    # A print button (helper mode) names its copy: print=complete or print=to_give.
    asked_copy = request.args.get("print") or request.args.get("copy")
    copy: Copy = "to_give" if asked_copy == "to_give" else "complete"
    pdf = render_plan_pdf(
        plan,
        language=_document_language_code(),
        bilingual=bilingual,
        paper=paper,
        copy=copy,
        district=configured_district(),
    )
    # An ASCII name with only a date in it: nothing personal in a download list.
    kind = "-to-give" if copy == "to_give" else ""
    filename = f"family-plan{kind}-{(plan.made_on or date.today()).isoformat()}.pdf"
    return attachment(pdf, "application/pdf", filename, inline=wants_print())
