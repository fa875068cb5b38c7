"""A pseudo-localised build: every message becomes ⟦message⟧, then every page and PDF is rendered
and any visible text outside the brackets that is not the family's own data fails the test.

It catches strings that escaped gettext, which catalog checks cannot see.
"""

import io

import pytest
from pypdf import PdfReader

from tests.pseudo import leftovers, not_ours, visible, write_pseudo_catalog
from tests.walk import FlowWalker


@pytest.fixture
def pseudo_app(make_app, tmp_path):
    folder = write_pseudo_catalog(tmp_path / "pseudo")
    return make_app(BABEL_TRANSLATION_DIRECTORIES=str(folder))


def test_no_page_shows_a_string_that_escaped_translation(pseudo_app, example_plan):
    client = pseudo_app.test_client()
    empty = [
        "/es/",
        "/es/plan/parents",
        "/es/plan/children",
        "/es/plan/check",
        "/es/privacy",
        "/es/cleared",
        "/es/plan/upload",
        "/es/no-such-page",
        "/es/plan/done",
    ]
    pages = {
        path: client.get(path).get_data(as_text=True)
        for path in empty
        if client.get(path).status_code != 302
    }
    FlowWalker(client, "es").walk(example_plan)
    paths = [
        "/es/plan/parents",
        "/es/plan/parents/0",
        "/es/plan/address",
        "/es/plan/children",
        "/es/plan/children/0",
        "/es/plan/children/0/remove",
        "/es/plan/contacts",
        "/es/plan/contacts/1",
        "/es/plan/out-of-area",
        "/es/plan/caregiver",
        "/es/plan/caregiver-notes",
        "/es/plan/documents",
        "/es/plan/help",
        "/es/plan/private",
        "/es/plan/check",
        "/es/plan/done",
        "/es/school/",
    ]
    pages.update({f"{path} (filled)": client.get(path).get_data(as_text=True) for path in paths})
    pages["errors"] = client.post(
        "/es/plan/contacts/0", data={"given_name": "", "phones-0-number": "1", "email": "x"}
    ).get_data(as_text=True)
    pages["date error"] = client.post(
        "/es/plan/children/0", data={"given_name": "A", "date_of_birth": "99/99/2000"}
    ).get_data(as_text=True)
    data = not_ours(example_plan, ["A", "x", "1", "99/99/2000"])
    found = {name: left for name, html in pages.items() if (left := leftovers(visible(html), data))}
    assert found == {}


@pytest.mark.parametrize("bilingual", [False, True], ids=["es", "es+en"])
def test_no_pdf_shows_a_string_that_escaped_translation(pseudo_app, example_plan, bilingual):
    from prepplan.documents.plan_pdf import render_plan_pdf

    with pseudo_app.app_context():
        pdf = render_plan_pdf(example_plan, language="es", bilingual=bilingual)
    reader = PdfReader(io.BytesIO(pdf))
    data = not_ours(example_plan)
    found = {}
    for number, page in enumerate(reader.pages, 1):
        left = leftovers(page.extract_text(), data, english_pairs=True)
        if left:
            found[number] = left
    assert found == {}
