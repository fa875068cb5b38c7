"""Pages outside the plan's steps: choosing a language, the start page, privacy, deleting."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from prepplan.i18n import (
    BY_SLUG,
    SITE_LANGUAGES,
    current_language,
    negotiated_language,
    same_page_in,
)
from prepplan.i18n import lazy_gettext as _l
from prepplan.plan_state import CLEARED_REASONS, device

bp = Blueprint("pages", __name__)


@bp.route("/")
def choose_first_language() -> str:
    """The first screen: every language in its own name and script, the browser's first."""
    suggested = negotiated_language()
    ordered = [suggested] + [lang for lang in SITE_LANGUAGES if lang != suggested]
    return render_template(
        "pages/languages.html",
        choices=[(lang, url_for("pages.start", lang=lang.slug)) for lang in ordered],
    )


@bp.route("/languages")
def choose_language() -> str:
    back = request.args.get("next", "")
    # The chooser speaks the language of the page the family came from, not English.
    came_from = back.lstrip("/").split("/", 1)[0] if back.startswith("/") else ""
    if came_from in BY_SLUG and not back.startswith("//"):
        g.language = BY_SLUG[came_from]
    current = current_language()
    return render_template(
        "pages/languages.html",
        current=current,
        choices=[(lang, same_page_in(back, lang)) for lang in SITE_LANGUAGES],
    )


@bp.route("/<lang:lang>/")
def start() -> str:
    return render_template(
        "pages/start.html", has_plan=device.has_plan, expired=device.plan_expired
    )


@bp.route("/<lang:lang>/privacy")
def privacy() -> str:
    return render_template("pages/privacy.html")


@bp.route("/<lang:lang>/delete", methods=["POST"])
def delete_everything() -> BaseResponse:
    return _clear("deleted")


def _clear(reason: str) -> BaseResponse:
    device.forget()
    response = redirect(url_for("pages.cleared", reason=reason))
    # Ask the browser to drop everything of ours: cookies, storage, cached pages.
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.route("/<lang:lang>/finish", methods=["POST"])
def finish() -> BaseResponse:
    return _clear("finished")


@bp.route("/<lang:lang>/cleared")
def cleared() -> str | BaseResponse:
    reason = request.args.get("reason", "deleted")
    if reason == "idle" and device.has_plan:
        # The page's timer ran out, but the plan's own timestamp says it is still in use (in
        # another tab, say): a link to this page must not wipe it. A plan that really is idle
        # was already refused and its cookies deleted (plan_state.py).
        return redirect(url_for("pages.start"))
    return render_template(
        "pages/cleared.html", message=CLEARED_REASONS.get(reason, CLEARED_REASONS["deleted"])
    )


ERROR_MESSAGES = {
    400: _l("Something in that request was not right. Go back and try again."),
    404: _l("We cannot find that page. Check the address, or start from the first page."),
    405: _l("We cannot find that page. Check the address, or start from the first page."),
    413: _l(
        "That file is too large. A plan file or plan PDF from this site is much smaller: "
        "choose that file."
    ),
    500: _l(
        "Something went wrong on our side. Your answers are still on this device: go back "
        "and try again."
    ),
}


def render_error(error: HTTPException) -> tuple[str, int]:
    """Error pages in the family's language, naming nothing they typed."""
    code = getattr(error, "code", 500) or 500
    message = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500])
    return render_template("pages/error.html", message=message, code=code), code


def init_error_pages(app: Flask) -> None:
    for code in ERROR_MESSAGES:
        app.register_error_handler(code, render_error)


@bp.route("/plan-file.schema.json")
def plan_file_schema() -> Response:
    """The published JSON Schema of the plan file (also ``prepplan schema``)."""
    from flask import jsonify

    from prepplan.plan.planfile import plan_json_schema

    return jsonify(plan_json_schema())
