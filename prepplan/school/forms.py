"""Forms for the school update (the family's choices) and for school staff (login, actions).

What the family chooses here (names to remove, a note, who submits, the agreement) is not part
of their plan and is never kept on the server: it travels in the page itself, as fields of these
forms, until the family downloads a file or sends the update.
"""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    FieldList,
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
from prepplan.plan.model import MAX_CHILDREN, SHORT_TEXT
from prepplan.school.record import MAX_NOTE_CHARS, MAX_REMOVALS, normalise_note

SUBMISSION_ID = re.compile(r"^[0-9a-f]{32}$")
DIGEST = re.compile(r"^[0-9a-f]{64}$")


def _fit(field_list: FieldList, count: int) -> None:
    """Entries exactly at indices 0..count-1 (a page made before a child was added has too
    few; nothing else may have more)."""
    by_name = {entry.name: entry for entry in field_list.entries}
    field_list.entries = []
    field_list.last_index = -1
    for index in range(count):
        entry = by_name.get(f"{field_list.name}-{index}")
        if entry is None:
            field_list.append_entry()
        else:
            field_list.entries.append(entry)
            field_list.last_index = index


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class ChildChoicesForm(Form):
    """One child's part of the update: names to take off the school's list, and a note."""

    removals = FieldList(
        StringField(_l("Name"), [Optional(), Length(max=SHORT_TEXT, message=TOO_LONG)],
                    filters=[_strip]),
        min_entries=MAX_REMOVALS, max_entries=MAX_REMOVALS,
    )
    note = TextAreaField(
        _l("A short note to the school office"),
        [Optional(), Length(max=MAX_NOTE_CHARS, message=TOO_LONG)],
        filters=[normalise_note],
        description=_l("At most %(count)d characters. Do not write anything about immigration.",
                       count=MAX_NOTE_CHARS),
        render_kw={"maxlength": MAX_NOTE_CHARS},
    )


_INDEXED = re.compile(r"^(children|schools)-(\d+)(?:-(removals)-(\d+)|-(note))?$")


def clean_formdata(formdata: MultiDict, child_count: int) -> MultiDict:
    """The posted choices with every child's index present and no other.

    WTForms renumbers a list from whatever indices a post names (``children-5-note`` alone
    becomes entry 0), so a missing or stray index could move one child's words onto another's.
    """
    cleaned = MultiDict()
    for key, value in formdata.items(multi=True):
        match = _INDEXED.match(key)
        if match is None:
            cleaned.add(key, value)
            continue
        index = int(match.group(2))
        removal = match.group(4)
        if index < child_count and (removal is None or int(removal) < MAX_REMOVALS):
            cleaned.add(key, value)
    for index in range(child_count):
        cleaned.setdefault(f"children-{index}-note", "")
        for removal in range(MAX_REMOVALS):
            cleaned.setdefault(f"children-{index}-removals-{removal}", "")
        if any(key.startswith("schools-") for key in cleaned):
            cleaned.setdefault(f"schools-{index}", "")
    return cleaned


class SchoolUpdateForm(PageForm):
    children = FieldList(FormField(ChildChoicesForm), max_entries=MAX_CHILDREN)
    submitted_by = StringField(
        _l("Your name, as the person sending this update"),
        [InputRequired(_l("Enter your name.")), Length(max=SHORT_TEXT, message=TOO_LONG)],
        filters=[_strip],
    )
    # Set when the family is shown the preview: a fresh random id (a double click or a retry
    # sends it again, and the inbox keeps one record) and a fingerprint of what they saw.
    submission_id = HiddenField()
    shown_digest = HiddenField()
    agree = BooleanField(_l("I have checked what will be shared above, and I agree to give it "
                            "to my children's school."))
    schools = FieldList(SelectField(_l("School"), choices=[], validate_choice=False),
                        max_entries=MAX_CHILDREN)

    def fit_to(self, child_count: int) -> None:
        """One entry per child: no more (a tampered form), no fewer (an old page)."""
        _fit(self.children, child_count)
        _fit(self.schools, child_count)
        for child in self.children:
            _fit(child.form.removals, MAX_REMOVALS)

    def removals(self) -> list[list[str]]:
        return [[name for name in child.form.removals.data if name]
                for child in self.children]

    def notes(self) -> list[str]:
        return [child.form.note.data or "" for child in self.children]

    def check_agreement(self) -> bool:
        if not self.agree.data:
            self.agree.errors = [_l("Tick the box to agree before anything leaves this page.")]
            return False
        return True

    def has_preview_ids(self) -> bool:
        return bool(SUBMISSION_ID.match(self.submission_id.data or "")
                    and DIGEST.match(self.shown_digest.data or ""))


class LoginForm(PageForm):
    email = StringField(_l("E-mail address"), [
        InputRequired(_l("Enter your e-mail address.")),
        Length(max=254, message=TOO_LONG),
    ], filters=[_strip])
    password = PasswordField(_l("Password"), [InputRequired(_l("Enter your password.")),
                                              Length(max=1024, message=TOO_LONG)])


class ActionForm(PageForm):
    """A staff button that changes something (mark entered, log out): CSRF only."""


EXPORT_FORMATS = ("edfi", "powerschool")


def _known_format(form, field) -> None:
    if field.data not in EXPORT_FORMATS:
        raise ValidationError(_l("Choose a file format."))


class ExportForm(PageForm):
    format = HiddenField(validators=[_known_format])
