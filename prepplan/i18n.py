"""Everything about languages: which ones the site speaks, how one is chosen, text direction,
locale formats, and rendering a message in two languages at once.

The language of a page comes from its URL (``/es/...``), so a liaison can share a link or QR code
per language; ``/`` falls back to the browser's Accept-Language. The language of a document comes
from the caller (the plan's language or the reader's choice), never from the request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import phonenumbers
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.lists import format_list as babel_format_list
from flask import Flask, g, request
from flask_babel import Babel, force_locale, get_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape
from werkzeug.routing import BaseConverter

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


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


def negotiated_language() -> SiteLanguage:
    """The best site language for the browser's Accept-Language (for ``/``)."""
    best = request.accept_languages.best_match(
        [s.slug for s in SITE_LANGUAGES] + [s.code for s in SITE_LANGUAGES]
        + ["pt", "zh", "zh-CN", "zh-SG"]
    )
    if best == "pt":
        return BY_CODE["pt_BR"]
    if best in ("zh", "zh-CN", "zh-SG"):
        return BY_CODE["zh_Hans"]
    return site_language(best)


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


def both(message: str, english: bool = True, **variables: object) -> Markup:
    """A message in the current language with the English original beneath it.

    Used by bilingual documents (and liaison mode): ``{{ both("Emergency contacts") }}``.
    Extracted like ``_`` (see babel.cfg).
    """
    translated = escape(_(message, **variables))
    source = escape(message % variables if variables else message)
    if not english or str(get_locale()) == "en" or translated == source:
        return Markup(translated)  # noqa: S704 (escaped above)
    # Both parts are escaped above; the wrapper is our own markup.
    pair = '<span class="tr">{}</span> <span class="en" lang="en" dir="ltr">{}</span>'
    return Markup(pair).format(translated, source)  # noqa: S704


def language_name(code: str, in_language: str | None = None) -> str:
    """A person's language named in the reader's language, from CLDR."""
    reader = in_language or str(get_locale() or "en")
    if code == "other":
        return _("Another language")
    try:
        name = Locale.parse(code).get_display_name(Locale.parse(reader))
    except (ValueError, TypeError):
        name = None
    return name or code


def format_date(value: date | None, form: str = "long", language: str | None = None) -> str:
    if value is None:
        return ""
    return babel_format_date(value, format=form, locale=language or str(get_locale() or "en"))


def format_list(items, language: str | None = None) -> Markup:
    """Several items joined as the reader's language joins them ("A, B y C", "A、B和C").

    Items are escaped (or already markup, like ``ltr`` spans); CLDR's patterns hold no HTML."""
    escaped = [str(escape(item)) for item in items if item]
    if len(escaped) < 2:
        return Markup("".join(escaped))  # noqa: S704 (escaped above)
    joined = babel_format_list(escaped, locale=language or str(get_locale() or "en"))
    return Markup(joined)  # noqa: S704 (escaped above)


def format_phone(e164_or_typed: str, language: str | None = None) -> str:
    """A phone number as its reader expects it: US numbers in national form for readers of
    English and Spanish, international form otherwise (it reads the same in every country)."""
    try:
        number = phonenumbers.parse(e164_or_typed, "US")
    except phonenumbers.NumberParseException:
        return e164_or_typed
    if not phonenumbers.is_valid_number(number):
        return e164_or_typed
    reader = language or str(get_locale() or "en")
    if number.country_code == 1 and reader.split("_")[0] in ("en", "es"):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def isolate_ltr(text: str) -> str:
    """Plain text (an error message, a PDF string) kept left to right inside right-to-left text:
    Unicode's left-to-right isolate. Used for example numbers put into translated messages."""
    return f"\u2066{text}\u2069"


def ltr(value: object) -> Markup:
    """Keep a phone number, e-mail, date or Latin name readable inside right-to-left text.

    A ``dir="ltr"`` span works in browsers and in WeasyPrint (which ignores ``<bdi>``)."""
    if value in (None, ""):
        return Markup("")
    return Markup('<span dir="ltr" class="ltr">{}</span>').format(value)


def init_app(app: Flask) -> None:
    app.url_map.converters["lang"] = LanguageConverter
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    Babel(app, locale_selector=_select_locale)

    @app.url_defaults
    def _keep_language(endpoint: str, values: dict) -> None:
        if "lang" in values or endpoint not in app.view_functions \
                or not app.url_map.is_endpoint_expecting(endpoint, "lang"):
            return
        values["lang"] = current_language().slug

    @app.url_value_preprocessor
    def _language_from_url(endpoint: str | None, values: dict | None) -> None:
        if values and "lang" in values:
            g.language = BY_SLUG[values.pop("lang")]

    @app.context_processor
    def _language_context() -> dict:
        language = current_language()
        return {
            "site_languages": SITE_LANGUAGES,
            "language": language,
            "review_status": review_status(language.code),
        }

    app.jinja_env.globals.update(both=both, ltr=ltr, language_name=language_name)
    app.jinja_env.filters.update(date=format_date, phone=format_phone, ltr=ltr,
                                 join_list=format_list)
