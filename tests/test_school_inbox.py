"""The family's school-update pages and the school inbox, end to end, on SQLite always and on
PostgreSQL whenever one is reachable (CI requires it: PREPPLAN_REQUIRE_POSTGRES=1)."""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import threading
import uuid
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from prepplan.config import ConfigError
from prepplan.plan.model import Plan
from prepplan.school import database, models, store
from prepplan.school.encryption import new_record_key

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = ROOT / "examples" / "district.toml"
POSTGRES_URL = os.environ.get(
    "PREPPLAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


# ---- fixtures -------------------------------------------------------------------------------


def _postgres_or_skip() -> None:
    shown = make_url(POSTGRES_URL).render_as_string(hide_password=True)
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure to connect means "not reachable"
        reason = (
            f"PostgreSQL not reachable at {shown} ({type(error).__name__}); "
            "set PREPPLAN_TEST_POSTGRES_URL to run the PostgreSQL tests"
        )
        if os.environ.get("PREPPLAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (PREPPLAN_REQUIRE_POSTGRES=1 requires them)")
        pytest.skip(reason)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/inbox.sqlite"
        return
    _postgres_or_skip()
    schema = f"prepplan_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def record_key():
    return new_record_key()


@pytest.fixture
def inbox_settings(db_url, record_key):
    return {"DISTRICT_FILE": str(DISTRICT), "RECORD_KEYS": record_key, "DATABASE_URL": db_url}


@pytest.fixture
def inbox_app(make_app, inbox_settings):
    app = make_app(**inbox_settings)
    yield app
    app.extensions["prepplan_inbox"].engine.dispose()


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.agree_checked = False

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") == "agree" and "checked" in attributes:
            self.agree_checked = True
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""


def agreement_ticked(page: str) -> bool:
    parser = _HiddenInputs()
    parser.feed(page)
    return parser.agree_checked


def hidden_fields(page: str) -> dict[str, str]:
    """What the page carries in hidden fields, as a browser would post it."""
    parser = _HiddenInputs()
    parser.feed(page)
    return parser.fields


def preview(
    client,
    lang="es",
    removals=("Pedro Páramo",),
    note="Sofía toma el autobús 14.",
    submitted_by="María José Ramírez Ortega",
    csrf=None,
):
    data = {"children-0-note": note, "submitted_by": submitted_by}
    for index, name in enumerate(removals):
        data[f"children-0-removals-{index}"] = name
    if csrf:
        data["csrf_token"] = csrf
    response = client.post(f"/{lang}/school/preview", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def choices_from(page: str, **extra) -> dict[str, str]:
    fields = hidden_fields(page)
    fields.update(extra)
    return fields


def send(client, fields, lang="es", schools=("chandler-elementary", "chandler-elementary")):
    data = dict(fields, agree="y")
    for index, school in enumerate(schools):
        data[f"schools-{index}"] = school
    return client.post(f"/{lang}/school/send", data=data)


def references(page: str) -> list[str]:
    return re.findall(r'class="reference"><span dir="ltr" class="ltr">([^<]+)<', page)


def run_cli(app, *args, input=None):
    result = app.test_cli_runner().invoke(args=list(args), input=input)
    return result


def create_staff(app, email="office@chandler.example", *schools):
    schools = schools or ("chandler-elementary",)
    school_args = [arg for school in schools for arg in ("--school", school)]
    result = run_cli(
        app,
        "staff",
        "create",
        "--email",
        email,
        *school_args,
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    return email


def login(app, email="office@chandler.example", password=PASSWORD):
    client = app.test_client()
    response = client.post("/en/staff/login", data={"email": email, "password": password})
    return client, response


def rows(app, table: str) -> list[dict]:
    engine = app.extensions["prepplan_inbox"].engine
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text(f"SELECT * FROM {table}"))]


# ---- the family's pages (no inbox needed) ---------------------------------------------------


def test_review_without_a_plan_says_what_to_do(client):
    page = client.get("/es/school/").get_data(as_text=True)
    assert 'href="/es/"' in page and 'name="children-0-note"' not in page
    page = client.post("/es/school/preview", data={}).get_data(as_text=True)
    assert 'href="/es/"' in page and 'name="agree"' not in page


def test_review_lists_each_child_with_removal_boxes_and_a_note(
    app, client, example_plan, give_plan
):
    give_plan(app, client, example_plan)
    page = client.get("/es/school/").get_data(as_text=True)
    for index in range(2):
        for removal in range(3):
            assert f'name="children-{index}-removals-{removal}"' in page
        assert f'name="children-{index}-note"' in page
    assert "maxlength" not in page and 'data-limit="250"' in page
    # The limit is said once per note ("Up to 250 characters"), not again in the description.
    assert page.count("Hasta 250 caracteres") == page.count('data-limit="250"') == 2
    assert 'value="María José Ramírez Ortega"' in page  # who sends it: the first guardian
    assert "Sofía Ramírez" in page and "Mateo Ramírez" in page
    assert "/school/send" not in page  # no inbox configured


def test_preview_shows_exactly_the_record_and_asks_for_agreement(
    app, client, example_plan, give_plan
):
    give_plan(app, client, example_plan)
    page = preview(client)
    for expected in (
        "Carmen Ortega",
        "Trần Thu",
        "Fatima Haddad",
        "Pedro Páramo",
        "Sofía toma el autobús 14.",
        'name="agree"',
        "Chandler Pond Elementary",
    ):
        assert expected in page, expected
    for private in (
        "A123-456-789",
        "girasol",
        "Community Legal Aid",
        "Consulado",
        "Peanuts",
        "12 Elm Street",
        "MassHealth",
        "blue blanket",
    ):
        assert private not in page, private
    fields = hidden_fields(page)
    assert re.fullmatch(r"[0-9a-f]{32}", fields["submission_id"])
    assert fields["children-0-removals-0"] == "Pedro Páramo"
    assert "/es/school/send" not in page  # no district file: no online sending offered


def test_nothing_leaves_without_the_agreement(app, client, example_plan, give_plan):
    give_plan(app, client, example_plan)
    fields = hidden_fields(preview(client))
    for output in ("form", "edfi", "powerschool"):
        response = client.post(f"/es/school/download/{output}", data=fields)
        assert response.status_code == 400
        assert response.mimetype == "text/html"
        page = response.get_data(as_text=True)
        assert "<title>Error:" in page and 'href="#agree"' in page
        assert "Pedro Páramo" in page  # what the family typed is still on the page


def test_downloads_after_agreement(app, client, example_plan, give_plan):
    give_plan(app, client, example_plan)
    fields = dict(hidden_fields(preview(client)), agree="y")
    pdf = client.post("/es/school/download/form", data=fields)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    assert pdf.headers["Cache-Control"] == "no-store"
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) == 2
    for output, column in (("edfi", "ContactPriority"), ("powerschool", "Contact Priority Order")):
        response = client.post(f"/es/school/download/{output}", data=fields)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert response.data.startswith(b"\xef\xbb\xbf")
        table = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert [r[column] for r in table][:5] == ["1", "2", "3", "4", "5"]
        assert any("Pedro Páramo" in r.values() for r in table)


def test_a_plan_changed_since_the_preview_is_shown_again(app, client, example_plan, give_plan):
    give_plan(app, client, example_plan)
    fields = dict(hidden_fields(preview(client)), agree="y")
    example_plan.contacts[0].may_pick_up = False  # changed in another tab
    give_plan(app, client, example_plan)
    response = client.post("/es/school/download/edfi", data=fields)
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'role="status"' in page and 'name="agree"' in page
    new_fields = dict(hidden_fields(page), agree="y")
    assert new_fields["shown_digest"] != fields["shown_digest"]
    assert client.post("/es/school/download/edfi", data=new_fields).mimetype == "text/csv"


def test_a_note_over_250_characters_is_refused_with_a_message(app, client, example_plan, give_plan):
    give_plan(app, client, example_plan)
    response = client.post(
        "/es/school/preview", data={"children-0-note": "ñ" * 251, "submitted_by": "María"}
    )
    page = response.get_data(as_text=True)
    assert "<title>Error:" in page and 'href="#children-0-note"' in page
    ok = client.post(
        "/es/school/preview", data={"children-0-note": "ñ" * 250, "submitted_by": "María"}
    )
    assert 'name="agree"' in ok.get_data(as_text=True)


def test_a_tampered_form_cannot_add_children_or_removals(app, client, example_plan, give_plan):
    give_plan(app, client, example_plan)
    page = client.post(
        "/es/school/preview",
        data={
            "submitted_by": "x",
            "children-5-note": "ghost",
            "children-0-removals-7": "extra",
        },
    ).get_data(as_text=True)
    fields = hidden_fields(page)
    assert "ghost" not in page and "extra" not in page
    assert not any(name.startswith("children-2") for name in fields)


def test_the_change_button_brings_the_choices_back(app, client, example_plan, give_plan):
    give_plan(app, client, example_plan)
    fields = hidden_fields(preview(client))
    page = client.post("/es/school/", data=fields).get_data(as_text=True)
    assert 'value="Pedro Páramo"' in page and "Sofía toma el autobús 14." in page


def test_vcards_for_the_familys_phone(app, client, example_plan, give_plan):
    give_plan(app, client, example_plan)
    response = client.get("/es/school/contacts.vcf")
    assert response.status_code == 200 and response.mimetype == "text/vcard"
    assert response.data.decode().count("BEGIN:VCARD") == 5


def test_the_whole_flow_works_with_csrf_on(make_app, example_plan, give_plan):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    give_plan(app, client, example_plan)
    token = CSRF.search(client.get("/es/school/").get_data(as_text=True)).group(1)
    assert client.post("/es/school/preview", data={"submitted_by": "x"}).status_code == 400
    page = preview(client, csrf=token)
    fields = dict(hidden_fields(page), agree="y")
    assert fields["csrf_token"]
    assert client.post("/es/school/download/edfi", data=fields).mimetype == "text/csv"
    fields.pop("csrf_token")
    assert client.post("/es/school/download/edfi", data=fields).mimetype == "text/html"


def test_the_preview_works_in_arabic(app, client, example_plan, give_plan):
    give_plan(app, client, example_plan)
    page = preview(client, lang="ar")
    assert 'dir="rtl"' in page
    assert '<span dir="ltr" class="ltr">(508) 555-0142</span>' not in page  # Arabic: +1 form
    assert '<span dir="ltr" class="ltr">+1 508-555-0142</span>' in page


# ---- district file and configuration --------------------------------------------------------


def test_the_example_district_file_loads():
    from prepplan.school.district import load_district

    district = load_district(DISTRICT)
    assert (
        district.school("chandler-elementary").name == "Chandler Pond Elementary School (example)"
    )
    assert district.best_match("chandler pond elementary school").id == "chandler-elementary"
    assert district.best_match("Burnside Middle").id == "burncoat-middle"
    assert district.best_match("Somewhere else") is None


@pytest.mark.parametrize(
    "content,problem",
    [
        ("[district]\nname='X'\n", "at least one"),
        ("[district]\nname='X'\n[[schools]]\nid='Bad Id'\nname='A'\n", "lower-case"),
        (
            "[district]\nname='X'\n[[schools]]\nid='a'\nname='A'\n[[schools]]\nid='a'\nname='B'\n",
            "twice",
        ),
        ("[district]\nname='X'\n[[schools]]\nid='a'\nname='A'\nphone='1'\n", "unknown keys"),
        ("not toml [", "not valid TOML"),
    ],
)
def test_a_broken_district_file_stops_the_app(make_app, tmp_path, content, problem):
    path = tmp_path / "district.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=problem):
        make_app(
            DISTRICT_FILE=str(path),
            RECORD_KEYS=new_record_key(),
            DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite",
        )


def test_production_needs_record_keys(tmp_path, instance_path):
    from prepplan import create_app

    with pytest.raises(ConfigError, match="PREPPLAN_RECORD_KEYS"):
        create_app(
            {
                "environ": {
                    "PREPPLAN_ENV": "production",
                    "PREPPLAN_SECRET_KEY": "k" * 40,
                    "PREPPLAN_DISTRICT_FILE": str(DISTRICT),
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite",
                }
            },
            instance_path=str(instance_path),
        )
    with pytest.raises(ConfigError, match="not a Fernet key"):
        create_app(
            {
                "environ": {
                    "PREPPLAN_ENV": "production",
                    "PREPPLAN_SECRET_KEY": "k" * 40,
                    "PREPPLAN_DISTRICT_FILE": str(DISTRICT),
                    "PREPPLAN_RECORD_KEYS": "secret",
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite",
                }
            },
            instance_path=str(instance_path),
        )


def test_without_a_district_file_there_is_no_inbox(app, client):
    assert "prepplan_inbox" not in app.extensions
    assert client.get("/en/staff/login").status_code == 404
    result = run_cli(app, "purge")
    assert result.exit_code != 0 and "inbox is off" in result.output


# ---- the inbox (SQLite and PostgreSQL) -------------------------------------------------------


def test_migrations_match_the_models(inbox_app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = inbox_app.extensions["prepplan_inbox"].engine
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, models.Base.metadata) == []
        assert {
            "school_updates",
            "staff_accounts",
            "staff_schools",
            "audit_events",
            "login_limits",
            "alembic_version",
        } <= set(inspect(connection).get_table_names())
    assert run_cli(inbox_app, "db", "upgrade").exit_code == 0  # idempotent


def test_send_stores_one_encrypted_record_per_child_and_a_retry_adds_nothing(
    inbox_app, example_plan, give_plan
):
    client = inbox_app.test_client()
    give_plan(inbox_app, client, example_plan)
    page = preview(client)
    assert "/es/school/send" in page and "Chandler Pond Elementary School" in page
    assert '<option selected value="chandler-elementary">' in page  # matched from the plan
    fields = choices_from(page)
    first = send(client, fields)
    assert first.status_code == 200
    refs = references(first.get_data(as_text=True))
    assert len(refs) == 2
    again = send(client, fields)  # a double click, a reload, a retry
    assert references(again.get_data(as_text=True)) == refs
    stored = rows(inbox_app, "school_updates")
    assert len(stored) == 2
    for row in stored:
        assert row["school_id"] == "chandler-elementary" and row["status"] == "new"
        record = bytes(row["record"])
        for word in ("Sofía", "Carmen", "Haddad"):  # long enough never to occur by chance
            assert word.encode() not in record
        assert len(row["idempotency_key_hash"]) == 64
        assert fields["submission_id"] not in str(row)
    with inbox_app.app_context(), database.session() as db:
        opened = [store.open_update(r) for r in db.scalars(select(models.StoredUpdate))]
    assert sorted(u.student.given_name for u in opened) == ["Mateo", "Sofía"]
    assert {tuple(u.remove_from_list) for u in opened} == {("Pedro Páramo",), ()}


def test_concurrent_double_submits_keep_one_record(inbox_app, example_plan):
    from prepplan.school.record import school_updates_from_plan

    update = school_updates_from_plan(example_plan, submitted_by="x")[0]
    receipts, errors = [], []

    def submit():
        try:
            with inbox_app.app_context():
                receipts.append(
                    store.store_update(
                        update, school_id="chandler-elementary", idempotency_key="same-key:0"
                    )
                )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({r.reference for r in receipts}) == 1
    assert len(rows(inbox_app, "school_updates")) == 1


def test_sending_needs_a_school_and_the_agreement(inbox_app, example_plan, give_plan):
    client = inbox_app.test_client()
    give_plan(inbox_app, client, example_plan)
    fields = choices_from(preview(client))
    response = send(client, fields, schools=("", ""))
    assert response.status_code == 400 and 'href="#schools-0"' in response.get_data(as_text=True)
    no_agreement = dict(fields, **{"schools-0": "chandler-elementary"})
    assert client.post("/es/school/send", data=no_agreement).status_code == 400
    # A child without a school is raised before anything is sent, by name.
    response = send(client, fields, schools=("chandler-elementary", ""))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'href="#schools-1"' in page
    assert "Mateo" in page and rows(inbox_app, "school_updates") == []
    # Only when the family says the other child gets the paper form is one child sent, and the
    # page says so.
    response = send(client, fields, schools=("chandler-elementary", "paper"))
    page = response.get_data(as_text=True)
    assert len(references(page)) == 1
    assert len(rows(inbox_app, "school_updates")) == 1
    with inbox_app.test_request_context("/es/"), force_locale("es"):
        assert (
            gettext(
                "Not sent online. Print the form below and give it to this child's school office."
            )
            in page
        )


def test_a_send_that_fails_halfway_says_what_went_and_a_retry_sends_only_the_rest(
    inbox_app, example_plan, monkeypatch, give_plan
):
    from sqlalchemy.exc import OperationalError

    client = inbox_app.test_client()
    give_plan(inbox_app, client, example_plan)
    fields = choices_from(preview(client))
    real_store = store.store_update
    calls = []

    def failing_second(update, **kwargs):
        calls.append(kwargs["idempotency_key"])
        if len(calls) == 2:
            raise OperationalError("INSERT", {}, Exception("down"))
        return real_store(update, **kwargs)

    monkeypatch.setattr(store, "store_update", failing_second)
    response = send(client, fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert len(rows(inbox_app, "school_updates")) == 1
    first = references(page)
    assert len(first) == 1 and "Sofía" in page
    monkeypatch.setattr(store, "store_update", real_store)
    retry = send(client, fields).get_data(as_text=True)
    assert len(rows(inbox_app, "school_updates")) == 2
    assert set(first) <= set(references(retry)) and len(references(retry)) == 2


def test_an_unreachable_database_keeps_the_familys_work_and_offers_paper(
    make_app, example_plan, caplog, give_plan
):
    caplog.set_level(logging.WARNING)
    app = make_app(
        DISTRICT_FILE=str(DISTRICT),
        RECORD_KEYS=new_record_key(),
        DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:9/nowhere",
    )
    client = app.test_client()
    give_plan(app, client, example_plan)
    fields = choices_from(preview(client))
    response = send(client, fields)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    with app.test_request_context("/es/"), force_locale("es"):
        assert gettext("We could not reach the school inbox") in page
    kept = hidden_fields(page)
    assert kept["children-0-removals-0"] == "Pedro Páramo"
    assert kept["children-0-note"] == "Sofía toma el autobús 14."
    assert kept["submission_id"] == fields["submission_id"]
    assert agreement_ticked(page)
    assert "/es/school/download/form" in page  # the paper form is still there
    pdf = client.post("/es/school/download/form", data=dict(kept, agree="y"))
    assert pdf.mimetype == "application/pdf"
    assert "OperationalError" in caplog.text and "Pedro" not in caplog.text


# ---- staff -----------------------------------------------------------------------------------


def sent_updates(
    app, example_plan, give_plan, schools=("chandler-elementary", "chandler-elementary")
):
    client = app.test_client()
    give_plan(app, client, example_plan)
    response = send(client, choices_from(preview(client)), schools=schools)
    assert response.status_code == 200
    return references(response.get_data(as_text=True))


def test_staff_accounts_come_from_the_command_line(inbox_app):
    result = run_cli(
        inbox_app,
        "staff",
        "create",
        "--email",
        "a@x.example",
        "--school",
        "no-such-school",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert result.exit_code != 0 and "Not in the district file" in result.output
    result = run_cli(
        inbox_app,
        "staff",
        "create",
        "--email",
        "a@x.example",
        "--school",
        "chandler-elementary",
        "--password-stdin",
        input="short\n",
    )
    assert result.exit_code != 0 and "at least 12" in result.output
    create_staff(inbox_app, "A@X.example", "chandler-elementary", "north-high")
    account = rows(inbox_app, "staff_accounts")[0]
    assert account["email"] == "a@x.example"
    assert account["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in str(account)
    assert sorted(r["school_id"] for r in rows(inbox_app, "staff_schools")) == [
        "chandler-elementary",
        "north-high",
    ]
    listing = run_cli(inbox_app, "staff", "list")
    assert "a@x.example\tchandler-elementary, north-high" in listing.output
    assert (
        run_cli(
            inbox_app,
            "staff",
            "create",
            "--email",
            "a@x.example",
            "--school",
            "north-high",
            "--password-stdin",
            input=PASSWORD + "\n",
        ).exit_code
        != 0
    )


def test_login_and_a_staff_member_sees_only_their_schools(inbox_app, example_plan, give_plan):
    mine = sent_updates(inbox_app, example_plan, give_plan)
    other = sent_updates(inbox_app, example_plan, give_plan, schools=("north-high", "paper"))[0]
    create_staff(inbox_app)
    anonymous = inbox_app.test_client()
    assert anonymous.get("/en/staff/").status_code == 302
    client, response = login(inbox_app)
    assert response.status_code == 302
    page = client.get("/en/staff/").get_data(as_text=True)
    for reference in mine:
        assert reference in page
    assert other not in page and "Sofía Ramírez" in page
    assert client.get(f"/en/staff/updates/{other}").status_code == 404
    assert client.get(f"/en/staff/updates/{other}/form.pdf").status_code == 404
    assert (
        client.post("/en/staff/export", data={"reference": other, "format": "edfi"}).status_code
        == 404
    )
    detail = client.get(f"/en/staff/updates/{mine[0]}")
    assert detail.status_code == 200 and "Carmen Ortega" in detail.get_data(as_text=True)


def test_wrong_passwords_are_limited_across_app_servers(make_app, inbox_settings, example_plan):
    first = make_app(**inbox_settings)
    second = make_app(**inbox_settings)  # a second app server on the same database
    create_staff(first)
    for app in (first, first, second, second, first):
        _, response = login(app, password="wrong password!")
        assert response.status_code == 401
    _, response = login(second)  # even the right password, for 15 minutes
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    failures = rows(first, "login_limits")
    assert failures and all("office@" not in str(r) for r in failures)
    for app in (first, second):
        app.extensions["prepplan_inbox"].engine.dispose()


def test_an_unknown_address_fails_like_a_wrong_password(inbox_app):
    create_staff(inbox_app)
    _, unknown = login(inbox_app, email="nobody@x.example")
    _, wrong = login(inbox_app, password="not the password")
    assert unknown.status_code == wrong.status_code == 401
    message = "The e-mail address or password is not right."
    assert message in unknown.get_data(as_text=True) and message in wrong.get_data(as_text=True)


def test_a_new_password_ends_old_sessions(inbox_app):
    create_staff(inbox_app)
    client, _ = login(inbox_app)
    assert client.get("/en/staff/").status_code == 200
    result = run_cli(
        inbox_app,
        "staff",
        "password",
        "--email",
        "office@chandler.example",
        "--password-stdin",
        input="another long password\n",
    )
    assert result.exit_code == 0, result.output
    assert client.get("/en/staff/").status_code == 302


def test_mark_entered_export_audit_and_retention(make_app, inbox_settings, example_plan, give_plan):
    app = make_app(**inbox_settings, RETENTION_DAYS=30)
    refs = sent_updates(app, example_plan, give_plan)
    create_staff(app)
    client, _ = login(app)
    client.get(f"/en/staff/updates/{refs[0]}")
    export = client.post("/en/staff/export", data={"reference": refs, "format": "powerschool"})
    assert export.status_code == 200 and export.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    assert {r["Student First Name"] for r in table} == {"Sofía", "Mateo"}
    pdf = client.get(f"/en/staff/updates/{refs[1]}/form.pdf")
    assert pdf.mimetype == "application/pdf" and PdfReader(io.BytesIO(pdf.data)).attachments == {}
    assert client.post(f"/en/staff/updates/{refs[0]}/entered").status_code == 302
    entered = {r["reference"]: r for r in rows(app, "school_updates")}
    assert entered[refs[0]]["status"] == "entered" and entered[refs[0]]["entered_at"]
    assert entered[refs[1]]["status"] == "new"
    assert refs[0] not in client.get("/en/staff/?show=new").get_data(as_text=True)
    assert refs[0] in client.get("/en/staff/?show=entered").get_data(as_text=True)

    audit = rows(app, "audit_events")
    actions = {(r["action"], r["update_reference"]) for r in audit}
    assert {
        ("view", refs[0]),
        ("export-powerschool", refs[0]),
        ("export-powerschool", refs[1]),
        ("export-form", refs[1]),
        ("entered", refs[0]),
        ("login", ""),
    } <= actions
    assert all(r["staff_email"] in ("office@chandler.example", "(command line)") for r in audit)
    assert "Sof" not in str(audit) and "Carmen" not in str(audit) and "Pedro" not in str(audit)

    with app.app_context():
        assert store.purge_entered(30) == 0  # entered today: kept
        later = models.now() + timedelta(days=31)
        assert store.purge_entered(30, at=later) == 1
    assert [r["reference"] for r in rows(app, "school_updates")] == [refs[1]]
    app.extensions["prepplan_inbox"].engine.dispose()


def test_purge_command_and_retention_on_the_staff_list(
    make_app, inbox_settings, example_plan, give_plan
):
    app = make_app(**inbox_settings, RETENTION_DAYS=0)
    refs = sent_updates(app, example_plan, give_plan)
    create_staff(app)
    client, _ = login(app)
    client.post(f"/en/staff/updates/{refs[0]}/entered")
    client.post(f"/en/staff/updates/{refs[1]}/entered")
    result = run_cli(app, "purge")
    assert result.exit_code == 0 and "Deleted 2 update(s)" in result.output
    assert rows(app, "school_updates") == []
    refs = sent_updates(app, example_plan, give_plan, schools=("chandler-elementary", "paper"))
    client.post(f"/en/staff/updates/{refs[0]}/entered")
    client.get("/en/staff/")  # the list purges too, no cron needed
    assert rows(app, "school_updates") == []
    app.extensions["prepplan_inbox"].engine.dispose()


def test_key_rotation(make_app, inbox_settings, example_plan, give_plan):
    old_key, new_key = inbox_settings["RECORD_KEYS"], new_record_key()
    app = make_app(**inbox_settings)
    refs = sent_updates(app, example_plan, give_plan)
    before = {r["reference"]: bytes(r["record"]) for r in rows(app, "school_updates")}
    app.extensions["prepplan_inbox"].engine.dispose()

    # Step 1: the new key first, the old one still listed. Old records still open.
    both_keys = make_app(**dict(inbox_settings, RECORD_KEYS=f"{new_key},{old_key}"))
    create_staff(both_keys)
    client, _ = login(both_keys)
    assert "Sofía Ramírez" in client.get("/en/staff/").get_data(as_text=True)
    # Step 2: re-encrypt everything with the new key.
    result = run_cli(both_keys, "rotate-keys")
    assert result.exit_code == 0 and "Re-encrypted 2 update(s)" in result.output
    after = {r["reference"]: bytes(r["record"]) for r in rows(both_keys, "school_updates")}
    assert all(after[ref] != before[ref] for ref in refs)
    both_keys.extensions["prepplan_inbox"].engine.dispose()

    # Step 3: the old key removed; every record still opens.
    new_only = make_app(**dict(inbox_settings, RECORD_KEYS=new_key))
    client, _ = login(new_only)
    page = client.get("/en/staff/").get_data(as_text=True)
    assert "Sofía Ramírez" in page and "Mateo Ramírez" in page
    assert "Cannot be opened" not in page
    new_only.extensions["prepplan_inbox"].engine.dispose()

    # And the old key alone no longer opens anything.
    old_only = make_app(**dict(inbox_settings, RECORD_KEYS=old_key))
    client, _ = login(old_only)
    page = client.get("/en/staff/").get_data(as_text=True)
    assert "Sofía Ramírez" not in page and "Cannot be opened" in page
    old_only.extensions["prepplan_inbox"].engine.dispose()


def test_rotation_changes_nothing_when_a_record_cannot_be_opened(
    make_app, inbox_settings, example_plan, give_plan
):
    app = make_app(**inbox_settings)
    sent_updates(app, example_plan, give_plan)
    before = sorted(bytes(r["record"]) for r in rows(app, "school_updates"))
    app.extensions["prepplan_inbox"].engine.dispose()
    stranger = make_app(**dict(inbox_settings, RECORD_KEYS=new_record_key()))
    result = run_cli(stranger, "rotate-keys")
    assert result.exit_code != 0 and "nothing was changed" in result.output
    assert sorted(bytes(r["record"]) for r in rows(stranger, "school_updates")) == before
    stranger.extensions["prepplan_inbox"].engine.dispose()


def test_a_record_moved_to_another_schools_row_is_refused(inbox_app, example_plan, give_plan):
    refs = sent_updates(
        inbox_app, example_plan, give_plan, schools=("chandler-elementary", "north-high")
    )
    engine = inbox_app.extensions["prepplan_inbox"].engine
    with engine.begin() as connection:
        records = {
            r.reference: r.record
            for r in connection.execute(text("SELECT reference, record FROM school_updates"))
        }
        connection.execute(
            text("UPDATE school_updates SET record = :record WHERE reference = :ref"),
            {"record": records[refs[0]], "ref": refs[1]},
        )
    create_staff(inbox_app, "north@x.example", "north-high")
    client, _ = login(inbox_app, "north@x.example")
    page = client.get(f"/en/staff/updates/{refs[1]}").get_data(as_text=True)
    assert "Sofía" not in page and "cannot be opened" in page


def test_the_database_holds_no_plaintext_personal_data(inbox_app, example_plan, db_url, give_plan):
    sent_updates(inbox_app, example_plan, give_plan)
    create_staff(inbox_app)
    for table in ("school_updates", "audit_events", "login_limits", "staff_schools"):
        dumped = str(rows(inbox_app, table))
        for word in ("Sofía", "Ramírez", "Carmen", "555-0142", "Pedro", "Chandler Pond"):
            assert word not in dumped, (table, word)
    if db_url.startswith("sqlite"):
        path = Path(db_url.split("///", 1)[1])
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        for word in ("Sofía", "Carmen", "Pedro Páramo", "555-0142"):
            assert word.encode() not in raw


# ---- nothing private leaves, by construction ---------------------------------------------------

# Text a school update may carry, by model and field. Everything else a family can type is
# filled with a marker below, and no marker may reach any export, page, row or log.
SHARED_TEXT = {
    "Guardian": {"given_name", "family_name", "email"},
    "Contact": {"given_name", "family_name", "email"},
    "Child": {"given_name", "family_name", "school", "grade", "student_id"},
}
SHARED_PHONES_OF = {"Guardian", "Contact"}
NOT_TEXT = {"id", "primary_contact_id", "backup_contact_id", "language"}


def marked_plan(plan: Plan) -> tuple[Plan, dict[str, str], dict[str, str]]:
    """The plan with a unique marker in every private field and in every other field a school
    must not get. Returns (plan, private markers, other markers), each {marker: field path}."""
    from typing import Literal, get_args, get_origin

    from pydantic import BaseModel

    private: dict[str, str] = {}
    other: dict[str, str] = {}

    def new_marker(path: str, is_private: bool) -> str:
        found = private if is_private else other
        marker = f"{'Pv' if is_private else 'Ot'}{len(private) + len(other):04d}q"
        found[marker] = path
        return marker

    def new_phone_marker(path: str, is_private: bool) -> str:
        """A number the model accepts (it refuses a number the forms refuse); its marker is
        its ten digits, searched for in every output with the punctuation taken out."""
        found = private if is_private else other
        digits = f"617555{len(private) + len(other):04d}"
        found[digits] = path
        return f"+1 {digits[:3]}-{digits[3:6]}-{digits[6:]}"

    def model_class(annotation):
        for candidate in (annotation, *get_args(annotation)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                return candidate
        return None

    def fill(cls, values: dict, path: str, owner_private: bool, shared_phone: bool) -> dict:
        for name, field in cls.model_fields.items():
            here = f"{path}.{name}" if path else name
            extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
            is_private = owner_private or bool(extra.get("private"))
            value = values.get(name)
            annotation = field.annotation
            nested = model_class(annotation)
            if get_origin(annotation) is list and nested is not None:
                phones = name == "phones" and cls.__name__ in SHARED_PHONES_OF
                values[name] = [
                    fill(nested, dict(item), f"{here}[{i}]", is_private, phones)
                    for i, item in enumerate(value or [])
                ]
            elif nested is not None:
                # Empty optional parts (a second child's dentist phone) get markers too.
                values[name] = fill(nested, dict(value or {}), here, is_private, False)
            elif (
                annotation is str and name not in NOT_TEXT and get_origin(annotation) is not Literal
            ):
                shared = name in SHARED_TEXT.get(cls.__name__, set()) or (
                    shared_phone and name in ("number", "e164")
                )
                if name == "e164" and cls.__name__ == "Phone":
                    values[name] = ""  # the model sets it from the number
                elif not shared or is_private:
                    if name == "number" and cls.__name__ == "Phone":
                        values[name] = new_phone_marker(here, is_private)
                    elif name == "email":
                        values[name] = new_marker(here, is_private) + "@example.org"
                    else:
                        values[name] = new_marker(here, is_private)
        return values

    data = fill(Plan, plan.model_dump(mode="json"), "", False, False)
    if "documents" in data:
        data["documents"] = [dict(d) for d in data["documents"]]
    return Plan.model_validate(data), private, other


def test_marked_plan_reaches_every_private_field(example_plan):
    plan, private, other = marked_plan(example_plan)
    paths = set(private.values())
    assert {
        "guardians[0].a_number",
        "guardians[1].a_number",
        "family_code_word",
        "help.lawyer.name",
        "help.lawyer.phone.number",
        "help.consulate.name",
        "help.consulate.phone.number",
        "help.community_org.name",
    } <= paths
    assert {
        "children[0].allergies",
        "home_address.street",
        "caregiver.bills",
        "out_of_area_contact.given_name",
        "children[1].dentist_phone.number",
        "documents[0].where",
    } <= set(other.values())
    assert plan.guardians[0].a_number in private and plan.family_code_word in private


def pdf_everything(data: bytes) -> str:
    """A PDF's text, metadata, attachments and decompressed page streams, as one string."""
    reader = PdfReader(io.BytesIO(data))
    parts = [str(reader.metadata), repr(reader.attachments)]
    for page in reader.pages:
        parts.append(page.extract_text())
        contents = page.get_contents()
        if contents is not None:
            parts.append(contents.get_data().decode("latin-1"))
    return "\n".join(parts)


def test_no_export_page_row_or_log_holds_anything_private(
    inbox_app, example_plan, db_url, caplog, capsys, give_plan
):
    caplog.set_level(logging.DEBUG)
    plan, private, other = marked_plan(example_plan)
    markers = {**private, **other}
    outputs: dict[str, bytes] = {}

    client = inbox_app.test_client()
    give_plan(inbox_app, client, plan)
    outputs["review page"] = client.get("/es/school/").data
    page = preview(client)
    outputs["preview page"] = page.encode()
    fields = dict(choices_from(page), agree="y")
    for output in ("form", "edfi", "powerschool"):
        response = client.post(f"/es/school/download/{output}", data=fields)
        assert response.status_code == 200
        outputs[output] = response.data
    outputs["vcards"] = client.get("/es/school/contacts.vcf").data
    sent = send(client, fields)
    outputs["sent page"] = sent.data
    refs = references(sent.get_data(as_text=True))
    assert len(refs) == 2

    create_staff(inbox_app)
    staff, _ = login(inbox_app)
    outputs["staff list"] = staff.get("/en/staff/").data
    outputs["staff update"] = staff.get(f"/en/staff/updates/{refs[0]}").data
    outputs["staff form"] = staff.get(f"/en/staff/updates/{refs[0]}/form.pdf").data
    for output in ("edfi", "powerschool"):
        outputs[f"staff {output}"] = staff.post(
            "/en/staff/export", data={"reference": refs, "format": output}
        ).data

    # What is allowed does get through, so the search below is looking in the right places.
    assert b"Carmen" in outputs["edfi"] and b"Carmen" in outputs["staff edfi"]
    assert "Sofía".encode() in outputs["staff update"]

    found = []
    for name, data in outputs.items():
        haystack = data.decode("utf-8", "replace")
        readable = haystack
        if data.startswith(b"%PDF"):
            assert PdfReader(io.BytesIO(data)).attachments == {}, name
            haystack += pdf_everything(data)
            readable = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        # A phone marker, however it is formatted (not in page streams: all numbers there).
        digits = re.sub(r"\D", "", readable)
        found += [
            (name, markers[m])
            for m in markers
            if m in haystack or m.encode() in data or m.isdigit() and m in digits
        ]

    stored = ""
    for table in (
        "school_updates",
        "staff_accounts",
        "staff_schools",
        "audit_events",
        "login_limits",
        "alembic_version",
    ):
        stored += str(rows(inbox_app, table))
    with inbox_app.app_context(), database.session() as db:
        for row in db.scalars(select(models.StoredUpdate)):
            stored += store.open_update(row).model_dump_json()
    stored_digits = re.sub(r"\D", "", stored)
    found += [
        ("database", markers[m])
        for m in markers
        if m in stored or m.isdigit() and m in stored_digits
    ]
    if db_url.startswith("sqlite"):
        path = Path(db_url.split("///", 1)[1])
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        found += [("database file", markers[m]) for m in markers if m.encode() in raw]

    captured = capsys.readouterr()
    logs = caplog.text + captured.out + captured.err
    assert "school_updates" in caplog.text or caplog.records  # logging was being captured
    found += [("logs", markers[m]) for m in markers if m in logs]
    assert found == []
