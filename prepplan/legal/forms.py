"""The questions the caregiver papers need beyond the plan (one page; the flow redesign turns it
into a step). Field names are the plan model's (``LegalPapers``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wtforms import Field, RadioField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from prepplan.flow.forms import LocaleDateField
from prepplan.forms import TOO_LONG, PageForm, options
from prepplan.i18n import lazy_gettext as _l
from prepplan.legal import massachusetts as ma
from prepplan.plan.model import MAX_LEGAL_CAREGIVERS, MEDIUM_TEXT, Contact

YES_NO = {"yes": _l("Yes"), "no": _l("No")}

OTHER_PARENT_LABELS = {
    "signs_too": _l("The other parent is in this plan and signs the papers too."),
    "will_consent": _l("The other parent will sign a written consent."),
    "not_available": _l(
        "There is no other parent who is alive, whose whereabouts are known, "
        "and who is willing and able to care for the children."
    ),
}

FORM_LABELS = {
    ma.AFFIDAVIT: _l(
        "Caregiver authorization affidavit (up to 2 years; the children live with the caregiver)"
    ),
    ma.TEMPORARY_AGENT: _l("Temporary agent (up to 60 days)"),
}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StartDateField(LocaleDateField):
    future_allowed = True


class CaregiverPapersForm(PageForm):
    caregiver_ids = CheckboxesField(
        _l("Who will the papers name?"),
        description=_l("One paper for each person. Choose one or two."),
    )
    lives_with_children_now = RadioField(
        _l("Do the children live with this person now?"),
        choices=options(YES_NO),
        validators=[InputRequired(_l("Say whether the children live with this person now."))],
    )
    authority = RadioField(
        _l("Which decisions may the caregiver make?"),
        choices=options(ma.AUTHORITY_LABELS),
        validators=[InputRequired(_l("Choose which decisions the caregiver may make."))],
    )
    limits = TextAreaField(
        _l("Anything the caregiver may not decide"),
        [Optional(), Length(max=MEDIUM_TEXT, message=TOO_LONG)],
        description=_l("For example: call us before any surgery that is not an emergency."),
    )
    other_parent = RadioField(
        _l("The children's other parent"),
        choices=options(OTHER_PARENT_LABELS),
        validators=[Optional()],
        description=_l(
            "A temporary agent needs the written consent of the other parent when "
            "that parent is alive, known, willing and able to care for the "
            "children."
        ),
    )
    forms = CheckboxesField(
        _l("Which papers do you want to make?"),
        choices=options(FORM_LABELS),
        description=_l("Leave both empty to make the paper we recommend."),
    )
    affidavit_starts = StartDateField(_l("Start date of the affidavit"))
    agent_starts = StartDateField(_l("Start date of the temporary agent paper"))

    def __init__(self, *args: Any, contacts: Sequence[Contact] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.caregiver_ids.choices = options((c.id, c.full_name or c.given_name) for c in contacts)

    def validate_caregiver_ids(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose the person the papers name."))
        if len(field.data) > MAX_LEGAL_CAREGIVERS:
            raise ValidationError(_l("Choose at most %(max)d people.", max=MAX_LEGAL_CAREGIVERS))
