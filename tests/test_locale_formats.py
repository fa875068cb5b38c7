"""What a family reads in each of the eight languages: dates, typed dates, lists and language
names come from translations/<locale>/formats.toml, so a Babel upgrade cannot change them.

These would have caught Babel 2.19 dropping Haitian Creole ("2012 M05 5", raw codes, no "ak")."""

import io
import re
from datetime import date
from html import unescape

import pytest
from babel import Locale
from babel.dates import get_date_format, get_month_names

from prepplan.i18n import SITE_LANGUAGES, format_date, format_list, language_name
from prepplan.locale_formats import locale_formats, parse_typed_date, typed_date
from prepplan.plan.model import PERSON_LANGUAGES
from prepplan.plan.planfile import dump_plan
from tests.walk import FlowWalker

DAY = date(2012, 5, 5)
# language: (long date, short date, typed 21 Oct 2019 in its order, a list of three)
EXPECTED = {
    "en": ("May 5, 2012", "5/5/12", "10/21/2019", "Ana, Luis, and Rosa"),
    "es": ("5 de mayo de 2012", "5/5/12", "21/10/2019", "Ana, Luis y Rosa"),
    "pt_BR": ("5 de maio de 2012", "05/05/2012", "21/10/2019", "Ana, Luis e Rosa"),
    "ht": ("5 me 2012", "05/05/2012", "21/10/2019", "Ana, Luis ak Rosa"),
    "vi": ("5 tháng 5, 2012", "5/5/12", "21/10/2019", "Ana, Luis và Rosa"),
    "zh_Hans": ("2012年5月5日", "2012/5/5", "2019/10/21", "Ana、Luis和Rosa"),
    "ar": ("5 مايو 2012", "5\u200f/5\u200f/2012", "21/10/2019", "Ana وLuis وRosa"),
    "kea": ("5 di Maiu di 2012", "05/05/2012", "21/10/2019", "Ana, Luis i Rosa"),
}
LANGUAGES = [language.code for language in SITE_LANGUAGES]
SLUG = {language.code: language.slug for language in SITE_LANGUAGES}
# Our copy of CLDR; Haitian Creole's data is our own (CLDR has none) and kea adds tl.
FROM_CLDR = ["en", "es", "pt_BR", "vi", "zh_Hans", "ar", "kea"]


def test_every_site_language_has_its_formats():
    assert sorted(EXPECTED) == sorted(LANGUAGES)


@pytest.mark.parametrize("code", LANGUAGES)
def test_dates_and_lists_read_as_the_family_writes_them(code, app):
    long, short, _typed, three = EXPECTED[code]
    assert format_date(DAY, "long", code) == long
    assert format_date(DAY, "short", code) == short
    assert format_list(["Ana", "Luis", "Rosa"], code) == three


def test_haitian_creole_dates_are_creole():
    assert format_date(DAY, "long", "ht") == "5 me 2012"
    months = [format_date(date(2012, month, 1), "long", "ht").split()[1] for month in range(1, 13)]
    assert months == [
        "janvye",
        "fevriye",
        "mas",
        "avril",
        "me",
        "jen",
        "jiyè",
        "out",
        "septanm",
        "oktòb",
        "novanm",
        "desanm",
    ]


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_date_typed_in_the_family_order_is_read_right(code, client):
    """Through the real child step: typed in the language's order, shown back on the check page
    as the long date, and kept as the right day."""
    typed = EXPECTED[code][2]
    walker = FlowWalker(client, SLUG[code])
    walker.post("children/0", {"given_name": "Ana", "date_of_birth": typed})
    assert walker.plan().children[0].date_of_birth == date(2019, 10, 21)
    check = unescape(client.get(f"/{SLUG[code]}/plan/check").get_data(as_text=True))
    assert format_date(date(2019, 10, 21), "long", code) in check
    # the step shows the date back in the order it was typed
    step = client.get(f"/{SLUG[code]}/plan/children/0").get_data(as_text=True)
    assert f'value="{typed}"' in step


def test_typed_dates_other_orders_and_mistakes():
    assert parse_typed_date("21.10.2019", "es") == date(2019, 10, 21)
    assert parse_typed_date("٢١/١٠/٢٠١٩", "ar") == date(2019, 10, 21)  # Arabic-Indic digits
    assert parse_typed_date("2019-10-21", "en") == date(2019, 10, 21)  # ISO everywhere
    assert parse_typed_date("10/21/2019", "es") is None  # month 21
    assert parse_typed_date("21/10/19", "es") is None  # which century?
    assert parse_typed_date("21 oct 2019", "es") is None


# language: (the date field's hint, in the family's words, and 9 April 2015 typed in its order)
HINTS = {
    "en": ("mm/dd/yyyy", "4/9/2015"),
    "es": ("dd/mm/aaaa", "9/4/2015"),
    "pt_BR": ("dd/mm/aaaa", "9/4/2015"),
    "ht": ("jj/mm/aaaa", "9/4/2015"),
    "vi": ("ngày/tháng/năm", "9/4/2015"),
    "zh_Hans": ("年/月/日", "2015/4/9"),
    "ar": ("يوم\u200e/شهر\u200e/سنة", "9/4/2015"),
    "kea": ("dd/mm/aaaa", "9/4/2015"),
}
# 9 April 2015 in words, as the check page repeats it
IN_WORDS = {
    "en": "April 9, 2015",
    "es": "9 de abril de 2015",
    "pt_BR": "9 de abril de 2015",
    "ht": "9 avril 2015",
    "vi": "9 tháng 4, 2015",
    "zh_Hans": "2015年4月9日",
    "ar": "9 أبريل 2015",
    "kea": "9 di Abril di 2015",
}


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_date_field_says_its_order_before_typing_and_the_check_page_says_it_in_words(
    code, client
):
    """A swapped day and month is seen: the order is said before the family types (in their
    words, tied to the box for a screen reader), and the check page writes the month out."""
    hint, typed = HINTS[code]
    step = unescape(client.get(f"/{SLUG[code]}/plan/children/0").get_data(as_text=True))
    box = re.search(r'<input[^>]*name="date_of_birth"[^>]*>', step).group(0)
    assert 'aria-describedby="date_of_birth-hint"' in box
    said = re.search(r'<p class="hint" id="date_of_birth-hint">(.*?)</p>', step, re.S).group(1)
    assert f"\u2066{hint}\u2069" in said
    if code != "en":
        assert "yyyy" not in said, "the hint is in the family's words"
    walker = FlowWalker(client, SLUG[code])
    walker.post("children/0", {"given_name": "Ana", "date_of_birth": typed})
    assert walker.plan().children[0].date_of_birth == date(2015, 4, 9)
    check = unescape(client.get(f"/{SLUG[code]}/plan/check").get_data(as_text=True))
    assert IN_WORDS[code] in check


@pytest.mark.parametrize("code", ["es", "ar"])
def test_the_caregiver_papers_start_dates_say_their_order_too(code, client, example_plan):
    client.post(
        "/en/plan/upload",
        data={"plan_file": (io.BytesIO(dump_plan(example_plan)), "family-plan.json")},
        content_type="multipart/form-data",
    )
    page = unescape(client.get(f"/{SLUG[code]}/plan/caregiver-papers").get_data(as_text=True))
    for name in ("affidavit_starts", "agent_starts"):
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert f"{name}-hint" in box
        hint = re.search(rf'<p class="hint" id="{name}-hint">(.*?)</p>', page, re.S).group(1)
        assert HINTS[code][0] in hint


INVISIBLE_MARKS = re.compile("[\u200e\u200f\u061c\u2066-\u2069]")


def date_box_value(page: str) -> str:
    field = re.search(r'<input[^>]*name="date_of_birth"[^>]*>', page).group(0)
    return unescape(re.search(r'value="([^"]*)"', field).group(1))


@pytest.mark.parametrize("typed", ["9/4/2015", "9\u200f/4\u200f/2015", "\u20669/4/2015\u2069"])
def test_the_arabic_date_box_holds_no_invisible_direction_marks(client, typed):
    """Arabic's own short date carries right-to-left marks; inside the left-to-right date box
    they showed "9/4/2015" as "92015/4/", and a parent could "fix" it into a wrong date. The box
    shows digits and slashes only, and the date typed comes back as the same day."""
    assert INVISIBLE_MARKS.search(typed_date(date(2015, 4, 9), "ar")) is None
    walker = FlowWalker(client, "ar")
    walker.post("children/0", {"given_name": "سارة", "date_of_birth": typed})
    assert walker.plan().children[0].date_of_birth == date(2015, 4, 9)
    shown = date_box_value(client.get("/ar/plan/children/0").get_data(as_text=True))
    assert shown == "9/4/2015"
    # typed again as shown, it is still the same day
    walker.post("children/0", {"given_name": "سارة", "date_of_birth": shown})
    assert walker.plan().children[0].date_of_birth == date(2015, 4, 9)
    # a mistake comes back as typed, less the marks
    wrong = client.post(
        "/ar/plan/children/0",
        data={"given_name": "سارة", "date_of_birth": "31\u200f/31\u200f/2015"},
    )
    assert date_box_value(wrong.get_data(as_text=True)) == "31/31/2015"


def test_the_date_field_asks_in_the_family_letters(client):
    page = client.get("/ht/plan/children/0").get_data(as_text=True)
    assert "jj/mm/aaaa" in page
    wrong = client.post("/ht/plan/children/0", data={"given_name": "A", "date_of_birth": "5 me"})
    assert "21/10/2019" in wrong.get_data(as_text=True)


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_person_language_is_shown_as_a_bare_code(code, client):
    page = client.get(f"/{SLUG[code]}/plan/parents/0").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="language".*?</select>', page, re.S).group(0)
    options = dict(re.findall(r'<option[^>]*value="([^"]+)"[^>]*>([^<]*)</option>', select))
    assert sorted(options) == sorted(PERSON_LANGUAGES)
    bare = {
        value: text
        for value, text in options.items()
        if not text.strip() or text.strip().lower() == value.lower()
    }
    assert bare == {}
    if code == "ht":
        assert options["es"] == "panyòl" and options["kea"] == "kreyòl kap-vèdyen"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_person_language_is_named_in_every_site_language(code):
    names = {
        person: language_name(person, code) for person in PERSON_LANGUAGES if person != "other"
    }
    assert all(name and name != person for person, name in names.items()), names


@pytest.mark.parametrize("code", FROM_CLDR)
def test_our_copy_of_cldr_still_matches_the_installed_babel(code):
    """Fails under a Babel whose CLDR moved (./dev.sh upgrade-check): the family still reads our
    copy; a maintainer decides whether to take CLDR's new data into formats.toml."""
    ours = locale_formats(code)
    cldr = Locale.parse(code)
    theirs_patterns = {
        form: get_date_format(form, locale=code).pattern for form in ("short", "medium", "long")
    }
    lists = cldr.list_patterns["standard"]
    assert ours.date_patterns == theirs_patterns
    assert ours.months == tuple(get_month_names("wide", locale=code).values())
    assert ours.list_patterns == {
        "two": lists["2"],
        "start": lists["start"],
        "middle": lists["middle"],
        "end": lists["end"],
    }
    differing = {
        person: (name, cldr.languages.get(person))
        for person, name in ours.language_names.items()
        if cldr.languages.get(person) and cldr.languages.get(person) != name
    }
    assert differing == {}
