"""Text in two languages at once: the reader's language with English beneath it, for bilingual
plans, wallet cards (always), and the school form (English first: it is for the office).

One policy everywhere:
- the translation, then the English (or English first, when asked for);
- English once only when the two are the same (no catalog entry yet, or an English reader);
- the English marked ``lang="en"`` (and ``dir="ltr"``), so screen readers and hyphenation
  read it as English and right-to-left pages keep it in order;
- English first means an English document (the school form): there the translation carries its
  own ``lang`` (and ``dir``), since the document's language no longer says it.

Where markup cannot be returned yet (helper mode pairs every message at the gettext level, which
returns a str), ``pair_in_text`` carries the English between two private-use characters, and
``finish_pairs_in_html`` turns the finished page's pairs into markup under the same policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from prepplan.i18n import SiteLanguage, site_language

_TRANSLATED = Markup('<span class="tr">{}</span>')
_TRANSLATED_IN = Markup('<span class="tr" lang="{}" dir="{}">{}</span>')
_ENGLISH = Markup('<span class="en" lang="en" dir="ltr">{}</span>')


def pair(
    translated: object,
    english: object,
    *,
    english_first: bool = False,
    language: SiteLanguage | None = None,
) -> Markup:
    """The two renderings of one text, the second beneath the first (see the stylesheets).
    ``language``: the translation's, marked on it (for documents whose own language is English)."""
    translated, english = str(translated), str(english)
    if translated == english:
        # Said once: as the office's English on the school form, as plain text elsewhere.
        return _ENGLISH.format(english) if english_first else escape(translated)
    if language is None:
        translated_part = _TRANSLATED.format(translated)
    else:
        translated_part = _TRANSLATED_IN.format(language.html_lang, language.direction, translated)
    parts = [translated_part, _ENGLISH.format(english)]
    if english_first:
        parts.reverse()
    return Markup(" ").join(parts)


def rendered(
    render: Callable[[], object], *, english: bool = True, english_first: bool = False
) -> Markup:
    """``render()`` in the current language and, when ``english``, again in English."""
    translated = render()
    if not english or str(get_locale() or "en") == "en":
        return _ENGLISH.format(translated) if english_first else escape(translated)
    with force_locale("en"):
        source = render()
    language = site_language(str(get_locale())) if english_first else None
    return pair(translated, source, english_first=english_first, language=language)


def both(
    message: str, english: bool = True, *, english_first: bool = False, **variables: object
) -> Markup:
    """A message in the current language with the English original beneath it:
    ``{{ both("Emergency contacts") }}``. Extracted like ``_`` (see babel.cfg and dev.sh)."""
    return rendered(lambda: _(message, **variables), english=english, english_first=english_first)


def label(
    labels: Mapping[str, object], code: str, english: bool = False, *, english_first: bool = False
) -> Markup:
    """A coded choice (relationship, phone kind, document kind) from ``labels`` (lazy
    translations by code), with the English beneath when asked for."""
    text = labels.get(code)
    if text is None:
        return escape(code)
    return rendered(lambda: str(text), english=english, english_first=english_first)


# --- Pairs inside plain text, until the page is finished -------------------------------------

# The English half of a pair, between two private-use characters (no message uses them; what a
# page prints between them has been escaped like any other text).
OPEN, CLOSE = "\ue000", "\ue001"
_MARKED = re.compile(f"{OPEN}([^{CLOSE}]*){CLOSE}")
_ATTRIBUTE = re.compile(r'="[^"]*' + OPEN + r'[^"]*"')
_PLAIN_ELEMENTS = re.compile(r"<(title|option)\b[^>]*>.*?</\1>", re.S)


def pair_in_text(translated: str, english: str) -> str:
    """The translation with its English marked after it; the English once only when the two
    are the same."""
    if translated == english:
        return translated
    return f"{translated}{OPEN}{english}{CLOSE}"


def finish_pairs_in_html(html: str, english_class: str = "en") -> str:
    """A finished page's pairs as markup: the English in a ``lang="en" dir="ltr"`` span where
    markup can go, and dropped where it cannot (attributes, ``<title>``, ``<option>``)."""
    html = _ATTRIBUTE.sub(lambda match: _MARKED.sub("", match.group(0)), html)
    html = _PLAIN_ELEMENTS.sub(lambda match: _MARKED.sub("", match.group(0)), html)
    return _MARKED.sub(rf'<span class="{english_class}" lang="en" dir="ltr">\1</span>', html)
