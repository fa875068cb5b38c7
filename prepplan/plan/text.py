"""The one input policy for everything a family types.

Every text field of the plan model and the school record passes through ``clean_line`` (one-line
fields) or ``clean_text`` (notes, which keep their line breaks), through the model's text types.
So the forms, an uploaded plan file, a PDF's attached plan file and the command line all get the
same treatment, and the same limits (counted after cleaning, in code points).

What is done:
- Unicode NFC, so "é" typed as e + combining accent and "é" typed whole are the same text (and
  count the same against a limit).
- Bidi controls removed: U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069. Every place that
  prints a family's text isolates it itself (templates, PDF); a control typed inside a name only
  ever reverses or spills into the next field.
- Control characters (C0 and C1) removed; a tab becomes a space; CR LF and CR become LF; in a
  one-line field a line break becomes a space. Lone surrogates (possible in JSON) are removed.
- Leading and trailing white space trimmed.

Why remove rather than refuse: nobody types these characters on purpose. They come with a paste
from a chat, a PDF or a spreadsheet, invisibly, so a message saying "remove the invisible
character in Name" would ask a family to fix what they cannot see. Removing them loses nothing a
reader could see; everything visible (every script, emoji, combining marks, the zero-width
joiners emoji and Indic and Persian text need) is kept.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85]")
# C0 and C1 controls except tab and line feed (handled on their own), DEL, lone surrogates,
# and the bidi controls.
_REMOVED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff" + BIDI_CONTROLS + "]")


def _clean(value: str, *, keep_line_breaks: bool) -> str:
    text = _LINE_BREAKS.sub("\n", value)
    text = text.replace("\t", " ")
    if not keep_line_breaks:
        text = text.replace("\n", " ")
    text = _REMOVED.sub("", text)
    return unicodedata.normalize("NFC", text).strip()


def clean_line(value: object) -> object:
    """A one-line field's text under the policy; anything not a string is left for the model
    to refuse."""
    return _clean(value, keep_line_breaks=False) if isinstance(value, str) else value


def clean_text(value: object) -> object:
    """A note's text under the policy: line breaks kept, as LF."""
    return _clean(value, keep_line_breaks=True) if isinstance(value, str) else value
