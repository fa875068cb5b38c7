"""Helper mode and the helpers' kit page, through the test client (the browser test walks two
families in a real Chromium)."""

from __future__ import annotations

import io
import re
import time

import pytest
from babel import Locale
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader

from prepplan import plan_state as state
from prepplan.bilingual import CLOSE, OPEN
from prepplan.helper_mode import MARKER_COOKIE, finish_bilingual_html
from prepplan.i18n import BY_SLUG, SITE_LANGUAGES, language_name
from tests.walk import FlowWalker

SLUGS = [language.slug for language in SITE_LANGUAGES]


def marker(client) -> str | None:
    cookie = client.get_cookie(MARKER_COOKIE)
    return cookie.value if cookie else None


def helper_on(client, lang: str = "es", **form) -> None:
    response = client.post(f"/{lang}/helpers/on", data=form)
    assert response.status_code == 303


@pytest.mark.parametrize("slug", SLUGS)
def test_the_kit_page_in_every_language(client, slug):
    page = client.get(f"/{slug}/helpers")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Links to every printable in every language, and the button that turns helper mode on.
    for other in SLUGS:
        assert f'href="/{other}/helpers/blank-plan-fillable.pdf"' in html
        assert f'href="/{other}/helpers/table-tent.pdf"' in html
    assert 'id="helper-on"' in html
    # What to bring includes the district's notaries, in the page's language.
    with client.application.test_request_context(), force_locale(BY_SLUG[slug].code):
        # A translation is trusted markup in a template: printed as it is, not escaped.
        notaries = _(
            "If you will help families sign caregiver papers: a notary, or the "
            "district's list of free notaries."
        )
    assert notaries in html


def test_a_printable_downloads_as_a_pdf(client):
    response = client.get("/ht/helpers/school-form-fillable.pdf?paper=a4")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="school-form-fillable-ht-a4.pdf"'
    )
    assert "student-name" in PdfReader(io.BytesIO(response.data)).get_fields()
    assert client.get("/ht/helpers/anything-else.pdf").status_code == 404


def test_the_event_pin_guards_helper_mode(make_app):
    client = make_app(EVENT_PIN="2468").test_client()
    assert 'id="pin"' in client.get("/es/helpers").get_data(as_text=True)
    response = client.post("/es/helpers/on", data={"pin": "1111"})
    assert response.location.endswith("/es/helpers?pin=wrong") and marker(client) is None
    helper_on(client, pin="2468")
    assert marker(client)


def test_helper_mode_shows_english_beneath_and_only_where_markup_can_go(client):
    before = client.get("/es/").get_data(as_text=True)
    assert "helper-en" not in before and "Finish and clear" not in before
    helper_on(client)
    html = client.get("/es/").get_data(as_text=True)
    assert (
        'Haga el plan de su familia<span class="helper-en" lang="en" dir="ltr">'
        "Make your family&#39;s plan</span>"
    ) in html or ('<span class="helper-en" lang="en" dir="ltr">Make your family' in html)
    assert 'id="helper-finish"' in html
    # Never inside an attribute or the title, and no marker character left anywhere.
    assert OPEN not in html and CLOSE not in html
    assert not re.search(r'="[^"]*<span', html)
    assert "helper-en" not in re.search(r"<title>.*?</title>", html, re.S).group(0)
    # Form labels (lazy strings) get their English too, and forms never autofill.
    step = client.get("/es/plan/parents/0").get_data(as_text=True)
    assert re.search(r"<label[^>]*>[^<]*<span class=\"helper-en\"", step)
    assert all('autocomplete="off"' in form for form in re.findall(r"<form\b[^>]*>", step))
    # English pages stay as they are.
    assert "helper-en" not in client.get("/en/").get_data(as_text=True)


def test_documents_never_get_the_helpers_english(client, example_plan):
    helper_on(client)
    FlowWalker(client, "es").walk(example_plan)
    pdf = client.get("/es/plan/plan.pdf").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert OPEN not in text and "Save and continue" not in text
    assert "Contactos de emergencia: llame en este orden" in text
    assert "Emergency contacts: call in this order" not in text  # not bilingual unless asked


def test_finish_and_clear_keeps_only_the_marker(client, example_plan):
    helper_on(client)
    first_epoch = marker(client)
    FlowWalker(client, "es").walk(example_plan)
    assert client.get_cookie("pp0")
    response = client.post("/es/helpers/next-family")
    assert response.location.endswith("/es/helpers/ready")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get_cookie("pp0") is None
    assert marker(client) and marker(client) != first_epoch  # a new family epoch
    ready = client.get("/es/helpers/ready").get_data(as_text=True)
    assert 'data-replace-with="/"' in ready and f'data-helper-epoch="{marker(client)}"' in ready
    assert FlowWalker(client, "es").plan().contacts == []


def test_delete_everything_in_helper_mode_keeps_helper_mode(client, example_plan):
    helper_on(client)
    FlowWalker(client, "es").walk(example_plan)
    response = client.post("/es/delete")
    assert "cookies" not in response.headers["Clear-Site-Data"]
    assert client.get_cookie("pp0") is None and marker(client)


def test_turning_helper_mode_off(client):
    helper_on(client)
    client.post("/es/helpers/off")
    assert marker(client) is None
    assert "helper-en" not in client.get("/es/").get_data(as_text=True)


def test_the_idle_limit_is_the_helpers(client, example_plan, monkeypatch):
    helper_on(client)
    FlowWalker(client, "es").walk(example_plan)
    later = time.time() + 6 * 60  # past the helper's 5 minutes, well within the usual 30
    monkeypatch.setattr(state.time, "time", lambda: later)
    assert 'data-idle-minutes="5"' in client.get("/es/").get_data(as_text=True)
    assert FlowWalker(client, "es").plan().contacts == []


def test_the_usual_idle_limit_without_helper_mode(client, example_plan, monkeypatch):
    FlowWalker(client, "es").walk(example_plan)
    later = time.time() + 6 * 60
    monkeypatch.setattr(state.time, "time", lambda: later)
    assert FlowWalker(client, "es").plan().contacts != []


def test_finish_bilingual_html():
    html = (
        f'<title>A{OPEN}a{CLOSE}</title><a title="B{OPEN}b{CLOSE}">C{OPEN}c{CLOSE}</a>'
        f'<select><option>D{OPEN}d{CLOSE}</option></select><form method="post">'
    )
    assert finish_bilingual_html(html) == (
        '<title>A</title><a title="B">C<span class="helper-en" lang="en" dir="ltr">c</span></a>'
        '<select><option>D</option></select><form autocomplete="off" method="post">'
    )


def test_no_helper_page_paper_or_flyer_shows_an_untranslated_string(make_app, tmp_path):
    """Pseudo-localised: every word on the kit page, the ready page, the blank papers and the
    flyer comes from the catalogs (or is a language's own name, the URL, a PIN's digits)."""
    from prepplan.documents.flyer import render_flyer_pdf
    from prepplan.documents.paper import render_blank_pdf
    from tests.pseudo import leftovers, visible, write_pseudo_catalog

    app = make_app(
        BABEL_TRANSLATION_DIRECTORIES=str(write_pseudo_catalog(tmp_path / "pseudo")),
        EVENT_PIN="1234",
    )
    client = app.test_client()
    data = (
        [lang.native_name for lang in SITE_LANGUAGES]
        + [lang.english_name for lang in SITE_LANGUAGES]
        + [Locale.parse(lang.code).get_display_name("es") for lang in SITE_LANGUAGES]
        # our own names of the languages (translations/es/formats.toml)
        + [language_name(lang.code.split("_")[0], "es") for lang in SITE_LANGUAGES]
        + [
            "PDF",
            "QR",
            "http://localhost/",
            # The pseudo catalog leaves plural messages in English (tests/pseudo.py; on main too).
            "If nobody uses the screen for",
            "minutes",
            "it clears itself",
        ]
    )
    pages = {"kit": client.get("/es/helpers?pin=wrong").get_data(as_text=True)}
    client = make_app(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path / "pseudo")).test_client()
    helper_on(client)
    pages["kit, helper on"] = client.get("/es/helpers").get_data(as_text=True)
    pages["ready"] = client.get("/es/helpers/ready").get_data(as_text=True)
    # In helper mode each ⟦message⟧ is followed by its English: that pair is expected.
    found = {
        name: left
        for name, html in pages.items()
        if (
            left := leftovers(
                visible(html), data, english_pairs="helper" in name or name == "ready"
            )
        )
    }
    assert found == {}
    with app.app_context():
        documents = {
            "plan": render_blank_pdf("plan", language="es", fillable=True),
            "school form": render_blank_pdf("school-form", language="es"),
            "flyer": render_flyer_pdf(language="es", base_url="https://plan.example.org"),
        }
    for name, pdf in documents.items():
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        # The school form and the wallet cards carry English on purpose, beside the pseudo text.
        left = leftovers(text, ["https://plan.example.org/es/", "Español"], english_pairs=True)
        assert left == [], name


def _plan_with_papers(plan):
    from prepplan.legal import massachusetts as ma

    legal = plan.legal.model_copy(
        update={"forms": list(ma.FORMS), "caregiver_ids": [plan.contacts[0].id]}
    )
    return plan.model_copy(update={"legal": legal})


def test_print_buttons_only_in_helper_mode(client, give_plan, example_plan):
    """The results page and the caregiver papers page print in helper mode, and only there."""
    give_plan(client.application, client, _plan_with_papers(example_plan))
    for path in ("/es/plan/done", "/es/plan/caregiver-papers"):
        html = client.get(path).get_data(as_text=True)
        assert "data-print" not in html and 'name="print"' not in html, path
    helper_on(client)
    give_plan(client.application, client, _plan_with_papers(example_plan))
    results = client.get("/es/plan/done").get_data(as_text=True)
    # The plan's two copies, inside the options form (its language, paper and both-languages
    # choices go with them), opening a new tab without JavaScript.
    start = results.index('class="options-form"')
    options_form = results[start : results.index("</form>", start)]
    assert options_form.count("data-print") == 2
    assert 'name="print" value="complete" formtarget="_blank"' in options_form
    assert 'name="print" value="to_give" formtarget="_blank"' in options_form
    # Each caregiver paper the family made, and the school form through its check.
    for code in ("ma-caregiver-affidavit", "ma-temporary-agent"):
        assert f'action="/es/plan/caregiver-papers/{code}.pdf" target="_blank"' in results
    assert results.count("data-print") == 4
    assert 'href="/es/school/" id="print-school-form"' in results
    papers = client.get("/es/plan/caregiver-papers").get_data(as_text=True)
    assert papers.count("data-print") == 2 and 'id="print-notice"' in papers


def test_printing_opens_the_pdf_inline_and_uncached(client, give_plan, example_plan):
    helper_on(client)
    give_plan(client.application, client, _plan_with_papers(example_plan))
    plan = client.get("/es/plan/plan.pdf?copy=complete&language=vi&paper=a4&print=to_give")
    assert plan.status_code == 200 and plan.data.startswith(b"%PDF")
    assert plan.headers["Content-Disposition"].startswith('inline; filename="family-plan-to-give-')
    assert plan.headers["Cache-Control"] == "no-store"
    paper = client.get("/es/plan/caregiver-papers/ma-temporary-agent.pdf?print=1")
    assert paper.headers["Content-Disposition"] == 'inline; filename="ma-temporary-agent.pdf"'
    assert paper.headers["Cache-Control"] == "no-store" and paper.data.startswith(b"%PDF")
    # Without print, the same documents are downloads as before.
    download = client.get("/es/plan/caregiver-papers/ma-temporary-agent.pdf")
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_the_school_form_prints_only_after_the_familys_agreement(client, give_plan, example_plan):
    from tests.test_school_inbox import hidden_fields, preview

    helper_on(client)
    give_plan(client.application, client, example_plan)
    page = preview(client)
    assert 'name="print" value="1" formaction="/es/school/download/form"' in page
    fields = {**hidden_fields(page), "print": "1"}
    not_agreed = client.post("/es/school/download/form", data=fields)
    assert not_agreed.status_code == 400 and not_agreed.mimetype == "text/html"
    agreed = client.post("/es/school/download/form", data={**fields, "agree": "y"})
    assert agreed.status_code == 200 and agreed.data.startswith(b"%PDF")
    assert agreed.headers["Content-Disposition"] == 'inline; filename="school-contact-update.pdf"'
    assert agreed.headers["Cache-Control"] == "no-store"
