"""Pseudo-localisation: a catalog turning every message into ⟦message⟧, extracted fresh from the
code (a stale messages.pot cannot hide anything), and the tools to find visible text that escaped
it. Whatever is left outside the brackets must be the family's own data or CLDR's names and
dates."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo

from prepplan.i18n import SITE_LANGUAGES, format_date, format_phone
from prepplan.plan.model import PERSON_LANGUAGES
from tests.markers import NOT_FREE_TEXT

ROOT = Path(__file__).resolve().parent.parent
SEGMENT = re.compile(r"⟦[^⟦⟧]*⟧")  # innermost first: messages nest
# Deliberately English: the way back for someone lost in a language they cannot read.
ALWAYS_ENGLISH = ["Choose your language", "Language"]


def write_pseudo_catalog(folder: Path, locale: str = "es") -> Path:
    """A compiled pseudo catalog for ``locale`` under ``folder``; returns ``folder``."""
    catalog = Catalog(locale=locale)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "both": None}
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "prepplan"), method_map=method_map, keywords=keywords):
        if isinstance(message, tuple):
            # One string per plural form of the locale (Spanish has three in CLDR).
            forms = [message[0], *[message[1]] * (catalog.num_plurals - 1)]
            catalog.add(message, tuple(f"⟦{text}⟧" for text in forms))
        else:
            catalog.add(message, f"⟦{message}⟧")
    messages = folder / locale / "LC_MESSAGES"
    messages.mkdir(parents=True)
    with (messages / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    return folder


def without_segments(text: str) -> str:
    """Remove every ⟦translated⟧ segment, innermost first (a message may hold another)."""
    while (stripped := SEGMENT.sub(" ", text)) != text:
        text = stripped
    return text


class VisibleText(HTMLParser):
    SHOWN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}

    def __init__(self, hidden: frozenset[str]):
        super().__init__()
        self.hidden_tags = hidden
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.hidden_tags:
            self.hidden += 1
        for name, value in attrs:
            if name in self.SHOWN_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.hidden_tags:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(html: str, hidden: frozenset[str] = frozenset({"script", "style"})) -> str:
    parser = VisibleText(hidden)
    parser.feed(html)
    return " ".join(parser.parts)


def not_ours(plan, extra=()) -> list[str]:
    """Text from the family or CLDR, not from our catalogs, longest first."""
    values: list[str] = list(extra)

    def collect(value, key=""):
        if isinstance(value, dict):
            for name, item in value.items():
                collect(item, name)
        elif isinstance(value, list):
            for item in value:
                collect(item, key)
        elif isinstance(value, str) and value and key not in NOT_FREE_TEXT:
            values.append(value)
        if key in ("number", "e164") and value:
            values.append(value)
            values.extend(format_phone(value, lang) for lang in ("es", "en"))

    collect(plan.model_dump(mode="json"))
    for person in [*plan.guardians, *plan.contacts, *plan.children]:
        values.append(person.full_name)
    dates = [child.date_of_birth for child in plan.children if child.date_of_birth]
    if plan.made_on:
        dates += [plan.made_on, plan.made_on.replace(year=plan.made_on.year + 1)]
    for day in dates:
        values.extend(format_date(day, form, "es") for form in ("short", "medium", "long", "full"))
    values.extend(lang.native_name for lang in SITE_LANGUAGES)
    values.extend(lang.english_name for lang in SITE_LANGUAGES)
    values.extend(Locale.parse(code).get_display_name("es") or code
                  for code in PERSON_LANGUAGES if code != "other")
    return sorted(set(values), key=len, reverse=True)


def leftovers(text: str, data: list[str], english_pairs: bool = False) -> list[str]:
    """Words left once every translated segment and every piece of data is taken out."""
    text = re.sub(r"\s+", " ", text)
    if english_pairs:
        # bilingual parts: ⟦message⟧ followed by the same message in English
        text = re.sub(r"⟦(.+?)⟧ ?\1", " ", text)
    text = without_segments(text)
    for value in sorted(data, key=len, reverse=True) + ALWAYS_ENGLISH:
        text = text.replace(value, " ")
    return re.findall(r"[^\W\d_]{2,}(?:[ '’.-]+[^\W\d_]+)*", text)
