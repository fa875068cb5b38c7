"""Everything about languages: which ones the site speaks, how one is chosen, and locale formats.
Text direction is in direction.py, text in two languages in bilingual.py, phone numbers in
phones.py.

The language of a page comes from its URL (``/es/...``), so a liaison can share a link or QR code
per language; ``/`` falls back to the browser's Accept-Language. The language of a document comes
from the caller (the plan's language or the reader's choice), never from the request.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from babel import Locale, negotiate_locale
from flask import Flask, current_app, g, request, url_for
from flask_babel import Babel, force_locale, get_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter

from prepplan import locale_formats
from prepplan.locale_formats import TRANSLATIONS_DIR


@dataclass(frozen=True)
class SiteLanguage:
    code: str  # Babel locale id, also the catalog folder name
    slug: str  # what the URL carries
    native_name: str  # in its own language and script
    english_name: str

    @property
    def direction(self) -> str:
        return Locale.parse(self.code).character_order == "right-to-left" and "rtl" or "ltr"

    @property
    def html_lang(self) -> str:
        return self.slug


# The one list of site languages. Adding a language: one catalog plus one line here
# (see CONTRIBUTING.md). Order is the order of the language chooser.
SITE_LANGUAGES: tuple[SiteLanguage, ...] = (
    SiteLanguage("en", "en", "English", "English"),
    SiteLanguage("es", "es", "Español", "Spanish"),
    SiteLanguage("pt_BR", "pt-BR", "Português (Brasil)", "Portuguese (Brazil)"),
    SiteLanguage("ht", "ht", "Kreyòl ayisyen", "Haitian Creole"),
    SiteLanguage("vi", "vi", "Tiếng Việt", "Vietnamese"),
    SiteLanguage("zh_Hans", "zh-Hans", "简体中文", "Chinese (Simplified)"),
    SiteLanguage("ar", "ar", "العربية", "Arabic"),
    SiteLanguage("kea", "kea", "Kabuverdianu", "Cape Verdean Creole"),
)
BY_CODE = {language.code: language for language in SITE_LANGUAGES}
BY_SLUG = {language.slug: language for language in SITE_LANGUAGES}
DEFAULT = BY_CODE["en"]


class LazyText(LazyString):
    """A message translated when used. flask_babel's LazyString says it *is* HTML (``__html__``
    returns it unescaped), so a name put into it (``%(name)s``) would reach the page as markup.
    Here only the translation counts as ours: it is escaped (translations hold no HTML, a test
    says so) and every variable is escaped by Markup's ``%``, unless it is markup already."""

    def __html__(self) -> Markup:
        message, variables = self._args[0], self._kwargs
        template = escape(_(message))
        return template % variables if variables else template


def lazy_gettext(message: str, **variables: object) -> LazyString:
    """The site's ``_l``: flask_babel's lazy_gettext, safe in HTML whatever the variables hold
    (ruff bans flask_babel's own, see pyproject.toml)."""
    return LazyText(_, message, **variables)


def site_language(code_or_slug: str | None) -> SiteLanguage:
    if code_or_slug in BY_CODE:
        return BY_CODE[code_or_slug]
    return BY_SLUG.get(code_or_slug or "", DEFAULT)


class LanguageConverter(BaseConverter):
    """``<lang:lang>`` in a route: only the site's language slugs match."""

    regex = "(?:" + "|".join(s.slug for s in SITE_LANGUAGES) + ")"


# Languages a browser names that we serve as one of ours (Babel's alias table, lower case).
LOCALE_ALIASES = {"pt": "pt_BR", "zh": "zh_Hans", "zh_cn": "zh_Hans", "zh_sg": "zh_Hans"}
_BY_LOWER_CODE = {language.code.lower(): language for language in SITE_LANGUAGES}


def negotiated_language() -> SiteLanguage:
    """The best site language for the browser's Accept-Language (for ``/``): Babel's
    negotiation, each tag followed by its primary language ("pt-PT", then "pt")."""
    preferred: list[str] = []
    for tag, _quality in request.accept_languages:
        code = tag.replace("-", "_")
        preferred += [code, code.split("_")[0]]
    best = negotiate_locale(preferred, [s.code for s in SITE_LANGUAGES], aliases=LOCALE_ALIASES)
    return _BY_LOWER_CODE.get((best or "").lower(), DEFAULT)


# url_for's own keywords: a query word of these names must not become an option of the link.
URL_FOR_OPTIONS = frozenset({"_anchor", "_method", "_scheme", "_external"})


def this_page_in(language: SiteLanguage, **query: str) -> str:
    """The page being shown, in another language: the same endpoint, arguments and query.
    A query word named like one of the page's own arguments (``lang``, a step's ``name``) or
    like an option of url_for is not the visitor's to set, and is left out."""
    view_args = request.view_args or {}
    left_out = {"switch", "lang", *view_args} | URL_FOR_OPTIONS
    kept = {key: value for key, value in request.args.items() if key not in left_out}
    # Any: url_for's own type for a route's values.
    values: dict[str, Any] = {**view_args, **kept, **query, "lang": language.slug}
    return url_for(request.endpoint or "pages.start", **values)


def same_page_in(path: str, language: SiteLanguage) -> str:
    """One of our own pages, named by its path, in another language; the start page for any
    path that is not ours (an address from elsewhere never becomes a link)."""
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        endpoint, args = "pages.start", {}
    if "lang" not in args:
        endpoint, args = "pages.start", {}
    return url_for(endpoint, **{**args, "lang": language.slug})


def current_language() -> SiteLanguage:
    """The page's language: from the URL, also on pages no route matched (404s)."""
    language = getattr(g, "language", None)
    if language is None:
        language = BY_SLUG.get(request.path.lstrip("/").split("/", 1)[0])
    return language or negotiated_language()


def _select_locale() -> str:
    return current_language().code


@lru_cache(maxsize=32)
def review_status(code: str) -> str:
    """'reviewed' once a fluent speaker has signed off the catalog, else 'draft'.

    Each catalog records it in its header comment (``# Review-Status: draft``), which
    ``pybabel update`` keeps; a reviewer changes it to ``reviewed`` when signing off."""
    if code == "en":
        return "reviewed"
    catalog = TRANSLATIONS_DIR / code / "LC_MESSAGES" / "messages.po"
    try:
        with catalog.open(encoding="utf-8") as lines:
            for line in lines:
                if not line.startswith("#"):
                    break
                if line.startswith("# Review-Status:"):
                    return line.split(":", 1)[1].strip()
    except FileNotFoundError:
        pass
    return "draft"


@contextmanager
def document_language(code: str) -> Iterator[SiteLanguage]:
    """Render a document in one language whatever the request's language was."""
    language = site_language(code)
    with force_locale(language.code):
        yield language


def language_name(code: str, in_language: str | None = None) -> str:
    """A person's language named in the reader's language (translations/<locale>/formats.toml)."""
    reader = in_language or str(get_locale() or "en")
    if code == "other":
        return str(_("Another language"))
    return locale_formats.language_name(code, reader) or code


def format_date(value: date | None, form: str = "long", language: str | None = None) -> str:
    """A date as the reader's language writes it: ``form`` is short, medium or long."""
    if value is None:
        return ""
    return locale_formats.format_date(value, form, language or str(get_locale() or "en"))


def format_list(items: Iterable[str | None], language: str | None = None) -> Markup:
    """Several items joined as the reader's language joins them ("A, B y C", "A、B和C").

    Items are escaped (or already markup, like ``ltr`` spans); our list patterns hold no HTML."""
    escaped = [str(escape(item)) for item in items if item]
    joined = locale_formats.format_list(escaped, language or str(get_locale() or "en"))
    return Markup(joined)  # noqa: S704 (escaped above)


def init_app(app: Flask) -> None:
    app.url_map.converters["lang"] = LanguageConverter
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    Babel(app, locale_selector=_select_locale)

    @app.url_defaults
    def _keep_language(endpoint: str, values: dict[str, Any]) -> None:
        if (
            "lang" in values
            or endpoint not in app.view_functions
            or not app.url_map.is_endpoint_expecting(endpoint, "lang")
        ):
            return
        values["lang"] = current_language().slug

    @app.url_value_preprocessor
    def _language_from_url(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values and "lang" in values:
            g.language = BY_SLUG[values.pop("lang")]

    @app.context_processor
    def _language_context() -> dict[str, object]:
        language = current_language()
        return {
            "site_languages": SITE_LANGUAGES,
            "language": language,
            "review_status": review_status(language.code),
        }

    app.jinja_env.globals.update(language_name=language_name, this_page_in=this_page_in)
    app.jinja_env.filters.update(date=format_date, join_list=format_list)
