"""Forms for the school update (the family's choices) and for school staff (login, actions).

What the family chooses here (names to remove, a note, who submits, the agreement) is not part
of their plan and is never kept on the server: it travels in the page itself, as fields of these
forms, until the family downloads a file or sends the update.
"""

from __future__ import annotations

import re
from typing import Any

from wtforms import (
    BooleanField,
    Field,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from prepplan.forms import TOO_LONG, PageForm
from prepplan.i18n import lazy_gettext as _l
from prepplan.plan.model import SHORT_TEXT
from prepplan.school.record import MAX_NOTE_CHARS, MAX_REMOVALS, normalise_note

SUBMISSION_ID = re.compile(r"^[0-9a-f]{32}$")
DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


# Every child's boxes have fixed names (children-0-note, children-0-removals-1, schools-0): each
# is its own field, so a post that names an index we did not show (children-5-note) or leaves
# one out cannot move one child's words onto another's, as a renumbering FieldList would.


class _ChildChoices(Form):
    @property
    def removals(self) -> list[Field]:
        return [self[f"removal_{number}"] for number in range(MAX_REMOVALS)]


# One child's part of the update: names to take off the school's list, and a note.
ChildChoicesForm = type(
    "ChildChoicesForm",
    (_ChildChoices,),
    {
        **{
            f"removal_{number}": StringField(
                _l("Name"),
                [Optional(), Length(max=SHORT_TEXT, message=TOO_LONG)],
                filters=[_strip],
                name=f"removals-{number}",
            )
            for number in range(MAX_REMOVALS)
        },
        "note": TextAreaField(
            _l("A short note to the school office"),
            [Optional(), Length(max=MAX_NOTE_CHARS, message=TOO_LONG)],
            filters=[normalise_note],
            # The limit itself is said under the label by macros.html (forms.keep_whole).
            description=_l("Do not write anything about immigration."),
        ),
    },
)


class SchoolUpdateForm(PageForm):
    """The family's choices for every child of the plan: made by ``school_update_form``."""

    child_count = 0

    @property
    def children(self) -> list[FormField]:
        return [self[f"child_{index}"] for index in range(self.child_count)]

    @property
    def schools(self) -> list[SelectField]:
        return [self[f"school_{index}"] for index in range(self.child_count)]

    def removals(self) -> list[list[str]]:
        return [[box.data for box in child.form.removals if box.data] for child in self.children]

    def notes(self) -> list[str]:
        return [child.form.note.data or "" for child in self.children]

    def check_agreement(self) -> bool:
        if not self.agree.data:
            self.agree.errors = [_l("Tick the box to agree before anything leaves this page.")]
            return False
        return True

    def has_preview_ids(self) -> bool:
        return bool(
            SUBMISSION_ID.match(self.submission_id.data or "")
            and DIGEST.match(self.shown_digest.data or "")
        )


class LoginForm(PageForm):
    email = StringField(
        _l("E-mail address"),
        [
            InputRequired(_l("Enter your e-mail address.")),
            Length(max=254, message=TOO_LONG),
        ],
        filters=[_strip],
    )
    password = PasswordField(
        _l("Password"),
        [InputRequired(_l("Enter your password.")), Length(max=1024, message=TOO_LONG)],
    )


EXPORT_FORMATS = ("edfi", "powerschool")


def _known_format(form: Form, field: Field) -> None:
    if field.data not in EXPORT_FORMATS:
        raise ValidationError(_l("Choose a file format."))


class ExportForm(PageForm):
    format = HiddenField(validators=[_known_format])


def school_update_form(child_count: int, **kwargs: Any) -> SchoolUpdateForm:
    """The form for a plan with ``child_count`` children (each child's fields named by its
    index), in the order the page shows them."""
    fields: dict[str, Any] = {
        f"child_{index}": FormField(ChildChoicesForm, name=f"children-{index}")
        for index in range(child_count)
    }
    fields["submitted_by"] = StringField(
        _l("Your name, as the person sending this update"),
        [InputRequired(_l("Enter your name.")), Length(max=SHORT_TEXT, message=TOO_LONG)],
        filters=[_strip],
    )
    # Set when the family is shown the preview: a fresh random id (a double click or a retry
    # sends it again, and the inbox keeps one record) and a fingerprint of what they saw.
    fields["submission_id"] = HiddenField()
    fields["shown_digest"] = HiddenField()
    fields["agree"] = BooleanField(
        _l(
            "I have checked what will be shared above, and I agree to give it "
            "to my children's school."
        )
    )
    for index in range(child_count):
        fields[f"school_{index}"] = SelectField(
            _l("School"), choices=[], validate_choice=False, name=f"schools-{index}"
        )
    form_class = type(
        "SchoolUpdateForm", (SchoolUpdateForm,), fields | {"child_count": child_count}
    )
    return form_class(**kwargs)  # type: ignore[no-any-return]
