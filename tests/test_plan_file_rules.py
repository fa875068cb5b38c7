"""An uploaded or command-line plan file obeys the forms' rules, and uploading over a plan in
progress asks first."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import date

import pytest

from prepplan.plan.model import Child, Contact, Phone
from prepplan.plan.planfile import PlanFileError, dump_plan, load_plan
from tests.walk import FlowWalker


def edited(example_plan, change) -> bytes:
    """The example plan file, edited by hand the way a family or a helper might."""
    document = json.loads(dump_plan(example_plan))
    change(document["plan"])
    return json.dumps(document, ensure_ascii=False).encode()


def upload(client, data: bytes, lang: str = "en"):
    return client.post(
        f"/{lang}/plan/upload",
        data={"plan_file": (io.BytesIO(data), "plan.json")},
        content_type="multipart/form-data",
    )


def test_the_model_holds_the_forms_rules():
    with pytest.raises(ValueError):
        Phone(number="12")
    # E.164 always follows the number typed, whatever the file says.
    assert Phone(number="508 555 0142", e164="+19999999999").e164 == "+15085550142"
    assert Phone(number="011 52 55 1234 5678").e164 == "+525512345678"
    for born in (date(2099, 1, 1), date(1899, 12, 31)):
        with pytest.raises(ValueError):
            Child(date_of_birth=born)
    assert Child(date_of_birth=date(1900, 1, 1)).date_of_birth.year == 1900
    with pytest.raises(ValueError):
        Contact(email="not an address")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda plan: plan["contacts"][0]["phones"][0].update(number="12"),
            "The phone number of Carmen Ortega is not a phone number.",
        ),
        (
            lambda plan: plan["children"][0].update(date_of_birth="2099-04-09"),
            "The date of birth of Sofía Ramírez must be between 1900 and today.",
        ),
        (
            lambda plan: plan["children"][1].update(dentist_phone={"number": "555"}),
            "The dentist's phone number for Mateo Ramírez is not a phone number.",
        ),
        (
            lambda plan: plan["guardians"][0].update(email="mj.ramirez(at)example.org"),
            "The e-mail address of María José Ramírez Ortega is not an e-mail address.",
        ),
    ],
)
def test_a_refused_value_is_named_in_the_familys_words(client, example_plan, change, message):
    response = upload(client, edited(example_plan, change))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert message in page
    assert "Correct it in the file and choose the file again, or start a new plan." in page
    assert FlowWalker(client, "en").plan().children == []  # nothing was loaded


def test_the_message_is_in_the_familys_language(client, example_plan):
    data = edited(example_plan, lambda p: p["contacts"][0]["phones"][0].update(number="12"))
    page = html.unescape(upload(client, data, lang="es").get_data(as_text=True))
    assert "Carmen Ortega" in page and "The phone number of" not in page


def test_the_command_line_refuses_them_too(app, tmp_path, example_plan):
    source = tmp_path / "plan.json"
    source.write_bytes(
        edited(example_plan, lambda p: p["children"][0].update(date_of_birth="2099-04-09"))
    )
    output = tmp_path / "plan.pdf"
    result = app.test_cli_runner().invoke(args=["pdf", str(source), "-o", str(output)])
    assert result.exit_code != 0
    assert "children.0.date_of_birth" in result.output and "2099" not in result.output
    assert not output.exists()
    with pytest.raises(PlanFileError) as refused:
        load_plan(source.read_bytes())
    assert "Sofía" not in str(refused.value)  # the name is for the family's page only


def test_uploading_over_a_plan_in_progress_asks_first(client, example_plan):
    walker = FlowWalker(client, "en")
    walker.post(
        "contacts/0",
        {
            "given_name": "Typed today",
            "relationship": "neighbor",
            "language": "en",
            "phones-0-number": "508 555 0142",
        },
    )
    response = upload(client, dump_plan(example_plan))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Replace the plan on this device?" in page
    assert [c.given_name for c in walker.plan().contacts] == ["Typed today"]  # not yet

    carried = html.unescape(re.search(r'name="confirmed_plan" value="([^"]*)"', page).group(1))
    confirmed = client.post("/en/plan/upload", data={"confirmed_plan": carried})
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/check")
    assert walker.plan().contacts == example_plan.contacts
    # With nothing in progress, the file opens straight away.
    client.post("/en/delete")
    assert upload(client, dump_plan(example_plan)).status_code == 302
