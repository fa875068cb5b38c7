"""A pseudo-localised build: every message becomes ⟦message⟧, then every page and PDF is rendered
and any visible text outside the brackets that is not the family's own data fails the test.

It catches strings that escaped gettext, which catalog checks cannot see.
"""

import io
import re
from html.parser import HTMLParser

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pypdf import PdfReader

from prepplan.i18n import SITE_LANGUAGES, TRANSLATIONS_DIR, format_date, format_phone
from prepplan.plan.model import PERSON_LANGUAGES
from tests.markers import NOT_FREE_TEXT
from tests.walk import FlowWalker

SEGMENT = re.compile(r"⟦[^⟦⟧]*⟧")  # innermost first: messages nest


def without_segments(text: str) -> str:
    """Remove every ⟦translated⟧ segment, innermost first (a message may hold another)."""
    while (stripped := SEGMENT.sub(" ", text)) != text:
        text = stripped
    return text
# Deliberately English: the way back for someone lost in a language they cannot read.
ALWAYS_ENGLISH = ["Choose your language", "Language"]


@pytest.fixture
def pseudo_app(make_app, tmp_path):
    with (TRANSLATIONS_DIR / "messages.pot").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    for message in catalog:
        if message.id:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            pseudo = tuple(f"⟦{text}⟧" for text in ids)
            message.string = pseudo if isinstance(message.id, tuple) else pseudo[0]
    folder = tmp_path / "pseudo" / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    return make_app(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "pseudo"))


class VisibleText(HTMLParser):
    HIDDEN = {"script", "style"}
    SHOWN_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        for name, value in attrs:
            if name in self.SHOWN_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def family_data(plan) -> list[str]:
    """Everything on a page that comes from the family or from CLDR, not from our catalogs."""
    values: list[str] = []

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
    from babel import Locale

    values.extend(Locale.parse(code).get_display_name("es") or code
                  for code in PERSON_LANGUAGES if code != "other")
    return sorted(set(values), key=len, reverse=True)


def leftovers(text: str, data: list[str], english_pairs: bool = False) -> list[str]:
    text = re.sub(r"\s+", " ", text)
    if english_pairs:
        # bilingual parts: ⟦message⟧ followed by the same message in English
        text = re.sub(r"⟦(.+?)⟧ ?\1", " ", text)
    text = without_segments(text)
    for value in data + ALWAYS_ENGLISH:
        text = text.replace(value, " ")
    return re.findall(r"[^\W\d_]{2,}(?:[ '’.-]+[^\W\d_]+)*", text)


def test_no_page_shows_a_string_that_escaped_translation(pseudo_app, example_plan):
    client = pseudo_app.test_client()
    empty = ["/es/", "/es/plan/parents", "/es/plan/children", "/es/plan/check", "/es/privacy",
             "/es/cleared", "/es/plan/upload", "/es/no-such-page", "/es/plan/done"]
    pages = {path: client.get(path).get_data(as_text=True) for path in empty
             if client.get(path).status_code != 302}
    FlowWalker(client, "es").walk(example_plan)
    paths = ["/es/plan/parents", "/es/plan/parents/0", "/es/plan/address", "/es/plan/children",
             "/es/plan/children/0", "/es/plan/children/0/remove", "/es/plan/contacts",
             "/es/plan/contacts/1", "/es/plan/out-of-area", "/es/plan/caregiver",
             "/es/plan/caregiver-notes", "/es/plan/documents", "/es/plan/help",
             "/es/plan/private", "/es/plan/check", "/es/plan/done", "/es/school/"]
    pages.update({f"{path} (filled)": client.get(path).get_data(as_text=True) for path in paths})
    pages["errors"] = client.post("/es/plan/contacts/0", data={
        "given_name": "", "phones-0-number": "1", "email": "x"}).get_data(as_text=True)
    pages["date error"] = client.post("/es/plan/children/0", data={
        "given_name": "A", "date_of_birth": "99/99/2000"}).get_data(as_text=True)
    data = family_data(example_plan) + ["A", "x", "1", "99/99/2000"]
    found = {}
    for name, html in pages.items():
        parser = VisibleText()
        parser.feed(html)
        left = leftovers(" ".join(parser.parts), data)
        if left:
            found[name] = left
    assert found == {}


@pytest.mark.parametrize("bilingual", [False, True], ids=["es", "es+en"])
def test_no_pdf_shows_a_string_that_escaped_translation(pseudo_app, example_plan, bilingual):
    from prepplan.documents.plan_pdf import render_plan_pdf

    with pseudo_app.app_context():
        pdf = render_plan_pdf(example_plan, language="es", bilingual=bilingual)
    reader = PdfReader(io.BytesIO(pdf))
    data = family_data(example_plan)
    found = {}
    for number, page in enumerate(reader.pages, 1):
        left = leftovers(page.extract_text(), data, english_pairs=True)
        if left:
            found[number] = left
    assert found == {}
