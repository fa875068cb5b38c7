"""The one input policy (prepplan/plan/text.py), thrown names and notes in every script with
bidi controls, control characters, emoji and combining marks, through the real form, the plan,
the PDF, both CSVs and the vCards."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pytest
import vobject
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from prepplan.documents.plan_pdf import render_plan_pdf
from prepplan.plan.model import LONG_TEXT, SHORT_TEXT, Child, Contact, Plan
from prepplan.plan.planfile import load_plan
from prepplan.plan.text import BIDI_CONTROLS
from prepplan.school import exports
from prepplan.school.record import school_updates_from_plan
from tests.test_documents import pages_text
from tests.walk import FlowWalker

# Letters of the scripts families type names in; the PDF fonts cover all of them.
SCRIPT_LETTERS = (
    "AaÉéÑñÇçÕõÜüßøåŁłęőűẠạẶặỆệỖỗỮữđĐơưČčŠšžİı"  # Latin (incl. Vietnamese, Turkish, Polish)
    "陈家豪李王张伟芳明华"  # Han
    "فاطمةحدادمحمدعليى"  # Arabic
    "ЖаннаПётрОльгаЮрий"  # Cyrillic
    "ΕλένηΓιώργος"  # Greek
    "김민준이서연"  # Hangul
)
EMOJI = ("🌻", "👵", "👵🏽", "❤️", "👨‍👩‍👧", "🇧🇷", "☎", "✓", "€")
COMBINING = ("\u0301", "\u0308", "\u0323", "\u0303", "\u064e")
CONTROLS = [chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))]
JUNK = (*BIDI_CONTROLS, *CONTROLS, "\r\n", "\u2028", "\t")

pieces = st.one_of(
    st.sampled_from(SCRIPT_LETTERS),
    st.sampled_from(SCRIPT_LETTERS),
    st.sampled_from(EMOJI),
    st.sampled_from(COMBINING),
    st.sampled_from(JUNK),
    st.just(" "),
)
# A name starts with a letter (the forms require one); the rest is anything.
names = st.tuples(st.sampled_from(SCRIPT_LETTERS), st.lists(pieces, max_size=25)).map(
    lambda parts: parts[0] + "".join(parts[1])
)
notes = st.lists(st.one_of(pieces, st.just("\n"), st.just("\r\n")), max_size=80).map("".join)


def expected_line(typed: str, *, keep_line_breaks: bool = False) -> str:
    """The policy, written out character by character as the module's docstring states it."""
    text = typed.replace("\r\n", "\n")
    kept = []
    for char in text:
        if char in ("\r", "\u2028", "\u2029", "\x85"):
            char = "\n"
        if char == "\t" or (char == "\n" and not keep_line_breaks):
            char = " "
        if char in BIDI_CONTROLS or (unicodedata.category(char) == "Cc" and char != "\n"):
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).strip()


def assert_clean(value: str, *, multi_line: bool = False) -> None:
    allowed = {"\n"} if multi_line else set()
    assert not any(c in BIDI_CONTROLS for c in value)
    assert not any(unicodedata.category(c) == "Cc" and c not in allowed for c in value)
    assert value == unicodedata.normalize("NFC", value) == value.strip()


def squeeze(text: str) -> str:
    return "".join(text.split())


def base_characters(text: str) -> str:
    """Text without white space or combining marks: a PDF's text maps each glyph to one string,
    so a mark drawn on two different letters reads back wrong although it prints right."""
    return "".join(c for c in squeeze(text) if unicodedata.category(c)[0] != "M")


def reads_in_order(name: str, text: str) -> bool:
    """``name``'s letters come out of the PDF in order, close together. A mark drawn in two
    clusters can read back as the first cluster's whole text (WeasyPrint's ToUnicode maps each
    glyph once: "ç̣" after "έ̣" extracts as "çέ"), so letters may be added, never lost or moved."""
    wanted, found = base_characters(name), base_characters(text)
    if not wanted:
        return True
    for start in (i for i, c in enumerate(found) if wanted and c == wanted[0]):
        window = iter(found[start : start + 3 * len(wanted)])
        if all(c in window for c in wanted):
            return True
    return False


@pytest.fixture
def walker(client):
    return FlowWalker(client, "en")


def post_family(walker: FlowWalker, given_name: str, family_name: str, note: str) -> Plan:
    walker.post(
        "children/0",
        {
            "given_name": given_name,
            "family_name": family_name,
            "allergies": note,
            "school": "Chandler Elementary",
        },
    )
    walker.post(
        "contacts/0",
        {
            "given_name": given_name,
            "family_name": family_name,
            "relationship": "aunt_uncle",
            "language": "es",
            "phones-0-number": "\u202e508 555 0142\u202c",
            "phones-0-can_text": "y",
            "email": "\u200etia@example.org",
        },
    )
    return walker.plan()


FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# A PDF takes a second or two: fewer examples.
SLOW = settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Text extracted from a PDF comes in visual order, so a random mix of right-to-left and
# left-to-right runs cannot be compared with what was typed: the PDF test draws from the
# left-to-right scripts (right-to-left text in the PDF: test_arabic_plan_keeps_a_latin_name).
LTR_LETTERS = "".join(c for c in SCRIPT_LETTERS if unicodedata.bidirectional(c) == "L")
ltr_pieces = st.one_of(
    st.sampled_from(LTR_LETTERS),
    st.sampled_from(EMOJI[:5]),
    st.sampled_from(COMBINING[:4]),
    st.sampled_from(JUNK),
    st.just(" "),
)
ltr_names = st.tuples(st.sampled_from(LTR_LETTERS), st.lists(ltr_pieces, max_size=15)).map(
    lambda parts: parts[0] + "".join(parts[1])
)
ltr_notes = st.lists(st.one_of(ltr_pieces, st.just("\r\n")), max_size=40).map("".join)


@FAST
@given(given_name=names, family_name=names, note=notes)
def test_form_to_plan_csv_and_vcard(walker, given_name, family_name, note):
    plan = post_family(walker, given_name, family_name, note)
    child, contact = plan.children[0], plan.contacts[0]
    assert child.given_name == contact.given_name == expected_line(given_name)
    assert child.family_name == contact.family_name == expected_line(family_name)
    assert child.allergies == expected_line(note, keep_line_breaks=True)
    for value in (child.given_name, child.family_name):
        assert_clean(value)
    assert_clean(child.allergies, multi_line=True)
    assert contact.phones[0].e164 == "+15085550142" and contact.email == "tia@example.org"

    updates = school_updates_from_plan(plan, submitted_by=contact.full_name)
    for data, first, last in (
        (exports.edfi_csv(updates), "ContactFirstName", "ContactLastSurname"),
        (exports.powerschool_csv(updates), "First Name", "Last Name"),
    ):
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        row = rows[-1]  # the aunt, after no guardian
        assert row[first] == exports.neutralise_cell(contact.given_name)
        assert row[last] == exports.neutralise_cell(contact.family_name)
        for cell in (c for r in rows for c in r.values()):
            assert_clean(cell)
    card = vobject.readOne(exports.vcards(updates[0].contacts).decode("utf-8"))
    assert card.fn.value == contact.full_name
    assert (card.n.value.given, card.n.value.family) == (contact.given_name, contact.family_name)
    assert card.tel.value == "+15085550142"


@SLOW
@given(given_name=ltr_names, family_name=ltr_names, note=ltr_notes)
def test_form_to_plan_pdf_text(app, walker, given_name, family_name, note):
    plan = post_family(walker, given_name, family_name, note)
    with app.app_context():
        text = " ".join(pages_text(render_plan_pdf(plan, language="en")))
    assert not any(c in BIDI_CONTROLS or unicodedata.category(c) == "Cc" for c in text)
    contact = plan.contacts[0]
    assert reads_in_order(contact.full_name, text)
    assert reads_in_order(plan.children[0].allergies, text)
    assert "508" in text and "555-0142" in text  # the number reads forwards


def test_uploaded_plan_files_and_the_command_line_get_the_same_policy(tmp_path):
    raw = {
        "given_name": "\u202eAna\u0007\u2066",
        "family_name": "Ort\u00ade\u0301ga\x1b[31m",
        "allergies": "Peanuts\r\n\tand\x00 eggs\u200f",
    }
    plan_file = json.dumps(
        {"format": "prepplan-plan", "version": 2, "plan": {"children": [raw]}}
    ).encode()
    child = load_plan(plan_file).children[0]
    assert child.given_name == "Ana"
    assert child.family_name == "Ort\u00adéga[31m"  # a soft hyphen is visible text: kept
    assert child.allergies == "Peanuts\n and eggs"


def test_the_same_limits_everywhere(walker):
    # The bound is counted after cleaning: invisible characters do not use up a family's room.
    padded = "\u200e".join("a" * SHORT_TEXT)
    walker.post(
        "contacts/0",
        {
            "given_name": padded,
            "relationship": "neighbor",
            "language": "en",
            "phones-0-number": "508 555 0142",
        },
    )
    assert walker.plan().contacts[0].given_name == "a" * SHORT_TEXT
    response = walker.post(
        "contacts/1",
        {
            "given_name": "a" * (SHORT_TEXT + 1),
            "relationship": "neighbor",
            "language": "en",
            "phones-0-number": "508 555 0142",
        },
        expect_redirect=False,
    )
    assert response.status_code == 200 and "error-summary" in response.get_data(as_text=True)
    with pytest.raises(ValueError):
        Contact(given_name="a" * (SHORT_TEXT + 1))
    with pytest.raises(ValueError):
        Child(allergies="a" * (LONG_TEXT + 1))
    # A line break in a one-line field (possible in a plan file) becomes a space.
    assert Contact(given_name="Ana\nMaría").given_name == "Ana María"


def test_arabic_plan_keeps_a_latin_name_whole(app, client):
    arabic = FlowWalker(client, "ar")
    arabic.post(
        "parents/0",
        {
            "given_name": "فاطمة\u202e",
            "family_name": "حداد",
            "relationship": "mother",
            "language": "ar",
            "phones-0-number": "508 555 0123",
        },
    )
    arabic.post(
        "contacts/0",
        {
            "given_name": "\u2067José Luis",
            "family_name": "Ortega 🌻",
            "relationship": "neighbor",
            "language": "es",
            "phones-0-number": "+52 55 1234 5678",
        },
    )
    plan = arabic.plan()
    with app.app_context():
        text = " ".join(pages_text(render_plan_pdf(plan, language="ar")))
    assert "فاطمة حداد" in text
    assert "José Luis Ortega 🌻" in text
    assert not any(c in BIDI_CONTROLS for c in text)


def test_a_name_of_invisible_characters_only_is_no_name(walker):
    response = walker.post(
        "contacts/0",
        {
            "given_name": "\u202e\u200e\x07",
            "relationship": "neighbor",
            "language": "en",
            "phones-0-number": "508 555 0142",
        },
        expect_redirect=False,
    )
    assert response.status_code == 200
    assert "Enter the given name of this contact." in response.get_data(as_text=True)
    assert walker.plan().contacts == []
