"""The caregiver papers (prepplan/legal): what the statutes require is on the paper in every
language, the English signed text is the same in all of them, the dates are right at the edges,
the recommendation follows the family's answers, and the reminder file names nobody."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date, timedelta

import icalendar
import pytest
from click.testing import CliRunner
from flask_babel import force_locale, gettext
from pypdf import PdfReader

from prepplan.i18n import SITE_LANGUAGES
from prepplan.legal import massachusetts as ma
from prepplan.legal.documents import render_legal_pdf
from prepplan.legal.notaries import Notary, load_notaries
from prepplan.legal.reminders import reminder_calendar
from prepplan.plan.model import LegalPapers, Plan
from prepplan.plan.planfile import dump_plan

LANGUAGES = [language.code for language in SITE_LANGUAGES]


def words(text: str) -> str:
    """Text as a reader sees it, whatever the line breaks."""
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(pdf: bytes) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def flat(text: str) -> str:
    """Without any white space: Chinese has no spaces, and a PDF breaks lines anywhere."""
    return re.sub(r"\s+", "", text)


def holds_translation(text: str, translation: str, code: str) -> bool:
    """The translation is on the paper. Right-to-left text with a Latin run in it ("201F")
    comes out of a PDF in visual order line by line, so there every word must be present;
    elsewhere the whole paragraph, in order."""
    if code == "ar":
        arabic_words = re.compile(r"[\u0621-\u065f\u0670-\u06d3]+")
        return not (
            Counter(arabic_words.findall(translation)) - Counter(arabic_words.findall(text))
        )
    return flat(translation) in flat(text)


def english(message) -> str:
    with force_locale("en"):
        return words(str(message))


def translated(message, code: str) -> str:
    with force_locale(code):
        return words(gettext(message) if isinstance(message, str) else str(message))


@pytest.fixture(scope="module")
def papers(request):
    """Each paper of the example plan, in every language, as extracted text (rendered once)."""
    from prepplan import create_app
    from prepplan.plan.planfile import load_plan
    from tests.conftest import EXAMPLE_PLAN

    app = create_app({"environ": {}}, serving=False)
    plan = load_plan(EXAMPLE_PLAN.read_bytes())
    # The temporary agent paper with the other parent's consent block.
    agent_plan = plan.model_copy(
        update={"legal": plan.legal.model_copy(update={"other_parent": "will_consent"})}
    )
    texts = {}
    with app.app_context():
        notaries = [Notary("Mrk Library notary desk", "3 Salem Square", "Tuesdays")]
        for code in LANGUAGES:
            texts[ma.AFFIDAVIT, code] = pdf_text(
                render_legal_pdf(plan, ma.AFFIDAVIT, language=code, notaries=notaries)
            )
            texts[ma.TEMPORARY_AGENT, code] = pdf_text(
                render_legal_pdf(agent_plan, ma.TEMPORARY_AGENT, language=code, notaries=notaries)
            )
    return texts


# --- the statutes' elements on the paper --------------------------------------------------

AFFIDAVIT_ELEMENTS = {
    "s.5(1) parent's name, address, phone": [
        "María José Ramírez Ortega",
        "Luis Ramírez",
        "12 Elm Street, Apt 3",
        "(508) 555-0142",
    ],
    "s.5(2) caregiver's name and phone": ["Carmen Ortega", "(508) 555-0123"],
    "s.5(3) each minor's name and date of birth": [
        "Sofía Ramírez",
        "April 9, 2015",
        "Mateo Ramírez",
        "October 21, 2019",
    ],
    "s.5(4) relationship": ["Relationship to the minor", "Aunt or uncle"],
    "s.5(6) authority and limits": [
        "Education and health care",
        "Call María José or Luis before any surgery",
    ],
    "s.5 valid up to 2 years, with its dates": ["November 2, 2026", "November 1, 2028"],
    "s.5 two adult witnesses, not the caregiver": [
        "Witness 1 (not the caregiver)",
        "Witness 2 (not the caregiver)",
    ],
    "s.5 notarized (c.222 s.15(c) jurat)": [
        "Commonwealth of Massachusetts",
        "swore or affirmed to me",
    ],
    "lawyer review status": ["Reviewed by a lawyer: not yet"],
    "copies list": ["Chandler Pond Elementary School", "Dr. Anh Nguyen"],
}
AFFIDAVIT_CLAUSES = [
    ma.AFFIDAVIT_OPENING,
    ma.AFFIDAVIT_CONCURRENT,
    ma.AFFIDAVIT_EDUCATION,
    ma.AFFIDAVIT_HEALTH,
    ma.AFFIDAVIT_LIMITS,
    ma.AFFIDAVIT_NO_COURT_ORDER,
    ma.AFFIDAVIT_PURPOSE,
    ma.AFFIDAVIT_DURATION,
    ma.AFFIDAVIT_CHANGES,
    ma.AFFIDAVIT_PERJURY,
    ma.AFFIDAVIT_CAREGIVER_ACKNOWLEDGMENT,
    ma.AFFIDAVIT_WITNESSES,
    ma.REVOCATION,
]
AGENT_ELEMENTS = {
    "(a) parent and agent named": ["María José Ramírez Ortega", "Carmen Ortega"],
    "(a) the minors": ["Sofía Ramírez", "Mateo Ramírez"],
    "(a) at most 60 days, with its dates": ["November 2, 2026", "December 31, 2026"],
    "(b) two witnesses 18 or older, not the agent": [
        "Witness 1 (not the agent)",
        "Witness 2 (not the agent)",
    ],
    "(b) the agent's written acceptance": ["The temporary agent's acceptance"],
    "(c) the other parent's written consent": ["The other parent's consent"],
    "notary offered, not required (c.222 s.15(b))": ["acknowledged to me that"],
    "lawyer review status": ["Reviewed by a lawyer: not yet"],
}
AGENT_CLAUSES = [
    *ma.AGENT_CLAUSES,
    ma.AGENT_ACCEPTANCE,
    ma.AGENT_OTHER_PARENT_CONSENT,
    ma.AGENT_WITNESSES,
    ma.REVOCATION,
]


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_affidavit_holds_every_element_of_c201f_s5_in_every_language(papers, app, code):
    text = papers[ma.AFFIDAVIT, code]
    missing = [
        (element, part)
        for element, parts in AFFIDAVIT_ELEMENTS.items()
        for part in parts
        if part not in text
    ]
    assert missing == []
    with app.app_context():
        for clause in AFFIDAVIT_CLAUSES:
            # The signed English, word for word, in every language's paper...
            assert english(clause.text) in text, clause.cite
            # ...and the family's language beside it.
            assert holds_translation(text, translated(clause.text, code), code), clause.cite
        if code != "en":
            assert holds_translation(
                text,
                translated("Translation for your understanding; sign the English.", code),
                code,
            )


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_temporary_agent_paper_holds_every_element_of_c190b_s5_103(papers, app, code):
    text = papers[ma.TEMPORARY_AGENT, code]
    missing = [
        (element, part)
        for element, parts in AGENT_ELEMENTS.items()
        for part in parts
        if part not in text
    ]
    assert missing == []
    with app.app_context():
        for clause in AGENT_CLAUSES:
            assert english(clause.text) in text, clause.cite
            assert holds_translation(text, translated(clause.text, code), code), clause.cite
    assert "except the power to consent to marriage or adoption" in text


def test_the_signed_english_is_the_same_in_every_language(papers, app):
    with app.app_context():
        signed = [english(clause.text) for clause in AFFIDAVIT_CLAUSES]
    english_paper = papers[ma.AFFIDAVIT, "en"]
    for code in LANGUAGES:
        # The English paper's clauses appear in the same order in every language's paper.
        positions = [papers[ma.AFFIDAVIT, code].find(clause) for clause in signed]
        assert -1 not in positions and positions[:10] == sorted(positions[:10]), code
    assert all(clause in english_paper for clause in signed)


def test_the_checklist_is_in_the_family_language_with_the_free_notaries(papers, app):
    with app.app_context():
        text = papers[ma.AFFIDAVIT, "es"]
        assert translated("Before you sign: a checklist", "es") in text
        assert (
            translated("Two witnesses, 18 or older. The caregiver cannot be a witness.", "es")
            in text
        )
        assert "Testigo 1 (no el cuidador)" in text
        assert "Mrk Library notary desk" in text
        assert "masslegalhelp.org" in text
        agent = papers[ma.TEMPORARY_AGENT, "es"]
        assert (
            translated("Two witnesses, 18 or older. The temporary agent cannot be a witness.", "es")
            in agent
        )


def test_one_affidavit_per_caregiver_covering_every_child(app, example_plan):
    legal = example_plan.legal.model_copy(update={"caregiver_ids": ["c1aunt", "c2friend"]})
    plan = example_plan.model_copy(update={"legal": legal})
    with app.app_context():
        text = pdf_text(render_legal_pdf(plan, ma.AFFIDAVIT, language="en"))
        title = english(ma.AFFIDAVIT_TITLE)
    assert text.count(english(ma.AFFIDAVIT_CAREGIVER_ACKNOWLEDGMENT.text)) == 2
    first, second = text.split("Trần Thu", 1)[0], text.split("Trần Thu", 1)[1]
    assert "Carmen Ortega" in first and "Sofía Ramírez" in second and "Mateo Ramírez" in second
    assert title in text


def test_no_consent_block_when_no_other_parent_can_consent(app, example_plan):
    with app.app_context():
        for situation, expected in (
            ("not_available", False),
            ("signs_too", False),
            ("will_consent", True),
        ):
            legal = example_plan.legal.model_copy(update={"other_parent": situation})
            plan = example_plan.model_copy(update={"legal": legal})
            text = pdf_text(render_legal_pdf(plan, ma.TEMPORARY_AGENT, language="en"))
            assert ("The other parent's consent" in text) is expected, situation


@pytest.mark.parametrize("form", ma.FORMS)
def test_blank_papers_hold_no_family_data(app, example_plan, form):
    with app.app_context():
        text = pdf_text(render_legal_pdf(example_plan, form, language="es", blank=True))
        assert english(ma.AFFIDAVIT_TITLE if form == ma.AFFIDAVIT else ma.AGENT_TITLE) in text
    family_data = [
        "Ramírez",
        "Ortega",
        "Sofía",
        "Mateo",
        "Elm Street",
        "555-01",
        "Worcester",
        "2015",
        "2019",
        "November",
        "noviembre",
        "2028",
        "Chandler",
        "Nguyen",
        "surgery",
        "Carmen",
    ]
    assert [item for item in family_data if item in text] == []


def test_the_command_line_makes_filled_and_blank_papers(app, tmp_path, example_plan):
    from prepplan.legal.commands import legal_command

    plan_file = tmp_path / "plan.json"
    plan_file.write_bytes(dump_plan(example_plan))
    notaries = tmp_path / "notaries.toml"
    notaries.write_text('[[notaries]]\nname = "Mrk Town Hall notary"\n')
    runner = CliRunner()
    with app.app_context():
        result = runner.invoke(
            legal_command,
            [
                str(plan_file),
                "--form",
                "ma-temporary-agent",
                "--lang",
                "ar",
                "--notaries",
                str(notaries),
                "-o",
                str(tmp_path / "agent.pdf"),
            ],
        )
        assert result.exit_code == 0, result.output
        text = pdf_text((tmp_path / "agent.pdf").read_bytes())
        assert "Carmen Ortega" in text and "Mrk Town Hall notary" in text
        result = runner.invoke(
            legal_command,
            [
                "--blank",
                "--form",
                "ma-caregiver-affidavit",
                "--lang",
                "vi",
                "-o",
                str(tmp_path / "blank.pdf"),
            ],
        )
        assert result.exit_code == 0, result.output
        assert "Carmen" not in pdf_text((tmp_path / "blank.pdf").read_bytes())
        # neither a plan nor --blank: refused, nothing written
        result = runner.invoke(
            legal_command, ["--form", "ma-temporary-agent", "-o", str(tmp_path / "none.pdf")]
        )
        assert result.exit_code != 0 and not (tmp_path / "none.pdf").exists()


def test_a_notaries_file_is_read_and_bounded(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text('[[notaries]]\nname = "Library"\nwhen = "Tuesdays"\n')
    assert load_notaries(path) == [Notary("Library", when="Tuesdays")]
    path.write_text("[[notaries]]\nname = ''\n")
    with pytest.raises(ValueError):
        load_notaries(path)
    path.write_text("".join('[[notaries]]\nname = "x"\n' for _ in range(20)))
    with pytest.raises(ValueError):
        load_notaries(path)


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, last_day",
    [
        (date(2026, 1, 1), date(2027, 12, 31)),
        (date(2026, 11, 2), date(2028, 11, 1)),
        (date(2026, 3, 1), date(2028, 2, 29)),  # ends on a 29 February
        (date(2028, 2, 29), date(2030, 2, 27)),  # starts on one: never past 2 years
        (date(2027, 3, 1), date(2029, 2, 28)),
    ],
)
def test_an_affidavit_lasts_up_to_two_years(start, last_day):
    assert ma.affidavit_expiry(start) == last_day


def test_an_affidavit_is_never_longer_than_two_years():
    def two_years_later(day: date) -> date:
        try:
            return day.replace(year=day.year + 2)
        except ValueError:  # from 29 February, two years end as 1 March begins
            return date(day.year + 2, 3, 1)

    day = date(2027, 1, 1)
    while day < date(2029, 1, 1):
        last = ma.affidavit_expiry(day)
        assert day < last < two_years_later(day)
        assert (two_years_later(day) - last).days in (1, 2)
        day += timedelta(days=1)


@pytest.mark.parametrize(
    "start, last_day",
    [
        (date(2026, 11, 2), date(2026, 12, 31)),
        (date(2028, 2, 1), date(2028, 3, 31)),  # through a leap February
        (date(2027, 2, 1), date(2027, 4, 1)),
        (date(2026, 12, 15), date(2027, 2, 12)),  # across the new year
    ],
)
def test_a_temporary_agent_lasts_sixty_days_counting_the_first(start, last_day):
    assert ma.agent_expiry(start) == last_day
    assert (last_day - start).days + 1 == 60


# --- which paper ---------------------------------------------------------------------------


def test_the_recommendation_follows_where_the_children_live(app):
    assert ma.recommend(None) is None
    lives = ma.recommend(True)
    assert lives.forms == (ma.AFFIDAVIT,) and lives.later is None
    away = ma.recommend(False)
    assert away.forms == (ma.TEMPORARY_AGENT,)
    with app.test_request_context("/en/"):
        assert "temporary agent" in str(away.explanation)
        assert "affidavit" in str(away.later)


# --- the reminder file ---------------------------------------------------------------------


def test_the_reminder_file_parses_and_names_nobody(app, example_plan):
    from tests.markers import private_markers

    plan, markers = private_markers(example_plan)
    with app.app_context():
        ics = reminder_calendar(plan, language="es")
    calendar = icalendar.Calendar.from_ical(ics)
    events = sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))
    days = [event.decoded("dtstart") for event in events]
    assert days == [date(2026, 12, 31), date(2027, 11, 2), date(2028, 11, 1)]
    assert all(event.walk("VALARM") for event in events)
    text = ics.decode("utf-8")
    private = [*markers, "A123-456-789", "girasol", "Community Legal Aid", "508-555-0300"]
    names = ["Ramírez", "Ortega", "Carmen", "Sofía", "Mateo", "Trần", "Elm Street"]
    assert [item for item in private + names if item in text] == []


# --- the page ------------------------------------------------------------------------------


def upload(client, plan: Plan) -> None:
    response = client.post(
        "/en/plan/upload",
        data={"plan_file": (io.BytesIO(dump_plan(plan)), "family-plan.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302


def test_the_page_recommends_saves_and_serves_the_papers(client, example_plan):
    upload(client, example_plan.model_copy(update={"legal": LegalPapers()}))
    page = client.get("/es/plan/caregiver-papers").get_data(as_text=True)
    assert 'id="recommendation"' not in page
    # What the contacts step said about the caregiver is the starting answer.
    assert re.search(r'<input checked[^>]*name="lives_with_children_now"[^>]*value="no"', page)
    response = client.post(
        "/es/plan/caregiver-papers",
        data={
            "caregiver_ids": ["c1aunt"],
            "lives_with_children_now": "no",
            "authority": "both",
            "limits": "",
            "other_parent": "will_consent",
            "agent_starts": "15/12/2026",
        },
    )
    assert response.status_code == 302
    page = client.get("/es/plan/caregiver-papers").get_data(as_text=True)
    assert 'id="recommendation"' in page and "ma-temporary-agent.pdf" in page
    made = page.split('id="papers"')[1].split("</div>")[0]
    assert "ma-temporary-agent.pdf" in made and "ma-caregiver-affidavit.pdf" not in made
    # A paper the family did not make is not served from the plan.
    assert client.get("/es/plan/caregiver-papers/ma-caregiver-affidavit.pdf").status_code == 302
    response = client.get("/es/plan/caregiver-papers/ma-temporary-agent.pdf")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data)
    assert "December 15, 2026" in text and "February 12, 2027" in text
    ics = client.get("/es/plan/reminders.ics")
    assert ics.mimetype == "text/calendar"
    assert date(2027, 2, 12) in [
        e.decoded("dtstart") for e in icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    ]
    # The plan PDF's caregiver section names the paper and its last day.
    plan_pdf = pdf_text(client.get("/es/plan/plan.pdf").data)
    assert "12 de febrero de 2027" in plan_pdf


def test_the_page_refuses_an_answer_missing(client, example_plan):
    upload(client, example_plan)
    response = client.post("/ar/plan/caregiver-papers", data={"authority": "both"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'dir="rtl"' in page and "has-error" in page


def test_blank_papers_download_without_a_plan(client):
    response = client.get("/vi/plan/caregiver-papers/ma-caregiver-affidavit.pdf?blank=1")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get("/vi/plan/caregiver-papers/nothing.pdf").status_code == 404


def test_no_string_on_the_page_escaped_translation(make_app, tmp_path, example_plan):
    from tests.pseudo import leftovers, not_ours, visible, write_pseudo_catalog

    app = make_app(BABEL_TRANSLATION_DIRECTORIES=str(write_pseudo_catalog(tmp_path / "pseudo")))
    client = app.test_client()
    upload(client, example_plan)
    client.get("/en/plan/check")  # shows (and so clears) the upload's English message
    pages = {"filled": client.get("/es/plan/caregiver-papers").get_data(as_text=True)}
    pages["errors"] = client.post(
        "/es/plan/caregiver-papers", data={"affidavit_starts": "99/99/2000"}
    ).get_data(as_text=True)
    # Proper names of the free legal help services stay as they are.
    data = not_ours(example_plan, ["99/99/2000", *(name for name, _url in ma.FREE_LEGAL_HELP)])
    found = {name: left for name, html in pages.items() if (left := leftovers(visible(html), data))}
    assert found == {}
