"""Every word of the school update's pages, form and vCards goes through gettext.

A pseudo-translated catalog, extracted fresh from the code (so a stale messages.pot cannot hide
anything), turns each message into ⟦message⟧. Whatever visible text is left outside the brackets
must be the family's own data, CLDR names and dates, or the English half of the bilingual form.
"""

import io
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from pypdf import PdfReader

from prepplan.i18n import SITE_LANGUAGES, format_date, format_phone
from prepplan.plan.model import PERSON_LANGUAGES
from prepplan.school.district import load_district
from prepplan.school.encryption import new_record_key
from tests.test_school_inbox import (
    PASSWORD,
    choices_from,
    create_staff,
    give_plan,
    preview,
    references,
    send,
)

ROOT = Path(__file__).resolve().parent.parent
SEGMENT = re.compile(r"⟦[^⟦⟧]*⟧")  # innermost first: messages nest


def without_segments(text: str) -> str:
    """Remove every ⟦translated⟧ segment, innermost first (a message may hold another)."""
    while (stripped := SEGMENT.sub(" ", text)) != text:
        text = stripped
    return text
ALWAYS_ENGLISH = ["Choose your language", "Language"]  # the way back, deliberately English


@pytest.fixture(scope="module")
def pseudo_dir(tmp_path_factory):
    catalog = Catalog(locale="es")
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "both": None}
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "prepplan"), method_map=method_map, keywords=keywords):
        ids = message if isinstance(message, tuple) else (message,)
        pseudo = tuple(f"⟦{text}⟧" for text in ids)
        catalog.add(message, pseudo if isinstance(message, tuple) else pseudo[0])
    folder = tmp_path_factory.mktemp("pseudo")
    (folder / "es" / "LC_MESSAGES").mkdir(parents=True)
    with (folder / "es" / "LC_MESSAGES" / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    return folder


class VisibleText(HTMLParser):
    HIDDEN = {"script", "style", "option"}  # options: the district's school names
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


def not_ours(plan, extra=()) -> list[str]:
    """Text that comes from the family, the district file or CLDR, not from our catalogs."""
    values = list(extra)

    def collect(value):
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str) and value:
            values.append(value)
            values.extend(format_phone(value, lang) for lang in ("es", "en"))

    collect(plan.model_dump(mode="json"))
    for person in [*plan.guardians, *plan.contacts, *plan.children]:
        values.append(person.full_name)
    for child in plan.children:
        values.extend(format_date(child.date_of_birth, form, "es")
                      for form in ("short", "medium", "long"))
    values.extend(lang.native_name for lang in SITE_LANGUAGES)
    values.extend(Locale.parse(code).get_display_name("es")
                  for code in PERSON_LANGUAGES if code != "other")
    return sorted(set(values), key=len, reverse=True)


def leftovers(text: str, data: list[str]) -> list[str]:
    text = without_segments(re.sub(r"\s+", " ", text))
    for value in data + ALWAYS_ENGLISH:
        text = text.replace(value, " ")
    return re.findall(r"[^\W\d_]{2,}(?:[ '’.-]+[^\W\d_]+)*", text)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture
def pseudo_inbox(make_app, pseudo_dir, tmp_path):
    app = make_app(BABEL_TRANSLATION_DIRECTORIES=str(pseudo_dir),
                   DISTRICT_FILE=str(ROOT / "examples" / "district.toml"),
                   RECORD_KEYS=new_record_key(), DATABASE_URL=f"sqlite:///{tmp_path}/i.sqlite")
    yield app
    app.extensions["prepplan_inbox"].engine.dispose()


def test_every_school_page_is_translated(pseudo_inbox, make_app, pseudo_dir, example_plan):
    app = pseudo_inbox
    client = app.test_client()
    pages = {"no plan": client.get("/es/school/").get_data(as_text=True)}
    give_plan(app, client, example_plan)
    pages["review"] = client.get("/es/school/").get_data(as_text=True)
    pages["review errors"] = client.post("/es/school/preview", data={
        "children-0-note": "x" * 300, "submitted_by": ""}).get_data(as_text=True)
    page = preview(client)
    pages["preview"] = page
    fields = choices_from(page)
    pages["no agreement"] = client.post("/es/school/download/form",
                                        data=fields).get_data(as_text=True)
    pages["no school"] = send(client, fields, schools=("", "")).get_data(as_text=True)
    sent = send(client, fields)
    pages["sent"] = sent.get_data(as_text=True)
    refs = references(pages["sent"])

    unreachable = make_app(BABEL_TRANSLATION_DIRECTORIES=str(pseudo_dir),
                           DISTRICT_FILE=str(ROOT / "examples" / "district.toml"),
                           RECORD_KEYS=new_record_key(),
                           DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:9/none")
    other = unreachable.test_client()
    give_plan(unreachable, other, example_plan)
    pages["inbox unreachable"] = send(other, choices_from(preview(other))).get_data(as_text=True)

    create_staff(app)
    staff = app.test_client()
    pages["staff login error"] = staff.post("/es/staff/login", data={
        "email": "office@chandler.example", "password": "wrong"}).get_data(as_text=True)
    staff.post("/es/staff/login", data={"email": "office@chandler.example",
                                        "password": PASSWORD})
    pages["staff list"] = staff.get("/es/staff/").get_data(as_text=True)
    pages["staff update"] = staff.get(f"/es/staff/updates/{refs[0]}").get_data(as_text=True)

    data = not_ours(example_plan, [
        "Pedro Páramo", "Sofía toma el autobús 14.", "x" * 300, "office@chandler.example",
        "Worcester-area Public Schools (example)", "chandler-office@example.org",
        *refs, *(format_date(d, f, "es") for d in (date.today(),) for f in ("medium", "long")),
    ]) + [school.name for school in load_district(ROOT / "examples" / "district.toml").schools]
    found = {name: left for name, html in pages.items()
             if (left := leftovers(visible(html), sorted(data, key=len, reverse=True)))}
    assert found == {}


def test_the_form_and_vcards_are_translated_beside_the_english(pseudo_inbox, example_plan):
    from prepplan.school import exports
    from prepplan.school.labels import contact_note_for_phone
    from prepplan.school.printable import render_school_form
    from prepplan.school.record import school_updates_from_plan

    updates = school_updates_from_plan(example_plan, submitted_by="María", family_language="es")
    with pseudo_inbox.test_request_context("/es/school/"):
        pdf = render_school_form(updates)
        cards = exports.vcards(updates[0].contacts, contact_note_for_phone).decode()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    for english in ("School emergency contact update", "For school use", "Entered by",
                    "Signature of parent or guardian", "Emergency contact", "Aunt or uncle",
                    "A pickup list is not a custody document."):
        assert english in text and f"⟦{english}" in text, english
    assert "⟦Yes⟧" in text and "⟦Not stated⟧" in text
    for note in re.findall(r"^NOTE:(.*)$", cards.replace("\r\n ", ""), re.MULTILINE):
        assert leftovers(note, not_ours(example_plan)) == [], note
