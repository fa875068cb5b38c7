"""Translated labels for the plan's coded choices, shared by the flow and the documents."""

from flask_babel import LazyString

from prepplan.i18n import lazy_gettext as _l

RELATIONSHIP_LABELS = {
    "mother": _l("Mother"),
    "father": _l("Father"),
    "stepparent": _l("Stepparent"),
    "guardian": _l("Guardian"),
    "grandparent": _l("Grandparent"),
    "aunt_uncle": _l("Aunt or uncle"),
    "sibling": _l("Brother or sister"),
    "cousin": _l("Cousin"),
    "other_relative": _l("Other relative"),
    "godparent": _l("Godparent"),
    "family_friend": _l("Family friend"),
    "neighbor": _l("Neighbor"),
    "other": _l("Other"),
}

# Parents and guardians describe themselves with the first four.
GUARDIAN_RELATIONSHIPS = ("mother", "father", "stepparent", "guardian")

PHONE_KIND_LABELS = {
    # Translators: kinds of phone number (a mobile phone, a home phone, a work phone).
    "mobile": _l("Mobile"),
    "home": _l("Home"),
    "work": _l("Work"),
    "other": _l("Other phone"),
}

# A phone's kind when it can also receive text messages: whole sentences for translators, not a
# kind glued to a phrase.
CAN_TEXT_LABELS = {
    "mobile": _l("Mobile, can text"),
    "home": _l("Home, can text"),
    "work": _l("Work, can text"),
    "other": _l("Other phone, can text"),
}


def phone_kind_labels(can_text: bool) -> dict[str, LazyString]:
    """The labels for a phone's kind, saying so when it can receive text messages."""
    return CAN_TEXT_LABELS if can_text else PHONE_KIND_LABELS


DOCUMENT_KIND_LABELS = {
    "birth_certificates": _l("Birth certificates"),
    # Translators: includes the children's passports.
    "passports": _l("Passports (also the children's)"),
    "social_security_itin": _l("Social Security or ITIN cards"),
    "medical_records": _l("Medical records"),
    "school_records": _l("School records"),
    "immigration_papers": _l("Immigration papers"),
    "court_orders": _l("Court orders"),
    "lease": _l("Lease or rental agreement"),
    "bank_information": _l("Bank information"),
}
