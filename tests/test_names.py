"""A full name in the person's own order everywhere it is shown, while the plan keeps given and
family names apart (prepplan/plan/names.py)."""

from __future__ import annotations

import csv
import io

import pytest
import vobject

from prepplan.documents.plan_pdf import render_plan_pdf
from prepplan.plan.model import Child, Guardian, Plan
from prepplan.plan.names import full_name, name_order
from prepplan.school import exports
from prepplan.school.printable import render_school_form
from prepplan.school.record import SchoolUpdate, school_updates_from_plan
from tests.conftest import plant_plan as give_plan
from tests.test_documents import pages_text
from tests.test_school_inbox import (  # noqa: F401 - db_url, inbox_*, record_key: fixtures
    choices_from,
    create_staff,
    db_url,
    inbox_app,
    inbox_settings,
    login,
    preview,
    record_key,
    references,
    send,
)


@pytest.mark.parametrize(
    ("given", "family", "language", "expected"),
    [
        ("家豪", "陈", "zh", "陈家豪"),  # Han: family first, no space
        ("家豪", "陈", "en", "陈家豪"),  # ... whatever language was chosen on the form
        ("민준", "김", "ko", "김민준"),
        ("Thị Mai", "Lê", "vi", "Lê Thị Mai"),  # Vietnamese: family first, with a space
        ("Jiahao", "Chen", "zh", "Chen Jiahao"),
        ("Thị Mai", "Lê", "en", "Thị Mai Lê"),  # the person says they read English
        ("María José", "Ramírez Ortega", "es", "María José Ramírez Ortega"),
        ("فاطمة", "حداد", "ar", "فاطمة حداد"),
        ("Thu", "", "vi", "Thu"),
        ("", "Trần", "vi", "Trần"),
    ],
)
def test_the_rule(given, family, language, expected):
    assert full_name(given, family, name_order(language)) == expected


def test_site_language_codes_name_their_order():
    assert name_order("zh_Hans") == name_order("zh-TW") == name_order("vi") == "family_first"
    assert name_order("kea") == name_order("pt_BR") == name_order("") == "given_first"


def chinese_family(example_plan) -> Plan:
    plan = example_plan.model_copy(deep=True)
    plan.guardians = [
        Guardian(
            given_name="家豪",
            family_name="陈",
            language="zh",
            phones=example_plan.guardians[0].phones,
        )
    ]
    plan.children = [Child(given_name="小明", family_name="陈", school="Chandler Elementary")]
    plan.contacts[1].given_name, plan.contacts[1].family_name = "Thị Mai", "Lê"
    plan.contacts[1].language = "vi"
    plan.language = "zh_Hans"
    return Plan.model_validate(plan.model_dump())


def vietnamese_family(example_plan) -> Plan:
    plan = example_plan.model_dump()
    plan["language"] = "vi"
    plan["guardians"][0].update(given_name="Văn Nam", family_name="Nguyễn", language="vi")
    plan["children"][0].update(given_name="Thị Hoa", family_name="Nguyễn")
    return Plan.model_validate(plan)


def test_the_plan_keeps_the_parts_and_a_child_follows_their_parent(example_plan):
    plan = vietnamese_family(example_plan)
    assert plan.children[0].given_name == "Thị Hoa" and plan.children[0].family_name == "Nguyễn"
    assert plan.children[0].full_name == "Nguyễn Thị Hoa"  # as Nguyễn Văn Nam writes his
    assert plan.children[1].full_name == "Mateo Ramírez"  # as Luis Ramírez writes his
    plan.language = "en"  # read in English: still the family's order
    assert plan.children[0].full_name == "Nguyễn Thị Hoa"
    # With no parent of the same family name, the plan's language decides.
    plan.children[1].family_name = "Trần"
    plan.language = "vi"
    assert plan.children[1].full_name == "Trần Mateo"


def test_chinese_and_vietnamese_names_in_the_plan_pdf(app, example_plan):
    plan = chinese_family(example_plan)
    with app.app_context():
        pages = pages_text(render_plan_pdf(plan, language="zh_Hans"))
        english = " ".join(pages_text(render_plan_pdf(plan, language="en")))
        vietnamese = " ".join(
            pages_text(render_plan_pdf(vietnamese_family(example_plan), language="vi"))
        )
    text = " ".join(pages)
    assert "陈家豪" in pages[0]  # the cover names the parent, whole, not "陈" alone
    assert "陈小明" in text and "Lê Thị Mai" in text
    # Every time a given name is printed, its family name is right before it.
    assert text.count("家豪") == text.count("陈家豪")
    assert text.count("小明") == text.count("陈小明") + 1  # + the card's "my children: 小明"
    assert "Thị Mai Lê" not in text
    # The running header atop every page after the cover.
    assert all("陈家豪" in page for page in pages[1:])
    # A caregiver's English copy keeps the family's order.
    assert "陈小明" in english and "Lê Thị Mai" in english and "Thị Mai Lê" not in english
    assert "Nguyễn Văn Nam" in vietnamese and "Nguyễn Thị Hoa" in vietnamese
    assert vietnamese.count("Văn Nam") == vietnamese.count("Nguyễn Văn Nam")


def test_school_record_form_csv_and_vcard(app, example_plan):
    plan = chinese_family(example_plan)
    updates = school_updates_from_plan(plan, submitted_by=plan.guardians[0].full_name)
    update = updates[0]
    assert update.student.full_name == "陈小明"
    assert [c.full_name for c in update.contacts][:3] == ["陈家豪", "Carmen Ortega", "Lê Thị Mai"]
    # The order travels with the record (the inbox stores it as JSON and reads it back).
    again = SchoolUpdate.model_validate_json(update.model_dump_json())
    assert again.student.full_name == "陈小明"

    with app.test_request_context("/zh-Hans/school/"):
        form = " ".join(pages_text(render_school_form(updates)))
    assert "陈小明" in form and "陈家豪" in form and "Lê Thị Mai" in form
    assert "Thị Mai Lê" not in form

    rows = list(csv.DictReader(io.StringIO(exports.powerschool_csv(updates).decode("utf-8-sig"))))
    assert (rows[0]["First Name"], rows[0]["Last Name"]) == ("家豪", "陈")  # parts stay apart
    assert (rows[2]["First Name"], rows[2]["Last Name"]) == ("Thị Mai", "Lê")
    assert rows[0]["Submitted By"] == "陈家豪"

    cards = list(vobject.readComponents(exports.vcards(update.contacts).decode("utf-8")))
    assert cards[0].fn.value == "陈家豪"
    assert (cards[0].n.value.family, cards[0].n.value.given) == ("陈", "家豪")
    assert cards[2].fn.value == "Lê Thị Mai"
    assert (cards[2].n.value.family, cards[2].n.value.given) == ("Lê", "Thị Mai")


def test_check_page_and_school_preview(client, app, example_plan):
    give_plan(app, client, chinese_family(example_plan))
    check = client.get("/zh-Hans/plan/check").get_data(as_text=True)
    assert "陈家豪" in check and "陈小明" in check and "Lê Thị Mai" in check
    assert "Thị Mai Lê" not in check
    english = client.get("/en/plan/check").get_data(as_text=True)
    assert "Lê Thị Mai" in english


def test_staff_pages(inbox_app, example_plan):  # noqa: F811 - the imported fixture
    client = inbox_app.test_client()
    give_plan(inbox_app, client, vietnamese_family(example_plan))
    sent = send(
        client,
        choices_from(preview(client, lang="vi", submitted_by="Nguyễn Văn Nam")),
        lang="vi",
        schools=("chandler-elementary", "chandler-elementary"),
    )
    assert sent.status_code == 200
    reference = references(sent.get_data(as_text=True))[0]
    create_staff(inbox_app)
    staff, _ = login(inbox_app)
    listing = staff.get("/en/staff/").get_data(as_text=True)
    assert "Nguyễn Thị Hoa" in listing
    detail = staff.get(f"/en/staff/updates/{reference}").get_data(as_text=True)
    assert "Nguyễn Văn Nam" in detail and "Văn Nam Nguyễn" not in detail
