"""The family's steps through the real forms: saving, errors, bounds, moving around."""

import re

import pytest

from prepplan.plan.model import MAX_CHILDREN, MAX_CONTACTS, Plan
from tests.walk import FlowWalker


def test_walking_the_whole_flow_keeps_every_answer(client, example_plan):
    walker = FlowWalker(client, "es")
    walker.walk(example_plan)

    kept = walker.plan()
    assert kept.language == "es"
    assert [g.full_name for g in kept.guardians] == [g.full_name for g in example_plan.guardians]
    assert kept.guardians[0].a_number == "A123-456-789"
    assert kept.children[0].date_of_birth == example_plan.children[0].date_of_birth
    assert kept.children[0].doctor_phone.e164 == "+15085550190"
    assert kept.children[1].special_needs == example_plan.children[1].special_needs
    assert [c.full_name for c in kept.contacts] == [c.full_name for c in example_plan.contacts]
    assert kept.contacts[0].may_pick_up and kept.contacts[0].interpreter_needed
    assert kept.primary_caregiver.full_name == "Carmen Ortega"
    assert kept.backup_caregiver.full_name == "Trần Thu"
    assert kept.out_of_area_contact.phones[0].e164 == "+525512345678"
    assert kept.document("immigration_papers").where == "Locked box under the bed"
    assert kept.help.consulate.name == example_plan.help.consulate.name
    assert kept.family_code_word == "girasol"

    results = client.get("/es/plan/done")
    assert results.status_code == 200


def test_phone_numbers_are_read_as_people_type_them(client):
    walker = FlowWalker(client, "en")
    for i, typed in enumerate(["(508) 555-0142", "508.555.0177", "011 52 55 1234 5678"]):
        walker.post(
            f"contacts/{i}",
            {
                "given_name": f"P{i}",
                "relationship": "neighbor",
                "language": "en",
                "phones-0-number": typed,
            },
        )
    e164 = [c.phones[0].e164 for c in walker.plan().contacts]
    assert e164 == ["+15085550142", "+15085550177", "+525512345678"]
    # what the family typed is kept too
    assert walker.plan().contacts[0].phones[0].number == "(508) 555-0142"


def test_errors_are_summarised_linked_and_nothing_typed_is_lost(client):
    response = client.post(
        "/es/plan/contacts/0",
        data={
            "given_name": "",
            "family_name": "Ortega Ñúñez",
            "phones-0-number": "12345",
            "email": "not-an-email",
            "relationship": "aunt_uncle",
            "language": "es",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error:" in page or re.search(r"<title>[^<]*:", page)
    summary = page[page.index('class="error-summary"') : page.index("</ul>")]
    for field_id in ("given_name", "phones-0-number", "email"):
        assert f'href="#{field_id}"' in summary
        assert f'id="{field_id}"' in page
        assert f'aria-describedby="{field_id}-error"' in page or f"{field_id}-error" in page
    # the values the family typed come back in the boxes
    assert 'value="Ortega Ñúñez"' in page
    assert 'value="12345"' in page
    assert 'value="not-an-email"' in page
    # and nothing was saved
    assert FlowWalker(client).plan().contacts == []


def test_dates_follow_the_order_of_the_familys_language(client):
    FlowWalker(client, "es").post("children/0", {"given_name": "A", "date_of_birth": "3/4/2015"})
    FlowWalker(client, "en").post("children/1", {"given_name": "B", "date_of_birth": "3/4/2015"})
    FlowWalker(client, "zh-Hans").post(
        "children/2", {"given_name": "C", "date_of_birth": "2015/4/3"}
    )
    births = [c.date_of_birth.isoformat() for c in FlowWalker(client).plan().children]
    assert births == ["2015-04-03", "2015-03-04", "2015-04-03"]


@pytest.mark.parametrize("typed", ["31/31/2015", "yesterday", "1/1/1850"])
def test_an_impossible_date_says_how_to_write_it(client, typed):
    response = client.post("/es/plan/children/0", data={"given_name": "A", "date_of_birth": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="#date_of_birth"' in page
    assert "21/10/2019" in page  # the example is in the Spanish day/month/year order
    assert f'value="{typed}"' in page


def test_children_are_bounded_and_the_bound_is_said_not_silent(client):
    walker = FlowWalker(client, "en")
    for i in range(MAX_CHILDREN):
        walker.post(f"children/{i}", {"given_name": f"Child {i}"})
    assert len(walker.plan().children) == MAX_CHILDREN

    listing = client.get("/en/plan/children").get_data(as_text=True)
    assert "Add a child" not in listing
    assert f"up to {MAX_CHILDREN} children" in listing

    # Past the bound: the form is refused with a message, and nothing already there is lost.
    response = client.post(f"/en/plan/children/{MAX_CHILDREN}", data={"given_name": "Eleven"})
    assert response.status_code == 302
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"up to {MAX_CHILDREN} children" in follow
    kept = walker.plan().children
    assert len(kept) == MAX_CHILDREN and "Eleven" not in [c.given_name for c in kept]


def test_contacts_are_bounded_reordered_and_removed(client):
    walker = FlowWalker(client, "en")
    for i in range(MAX_CONTACTS):
        walker.post(
            f"contacts/{i}",
            {
                "given_name": f"C{i}",
                "relationship": "neighbor",
                "language": "en",
                "phones-0-number": f"508555010{i}",
            },
        )
    assert client.get(f"/en/plan/contacts/{MAX_CONTACTS}").status_code == 302

    client.post("/en/plan/contacts/3/move", data={"direction": "up"})
    assert [c.given_name for c in walker.plan().contacts][:4] == ["C0", "C1", "C3", "C2"]

    confirm = client.get("/en/plan/contacts/0/remove")
    assert "C0" in confirm.get_data(as_text=True)
    client.post("/en/plan/contacts/0/remove")
    assert [c.given_name for c in walker.plan().contacts][:2] == ["C1", "C3"]


def test_removing_a_caregiver_contact_asks_to_choose_again(client, example_plan):
    FlowWalker(client, "en").walk(example_plan)
    client.post("/en/plan/contacts/0/remove")
    plan = FlowWalker(client).plan()
    assert plan.caregiver.primary_contact_id == ""
    check = client.get("/en/plan/check").get_data(as_text=True)
    assert "Choose who will care for the children first." in check


def test_continuing_needs_at_least_one_entry(client):
    response = client.post("/en/plan/children", data={})
    assert response.status_code == 200
    assert 'href="#add-item"' in response.get_data(as_text=True)


def test_check_page_links_back_to_each_answer_and_returns_there(client, example_plan):
    FlowWalker(client, "en").walk(example_plan)
    page = client.get("/en/plan/check").get_data(as_text=True)
    assert page.count(">Change<") >= 10
    assert "/en/plan/children/1?from=check" in page
    response = client.post("/en/plan/address?from=check", data={"street": "1 New St"})
    assert response.headers["Location"].endswith("/en/plan/check")


def test_switching_language_keeps_every_answer(client, example_plan):
    FlowWalker(client, "es").walk(example_plan)
    vietnamese = client.get("/vi/plan/check")
    assert vietnamese.status_code == 200
    page = vietnamese.get_data(as_text=True)
    assert '<html lang="vi"' in page
    for child in example_plan.children:
        assert child.full_name in page
    arabic = client.get("/ar/plan/contacts/1").get_data(as_text=True)
    assert 'dir="rtl"' in arabic and 'value="Thu"' in arabic


def test_the_plan_survives_a_server_restart(make_app, example_plan):
    first = make_app(environ={"PREPPLAN_SECRET_KEY": "k" * 40})
    client = first.test_client()
    FlowWalker(client, "es").walk(example_plan)
    restarted = make_app(environ={"PREPPLAN_SECRET_KEY": "k" * 40})
    with restarted.test_client() as again:
        for cookie in client._cookies.values():
            again.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
        assert FlowWalker(again).plan().children[0].given_name == "Sofía"


def test_plan_file_uploads_back_into_the_flow(client, example_plan):
    from prepplan.plan.planfile import dump_plan

    response = client.post(
        "/en/plan/upload",
        data={
            "plan_file": (__import__("io").BytesIO(dump_plan(example_plan)), "family-plan.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/check")
    assert FlowWalker(client).plan().children == example_plan.children


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"\x00\x01garbage", "This file is not a plan file"),
        (b'{"format": "something-else"}', "not a plan file from this site"),
        (b'{"format": "prepplan-plan", "version": 99, "plan": {}}', "newer version"),
        (
            b'{"format": "prepplan-plan", "version": 2, "plan": {"children": "x"}}',
            "changed or damaged",
        ),
        (b"%PDF-1.7 not really", "does not contain a plan"),
    ],
)
def test_bad_plan_files_get_a_clear_error(client, content, expected):
    response = client.post(
        "/en/plan/upload",
        data={
            "plan_file": (__import__("io").BytesIO(content), "plan.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert expected in response.get_data(as_text=True)


def test_an_empty_plan_has_no_results_page(client):
    assert client.get("/en/plan/done").status_code == 302


def test_unknown_language_or_step_is_not_found(client):
    assert client.get("/xx/plan/parents").status_code == 404
    assert client.get("/en/plan/nothing-here").status_code == 404


def test_a_large_family_fits(client):
    """10 children and 8 contacts with every note full, in a four-byte script."""
    walker = FlowWalker(client, "zh-Hans")
    note = ("孩子睡前要听故事，晚上九点睡觉。对花生过敏。" * 60)[:1000]
    for i in range(MAX_CHILDREN):
        walker.post(
            f"children/{i}",
            {
                "given_name": f"孩子{i}",
                "family_name": "王",
                "allergies": note,
                "medications": note,
                "medical_conditions": note,
                "special_needs": note,
                "routines": note,
                "after_school": note[:300],
                "health_insurance": note[:300],
            },
        )
    for i in range(MAX_CONTACTS):
        walker.post(
            f"contacts/{i}",
            {
                "given_name": f"联系人{i}",
                "relationship": "neighbor",
                "language": "zh",
                "phones-0-number": f"508555010{i}",
            },
        )
    plan: Plan = walker.plan()
    assert len(plan.children) == MAX_CHILDREN and len(plan.contacts) == MAX_CONTACTS
    assert plan.children[9].routines == note


def test_switching_language_in_the_middle_of_a_page_keeps_what_was_typed(client):
    page = client.get("/es/plan/contacts/0").get_data(as_text=True)
    assert 'formaction="/vi/plan/contacts/0?switch=language"' in page
    response = client.post(
        "/vi/plan/contacts/0?switch=language",
        data={"given_name": "Carmen", "phones-0-number": "508 555", "relationship": "aunt_uncle"},
    )
    switched = response.get_data(as_text=True)
    assert '<html lang="vi"' in switched
    assert 'value="Carmen"' in switched and 'value="508 555"' in switched
    assert "error-summary" not in switched  # not judged yet: the family has not pressed save
    assert FlowWalker(client).plan().contacts == []  # and not saved either


def test_an_error_on_radio_buttons_links_to_the_first_button(client):
    """A fieldset cannot take focus: the summary's link goes to the first radio button."""
    client.post("/en/plan/contacts/0", data={"given_name": "Ana", "phones-0-number": "5085550142"})
    page = client.post("/en/plan/caregiver", data={}).get_data(as_text=True)
    assert 'href="#primary_contact_id-0"' in page
    assert 'id="primary_contact_id-0"' in page


def test_a_contacts_home_address_is_kept_and_shown_for_checking(client, example_plan):
    FlowWalker(client, "en").walk(example_plan)
    carmen = FlowWalker(client).plan().contacts[0]
    assert carmen.address == "40 Oak Avenue, Apt 2, Worcester, MA 01610"
    listing = client.get("/en/plan/contacts").get_data(as_text=True)
    check = client.get("/en/plan/check").get_data(as_text=True)
    assert carmen.address in listing and carmen.address in check
    form = client.get("/en/plan/contacts/0").get_data(as_text=True)
    assert "Street, town and ZIP code." in form and f"{carmen.address}</textarea>" in form


def test_text_over_the_limit_is_kept_whole_and_flagged_never_cut(client):
    pasted = "Peanuts, tree nuts and shellfish. " * 300  # 10,200 characters
    pasted = pasted[:10_000]
    response = client.post("/en/plan/children/0", data={"given_name": "Inés", "allergies": pasted})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="#allergies"' in page
    assert "Use 1000 characters or fewer." in page
    box = re.search(r'<textarea[^>]*id="allergies"[^>]*>(.*?)</textarea>', page, re.S)
    assert box and box.group(1).strip() == pasted.strip()
    assert FlowWalker(client, "en").plan().children == []
    # The limit is said before typing, and the live count's words come from the server.
    assert 'id="allergies-limit"' in page and "Up to 1000 characters" in page
    assert 'data-count-message="{count} of 1000 characters"' in page
    for path in ("children/0", "contacts/0", "parents/0", "caregiver", "caregiver-notes", "help"):
        assert "maxlength" not in client.get(f"/en/plan/{path}").get_data(as_text=True), path


def test_adding_a_contact_from_the_caregiver_page_keeps_what_was_typed(client):
    walker = FlowWalker(client, "en")
    page = client.get("/en/plan/caregiver").get_data(as_text=True)
    assert 'name="add_to" value="contacts"' in page  # a button of the form, not a link
    # After "Save and continue": Enter in a box presses the form's first button.
    step_form = page[page.index('id="step-form"') :]
    step_form = step_form[: step_form.index("</form>")]
    assert step_form.index("Save and continue") < step_form.index('name="add_to"')
    response = walker.post(
        "caregiver", {"where_children_stay": "With Tía Carmen, 12 Main St", "add_to": "contacts"}
    )
    assert response.headers["Location"] == "/en/plan/contacts/0?back=caregiver"
    assert walker.plan().caregiver.where_children_stay == "With Tía Carmen, 12 Main St"

    response = walker.post(
        "contacts/0?back=caregiver",
        {"given_name": "Carmen", "relationship": "aunt_uncle", "phones-0-number": "508 555 0142"},
    )
    assert response.headers["Location"] == "/en/plan/caregiver"
    page = client.get("/en/plan/caregiver").get_data(as_text=True)
    assert "With Tía Carmen, 12 Main St" in page and "Carmen" in page


def test_adding_a_contact_with_a_mistake_on_the_page_keeps_it_and_says_so(client):
    too_long = "A long answer about where they stay. " * 20  # over 300 characters
    response = client.post(
        "/en/plan/caregiver", data={"where_children_stay": too_long, "add_to": "contacts"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Use 300 characters or fewer." in page
    assert too_long.strip() in page


def _loaded_from(page: str) -> str:
    found = re.search(r'name="loaded_from" value="([^"]+)"', page)
    assert found, "the entry form carries what it was made from"
    return found.group(1)


def test_adding_a_child_in_two_tabs_keeps_both_children(client):
    first_tab = client.get("/en/plan/children/0").get_data(as_text=True)
    second_tab = client.get("/en/plan/children/0").get_data(as_text=True)
    assert _loaded_from(first_tab) == _loaded_from(second_tab) == "new"
    for name in ("Inés", "Mateo"):
        response = client.post(
            "/en/plan/children/0", data={"given_name": name, "loaded_from": "new"}
        )
        assert response.status_code == 302
    assert [c.given_name for c in FlowWalker(client, "en").plan().children] == ["Inés", "Mateo"]


def test_changing_an_entry_changed_in_another_tab_says_so_instead_of_overwriting(client):
    walker = FlowWalker(client, "en")
    walker.post("children/0", {"given_name": "Inés", "allergies": "Peanuts"})
    first_tab = _loaded_from(client.get("/en/plan/children/0").get_data(as_text=True))
    walker.post("children/0", {"given_name": "Inés", "allergies": "Peanuts and shellfish"})

    response = client.post(
        "/en/plan/children/0",
        data={"given_name": "Inés", "allergies": "None", "loaded_from": first_tab},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "changed in another tab or window" in page
    assert re.search(r'id="allergies"[^>]*>\s*None</textarea>', page)  # this tab's text stays
    assert walker.plan().children[0].allergies == "Peanuts and shellfish"

    # Switching language keeps what the page was made from, so the check still holds.
    switched = client.post(
        "/es/plan/children/0?switch=language",
        data={"given_name": "Inés", "allergies": "None", "loaded_from": first_tab},
    ).get_data(as_text=True)
    assert _loaded_from(switched) == first_tab

    # Saving again, knowing, keeps this tab's answers.
    response = client.post(
        "/en/plan/children/0",
        data={"given_name": "Inés", "allergies": "None", "loaded_from": _loaded_from(page)},
    )
    assert response.status_code == 302
    assert walker.plan().children[0].allergies == "None"


def test_the_check_page_shows_each_a_number_behind_a_show_control(client, example_plan):
    FlowWalker(client, "en").walk(example_plan)
    page = client.get("/en/plan/check").get_data(as_text=True)
    revealed = re.findall(r"<details class=\"reveal\"><summary>Show(.*?)</details>", page, re.S)
    with_numbers = [g for g in example_plan.guardians if g.a_number]
    assert len(revealed) == len(with_numbers) >= 1
    assert "A123-456-789" in revealed[0]
    assert page.count("A123-456-789") == 1  # only inside the control
    assert "girasol" not in page  # the code word is never repeated on screen
