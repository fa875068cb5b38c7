"""How a person's full name is written: one rule for every page, paper and file.

The plan keeps a given name and a family name apart (a school system and a vCard's N need them
apart); wherever one full name is shown, it is joined here, in the order the person's own
language writes it.

The rule, and why:

1. A name written in Han characters, kana or Hangul (both parts) is written family name first
   with no space (陈家豪, 김민준): that is how those scripts write names whatever language the
   person chose on the form, so the script decides before anything else.
2. Otherwise the person's language decides: Chinese, Vietnamese, Korean, Japanese, Hungarian,
   Khmer and Mongolian put the family name first, with a space ("Lê Thị Mai", "Chen Jiahao").
   A guardian or contact has a language of their own on the plan.
3. A child has no language field. A child's name is written the way the parent who shares the
   child's family name writes their own (Nguyễn Văn Nam's daughter is "Nguyễn Thị Hoa", Luis
   Ramírez's son is "Mateo Ramírez" even in a plan read in Vietnamese); with no such parent,
   in the order of the language the family reads the plan in (``Plan.language``), the one
   signal about the child that is always there. The reader's language alone would print
   "Ramírez Mateo" in a Spanish-speaking family's Vietnamese copy.
4. Anything else: given name first.

The order never changes with the reader's language: the caregiver's English copy of a
Vietnamese family's plan still says "Lê Thị Mai".
"""

from __future__ import annotations

import unicodedata
from typing import Literal

NameOrder = Literal["given_first", "family_first"]

# Primary language subtags (BCP 47) whose names put the family name first.
FAMILY_FIRST_LANGUAGES = frozenset({"zh", "vi", "ko", "ja", "hu", "km", "mn"})

# Unicode character-name prefixes of the scripts that write names family first, unspaced.
_UNSPACED_SCRIPTS = (
    "CJK UNIFIED IDEOGRAPH",
    "CJK COMPATIBILITY IDEOGRAPH",
    "HIRAGANA",
    "KATAKANA",
    "HANGUL",
)


def name_order(language: str | None) -> NameOrder:
    """The order a language writes names in: ``zh_Hans``, ``zh-TW``, ``vi`` -> family first."""
    primary = (language or "").replace("-", "_").split("_")[0].lower()
    return "family_first" if primary in FAMILY_FIRST_LANGUAGES else "given_first"


def _unspaced_script(text: str) -> bool:
    """True if every letter of ``text`` is Han, kana or Hangul (marks and spaces aside)."""
    letters = [c for c in text if unicodedata.category(c)[0] == "L"]
    return bool(letters) and all(
        unicodedata.name(c, "").startswith(_UNSPACED_SCRIPTS) for c in letters
    )


def full_name(given: str, family: str, order: NameOrder = "given_first") -> str:
    """One full name from its parts, in the person's own order (see the rule above)."""
    given, family = given.strip(), family.strip()
    if not (given and family):
        return given or family
    if _unspaced_script(given) and _unspaced_script(family):
        return family + given
    if order == "family_first":
        return f"{family} {given}"
    return f"{given} {family}"
