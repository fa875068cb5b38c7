"""The formats a family reads, owned by prepplan: dates, the order a typed date is read in, month
names, lists of names, and the names of the languages a person can choose.

Each site language has one file beside its catalog, ``translations/<locale>/formats.toml``
(English: ``translations/en/formats.toml``). Most are CLDR's data copied from Babel at a known
version; Haitian Creole's is our own, because CLDR has none. Only these files are read here, so a
Babel or CLDR upgrade never changes what a family reads; tests/test_locale_formats.py reports
when CLDR moves away from our copy, and a maintainer decides.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# An installed wheel carries the catalogs inside the package (setup.py); a checkout keeps them
# at its top, where translators and their tools expect them.
TRANSLATIONS_DIR = (
    _PACKAGE / "translations"
    if (_PACKAGE / "translations").is_dir()
    else _PACKAGE.parent / "translations"
)

DATE_FORMS = ("short", "medium", "long")
TYPED_ORDERS = ("dmy", "mdy", "ymd")
# A CLDR date pattern: quoted literal text, a run of one pattern letter, or any other character.
_PATTERN_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|.", re.DOTALL)
# Marks a family may paste with a date (right-to-left and left-to-right marks, Arabic letter mark)
_DIRECTION_MARKS = re.compile("[\u200e\u200f\u061c\u2066-\u2069]")


@dataclass(frozen=True)
class LocaleFormats:
    locale: str
    date_patterns: dict[str, str]  # short, medium, long: CLDR pattern syntax
    months: tuple[str, ...]  # January first, as used inside a date
    months_abbreviated: tuple[str, ...]
    typed_order: str  # "dmy", "mdy" or "ymd"
    typed_hint: str  # "jj/mm/aaaa": how the date field asks for a date, in the family's letters
    list_patterns: dict[str, str]  # two, start, middle, end, with {0} and {1}
    language_names: dict[str, str]  # person-language code -> its name in this language


def formats_file(locale: str) -> Path:
    return TRANSLATIONS_DIR / locale / "formats.toml"


@lru_cache(maxsize=16)
def locale_formats(locale: str) -> LocaleFormats:
    """The formats of one site language (``es``, ``pt_BR``...); English for any other."""
    path = formats_file(str(locale))
    if not path.is_file():
        path, locale = formats_file("en"), "en"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    dates, typed, lists = data["dates"], data["typed_date"], data["lists"]
    loaded = LocaleFormats(
        locale=str(locale),
        date_patterns={form: dates[form] for form in DATE_FORMS},
        months=tuple(dates["months"]),
        months_abbreviated=tuple(dates["months_abbreviated"]),
        typed_order=typed["order"],
        typed_hint=typed["hint"],
        list_patterns={part: lists[part] for part in ("two", "start", "middle", "end")},
        language_names=dict(data["language_names"]),
    )
    if (
        len(loaded.months) != 12
        or len(loaded.months_abbreviated) != 12
        or loaded.typed_order not in TYPED_ORDERS
    ):
        raise ValueError(f"{path}: 12 months and an order among {TYPED_ORDERS} are needed")
    return loaded


def _date_field(letters: str, value: date, formats: LocaleFormats) -> str:
    letter, width = letters[0], len(letters)
    if letter == "d":
        return f"{value.day:0{width}d}"
    if letter in "ML":  # L: the stand-alone month; our files keep one set of names
        if width >= 4:
            return formats.months[value.month - 1]
        if width == 3:
            return formats.months_abbreviated[value.month - 1]
        return f"{value.month:0{width}d}"
    if letter == "y":
        return f"{value.year % 100:02d}" if width == 2 else f"{value.year:0{width}d}"
    raise ValueError(f"date pattern letter {letters!r} is not supported")


def format_date_pattern(value: date, pattern: str, formats: LocaleFormats) -> str:
    parts = []
    for match in _PATTERN_TOKEN.finditer(pattern):
        token = match.group(0)
        if token.startswith("'"):
            parts.append(token[1:-1].replace("''", "'") if len(token) > 2 else "'")
        elif match.group(1):
            parts.append(_date_field(token, value, formats))
        else:
            parts.append(token)
    return "".join(parts)


def format_date(value: date, form: str, locale: str) -> str:
    """``value`` as ``locale`` writes it: ``form`` is short, medium or long."""
    formats = locale_formats(locale)
    return format_date_pattern(value, formats.date_patterns[form], formats)


def format_list(items: Sequence[str], locale: str) -> str:
    """Items joined as ``locale`` joins them: "A, B y C", "A, B ak C", "A、B和C"."""
    patterns = locale_formats(locale).list_patterns
    if len(items) < 2:
        return "".join(items)
    if len(items) == 2:
        return patterns["two"].format(*items)
    joined = patterns["start"].format(items[0], items[1])
    for item in items[2:-1]:
        joined = patterns["middle"].format(joined, item)
    return patterns["end"].format(joined, items[-1])


def language_name(code: str, locale: str) -> str | None:
    """A person-language code's name in ``locale``, or None when our files lack it."""
    return locale_formats(locale).language_names.get(code)


# --- typed dates ------------------------------------------------------------------------------


def without_direction_marks(text: str) -> str:
    """``text`` without invisible direction marks: inside a left-to-right date box they only
    move the digits around on screen (an Arabic "9/4/2015" showed as "92015/4/")."""
    return _DIRECTION_MARKS.sub("", text)


def typed_date(value: date, locale: str) -> str:
    """A date as the date field shows it: the locale's order, slashes, a four-digit year
    (4/3/2015 in English), digits and slashes only: never a direction mark, whatever the
    locale's own date patterns hold (Arabic's short date has them)."""
    parts = {"d": str(value.day), "m": str(value.month), "y": f"{value.year:04d}"}
    return "/".join(parts[letter] for letter in locale_formats(locale).typed_order)


def typed_date_example(locale: str) -> str:
    """The example in the date field's error message: 21 October 2019 in the locale's order."""
    return typed_date(date(2019, 10, 21), locale)


def typed_date_hint(locale: str) -> str:
    return locale_formats(locale).typed_hint


def parse_typed_date(text: str, locale: str) -> date | None:
    """A date typed in the locale's order (``21/10/2019``, ``21.10.2019``, ``21 10 2019``, any
    script's digits), or as ISO ``2019-10-21`` anywhere; None when it is not a real date.

    The year must have four digits: "21/10/19" could be 1919 or 2019."""
    text = without_direction_marks(text).strip()
    numbers = re.findall(r"\d+", text)
    if len(numbers) != 3 or re.search(r"[^\d\s./\-]", text):
        return None
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        order = "ymd"
    else:
        order = locale_formats(locale).typed_order
    parts = dict(zip(order, numbers, strict=True))
    if len(parts["y"]) != 4:
        return None
    try:
        return date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
    except ValueError:
        return None
