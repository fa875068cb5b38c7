"""The printable school form: one page (or more) per child, in English for the office with the
family's language beside it, to sign and hand in.

Made from SchoolUpdate records only, through the shared WeasyPrint helper, with no attachment:
the family's plan file must never ride along inside the school's copy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from flask import render_template
from markupsafe import Markup

from prepplan import bilingual
from prepplan.documents.pdf import SCHOOL_FORM_STYLESHEETS, render_pdf
from prepplan.i18n import document_language, format_date
from prepplan.school import labels
from prepplan.school.record import SchoolUpdate


def render_school_form_html(updates: Sequence[SchoolUpdate]) -> str:
    if not updates:
        raise ValueError("no school update to print")
    family_language = updates[0].family_language
    with document_language(family_language) as language:
        # An office form: English first, the family's language beside it.
        def pair(render: Callable[[], object]) -> Markup:
            return bilingual.rendered(render, english_first=True)

        def both(message: str, english: bool = True, **variables: object) -> Markup:
            return bilingual.both(message, english, english_first=True, **variables)

        def date_pair(value: date | None) -> Markup | str:
            return pair(lambda: format_date(value, "long")) if value else ""

        return render_template(
            "school/form_pdf.html",
            updates=updates,
            language=language,
            both=both,
            date_pair=date_pair,
            relationship=lambda code: pair(lambda: labels.relationship_label(code)),
            phone_kind=lambda phone: pair(lambda: labels.phone_kind_and_texts(phone)),
            person_language=lambda code: pair(lambda: labels.person_language(code)),
            yes_no=lambda value: pair(lambda: labels.yes_no(value)),
        )


def render_school_form(updates: Sequence[SchoolUpdate]) -> bytes:
    return render_pdf(
        render_school_form_html(updates), attachments=(), stylesheets=SCHOOL_FORM_STYLESHEETS
    )
