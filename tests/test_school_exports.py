"""Files made from school updates: Ed-Fi and PowerSchool CSVs, vCards, the printable form."""

import csv
import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from prepplan.plan.model import PERSON_LANGUAGES, RELATIONSHIPS, Contact, Phone
from prepplan.school import exports
from prepplan.school.record import school_updates_from_plan

WHEN = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def updates_for(plan, **kwargs):
    kwargs.setdefault("submitted_by", "María José Ramírez Ortega")
    return school_updates_from_plan(plan, submitted_at=WHEN, **kwargs)


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_edfi_csv_has_one_row_per_student_and_contact(example_plan):
    updates = updates_for(example_plan, removals=[["Pedro Páramo"], []])
    rows = read_csv(exports.edfi_csv(updates))
    assert list(rows[0]) == exports.EDFI_HEADER
    for column in (
        "Relation",
        "ContactPriority",
        "EmergencyContactStatus",
        "LivesWith",
        "LegalGuardian",
        "ContactRestrictions",
        "MayPickUp",
        "Telephone1Number",
        "Telephone1Type",
        "Telephone1TextMessageCapabilityIndicator",
        "ElectronicMailAddress",
        "Language",
    ):
        assert column in rows[0]
    # 2 children x 5 contacts, plus Sofía's removal.
    assert len(rows) == 11
    mother = rows[0]
    assert mother["StudentFirstName"] == "Sofía" and mother["StudentBirthDate"] == "2015-04-09"
    assert mother["ContactFirstName"] == "María José"
    assert mother["Relation"] == "uri://ed-fi.org/RelationDescriptor#Mother"
    assert mother["ContactPriority"] == "1" and mother["PrimaryContactStatus"] == "true"
    assert mother["LegalGuardian"] == "true" and mother["LivesWith"] == ""
    assert mother["Telephone1Number"] == "+15085550142"  # E.164, no apostrophe
    assert mother["Telephone1Type"] == "uri://ed-fi.org/TelephoneNumberTypeDescriptor#Mobile"
    assert mother["Telephone1TextMessageCapabilityIndicator"] == "true"
    assert mother["Language"] == "uri://ed-fi.org/LanguageDescriptor#spa"
    carmen = rows[2]
    assert carmen["Relation"] == "uri://ed-fi.org/RelationDescriptor#Relative"
    assert carmen["InterpreterNeeded"] == "true" and carmen["MayPickUp"] == "true"
    fatima = rows[4]
    assert fatima["MayPickUp"] == "false"
    assert fatima["ContactRestrictions"] == exports.NOT_PICKUP_NOTE
    removal = rows[5]
    assert removal["Action"] == "Remove" and removal["ContactFirstName"] == "Pedro Páramo"
    assert removal["StudentFirstName"] == "Sofía"
    assert [r["StudentFirstName"] for r in rows[6:]] == ["Mateo"] * 5


def test_powerschool_csv_uses_its_import_columns_and_leaves_school_ids_blank(example_plan):
    rows = read_csv(exports.powerschool_csv(updates_for(example_plan, removals=[[], ["Juan"]])))
    assert list(rows[0]) == exports.POWERSCHOOL_HEADER
    for column in (
        "Contact Priority Order",
        "Relationship Type",
        "Is Emergency Contact",
        "Contact Allow School Pickup",
        "Contact Lives With",
        "Phone 1 Number",
        "Phone 1 Type",
        "Phone 1 Is SMS",
        "Email Address",
        "Student Number",
        "Contact ID",
    ):
        assert column in rows[0]
    assert len(rows) == 11
    assert all(row["Contact ID"] == "" for row in rows)
    assert all(row["Student Number"] == "" for row in rows)  # the family did not know them
    thu = rows[3]
    assert thu["First Name"] == "Thu" and thu["Last Name"] == "Trần"
    assert thu["Relationship Type"] == "Friend" and thu["Contact Priority Order"] == "4"
    assert thu["Contact Allow School Pickup"] == "Yes" and thu["Is Emergency Contact"] == "Yes"
    assert thu["Phone 1 Number"] == "+17745550168" and thu["Phone 1 Is SMS"] == "Yes"
    assert thu["Preferred Language"] == "Vietnamese"
    assert rows[4]["Contact Allow School Pickup"] == "No"
    assert rows[-1]["First Name"] == "Juan"
    assert rows[-1]["Relationship Note"] == exports.REMOVE_NOTE


def test_a_known_student_id_fills_the_student_number(example_plan):
    example_plan.children[0].student_id = "S-20417"
    rows = read_csv(exports.powerschool_csv(updates_for(example_plan)))
    assert rows[0]["Student Number"] == "S-20417"
    assert read_csv(exports.edfi_csv(updates_for(example_plan)))[0]["StudentUniqueId"] == "S-20417"


def test_every_relationship_and_language_maps_to_a_school_value():
    assert set(exports.EDFI_RELATIONS) == set(RELATIONSHIPS)
    assert set(exports.POWERSCHOOL_RELATIONSHIPS) == set(RELATIONSHIPS)
    assert set(exports.EDFI_LANGUAGES) == set(PERSON_LANGUAGES) - {"other"}
    assert set(exports.LANGUAGE_ENGLISH_NAMES) == set(PERSON_LANGUAGES)


@pytest.mark.parametrize(
    "value,expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 617 555 0100", "'+1 617 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-Ortega", "'-Ortega"),
        ("+15085550142", "+15085550142"),  # E.164: a spreadsheet reads a number, runs nothing
        ("-5", "-5"),
        ("Ana", "Ana"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise_cell(value, expected):
    assert exports.neutralise_cell(value) == expected


def hostile_plan(example_plan):
    example_plan.contacts[0].given_name = '=HYPERLINK("http://evil.example","x")'
    example_plan.contacts[0].family_name = "+cmd|' /C calc'!A0"
    example_plan.contacts[1].given_name = "-2+3"
    example_plan.contacts[1].family_name = "@SUM(1+1)"  # (an e-mail must be one now)
    example_plan.children[0].school = "=1+1"
    example_plan.contacts.append(
        Contact(given_name="Bo", phones=[Phone(number="+52 55 1234 5678", e164="+525512345678")])
    )
    return example_plan


@pytest.mark.parametrize("make_csv", [exports.edfi_csv, exports.powerschool_csv])
def test_no_csv_cell_can_run_as_a_formula(example_plan, make_csv):
    updates = updates_for(
        hostile_plan(example_plan),
        removals=[["=cmd()"]],
        notes=['@evil, "quoted"\nsecond line'],
        submitted_by="-me",
    )
    data = make_csv(updates)
    cells = [
        cell
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
        for cell in row
    ]
    assert cells
    offenders = [
        cell
        for cell in cells
        if cell.startswith(FORMULA_STARTS) and not exports.PLAIN_NUMBER.fullmatch(cell)
    ]
    assert offenders == []
    # The text is still all there for the office to read.
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert '\'@evil, "quoted"\nsecond line' in cells
    assert "+525512345678" in cells and "'+525512345678" not in cells  # E.164, as it is


def test_vcards_one_per_contact_escaped_and_folded(app, example_plan):
    example_plan.contacts[0].family_name = "Ortega; de la Cruz, \\ Jr."
    example_plan.contacts[2].given_name = "فاطمة الزهراء عبد الرحمن محمد" * 2
    contacts = updates_for(example_plan)[0].contacts
    with app.test_request_context("/en/"):
        from prepplan.school.labels import contact_note_for_phone

        data = exports.vcards(contacts, contact_note_for_phone)
    text = data.decode("utf-8")
    assert text.count("BEGIN:VCARD") == text.count("END:VCARD") == len(contacts) == 5
    assert "N:Ortega\\; de la Cruz\\, \\\\ Jr.;Carmen;;;" in text
    assert "TEL;TYPE=CELL,VOICE,TEXT:+15085550142" in text
    assert "TEL;TYPE=WORK,VOICE:+15085550100" in text
    assert "EMAIL;TYPE=INTERNET:carmen.ortega@example.org" in text
    assert "NOTE:Neighbor · Call order: 5 · May not pick up the children" in text
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # folding never splits a character
    unfolded = text.replace("\r\n ", "")
    assert "FN:" + "فاطمة الزهراء عبد الرحمن محمد" * 2 + " Haddad" in unfolded


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())  # table cells wrap words onto new lines


@pytest.mark.parametrize("language", ["en", "es", "ar"])
def test_printable_form(app, example_plan, language):
    from prepplan.school.printable import render_school_form

    updates = school_updates_from_plan(
        example_plan,
        removals=[["Pedro Páramo"]],
        notes=["Sofía goes to the Boys & Girls Club."],
        submitted_by="María José Ramírez Ortega",
        submitted_at=WHEN,
        family_language=language,
    )
    with app.test_request_context(f"/{language}/school/"):
        data = render_school_form(updates)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2  # one page per child
    assert reader.attachments == {}
    assert reader.metadata.title == "School emergency contact update"
    text = pdf_text(data)
    for expected in (
        "School emergency contact update",
        "For school use",
        "Entered by",
        "Date entered",
        "Signature of parent or guardian",
        "A pickup list is not a custody document",
        "Sofía Ramírez",
        "Mateo Ramírez",
        "Carmen Ortega",
        "(508) 555-0142",
        "Pedro Páramo",
        "Sofía goes to the Boys & Girls Club.",
        "April 9, 2015",
        "Spanish",
        "Parent or legal guardian",
        "May pick up",
    ):
        assert expected in text, expected
    # The family's language beside the English (CLDR names and dates need no catalog).
    beside = {"en": None, "es": ("español", "9 de abril de 2015"), "ar": ("الإسبانية",)}
    for word in beside[language] or ():
        assert word in text, word
    if language == "en":
        assert "español" not in text


def open_in_spreadsheet(tmp_path, files: dict[str, bytes]) -> dict[str, list[list]]:
    """Each CSV opened by LibreOffice Calc as an office would (comma-separated, UTF-8, formulas
    evaluated), saved as XLSX and read back cell by cell. Debian: libreoffice-calc-nogui."""
    import shutil
    import subprocess

    import openpyxl

    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice Calc is needed: ./dev.sh test installs libreoffice-calc-nogui"
    for name, data in files.items():
        (tmp_path / f"{name}.csv").write_bytes(data)
    # Tokens: comma, double quote, UTF-8, from line 1, default formats, default language,
    # quoted fields not forced to text, no special numbers, 3 export-only tokens, and the 13th,
    # "evaluate formulas" on: the worst case, as Excel does.
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--infilter=CSV:44,34,76,1,,0,false,false,false,false,false,-1,true",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "xlsx"),
            *[str(tmp_path / f"{name}.csv") for name in files],
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sheets = {}
    for name in files:
        book = openpyxl.load_workbook(tmp_path / "xlsx" / f"{name}.xlsx")
        sheets[name] = [list(row) for row in book.active.iter_rows()]
    return sheets


def test_a_real_spreadsheet_runs_no_formula_and_keeps_names_and_numbers(tmp_path, example_plan):
    plan = hostile_plan(example_plan)
    plan.contacts[2].given_name, plan.contacts[2].family_name = "家豪", "陈"
    updates = updates_for(plan, removals=[["=cmd()"]], notes=["=1+1"], submitted_by="-me")
    control = b"Name,Phone\r\n=1+1,+15085550142\r\n"  # no neutralising: the engine runs it
    sheets = open_in_spreadsheet(
        tmp_path,
        {
            "edfi": exports.edfi_csv(updates),
            "powerschool": exports.powerschool_csv(updates),
            "control": control,
        },
    )
    assert sheets["control"][1][0].data_type == "f", "the spreadsheet must evaluate formulas"

    for name, header in (
        ("edfi", exports.EDFI_HEADER),
        ("powerschool", exports.POWERSCHOOL_HEADER),
    ):
        rows = sheets[name]
        assert [cell.value for cell in rows[0]] == header
        cells = [cell for row in rows[1:] for cell in row]
        assert all(cell.data_type != "f" for cell in cells), name
        values = {str(cell.value) for cell in cells if cell.value is not None}
        # Names in every script arrive intact; hostile ones as the text the family typed.
        for text in (
            "María José",
            "Ramírez Ortega",
            "家豪",
            "陈",
            "Chandler Pond Elementary School",
            '\'=HYPERLINK("http://evil.example","x")',
            "'+cmd|' /C calc'!A0",
            "'-2+3",
            "'=1+1",
            "'-me",
        ):
            assert text in values, (name, text)
        # E.164 numbers, no apostrophe: a spreadsheet reads them as numbers, digits intact.
        phone_column = header.index("Telephone1Number" if name == "edfi" else "Phone 1 Number")
        phones = [row[phone_column].value for row in rows[1:] if row[phone_column].value]
        assert 15085550142 in phones and 525512345678 in phones
        assert all(isinstance(phone, int) for phone in phones), phones


def test_vcard_phone_types_read_by_an_address_book_parser(example_plan):
    import vobject

    example_plan.contacts[0].phones = [
        Phone(number="508 555 0142", e164="+15085550142", kind="mobile", can_text=True),
        Phone(number="508 555 0100", e164="+15085550100", kind="work", can_text=True),
    ]
    example_plan.contacts[1].phones = [
        Phone(number="508 555 0111", e164="+15085550111", kind="home", can_text=False)
    ]
    contacts = updates_for(example_plan)[0].contacts
    cards = list(vobject.readComponents(exports.vcards(contacts).decode("utf-8")))
    assert len(cards) == len(contacts)

    def phone_types(card):
        return {tel.value: {t.upper() for t in tel.params["TYPE"]} for tel in card.contents["tel"]}

    carmen = phone_types(cards[2])  # after the two parents
    assert carmen["+15085550142"] == {"CELL", "VOICE", "TEXT"}
    assert carmen["+15085550100"] == {"WORK", "VOICE", "TEXT"}  # texts, and no voice-mail MSG
    assert phone_types(cards[3])["+15085550111"] == {"HOME", "VOICE"}
    every_type = {t for card in cards for types in phone_types(card).values() for t in types}
    assert "MSG" not in every_type
