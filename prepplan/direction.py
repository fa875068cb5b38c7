"""Text direction: keeping each piece of text in its own direction inside a page or document
of another (a Latin name or a phone number in an Arabic page, an Arabic name in a Spanish plan).

One idiom everywhere, pages and PDFs alike: a ``<span dir="...">`` whose stylesheets give it
``unicode-bidi: isolate``. Browsers would honour ``<bdi>`` and ``dir="auto"``, but WeasyPrint
ignores both, so the direction is worked out here from the text itself.

- ``isolate(value)`` (also the Jinja filter ``isolate``): the family's own text, its direction
  from its first strong character;
- ``isolate(value, "ltr")``: something that always reads left to right (a phone number, an
  e-mail, a date, a reference): it also gets ``class="ltr"``, which keeps it on one line;
- ``isolate_in_text(text)``: the same inside plain text that cannot hold markup (an example
  number put into a translated error message): Unicode's left-to-right isolate characters.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from markupsafe import Markup

Direction = Literal["ltr", "rtl"]


def text_direction(text: str, default: Direction = "ltr") -> Direction:
    """The direction of a piece of text by its first strong character (what ``dir="auto"``
    does in a browser)."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return default


def isolate(value: object, direction: Direction | None = None, css_class: str = "") -> Markup:
    """``value`` (text, or markup we made) in its own direction, isolated from the text around
    it. ``direction`` forces one (numbers, e-mails); otherwise it comes from the text."""
    if value is None or value == "":
        return Markup("")
    plain = value.striptags() if isinstance(value, Markup) else str(value)
    classes = ["ltr" if direction == "ltr" else "isolate", css_class]
    return Markup('<span dir="{}" class="{}">{}</span>').format(
        direction or text_direction(plain), " ".join(c for c in classes if c), value
    )


def isolate_in_text(text: str) -> str:
    """Plain text kept left to right inside right-to-left text, with Unicode's isolates."""
    return f"\u2066{text}\u2069"
