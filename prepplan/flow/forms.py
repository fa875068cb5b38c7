"""The family's forms, one per step. Field names are the plan model's, so a form's data maps
straight onto the model (views.py) and a model fills a form back for editing.

Every validator has a translated message: WTForms ships none in Haitian Creole, Vietnamese or
Cape Verdean Creole, and the family must read every error in their language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import LazyString, get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from prepplan import phones
from prepplan.direction import isolate_in_text
from prepplan.forms import TOO_LONG, Label, PageForm, Validator, options
from prepplan.i18n import language_name
from prepplan.i18n import lazy_gettext as _l
from prepplan.locale_formats import (
    parse_typed_date,
    typed_date,
    typed_date_example,
    typed_date_hint,
    without_direction_marks,
)
from prepplan.plan.model import (
    LONG_TEXT,
    MAX_PHONES,
    MEDIUM_TEXT,
    PERSON_LANGUAGES,
    SHORT_TEXT,
    Contact,
    Guardian,
    Phone,
)
from prepplan.plan.text import clean_line, clean_text
from prepplan.plan.vocabulary import (
    DOCUMENT_KIND_LABELS,
    GUARDIAN_RELATIONSHIPS,
    PHONE_KIND_LABELS,
    RELATIONSHIP_LABELS,
)


# Every text field filters through the input policy (plan/text.py) before its length is judged,
# so the form and the model count the same characters.
def short(
    label: Label,
    description: Label | None = None,
    required_message: Label | None = None,
    **kwargs: Any,
) -> StringField:
    # DataRequired judges the filtered text: a name of invisible characters only is no name.
    validators = [DataRequired(required_message)] if required_message else [Optional()]
    validators.append(Length(max=SHORT_TEXT, message=TOO_LONG))
    return StringField(label, validators, description=description, filters=[clean_line], **kwargs)


def medium(label: Label, description: Label | None = None) -> TextAreaField:
    return TextAreaField(
        label,
        [Optional(), Length(max=MEDIUM_TEXT, message=TOO_LONG)],
        description=description,
        filters=[clean_text],
    )


def long_text(label: Label, description: Label | None = None) -> TextAreaField:
    return TextAreaField(
        label,
        [Optional(), Length(max=LONG_TEXT, message=TOO_LONG)],
        description=description,
        filters=[clean_text],
    )


# --- phones ---------------------------------------------------------------------------------


def valid_phone(form: Form, field: Field) -> None:
    """The number the family typed (whatever the field's data) is one a phone can dial."""
    typed = (field.raw_data[0] if field.raw_data else "").strip()
    if typed and not phones.is_valid(typed):
        raise ValidationError(
            _l(
                "Enter a phone number like %(local)s, or with the country code, like "
                "%(international)s.",
                local=isolate_in_text("508 555 0123"),
                international=isolate_in_text("+52 55 1234 5678"),
            )
        )


def typed_length(form: Form, field: Field) -> None:
    typed = (field.raw_data[0] if field.raw_data else "").strip()
    if len(typed) > SHORT_TEXT:
        raise ValidationError(TOO_LONG % {"max": SHORT_TEXT})


class PhoneField(Field):
    """One phone number box whose data is the plan's own ``Phone`` (None when left empty)."""

    widget = TextInput()

    def __init__(
        self,
        label: Label | None = None,
        validators: Sequence[Validator] | None = None,
        kind: str = "work",
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators or [Optional(), typed_length, valid_phone], **kwargs)
        self.kind = kind

    def _value(self) -> str:
        if self.raw_data:
            # What was typed comes back as typed, less the marks a paste can carry.
            return without_direction_marks(self.raw_data[0])
        return self.data.number if isinstance(self.data, Phone) else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        typed = (valuelist[0] if valuelist else "").strip()
        # Too long to be a number: no Phone is made; typed_length says why.
        self.data = phones.phone_from_typed(typed, self.kind) if len(typed) <= SHORT_TEXT else None


class PhoneForm(Form):
    number = StringField(
        _l("Phone number"), [Optional(), typed_length, valid_phone], filters=[clean_line]
    )
    kind = SelectField(_l("Type of phone"), choices=options(PHONE_KIND_LABELS), default="mobile")
    can_text = BooleanField(_l("Can receive text messages"))


class PhoneListField(FieldList):
    """A person's phone boxes; its data is the plan's ``list[Phone]``, empty boxes left out."""

    @property
    def data(self) -> list[Phone]:
        found = [
            phones.phone_from_typed(
                entry.form.number.data,
                entry.form.kind.data or "mobile",
                bool(entry.form.can_text.data),
            )
            if len((entry.form.number.data or "").strip()) <= SHORT_TEXT
            else None
            for entry in self.entries
        ]
        return [phone for phone in found if phone]


def phone_list(min_entries: int = MAX_PHONES) -> PhoneListField:
    return PhoneListField(FormField(PhoneForm), min_entries=min_entries, max_entries=MAX_PHONES)


# --- dates ----------------------------------------------------------------------------------


def date_pattern_example() -> str:
    """An example date in the order this locale writes dates, with a four-digit year."""
    return typed_date_example(str(get_locale()))


def date_hint() -> str:
    # Translators: under "Date of birth"; %(hint)s is how this language writes day, month and
    # year in letters, like jj/mm/aaaa (translations/<locale>/formats.toml).
    return str(
        _("Type it like this: %(hint)s", hint=isolate_in_text(typed_date_hint(str(get_locale()))))
    )


class LocaleDateField(Field):
    """A date typed in the family's own order (21/10/2019 in Spanish, 10/21/2019 in English,
    2019/10/21 in Chinese); ISO dates work everywhere. The order is ours, not CLDR's
    (prepplan/locale_formats.py)."""

    widget = TextInput()
    # A birth date is in the past; a paper's start date may be ahead (prepplan/legal).
    future_allowed = False

    def __init__(
        self,
        label: Label | None = None,
        validators: Sequence[Validator] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("description", LazyString(date_hint))
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            # What was typed comes back as typed, less the marks a paste can carry.
            return without_direction_marks(self.raw_data[0])
        if isinstance(self.data, date):
            return typed_date(self.data, str(get_locale()))
        return ""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        parsed = parse_typed_date(text, str(get_locale()))
        if parsed is None or parsed.year < 1900:
            raise ValueError(
                _l("Enter the date like this: %(example)s", example=date_pattern_example())
            )
        if parsed > date.today() and not self.future_allowed:
            raise ValueError(_l("The date must be today or in the past."))
        self.data = parsed


# --- choices --------------------------------------------------------------------------------


def person_language_choices() -> list[SelectChoice]:
    return options((code, language_name(code)) for code in PERSON_LANGUAGES)


class LanguageSelectField(SelectField):
    """Language names come from CLDR in the reader's language, so they are built per request."""

    def __init__(self, label: Label, **kwargs: Any) -> None:
        super().__init__(label, choices=person_language_choices, default="en", **kwargs)


# --- steps ----------------------------------------------------------------------------------


def email_field() -> StringField:
    return StringField(
        _l("E-mail address"),
        [
            Optional(),
            Length(max=SHORT_TEXT, message=TOO_LONG),
            Email(
                message=_l("Enter an e-mail address like name@example.com."),
                check_deliverability=False,
            ),
        ],
        filters=[clean_line],
    )


class GuardianForm(PageForm):
    given_name = short(
        _l("Given name or names"),
        required_message=_l("Enter the given name of this parent or guardian."),
    )
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
    given_name = short(
        _l("Given name or names"), required_message=_l("Enter the child's given name.")
    )
    family_name = short(_l("Family name or names"))
    date_of_birth = LocaleDateField(_l("Date of birth"))
    school = short(_l("Name of the school"))
    # Translators: the child's grade (school year) at school, e.g. "3" or "K".
    grade = short(_l("Grade"))
    teacher = short(_l("Teacher"))
    student_id = short(
        _l("Student ID number"),
        _l("Only if you know it. It helps the school find the right record."),
    )
    after_school = medium(_l("After-school program"), _l("Name, address and days."))
    bus_route = short(_l("Bus route"))
    bus_stop = short(_l("Bus stop"))
    allergies = long_text(_l("Allergies"))
    medications = long_text(_l("Medicines and when to take them"))
    medical_conditions = long_text(_l("Medical conditions"))
    doctor_name = short(_l("Doctor or clinic"))
    doctor_phone = PhoneField(_l("Doctor's phone number"))
    dentist_name = short(_l("Dentist"))
    dentist_phone = PhoneField(_l("Dentist's phone number"))
    health_insurance = medium(
        _l("Health insurance"), _l("For example MassHealth, and the member number if you want.")
    )
    special_needs = long_text(_l("Special needs, IEP or 504 plan"))
    # Translators: the child's daily routines and what comforts them, for a caregiver.
    routines = long_text(
        _l("Routines and comfort"),
        _l("What helps this child feel safe: bedtime, food, favorite things."),
    )


class ContactForm(PageForm):
    given_name = short(
        _l("Given name or names"), required_message=_l("Enter the given name of this contact.")
    )
    family_name = short(_l("Family name or names"))
    relationship = SelectField(
        _l("Relationship to the children"),
        choices=options(RELATIONSHIP_LABELS),
        default="family_friend",
    )
    phones = phone_list()
    email = email_field()
    language = LanguageSelectField(_l("Language this person speaks best"))
    address = medium(_l("Home address"), _l("Street, town and ZIP code."))
    interpreter_needed = BooleanField(_l("Needs an interpreter to talk with the school"))
    may_pick_up = BooleanField(
        _l("May pick the children up from school"),
        description=_l(
            "A school pickup list is not custody: it only lets the school release "
            "your children to this person."
        ),
    )
    knows_about_plan = BooleanField(_l("Knows about this plan and agreed to help"))
    lives_with_children = BooleanField(_l("Lives with the children"))
    is_legal_guardian = BooleanField(_l("Is a parent or legal guardian of the children"))

    def validate_phones(self, field: Field) -> None:
        if not any(entry.form.number.data for entry in field):
            raise ValidationError(_l("Enter at least one phone number for this contact."))


class OutOfAreaForm(PageForm):
    given_name = short(_l("Given name or names"))
    family_name = short(_l("Family name or names"))
    relationship = SelectField(
        _l("Relationship to the children"),
        choices=options(RELATIONSHIP_LABELS),
        default="other_relative",
    )
    phones = phone_list()
    email = email_field()
    language = LanguageSelectField(_l("Language this person speaks best"))
    where = short(_l("Where they live"), _l("Town and country."))


class CaregiverForm(PageForm):
    primary_contact_id = RadioField(
        _l("Who will care for the children first?"), validate_choice=True
    )
    backup_contact_id = RadioField(
        _l("Who will care for them if that person cannot?"), validate_choice=True
    )
    where_children_stay = medium(_l("Where will the children stay?"))

    def __init__(self, *args: Any, contacts: Sequence[Contact] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = options((c.id, c.full_name or c.given_name) for c in contacts)
        self.primary_contact_id.choices = people
        self.backup_contact_id.choices = people
        self.primary_contact_id.validators = [
            InputRequired(_l("Choose who will care for the children first."))
        ]
        self.backup_contact_id.validators = [Optional()]

    def validate_backup_contact_id(self, field: Field) -> None:
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
    fields = {
        kind: FormField(DocumentForm, label=label) for kind, label in DOCUMENT_KIND_LABELS.items()
    }
    fields["copies_held_by"] = medium(_l("Who will have a copy of this plan?"))
    return type("DocumentsForm", (PageForm,), fields)


DocumentsForm = documents_form_class()


class HelpContactForm(Form):
    name = short(_l("Name"))
    phone = PhoneField(_l("Phone number"))


class HelpForm(PageForm):
    lawyer = FormField(HelpContactForm, label=_l("Lawyer or legal aid organization"))
    consulate = FormField(HelpContactForm, label=_l("Consulate"))
    community_org = FormField(HelpContactForm, label=_l("Trusted community organization"))


class PrivateForm(PageForm):
    family_code_word = short(
        _l("Family code word"),
        _l(
            "A word only your family and your caregivers know. Your children can ask for it "
            "before going with anyone."
        ),
    )


class UploadForm(PageForm):
    plan_file = FileField(_l("Your plan file or last year's plan PDF"))
    # The confirmation page (flow/upload_confirm.html) sends the file's plan back in the page,
    # so nothing is kept on the server while the family decides.
    confirmed_plan = HiddenField()


class DocumentOptionsForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it only chooses how the PDF looks

    language = SelectField(
        _l("Language of the PDF"),
        description=_l("A caregiver can have a copy in their own language."),
    )
    # Translators: which copy of the plan to download. The private items are A-numbers, the family
    # code word, the lawyer and the consulate.
    copy = RadioField(
        _l("Which copy?"),
        choices=options(
            {
                "complete": _l(
                    "My complete copy, with the private page (A-numbers, family code word, "
                    "lawyer and consulate)"
                ),
                "to_give": _l(
                    "A copy to give to others (caregiver, school, relatives), without any "
                    "private items"
                ),
            }
        ),
        default="complete",
    )
    bilingual = BooleanField(_l("Add English under each heading"))
    paper = RadioField(
        _l("Paper size"),
        choices=options({"letter": _l("US Letter"), "a4": _l("A4")}),
        default="letter",
    )


def private_form(guardians: Sequence[Guardian], **kwargs: Any) -> PrivateForm:
    """The private step has one A-number box per parent or guardian."""
    fields = {
        "a_numbers": FieldList(
            # Translators: the "A-number" (Alien Registration Number) on US immigration papers.
            StringField(_l("A-number"), [Optional(), Length(max=SHORT_TEXT, message=TOO_LONG)]),
            min_entries=len(guardians),
            max_entries=len(guardians),
        )
    }
    form_class = type("PrivateItemsForm", (PrivateForm,), fields)
    form: PrivateForm = form_class(**kwargs)
    for entry, guardian in zip(form.a_numbers, guardians, strict=False):
        entry.label.text = _l("A-number of %(name)s", name=guardian.full_name)
    return form
