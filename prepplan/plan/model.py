"""The family's plan: one model shared by the flow, the PDF, the plan file and the school update.

Everything a family can type lives here, with its bounds. Fields marked ``private`` stay in the
family's own plan and PDF; nothing that leaves for a school may read them (see
``prepplan.school.record``, which copies allowed fields only).

Nothing here asks for, or has room for, anyone's immigration status.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from prepplan.plan.names import NameOrder, full_name, name_order
from prepplan.plan.text import clean_line, clean_text

# Bounds for what a family can type. The forms use the same numbers (flow/forms.py).
SHORT_TEXT = 120
MEDIUM_TEXT = 300
LONG_TEXT = 1000

MAX_GUARDIANS = 4
MAX_CHILDREN = 10
MAX_CONTACTS = 8
MAX_PHONES = 2

# Every text passes through the one input policy (plan/text.py) before its bound is checked:
# one-line fields, and notes (a textarea in the forms) that keep their line breaks.
ShortText = Annotated[str, BeforeValidator(clean_line), StringConstraints(max_length=SHORT_TEXT)]
MediumText = Annotated[str, BeforeValidator(clean_text), StringConstraints(max_length=MEDIUM_TEXT)]
LongText = Annotated[str, BeforeValidator(clean_text), StringConstraints(max_length=LONG_TEXT)]


def private(default: Any = None, **kwargs: Any) -> Any:
    """A field that stays only in the family's own plan: never sent to a school or anywhere else."""
    return Field(default, json_schema_extra={"private": True}, **kwargs)


PhoneKind = Literal["mobile", "home", "work", "other"]

# Languages a person may read or speak. Codes are BCP 47; names come from CLDR in the reader's
# language (i18n.language_name). The eight site languages come first.
PERSON_LANGUAGES = (
    "en",
    "es",
    "pt",
    "ht",
    "vi",
    "zh",
    "ar",
    "kea",
    "fr",
    "so",
    "sw",
    "am",
    "ti",
    "ne",
    "km",
    "ko",
    "ru",
    "uk",
    "fa",
    "ps",
    "hi",
    "tl",
    "qu",
    "other",
)
PersonLanguage = Literal[PERSON_LANGUAGES]  # type: ignore[valid-type]

# How a contact is related to the children. Codes map to the school systems' own values in
# prepplan.school.exports; labels are translated in plan/vocabulary.py.
RELATIONSHIPS = (
    "mother",
    "father",
    "stepparent",
    "guardian",
    "grandparent",
    "aunt_uncle",
    "sibling",
    "cousin",
    "other_relative",
    "godparent",
    "family_friend",
    "neighbor",
    "other",
)
Relationship = Literal[RELATIONSHIPS]  # type: ignore[valid-type]

DOCUMENT_KINDS = (
    "birth_certificates",
    "passports",
    "social_security_itin",
    "medical_records",
    "school_records",
    "immigration_papers",
    "court_orders",
    "lease",
    "bank_information",
)
DocumentKind = Literal[DOCUMENT_KINDS]  # type: ignore[valid-type]


class PlanPart(BaseModel):
    # A plan file from elsewhere may not smuggle in fields we do not know.
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


# The forms' rules, held by the model too, so a plan file or the command line cannot carry a
# value the forms refuse into a PDF or a school file. Errors name the rule, never the value.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def readable_phone(typed: str) -> str:
    """The E.164 form of a number as people type it (US by default, international with + or
    011), or "" if it is not a phone number. The same reading as the forms' (flow/forms.py)."""
    cleaned = typed.strip()
    if cleaned.startswith("011"):
        cleaned = "+" + cleaned[3:]
    try:
        number = phonenumbers.parse(cleaned, "US")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class Phone(PlanPart):
    number: ShortText = Field(description="The number as the family typed it.")
    e164: ShortText = Field("", description="The same number in E.164 form (set from number).")
    kind: PhoneKind = "mobile"
    can_text: bool = False

    @model_validator(mode="before")
    @classmethod
    def _a_phone_number(cls, data: Any) -> Any:
        """A number the forms would refuse is refused; E.164 always follows the number."""
        if isinstance(data, dict) and isinstance(data.get("number"), str):
            typed = str(clean_line(data["number"]))
            e164 = readable_phone(typed) if typed else ""
            if typed and not e164:
                raise PydanticCustomError("phone_number", "not a phone number")
            data = {**data, "e164": e164}
        return data


def _an_email_address(value: str) -> str:
    if value:
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            raise PydanticCustomError("email_address", "not an e-mail address") from None
    return value


class Person(PlanPart):
    given_name: ShortText = ""
    family_name: ShortText = ""
    phones: list[Phone] = Field(default_factory=list, max_length=MAX_PHONES)
    email: Annotated[ShortText, AfterValidator(_an_email_address)] = ""
    language: PersonLanguage = "en"

    @property
    def full_name(self) -> str:
        """In the person's own order (plan/names.py)."""
        return full_name(self.given_name, self.family_name, name_order(self.language))


class Guardian(Person):
    """A parent or guardian making the plan."""

    relationship: Relationship = "mother"
    a_number: ShortText = private("", description="Kept only in the family's own plan.")


class Address(PlanPart):
    street: ShortText = ""
    city: ShortText = ""
    state: ShortText = ""
    postal_code: ShortText = ""

    @property
    def is_empty(self) -> bool:
        return not any((self.street, self.city, self.state, self.postal_code))


class Child(PlanPart):
    given_name: ShortText = ""
    family_name: ShortText = ""
    date_of_birth: date | None = None
    school: ShortText = ""
    grade: ShortText = ""
    teacher: ShortText = ""
    student_id: ShortText = ""
    after_school: MediumText = ""
    bus_route: ShortText = ""
    bus_stop: ShortText = ""
    allergies: LongText = ""
    medications: LongText = Field("", description="Medicines and when they are taken.")
    medical_conditions: LongText = ""
    doctor_name: ShortText = ""
    doctor_phone: Phone | None = None
    dentist_name: ShortText = ""
    dentist_phone: Phone | None = None
    health_insurance: MediumText = ""
    special_needs: LongText = Field("", description="Special needs, IEP or 504 plan.")
    routines: LongText = Field("", description="Routines and comfort notes for a caregiver.")

    @field_validator("date_of_birth")
    @classmethod
    def _a_birth_date(cls, value: date | None) -> date | None:
        if value is not None and not EARLIEST_BIRTH_DATE <= value <= date.today():
            raise PydanticCustomError("birth_date", "not between 1900 and today")
        return value

    # A child has no language of their own: the plan sets this from its language when it is
    # validated (Plan._children_name_order; the rule is in plan/names.py).
    _name_order: NameOrder = PrivateAttr("given_first")

    @property
    def name_order(self) -> NameOrder:
        return self._name_order

    @property
    def full_name(self) -> str:
        """In the order of the language the family reads the plan in (plan/names.py)."""
        return full_name(self.given_name, self.family_name, self._name_order)


# A contact's id, or "" for none: the caregiver step refers to contacts by it.
ContactRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{0,32}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_-]{0,16}$")]


def new_contact_id() -> str:
    return uuid.uuid4().hex[:12]


class Contact(Person):
    """An emergency contact. The list order is the order to call."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{1,32}$")] = Field(
        default_factory=new_contact_id
    )
    relationship: Relationship = "family_friend"
    address: MediumText = Field(
        "", description="Where this person lives: a caregiver's legal papers ask for it."
    )
    interpreter_needed: bool = False
    may_pick_up: bool = False
    knows_about_plan: bool = False
    lives_with_children: bool = False
    is_legal_guardian: bool = False


class OutOfAreaContact(Person):
    relationship: Relationship = "other_relative"
    where: ShortText = Field("", description="City and country where they live.")


class CaregiverPlan(PlanPart):
    primary_contact_id: ContactRef = ""
    backup_contact_id: ContactRef = ""
    where_children_stay: MediumText = ""
    routines: LongText = ""
    school_notes: LongText = ""
    health_notes: LongText = ""
    religion: LongText = ""
    diet: LongText = ""
    house_keys: MediumText = ""
    pets: MediumText = ""
    bills: LongText = Field("", description="How rent and bills get paid.")
    money_access: MediumText = Field("", description="Who can get money for the children, and how.")


class DocumentLocation(PlanPart):
    kind: DocumentKind
    where: MediumText = ""
    copies_with: ShortText = ""


class HelpContact(PlanPart):
    name: ShortText = private("")
    phone: Phone | None = private(None)


class Help(PlanPart):
    """Whom to call. All private: never sent to a school."""

    lawyer: HelpContact = Field(default_factory=HelpContact, json_schema_extra={"private": True})
    consulate: HelpContact = Field(default_factory=HelpContact, json_schema_extra={"private": True})
    community_org: HelpContact = Field(
        default_factory=HelpContact, json_schema_extra={"private": True}
    )


# The papers a caregiver can act on (prepplan.legal): which form, the authority it grants, and
# how the other parent stands. Codes only; labels are translated in prepplan/legal/forms.py.
LEGAL_FORMS = ("ma-caregiver-affidavit", "ma-temporary-agent")
LegalForm = Literal[LEGAL_FORMS]  # type: ignore[valid-type]
LegalAuthority = Literal["education", "health_care", "both"]
# M.G.L. c.190B s.5-103(c): a known, willing and able other parent must consent in writing.
OtherParent = Literal["", "signs_too", "will_consent", "not_available"]
MAX_LEGAL_CAREGIVERS = 2


class LegalPapers(PlanPart):
    """What the caregiver papers need beyond the plan (M.G.L. c.201F; c.190B s.5-103)."""

    caregiver_ids: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{1,32}$")]] = Field(
        default_factory=list,
        max_length=MAX_LEGAL_CAREGIVERS,
        description="The emergency contacts the papers name: one paper each.",
    )
    lives_with_children_now: bool | None = Field(
        None, description="Whether the children live with the caregiver now (c.201F s.1)."
    )
    authority: LegalAuthority = "both"
    limits: MediumText = Field("", description="Anything the caregiver may not decide.")
    other_parent: OtherParent = ""
    forms: list[LegalForm] = Field(
        default_factory=list,
        max_length=len(LEGAL_FORMS),
        description="The papers the family chose to make.",
    )
    affidavit_starts: date | None = None
    agent_starts: date | None = None


class Plan(PlanPart):
    language: LanguageCode = Field("en", description="The language the family reads this plan in.")
    made_on: date | None = None
    guardians: list[Guardian] = Field(default_factory=list, max_length=MAX_GUARDIANS)
    home_address: Address = Field(default_factory=Address)
    children: list[Child] = Field(default_factory=list, max_length=MAX_CHILDREN)
    contacts: list[Contact] = Field(default_factory=list, max_length=MAX_CONTACTS)
    out_of_area_contact: OutOfAreaContact | None = None
    caregiver: CaregiverPlan = Field(default_factory=CaregiverPlan)
    documents: list[DocumentLocation] = Field(
        default_factory=lambda: [DocumentLocation(kind=kind) for kind in DOCUMENT_KINDS],
        max_length=len(DOCUMENT_KINDS),
    )
    copies_held_by: MediumText = ""
    help: Help = Field(default_factory=Help)
    family_code_word: ShortText = private("", description="For school pickup; kept only here.")
    legal: LegalPapers = Field(default_factory=LegalPapers)

    @model_validator(mode="after")
    def _children_name_order(self) -> Plan:
        for child in self.children:
            parent = next(
                (g for g in self.guardians if g.family_name and g.family_name == child.family_name),
                None,
            )
            child._name_order = name_order(parent.language if parent else self.language)
        return self

    # Lookups the flow and the documents share.
    def contact_by_id(self, contact_id: str) -> Contact | None:
        return next((c for c in self.contacts if c.id == contact_id), None)

    @property
    def primary_caregiver(self) -> Contact | None:
        return self.contact_by_id(self.caregiver.primary_contact_id)

    @property
    def backup_caregiver(self) -> Contact | None:
        return self.contact_by_id(self.caregiver.backup_contact_id)

    @property
    def legal_caregivers(self) -> list[Contact]:
        """The contacts the caregiver papers name, in the family's order."""
        found = (self.contact_by_id(contact_id) for contact_id in self.legal.caregiver_ids)
        return [contact for contact in found if contact is not None]

    @property
    def cover_name(self) -> str:
        """The names on the cover and atop every page: the parents' full names, each in its
        own order (a family name alone reads oddly in Chinese: "陈"); without parents, the
        children's. A dot between names, not "and": the same in every language and script."""
        people: list[Guardian] | list[Child] = self.guardians or self.children
        names: list[str] = []
        for person in people:
            if person.full_name and person.full_name not in names:
                names.append(person.full_name)
        return " · ".join(names)

    def document(self, kind: str) -> DocumentLocation:
        found = next((d for d in self.documents if d.kind == kind), None)
        return found or DocumentLocation(kind=kind)
