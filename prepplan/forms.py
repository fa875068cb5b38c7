"""What every form of the site shares: translated CSRF failures, an ordered error summary,
length messages and choices built from translated labels."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeAlias

from flask_babel import LazyString
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, Form, FormField, SelectChoice

from prepplan.i18n import lazy_gettext as _l

# A label, description or message: plain text, or a message translated when shown (_l).
Label: TypeAlias = str | LazyString
# A WTForms validator: raises ValidationError (or StopValidation) when the field is wrong.
Validator: TypeAlias = Callable[[Form, Field], None]

TOO_LONG = _l("Use %(max)d characters or fewer.")


def keep_whole(field: Field) -> None:
    """Take the browser's ``maxlength`` off a text box: it cuts pasted text without a word.
    The limit moves to ``field.text_limit`` (macros.html shows it as a hint and a live count)
    and the server flags text over it with TOO_LONG, keeping all of it in the box."""
    if isinstance(field, FormField):
        for sub in field:
            keep_whole(sub)
    elif isinstance(field, FieldList):
        for entry in field:
            keep_whole(entry)
    else:
        limit = field.flags.maxlength or (field.render_kw or {}).get("maxlength")
        if limit:
            field.text_limit = limit
            field.flags.maxlength = False
            if field.render_kw:
                field.render_kw = {k: v for k, v in field.render_kw.items() if k != "maxlength"}


def options(labels: Mapping[str, Label] | Iterable[tuple[str, Label]]) -> list[SelectChoice]:
    """WTForms choices from {code: translated label}."""
    return [SelectChoice(code, label) for code, label in dict(labels).items()]


class PageForm(FlaskForm):
    """A page's form. A failed CSRF check reads as a translated, actionable message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.meta.csrf:
            # Several small forms share a page (move up, move down, sign out): their hidden CSRF
            # fields must not all carry id="csrf_token".
            self.csrf_token.render_kw = {"id": False}
        for field in self:
            keep_whole(field)

    def validate(self, extra_validators: Mapping[str, Sequence[Validator]] | None = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if self.meta.csrf and self.csrf_token.errors:
            self.csrf_token.errors = [
                _l(
                    "This page was open for too long. Your answers are still here: "
                    "press the button again."
                )
            ]
        return valid

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary, in the order fields appear."""
        found: list[tuple[str, str]] = []

        def walk(field: Field) -> None:
            if isinstance(field, FormField):
                for sub in field:
                    walk(sub)
            elif isinstance(field, FieldList):
                for entry in field:
                    walk(entry)
                # The list's own errors ("at least one phone") point at its first box.
                first = field.entries[0] if field.entries else field
                target = next(iter(first), first) if isinstance(first, FormField) else first
                found.extend((target.id, str(m)) for m in field.errors if isinstance(m, str))
            else:
                # A group of radio buttons links to its first button: a fieldset is not focusable.
                target = (
                    f"{field.id}-0" if field.type == "RadioField" and field.choices else field.id
                )
                found.extend((target, str(message)) for message in field.errors)

        for field in self:
            walk(field)
        return found


class ConfirmForm(PageForm):
    """A button that changes something and asks nothing (continue, remove, move, log out): the
    CSRF check only."""
