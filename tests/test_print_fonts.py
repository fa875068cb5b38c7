"""Every character a family can reasonably type prints: emoji in colour (Debian's
fonts-noto-color-emoji, installed by dev.sh), and the emoji font draws emoji only."""

from __future__ import annotations

import io

from pypdf import PdfReader

from prepplan.documents.plan_pdf import render_plan_pdf
from prepplan.school.printable import render_school_form
from prepplan.school.record import school_updates_from_plan


def text_by_font(pdf: bytes) -> dict[str, str]:
    """All text drawn in each font (by its PDF BaseFont name)."""
    drawn: dict[str, str] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def visit(text, cm, tm, font_dict, font_size):
            if font_dict and text.strip():
                name = str(font_dict.get("/BaseFont", ""))
                drawn[name] = drawn.get(name, "") + text

        page.extract_text(visitor_text=visit)
    return drawn


def emoji_text(drawn: dict[str, str]) -> str:
    return "".join(text for font, text in drawn.items() if "Emoji" in font)


def test_emoji_print_in_the_emoji_font_and_numbers_do_not(app, example_plan):
    example_plan.children[0].given_name = "Inés 🌻"
    example_plan.contacts[0].given_name = "Abuela Tere 👵"
    with app.app_context():
        drawn = text_by_font(render_plan_pdf(example_plan, language="en"))
    emoji = emoji_text(drawn)
    assert "🌻" in emoji and "👵" in emoji
    # The emoji font also holds digits: phone numbers and page numbers must not use it.
    assert not any(c.isdigit() or c.isalpha() for c in emoji), emoji


def test_the_school_form_prints_emoji_too(app, example_plan):
    example_plan.contacts[0].given_name = "Abuela Tere 👵"
    updates = school_updates_from_plan(example_plan, submitted_by="María José")
    with app.test_request_context("/es/school/"):
        drawn = text_by_font(render_school_form(updates))
    emoji = emoji_text(drawn)
    assert "👵" in emoji and not any(c.isdigit() for c in emoji)
