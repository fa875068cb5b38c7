"""Files made from school-update records: two CSV shapes school offices import, and vCards.

- ``edfi_csv``: one row per student and contact, columns named after the Ed-Fi Contact and
  StudentContactAssociation model (descriptor values as Ed-Fi URIs), plus MayPickUp.
- ``powerschool_csv``: the column names of PowerSchool's student contacts import; the school's
  own IDs (student number when the family does not know it, contact ID) are left blank for the
  office to fill.
- ``vcards``: one vCard per contact, for the family's own phone.

Both CSVs are UTF-8 with a byte-order mark (so Excel reads accents and non-Latin scripts right)
and every cell passes through ``neutralise_cell`` against spreadsheet formula injection.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence

from prepplan import phones
from prepplan.plan.model import MAX_PHONES
from prepplan.school.record import SchoolContact, SchoolPhone, SchoolUpdate

# Ed-Fi RelationDescriptor code values (uri://ed-fi.org/RelationDescriptor). The plan does not
# record a person's sex, so "aunt or uncle" is a Relative rather than guessing Aunt or Uncle.
EDFI_RELATIONS = {
    "mother": "Mother",
    "father": "Father",
    "stepparent": "Parent, step",
    "guardian": "Guardian",
    "grandparent": "Grandparent",
    "aunt_uncle": "Relative",
    "sibling": "Sibling",
    "cousin": "Cousin",
    "other_relative": "Relative",
    "godparent": "Godparent",
    "family_friend": "Friend",
    "neighbor": "Neighbor",
    "other": "Other",
}
EDFI_PHONE_TYPES = {"mobile": "Mobile", "home": "Home", "work": "Work", "other": "Other"}
# Ed-Fi LanguageDescriptor code values are ISO 639-3 codes.
EDFI_LANGUAGES = {
    "en": "eng",
    "es": "spa",
    "pt": "por",
    "ht": "hat",
    "vi": "vie",
    "zh": "zho",
    "ar": "ara",
    "kea": "kea",
    "fr": "fra",
    "so": "som",
    "sw": "swa",
    "am": "amh",
    "ti": "tir",
    "ne": "nep",
    "km": "khm",
    "ko": "kor",
    "ru": "rus",
    "uk": "ukr",
    "fa": "fas",
    "ps": "pus",
    "hi": "hin",
    "tl": "tgl",
    "qu": "que",
}

# PowerSchool's default relationship types. Districts can rename their code set; docs/
# school-inbox.md tells the office where to map them.
POWERSCHOOL_RELATIONSHIPS = {
    "mother": "Mother",
    "father": "Father",
    "stepparent": "Stepparent",
    "guardian": "Guardian",
    "grandparent": "Grandparent",
    "aunt_uncle": "Aunt/Uncle",
    "sibling": "Sibling",
    "cousin": "Cousin",
    "other_relative": "Other Relative",
    "godparent": "Godparent",
    "family_friend": "Friend",
    "neighbor": "Neighbor",
    "other": "Other",
}
POWERSCHOOL_PHONE_TYPES = {"mobile": "Mobile", "home": "Home", "work": "Work", "other": "Other"}

LANGUAGE_ENGLISH_NAMES = {
    "en": "English",
    "es": "Spanish",
    "pt": "Portuguese",
    "ht": "Haitian Creole",
    "vi": "Vietnamese",
    "zh": "Chinese",
    "ar": "Arabic",
    "kea": "Cape Verdean Creole",
    "fr": "French",
    "so": "Somali",
    "sw": "Swahili",
    "am": "Amharic",
    "ti": "Tigrinya",
    "ne": "Nepali",
    "km": "Khmer",
    "ko": "Korean",
    "ru": "Russian",
    "uk": "Ukrainian",
    "fa": "Persian",
    "ps": "Pashto",
    "hi": "Hindi",
    "tl": "Tagalog",
    "qu": "Quechua",
    "other": "Other",
}

REMOVE_NOTE = "REMOVE from this student's contact list (family's request)"
NOT_PICKUP_NOTE = "Not authorized to pick up the student"
GUARDIAN_NOTE = "Parent or legal guardian (family's statement)"

# A spreadsheet runs a cell starting with one of these as a formula (Excel: "=", "+", "-", "@";
# LibreOffice and Gnumeric: "="; tab and CR too, in some).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# ... unless the whole cell is a number, which a spreadsheet reads as a number and never runs:
# E.164 phone numbers ("+15085550142") and plain numbers.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def neutralise_cell(value: object) -> str:
    """A cell that a spreadsheet shows as text, never runs as a formula.

    Only a cell a spreadsheet would evaluate gets OWASP's leading apostrophe (Excel and
    LibreOffice hide it and show the text): a name such as "=1+1" or "-Ortega". A phone number
    in E.164 is left alone, so an office's importer reads "+15085550142", not "'+15085550142".
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def phone_cell(phone: SchoolPhone) -> str:
    return phones.export_cell(phone.e164, phone.as_typed)


def _boolean(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise_cell(name) for name in header])
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _phone_columns(prefix: str, names: Sequence[str]) -> list[str]:
    return [f"{prefix}{n}{name}" for n in range(1, MAX_PHONES + 1) for name in names]


# ---- Ed-Fi -------------------------------------------------------------------------------

EDFI_HEADER = [
    "Action",
    "StudentUniqueId",
    "StudentFirstName",
    "StudentLastSurname",
    "StudentBirthDate",
    "SchoolName",
    "GradeLevel",
    "ContactUniqueId",
    "ContactFirstName",
    "ContactLastSurname",
    "Relation",
    "ContactPriority",
    "PrimaryContactStatus",
    "EmergencyContactStatus",
    "LivesWith",
    "LegalGuardian",
    "ContactRestrictions",
    "MayPickUp",
    *_phone_columns("Telephone", ("Number", "Type", "TextMessageCapabilityIndicator")),
    "ElectronicMailAddress",
    "Language",
    "InterpreterNeeded",
    "NoteToSchool",
    "SubmittedBy",
    "SubmittedOn",
]


def _descriptor(kind: str, value: str) -> str:
    return f"uri://ed-fi.org/{kind}#{value}" if value else ""


def _edfi_phones(contact: SchoolContact) -> list[str]:
    cells: list[str] = []
    for index in range(MAX_PHONES):
        if index < len(contact.phones):
            phone = contact.phones[index]
            cells += [
                phone_cell(phone),
                _descriptor("TelephoneNumberTypeDescriptor", EDFI_PHONE_TYPES[phone.kind]),
                _boolean(phone.can_receive_texts),
            ]
        else:
            cells += ["", "", ""]
    return cells


def _student_cells(update: SchoolUpdate) -> list[str]:
    student = update.student
    return [
        student.student_id,
        student.given_name,
        student.family_name,
        student.date_of_birth.isoformat() if student.date_of_birth else "",
        student.school,
        student.grade,
    ]


def _footer_cells(update: SchoolUpdate) -> list[str]:
    return [update.note_to_school, update.submitted_by, update.submitted_at.date().isoformat()]


def edfi_rows(update: SchoolUpdate) -> list[list[str]]:
    rows = []
    for contact in update.contacts:
        restrictions = "" if contact.may_pick_up else NOT_PICKUP_NOTE
        rows.append(
            [
                "Add or update",
                *_student_cells(update),
                "",
                contact.given_name,
                contact.family_name,
                _descriptor("RelationDescriptor", EDFI_RELATIONS[contact.relationship]),
                str(contact.priority),
                _boolean(contact.priority == 1),
                _boolean(contact.emergency_contact),
                _boolean(contact.lives_with_student),
                _boolean(contact.parent_or_legal_guardian),
                restrictions,
                _boolean(contact.may_pick_up),
                *_edfi_phones(contact),
                contact.email,
                _descriptor("LanguageDescriptor", EDFI_LANGUAGES.get(contact.language, "")),
                _boolean(contact.interpreter_needed),
                *_footer_cells(update),
            ]
        )
    for name in update.remove_from_list:
        rows.append(
            [
                "Remove",
                *_student_cells(update),
                "",
                name,
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                REMOVE_NOTE,
                "false",
                *[""] * (3 * MAX_PHONES),
                "",
                "",
                "",
                *_footer_cells(update),
            ]
        )
    return rows


def edfi_csv(updates: Iterable[SchoolUpdate]) -> bytes:
    return _csv(EDFI_HEADER, (row for update in updates for row in edfi_rows(update)))


# ---- PowerSchool --------------------------------------------------------------------------

POWERSCHOOL_HEADER = [
    "Student Number",
    "Student First Name",
    "Student Last Name",
    "Student Date of Birth",
    "School Name",
    "Grade Level",
    "Contact ID",
    "First Name",
    "Last Name",
    "Relationship Type",
    "Relationship Note",
    "Contact Priority Order",
    "Is Emergency Contact",
    "Contact Allow School Pickup",
    "Contact Lives With",
    *_phone_columns("Phone ", (" Type", " Number", " Is SMS")),
    "Email Address",
    "Preferred Language",
    "Needs Interpreter",
    "Note to School",
    "Submitted By",
    "Submitted On",
]


def _powerschool_phones(contact: SchoolContact) -> list[str]:
    cells: list[str] = []
    for index in range(MAX_PHONES):
        if index < len(contact.phones):
            phone = contact.phones[index]
            cells += [
                POWERSCHOOL_PHONE_TYPES[phone.kind],
                phone_cell(phone),
                _yes_no(phone.can_receive_texts),
            ]
        else:
            cells += ["", "", ""]
    return cells


def powerschool_rows(update: SchoolUpdate) -> list[list[str]]:
    rows = []
    for contact in update.contacts:
        notes = [GUARDIAN_NOTE] if contact.parent_or_legal_guardian else []
        if not contact.may_pick_up:
            notes.append(NOT_PICKUP_NOTE)
        rows.append(
            [
                *_student_cells(update),
                "",
                contact.given_name,
                contact.family_name,
                POWERSCHOOL_RELATIONSHIPS[contact.relationship],
                "; ".join(notes),
                str(contact.priority),
                _yes_no(contact.emergency_contact),
                _yes_no(contact.may_pick_up),
                _yes_no(contact.lives_with_student),
                *_powerschool_phones(contact),
                contact.email,
                LANGUAGE_ENGLISH_NAMES.get(contact.language, ""),
                _yes_no(contact.interpreter_needed),
                *_footer_cells(update),
            ]
        )
    for name in update.remove_from_list:
        rows.append(
            [
                *_student_cells(update),
                "",
                name,
                "",
                "",
                REMOVE_NOTE,
                "",
                "",
                "No",
                "",
                *[""] * (3 * MAX_PHONES),
                "",
                "",
                "",
                *_footer_cells(update),
            ]
        )
    return rows


def powerschool_csv(updates: Iterable[SchoolUpdate]) -> bytes:
    return _csv(POWERSCHOOL_HEADER, (row for update in updates for row in powerschool_rows(update)))


CSV_EXPORTS: dict[str, tuple[Callable[[Iterable[SchoolUpdate]], bytes], str]] = {
    "edfi": (edfi_csv, "school-contacts-edfi.csv"),
    "powerschool": (powerschool_csv, "school-contacts-powerschool.csv"),
}


# ---- vCard --------------------------------------------------------------------------------

# vCard 3.0 (RFC 2426), the version iPhone, Android and Google Contacts all import. Address books
# label a number by HOME, WORK or CELL with VOICE (iOS and Android "home", "work", "mobile").
# RFC 2426 has no type for text messages: its MSG means voice messaging (Outlook files an MSG
# number as "other"), so it is never used for texts. A number that can receive texts gets
# RFC 6350's TEXT, which 3.0 readers keep as an unknown type without changing the label.
VCARD_PHONE_TYPES = {
    "mobile": ("CELL", "VOICE"),
    "home": ("HOME", "VOICE"),
    "work": ("WORK", "VOICE"),
    "other": ("VOICE",),
}
VCARD_TEXT_TYPE = "TEXT"


def _vcard_text(value: str) -> str:
    """Escape a vCard 3.0 text value (RFC 2426 section 4)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = b""
    limit = 75
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = 74  # continuation lines start with a space
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def vcard(contact: SchoolContact, note: str = "") -> str:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{_vcard_text(contact.family_name)};{_vcard_text(contact.given_name)};;;",
        f"FN:{_vcard_text(contact.full_name)}",
    ]
    for phone in contact.phones:
        types = VCARD_PHONE_TYPES[phone.kind]
        if phone.can_receive_texts:
            types = (*types, VCARD_TEXT_TYPE)
        number = phones.vcard_value(phone.e164, phone.as_typed)
        lines.append(f"TEL;TYPE={','.join(types)}:{_vcard_text(number)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET:{_vcard_text(contact.email)}")
    if note:
        lines.append(f"NOTE:{_vcard_text(note)}")
    lines.append("END:VCARD")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def vcards(
    contacts: Iterable[SchoolContact], notes: Callable[[SchoolContact], str] | None = None
) -> bytes:
    """Every contact in one .vcf file (phones import them all at once)."""
    return "".join(vcard(c, notes(c) if notes else "") for c in contacts).encode("utf-8")
