"""Every word of the school update's pages, form and vCards goes through gettext.

A pseudo-translated catalog, extracted fresh from the code (so a stale messages.pot cannot hide
anything), turns each message into ⟦message⟧. Whatever visible text is left outside the brackets
must be the family's own data, CLDR names and dates, or the English half of the bilingual form.
"""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from prepplan.i18n import format_date
from prepplan.school.district import load_district
from prepplan.school.encryption import new_record_key
from tests.pseudo import leftovers, not_ours, visible, write_pseudo_catalog
from tests.test_school_inbox import (
    PASSWORD,
    choices_from,
    create_staff,
    preview,
    references,
    send,
)

ROOT = Path(__file__).resolve().parent.parent
HIDDEN = frozenset({"script", "style", "option"})  # options: the district's school names


@pytest.fixture(scope="module")
def pseudo_dir(tmp_path_factory):
    return write_pseudo_catalog(tmp_path_factory.mktemp("pseudo"))


@pytest.fixture
def pseudo_inbox(make_app, pseudo_dir, tmp_path):
    app = make_app(
        BABEL_TRANSLATION_DIRECTORIES=str(pseudo_dir),
        DISTRICT_FILE=str(ROOT / "examples" / "district.toml"),
        RECORD_KEYS=new_record_key(),
        DATABASE_URL=f"sqlite:///{tmp_path}/i.sqlite",
    )
    yield app
    app.extensions["prepplan_inbox"].engine.dispose()


def test_every_school_page_is_translated(
    pseudo_inbox, make_app, pseudo_dir, example_plan, give_plan
):
    app = pseudo_inbox
    client = app.test_client()
    pages = {"no plan": client.get("/es/school/").get_data(as_text=True)}
    give_plan(app, client, example_plan)
    pages["review"] = client.get("/es/school/").get_data(as_text=True)
    pages["review errors"] = client.post(
        "/es/school/preview", data={"children-0-note": "x" * 300, "submitted_by": ""}
    ).get_data(as_text=True)
    page = preview(client)
    pages["preview"] = page
    fields = choices_from(page)
    pages["no agreement"] = client.post("/es/school/download/form", data=fields).get_data(
        as_text=True
    )
    pages["no school"] = send(client, fields, schools=("", "")).get_data(as_text=True)
    sent = send(client, fields)
    pages["sent"] = sent.get_data(as_text=True)
    refs = references(pages["sent"])

    unreachable = make_app(
        BABEL_TRANSLATION_DIRECTORIES=str(pseudo_dir),
        DISTRICT_FILE=str(ROOT / "examples" / "district.toml"),
        RECORD_KEYS=new_record_key(),
        DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:9/none",
    )
    other = unreachable.test_client()
    give_plan(unreachable, other, example_plan)
    pages["inbox unreachable"] = send(other, choices_from(preview(other))).get_data(as_text=True)

    create_staff(app)
    staff = app.test_client()
    pages["staff login error"] = staff.post(
        "/es/staff/login", data={"email": "office@chandler.example", "password": "wrong"}
    ).get_data(as_text=True)
    staff.post("/es/staff/login", data={"email": "office@chandler.example", "password": PASSWORD})
    pages["staff list"] = staff.get("/es/staff/").get_data(as_text=True)
    pages["staff update"] = staff.get(f"/es/staff/updates/{refs[0]}").get_data(as_text=True)

    data = not_ours(
        example_plan,
        [
            "Pedro Páramo",
            "Sofía toma el autobús 14.",
            "x" * 300,
            "office@chandler.example",
            load_district(ROOT / "examples" / "district.toml").name,
            "chandler-office@example.org",
            *refs,
            *(format_date(d, f, "es") for d in (date.today(),) for f in ("medium", "long")),
        ],
    ) + [school.name for school in load_district(ROOT / "examples" / "district.toml").schools]
    found = {
        name: left
        for name, html in pages.items()
        if (left := leftovers(visible(html, HIDDEN), data))
    }
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
    for english in (
        "School emergency contact update",
        "For school use",
        "Entered by",
        "Signature of parent or guardian",
        "Emergency contact",
        "Aunt or uncle",
        "A pickup list is not a custody document.",
    ):
        assert english in text and f"⟦{english}" in text, english
    assert "⟦Yes⟧" in text and "⟦Not stated⟧" in text
    for note in re.findall(r"^NOTE:(.*)$", cards.replace("\r\n ", ""), re.MULTILINE):
        assert leftovers(note, not_ours(example_plan)) == [], note
