"""Helper mode and the helpers' event kit: a family liaison at a school night, a clinic or a
church hall, one laptop, family after family.

A helper turns helper mode on for one browser from the helpers' page (no account; an event PIN
when the deployment sets PREPPLAN_EVENT_PIN). The browser then carries a marker cookie, never a
plan. While it is on:

- every page shows the family's language first with the English beneath it, smaller, so the
  helper can follow. The switch sits at the gettext level of the templates: the template ``_``,
  ``gettext`` and ``ngettext`` and lazy labels (WTForms) return the translation with the English
  appended between two private-use characters, and one pass over the finished HTML turns those
  into ``<span class="helper-en">`` (or drops the English where markup cannot go: attributes,
  ``<title>``, ``<option>``). Templates stay as they are; documents (PDF, CSV, vCard) are made
  with Python's gettext and are never touched. The pairing and its markup follow the site's one
  bilingual policy (prepplan/bilingual.py: ``pair_in_text``, ``finish_pairs_in_html``).
- "Finish and clear for the next family" is on every page: it deletes every cookie but the
  marker, asks the browser to drop cache and storage (Clear-Site-Data), and replaces the page
  with the language chooser. Each clear starts a new "family epoch" kept in the marker; a page
  from an earlier epoch that the browser shows again (back button, back-forward cache) hides
  itself and goes to the chooser (static/helper.js). Forms get autocomplete="off", so the browser
  neither restores nor suggests what the last family typed.
- the idle limit is PREPPLAN_HELPER_IDLE_MINUTES (default 5), with the usual warning.
"""

from __future__ import annotations

import dataclasses
import hmac
import re
import secrets

from flask import (
    Blueprint,
    Flask,
    Response,
    before_render_template,
    current_app,
    g,
    redirect,
    render_template,
    request,
    template_rendered,
    url_for,
)
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from wtforms import FieldList, FormField
from wtforms.form import BaseForm

from prepplan.bilingual import finish_pairs_in_html, pair_in_text
from prepplan.documents.plan_pdf import Paper
from prepplan.i18n import BY_SLUG
from prepplan.plan_state import device
from prepplan.security import attachment

bp = Blueprint("helpers", __name__)

MARKER_COOKIE = "pp_helper"
_FORM_TAG = re.compile(r"<form\b(?![^>]*\bautocomplete=)")


# --- Is helper mode on? -----------------------------------------------------------------------


def helper_epoch() -> str | None:
    """The current family epoch when helper mode is on in this browser, else None."""
    value = request.cookies.get(MARKER_COOKIE, "")
    return value if re.fullmatch(r"[A-Za-z0-9_-]{8,64}", value) else None


def is_on() -> bool:
    return bool(g.get("helper_epoch"))


def _set_marker(response: Response, epoch: str) -> None:
    # Readable by static/helper.js (it compares epochs); it holds no family data.
    response.set_cookie(
        MARKER_COOKIE,
        epoch,
        path="/",
        samesite="Lax",
        httponly=False,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


# --- Both languages in the templates ----------------------------------------------------------

# Templates that are documents (PDF), not pages: they never get the helper's English.
DOCUMENT_TEMPLATES = ("documents/", "school/form_pdf")


def _page_render_starts(sender: Flask, template, context: dict, **extra) -> None:
    g.helper_bilingual = is_on() and not (template.name or "").startswith(DOCUMENT_TEMPLATES)
    if g.helper_bilingual:
        for value in context.values():
            if isinstance(value, BaseForm):
                _pair_form_labels(value)


def _page_render_ends(sender: Flask, template, context: dict, **extra) -> None:
    g.helper_bilingual = False


def _pair(translated: str, english: str) -> str:
    """Only while a page (not a document) renders in helper mode; documents made with
    get_template().render() fire no signal and so never get here with the flag set."""
    if not g.get("helper_bilingual") or str(get_locale()) == "en":
        return translated
    return pair_in_text(translated, english)


def _gettext(message: str) -> str:
    return _pair(get_translations().ugettext(message), message)


def _ngettext(singular: str, plural: str, number: int) -> str:
    english = singular if number == 1 else plural
    return _pair(get_translations().ungettext(singular, plural, number), english)


def _paired_lazy(value: object) -> object:
    """A lazy translated label with its English, or the value as it was."""
    if isinstance(value, LazyString) and value._args:
        english = value._args[0] % value._kwargs if value._kwargs else value._args[0]
        return _pair(str(value), english)
    return value


def _finalize(value: object) -> object:
    """Lazy strings a template prints (hints, legends) get their English too."""
    return _paired_lazy(value) if g.get("helper_bilingual") else value


def _pair_form_labels(form: BaseForm) -> None:
    """WTForms renders labels and radio options itself, past the template's reach: give this
    request's form instance labels that carry their English."""
    for field in form:
        field.label.text = _paired_lazy(field.label.text)
        if isinstance(getattr(field, "description", None), LazyString):
            field.description = _paired_lazy(field.description)
        choices = getattr(field, "choices", None)
        if isinstance(choices, list | tuple):
            field.choices = [
                dataclasses.replace(choice, label=_paired_lazy(choice.label))
                if dataclasses.is_dataclass(choice)
                else choice
                for choice in choices
            ]
        if isinstance(field, FormField):
            _pair_form_labels(field.form)
        elif isinstance(field, FieldList):
            for entry in field:
                if isinstance(entry, FormField):
                    _pair_form_labels(entry.form)


def finish_bilingual_html(html: str) -> str:
    """Turn the marked English into markup where markup can go, and drop it where it cannot."""
    html = finish_pairs_in_html(html, english_class="helper-en")
    # The last family's answers are neither restored by Back nor suggested to the next one.
    return _FORM_TAG.sub('<form autocomplete="off"', html)


# --- Requests and responses -------------------------------------------------------------------


def _before_request() -> None:
    g.helper_epoch = helper_epoch()
    if g.helper_epoch:
        # plan_state.py reads this: an unattended screen forgets sooner.
        g.idle_minutes = current_app.config["HELPER_IDLE_MINUTES"]


def _clear_for_next_family(response: Response) -> Response:
    """Every cookie but the marker goes; the marker gets a new epoch."""
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    for name in request.cookies:
        if name != MARKER_COOKIE:
            response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="Lax")
    _set_marker(response, secrets.token_urlsafe(12))
    # Not "cookies": that would also drop the marker and end helper mode.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _after_request(response: Response) -> Response:
    if not is_on() or request.endpoint == "static":
        return response
    if "cookies" in response.headers.get("Clear-Site-Data", ""):
        # The family pressed "Delete everything now" or Finish: clear as for the next family.
        _clear_for_next_family(response)
    if response.mimetype == "text/html" and not response.direct_passthrough:
        response.set_data(finish_bilingual_html(response.get_data(as_text=True)))
    return response


def _template_context() -> dict:
    on = is_on()
    return {
        "helper_mode": on,
        "helper_epoch": g.get("helper_epoch") or "",
        "idle_minutes": current_app.config["HELPER_IDLE_MINUTES"]
        if on
        else current_app.config["IDLE_MINUTES"],
    }


# --- Pages ------------------------------------------------------------------------------------

PRINTABLES = (
    "blank-plan",
    "blank-plan-fillable",
    "school-form",
    "school-form-fillable",
    "flyer",
    "table-tent",
)


def _base_url() -> str:
    return current_app.config["BASE_URL"] or request.url_root


@bp.route("/<lang:lang>/helpers")
def kit_page() -> str:
    return render_template(
        "helpers/kit.html",
        printables=PRINTABLES,
        needs_pin=bool(current_app.config["EVENT_PIN"]),
        base_url=_base_url(),
        wrong_pin=request.args.get("pin") == "wrong",
    )


@bp.route("/<lang:lang>/helpers/on", methods=["POST"])
def turn_on() -> Response:
    pin = current_app.config["EVENT_PIN"]
    if pin and not hmac.compare_digest(request.form.get("pin", "").strip().encode(), pin.encode()):
        return redirect(url_for("helpers.kit_page", pin="wrong"), code=303)
    device.forget()
    response = redirect(url_for("pages.choose_first_language"), code=303)
    return _clear_for_next_family(response)


@bp.route("/<lang:lang>/helpers/off", methods=["POST"])
def turn_off() -> Response:
    device.forget()
    response = redirect(url_for("helpers.kit_page"), code=303)
    response.delete_cookie(
        MARKER_COOKIE, path="/", secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax"
    )
    g.helper_epoch = None
    return response


@bp.route("/<lang:lang>/helpers/next-family", methods=["POST"])
def next_family() -> Response:
    device.forget()
    return _clear_for_next_family(redirect(url_for("helpers.ready"), code=303))


@bp.route("/<lang:lang>/helpers/idle")
def idle() -> Response:
    """Where an unattended page goes (static/prepplan.js): cleared as for the next family."""
    device.forget()
    if not is_on():
        return redirect(url_for("pages.cleared", reason="idle"))
    return _clear_for_next_family(redirect(url_for("helpers.ready"), code=303))


@bp.route("/<lang:lang>/helpers/ready")
def ready() -> str:
    """Cleared: static/helper.js replaces this page (and its history entry) with the chooser."""
    return render_template("helpers/ready.html")


@bp.route(
    "/<lang:lang>/helpers/<any(" + ", ".join(f'"{name}"' for name in PRINTABLES) + "):item>.pdf"
)
def printable(item: str) -> Response:
    from prepplan.documents.kit import BY_NAME, kit_filename

    language = BY_SLUG[request.path.split("/")[1]]
    paper: Paper = "a4" if request.args.get("paper") == "a4" else "letter"
    pdf = BY_NAME[item].render(language.code, paper, _base_url())
    return attachment(pdf, "application/pdf", kit_filename(item, language.code, paper))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(_before_request)
    app.after_request(_after_request)
    app.context_processor(_template_context)
    # Replace Flask-Babel's template callables with ones that know about helper mode.
    app.jinja_env.install_gettext_callables(_gettext, _ngettext, newstyle=True)
    app.jinja_env.finalize = _finalize
    before_render_template.connect(_page_render_starts, app)
    template_rendered.connect(_page_render_ends, app)
