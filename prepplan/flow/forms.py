"""The family's forms, one per step. Field names are the plan model's, so a form's data maps
straight onto the model (views.py) and a model fills a form back for editing.

Every validator has a translated message: WTForms ships none in Haitian Creole, Vietnamese or
Cape Verdean Creole, and the family must read every error in their language.
"""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
from babel.dates import format_date, get_date_format, parse_date
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from prepplan.flow.choices import (
    DOCUMENT_KIND_LABELS,
    GUARDIAN_RELATIONSHIPS,
    PHONE_KIND_LABELS,
    RELATIONSHIP_LABELS,
)
from prepplan.forms import TOO_LONG, PageForm, options
from prepplan.i18n import isolate_ltr, language_name
from prepplan.plan.model import (
    LONG_TEXT,
    MAX_PHONES,
    MEDIUM_TEXT,
    PERSON_LANGUAGES,
    SHORT_TEXT,
)


def short(label, description=None, required_message=None, **kwargs) -> StringField:
    validators = [InputRequired(required_message)] if required_message else [Optional()]
    validators.append(Length(max=SHORT_TEXT, message=TOO_LONG))
    return StringField(label, validators, description=description, **kwargs)


def medium(label, description=None) -> TextAreaField:
    return TextAreaField(label, [Optional(), Length(max=MEDIUM_TEXT, message=TOO_LONG)],
                         description=description)


def long_text(label, description=None) -> TextAreaField:
    return TextAreaField(label, [Optional(), Length(max=LONG_TEXT, message=TOO_LONG)],
                         description=description)


# --- phones ---------------------------------------------------------------------------------

def parse_phone(typed: str) -> phonenumbers.PhoneNumber | None:
    """A number as people type it: US by default, international with + or 011."""
    cleaned = typed.strip()
    if cleaned.startswith("011"):
        cleaned = "+" + cleaned[3:]
    try:
        number = phonenumbers.parse(cleaned, "US")
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def to_e164(typed: str) -> str:
    number = parse_phone(typed)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) if number else ""


def valid_phone(form, field) -> None:
    if field.data and parse_phone(field.data) is None:
        raise ValidationError(_l(
            "Enter a phone number like %(local)s, or with the country code, like "
            "%(international)s.",
            local=isolate_ltr("508 555 0123"), international=isolate_ltr("+52 55 1234 5678"),
        ))


class PhoneForm(Form):
    number = StringField(_l("Phone number"), [Optional(), Length(max=SHORT_TEXT, message=TOO_LONG),
                                              valid_phone])
    kind = SelectField(_l("Type of phone"), choices=options(PHONE_KIND_LABELS),
                       default="mobile")
    can_text = BooleanField(_l("Can receive text messages"))


def phone_list(min_entries: int = MAX_PHONES) -> FieldList:
    return FieldList(FormField(PhoneForm), min_entries=min_entries, max_entries=MAX_PHONES)


def single_phone(label) -> StringField:
    return StringField(label, [Optional(), Length(max=SHORT_TEXT, message=TOO_LONG), valid_phone])


# --- dates ----------------------------------------------------------------------------------

def date_pattern_example() -> str:
    """An example date in the order this locale writes dates, with a four-digit year."""
    locale = get_locale()
    pattern = get_date_format("short", locale=locale).pattern
    pattern = re.sub(r"y+", "yyyy", pattern)
    pattern = re.sub(r"d+", "dd", pattern)
    pattern = re.sub(r"M+", "MM", pattern)
    return format_date(date(2019, 10, 21), pattern, locale=locale)


class LocaleDateField(Field):
    """A date typed in the family's own order (21/10/2019 in Spanish, 10/21/2019 in English,
    2019/10/21 in Chinese); ISO dates work everywhere."""

    widget = TextInput()
    # A birth date is in the past; a paper's start date may be ahead (prepplan/legal).
    future_allowed = False

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, date):
            locale = get_locale()
            pattern = re.sub(r"y+", "yyyy", get_date_format("short", locale=locale).pattern)
            return format_date(self.data, pattern, locale=locale)
        return ""

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        parsed = None
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            try:
                parsed = date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
            except ValueError:
                parsed = None
        else:
            try:
                parsed = parse_date(re.sub(r"[.\-\s]+", "/", text), locale=get_locale(),
                                    format="short")
            except (ValueError, IndexError):
                parsed = None
        if parsed is None or parsed.year < 1900:
            raise ValueError(_l("Enter the date like this: %(example)s",
                                example=date_pattern_example()))
        if parsed > date.today() and not self.future_allowed:
            raise ValueError(_l("The date must be today or in the past."))
        self.data = parsed


# --- choices --------------------------------------------------------------------------------

def person_language_choices() -> list[SelectChoice]:
    return options((code, language_name(code)) for code in PERSON_LANGUAGES)


class LanguageSelectField(SelectField):
    """Language names come from CLDR in the reader's language, so they are built per request."""

    def __init__(self, label, **kwargs):
        super().__init__(label, choices=person_language_choices, default="en", **kwargs)


# --- steps ----------------------------------------------------------------------------------

def email_field() -> StringField:
    return StringField(_l("E-mail address"), [
        Optional(), Length(max=SHORT_TEXT, message=TOO_LONG),
        Email(message=_l("Enter an e-mail address like name@example.com."),
              check_deliverability=False),
    ])


class GuardianForm(PageForm):
    given_name = short(_l("Given name or names"),
                       required_message=_l("Enter the given name of this parent or guardian."))
    family_name = short(_l("Family name or names"))
    relationship = RadioField(
        _l("Relationship to the children"),
        choices=options((code, RELATIONSHIP_LABELS[code]) for code in GUARDIAN_RELATIONSHIPS),
        default="mother",
    )
    phones = phone_list()
    email = email_field()
    language = LanguageSelectField(_l("Language this person reads best"))


class AddressForm(PageForm):
    street = short(_l("Street and apartment"))
    city = short(_l("Town or city"))
    state = short(_l("State"))
    postal_code = short(_l("ZIP code"))


class ChildForm(PageForm):
    given_name = short(_l("Given name or names"),
                       required_message=_l("Enter the child's given name."))
    family_name = short(_l("Family name or names"))
    date_of_birth = LocaleDateField(_l("Date of birth"))
    school = short(_l("Name of the school"))
    # Translators: the child's grade (school year) at school, e.g. "3" or "K".
    grade = short(_l("Grade"))
    teacher = short(_l("Teacher"))
    student_id = short(_l("Student ID number"), _l("Only if you know it. It helps the school find "
                                                 "the right record."))
    after_school = medium(_l("After-school program"), _l("Name, address and days."))
    bus_route = short(_l("Bus route"))
    bus_stop = short(_l("Bus stop"))
    allergies = long_text(_l("Allergies"))
    medications = long_text(_l("Medicines and when to take them"))
    medical_conditions = long_text(_l("Medical conditions"))
    doctor_name = short(_l("Doctor or clinic"))
    doctor_phone = single_phone(_l("Doctor's phone number"))
    dentist_name = short(_l("Dentist"))
    dentist_phone = single_phone(_l("Dentist's phone number"))
    health_insurance = medium(_l("Health insurance"), _l("For example MassHealth, and the member "
                                                        "number if you want."))
    special_needs = long_text(_l("Special needs, IEP or 504 plan"))
    # Translators: the child's daily routines and what comforts them, for a caregiver.
    routines = long_text(_l("Routines and comfort"),
                         _l("What helps this child feel safe: bedtime, food, favorite things."))


class ContactForm(PageForm):
    given_name = short(_l("Given name or names"),
                       required_message=_l("Enter the given name of this contact."))
    family_name = short(_l("Family name or names"))
    relationship = SelectField(_l("Relationship to the children"),
                               choices=options(RELATIONSHIP_LABELS), default="family_friend")
    phones = phone_list()
    email = email_field()
    language = LanguageSelectField(_l("Language this person speaks best"))
    interpreter_needed = BooleanField(_l("Needs an interpreter to talk with the school"))
    may_pick_up = BooleanField(
        _l("May pick the children up from school"),
        description=_l("A school pickup list is not custody: it only lets the school release "
                       "your children to this person."),
    )
    knows_about_plan = BooleanField(_l("Knows about this plan and agreed to help"))
    lives_with_children = BooleanField(_l("Lives with the children"))
    is_legal_guardian = BooleanField(_l("Is a parent or legal guardian of the children"))

    def validate_phones(self, field) -> None:
        if not any(entry.form.number.data for entry in field):
            raise ValidationError(_l("Enter at least one phone number for this contact."))


class OutOfAreaForm(PageForm):
    given_name = short(_l("Given name or names"))
    family_name = short(_l("Family name or names"))
    relationship = SelectField(_l("Relationship to the children"),
                               choices=options(RELATIONSHIP_LABELS), default="other_relative")
    phones = phone_list()
    email = email_field()
    language = LanguageSelectField(_l("Language this person speaks best"))
    where = short(_l("Where they live"), _l("Town and country."))


class CaregiverForm(PageForm):
    primary_contact_id = RadioField(_l("Who will care for the children first?"),
                                    validate_choice=True)
    backup_contact_id = RadioField(_l("Who will care for them if that person cannot?"),
                                   validate_choice=True)
    where_children_stay = medium(_l("Where will the children stay?"))

    def __init__(self, *args, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        people = options((c.id, c.full_name or c.given_name) for c in contacts)
        self.primary_contact_id.choices = people
        self.backup_contact_id.choices = people
        self.primary_contact_id.validators = [
            InputRequired(_l("Choose who will care for the children first."))]
        self.backup_contact_id.validators = [Optional()]

    def validate_backup_contact_id(self, field) -> None:
        if field.data and field.data == self.primary_contact_id.data:
            raise ValidationError(_l("Choose a different person as the backup caregiver."))


class CaregiverNotesForm(PageForm):
    routines = long_text(_l("Daily routines"))
    school_notes = long_text(_l("School"))
    health_notes = long_text(_l("Health"))
    religion = long_text(_l("Religion and customs"))
    diet = long_text(_l("Food and diet"))
    house_keys = medium(_l("House keys"), _l("Who has a key, or where a spare key is."))
    pets = medium(_l("Pets"))
    bills = long_text(_l("Rent and bills"), _l("How rent and bills get paid while you are away."))
    money_access = medium(
        _l("Money"), _l("Who can get money for the children if they need it, and how.")
    )


class DocumentForm(Form):
    where = medium(_l("Where it is kept"))
    copies_with = short(_l("Who has a copy"))


def documents_form_class() -> type[PageForm]:
    fields = {kind: FormField(DocumentForm, label=label)
              for kind, label in DOCUMENT_KIND_LABELS.items()}
    fields["copies_held_by"] = medium(_l("Who will have a copy of this plan?"))
    return type("DocumentsForm", (PageForm,), fields)


DocumentsForm = documents_form_class()


class HelpContactForm(Form):
    name = short(_l("Name"))
    phone = single_phone(_l("Phone number"))


class HelpForm(PageForm):
    lawyer = FormField(HelpContactForm, label=_l("Lawyer or legal aid organization"))
    consulate = FormField(HelpContactForm, label=_l("Consulate"))
    community_org = FormField(HelpContactForm, label=_l("Trusted community organization"))


class PrivateForm(PageForm):
    family_code_word = short(
        _l("Family code word"),
        _l("A word only your family and your caregivers know. Your children can ask for it "
           "before going with anyone."),
    )


class RemoveForm(PageForm):
    """Confirms removing one entry (a child, a contact)."""


class UploadForm(PageForm):
    plan_file = FileField(_l("Your plan file or last year's plan PDF"))


class DocumentOptionsForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only chooses how the PDF looks

    language = SelectField(_l("Language of the PDF"),
                           description=_l("A caregiver can have a copy in their own language."))
    bilingual = BooleanField(_l("Add English under each heading"))
    paper = RadioField(_l("Paper size"),
                       choices=options({"letter": _l("US Letter"), "a4": _l("A4")}),
                       default="letter")


def private_form(guardians, **kwargs) -> PrivateForm:
    """The private step has one A-number box per parent or guardian."""
    fields = {
        "a_numbers": FieldList(
            # Translators: the "A-number" (Alien Registration Number) on US immigration papers.
            StringField(_l("A-number"), [Optional(), Length(max=SHORT_TEXT, message=TOO_LONG)]),
            min_entries=len(guardians), max_entries=len(guardians),
        )
    }
    form_class = type("PrivateItemsForm", (PrivateForm,), fields)
    form = form_class(**kwargs)
    for entry, guardian in zip(form.a_numbers, guardians, strict=False):
        entry.label.text = _l("A-number of %(name)s", name=guardian.full_name)
    return form
