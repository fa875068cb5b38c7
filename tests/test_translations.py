"""The catalogs: in sync with the source, complete, placeholders intact, glossary respected."""

import gettext
import re
import tomllib
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

from prepplan.i18n import SITE_LANGUAGES, TRANSLATIONS_DIR

ROOT = Path(__file__).resolve().parent.parent
LOCALES = [language.code for language in SITE_LANGUAGES if language.code != "en"]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "both": None,
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


# Plural forms that only ever hold one number: Arabic's "one" (1) and "two" (2).
SINGLE_NUMBER_FORMS = {"ar": (1, 2)}
CLDR_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def read_catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def message_ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def test_the_template_is_in_sync_with_the_source():
    """Extraction finds exactly the messages of translations/messages.pot."""
    method_map = [("prepplan/**.py", "python"), ("prepplan/templates/**.html", "jinja2")]
    found = {
        (message if isinstance(message, str) else message[0])
        for _filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=KEYWORDS, comment_tags=("Translators:",)
        )
    }
    template = message_ids(read_catalog(TRANSLATIONS_DIR / "messages.pot"))
    assert found - template == set(), "run ./dev.sh extract: messages missing from the template"
    assert template - found == set(), "run ./dev.sh extract: the template has stale messages"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_catalog_is_complete_with_no_fuzzy_entries(locale):
    catalog = read_catalog(TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po")
    template = message_ids(read_catalog(TRANSLATIONS_DIR / "messages.pot"))
    assert message_ids(catalog) == template
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert untranslated == []
    assert [m.id for m in catalog if m.id and m.fuzzy] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match_and_no_html_sneaks_in(locale):
    catalog = read_catalog(TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po")
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for index, string in enumerate(strings):
            found = sorted(PLACEHOLDER.findall(string))
            # A form that holds one number only (Arabic "one" and "two") names it in the noun,
            # as CLDR's own patterns do ("يومين"): the count may be left out, nothing else.
            if (
                len(strings) > 1
                and index in SINGLE_NUMBER_FORMS.get(locale, ())
                and "num" in expected
                and "num" not in found
            ):
                found = sorted([*found, "num"])
            if found != expected:
                problems.append((ids[0], string))
            if HTML_TAG.search(string) and not HTML_TAG.search(ids[0]):
                problems.append((ids[0], string))
    assert problems == []
    # Babel's own checks (python-format consistency)
    assert [(m.id, errors) for m, errors in catalog.check()] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_legal_words_are_translated_the_same_way_everywhere(locale):
    terms = tomllib.loads((TRANSLATIONS_DIR / "glossary.toml").read_text())["terms"]
    glossary = tomllib.loads((TRANSLATIONS_DIR / locale / "glossary.toml").read_text())["terms"]
    assert set(glossary) == set(terms), "the glossary must cover every term"
    catalog = read_catalog(TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po")
    drift = []
    for name, term in terms.items():
        english = [re.compile(rf"\b{re.escape(form)}\b", re.IGNORECASE) for form in term["english"]]
        forms = [form.casefold() for form in glossary[name]]
        for message in catalog:
            source = message.id if isinstance(message.id, str) else message.id[0]
            if not source or not any(p.search(source) for p in english):
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for string in strings:
                if not any(form in string.casefold() for form in forms):
                    drift.append((name, source, string))
    assert drift == []


@pytest.mark.parametrize("locale", LOCALES)
def test_each_catalog_records_its_review_status(locale):
    header = (TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po").read_text()[:600]
    status = re.search(r"^# Review-Status: (\w+)$", header, re.MULTILINE)
    assert status and status.group(1) in ("draft", "reviewed")


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_forms_follow_cldr(locale):
    """Each catalog's Plural-Forms chooses, for every count, the form CLDR's rule chooses."""
    catalog = read_catalog(TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po")
    rule = Locale.parse(locale).plural_form
    categories = [c for c in CLDR_CATEGORIES if c in rule.tags or c == "other"]
    assert catalog.num_plurals == len(categories)
    choose = gettext.c2py(catalog.plural_expr)
    wrong = [
        n for n in (*range(0, 1001), 10**6, 2 * 10**6) if choose(n) != categories.index(rule(n))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "بعد 0 يوم"),
        (1, "بعد يوم واحد"),
        (2, "بعد يومين"),
        (3, "بعد 3 أيام"),
        (11, "بعد 11 يومًا"),
        (30, "بعد 30 يومًا"),
        (100, "بعد 100 يوم"),
    ],
)
def test_arabic_counts_read_right(app, count, expected):
    with app.test_request_context("/ar/"), force_locale("ar"):
        text = ngettext(
            "Updates are deleted automatically %(num)d day after they are marked as entered.",
            "Updates are deleted automatically %(num)d days after they are marked as entered.",
            count,
        )
        minutes = ngettext(
            "On a shared computer, press “Delete everything now” when you are done. Your "
            "answers are also deleted if nobody uses the screen for %(num)d minute.",
            "On a shared computer, press “Delete everything now” when you are done. Your "
            "answers are also deleted if nobody uses the screen for %(num)d minutes.",
            count,
        )
    assert expected in text
    expected_minutes = {
        0: "0 دقيقة",
        1: "دقيقة واحدة",
        2: "دقيقتين",
        3: "3 دقائق",
        11: "11 دقيقة",
        30: "30 دقيقة",
        100: "100 دقيقة",
    }[count]
    assert f"لمدة {expected_minutes}." in minutes
