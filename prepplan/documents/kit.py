"""The event kit: every blank paper and flyer, in every language, named so a print shop or a
liaison finds the right file. Used by ``prepplan kit`` and by the helpers' page's downloads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from prepplan.documents.flyer import render_flyer_pdf
from prepplan.documents.paper import render_blank_pdf
from prepplan.documents.plan_pdf import Paper
from prepplan.i18n import SITE_LANGUAGES, site_language


@dataclass(frozen=True)
class KitItem:
    """One printable of the kit: its file name stem and how to make it."""

    name: str  # e.g. "blank-plan", "flyer"
    needs_url: bool
    render: Callable[..., bytes]


KIT_ITEMS: tuple[KitItem, ...] = (
    KitItem(
        "blank-plan",
        False,
        lambda lang, paper, url: render_blank_pdf("plan", language=lang, paper=paper),
    ),
    KitItem(
        "blank-plan-fillable",
        False,
        lambda lang, paper, url: render_blank_pdf(
            "plan", language=lang, paper=paper, fillable=True
        ),
    ),
    KitItem(
        "school-form",
        False,
        lambda lang, paper, url: render_blank_pdf("school-form", language=lang, paper=paper),
    ),
    KitItem(
        "school-form-fillable",
        False,
        lambda lang, paper, url: render_blank_pdf(
            "school-form", language=lang, paper=paper, fillable=True
        ),
    ),
    KitItem(
        "flyer",
        True,
        lambda lang, paper, url: render_flyer_pdf(language=lang, base_url=url, paper=paper),
    ),
    KitItem(
        "table-tent",
        True,
        lambda lang, paper, url: render_flyer_pdf(
            language=lang, base_url=url, layout="tent", paper=paper
        ),
    ),
)
BY_NAME = {item.name: item for item in KIT_ITEMS}


def kit_filename(item: str, language: str, paper: Paper = "letter") -> str:
    suffix = "" if paper == "letter" else "-a4"
    return f"{item}-{site_language(language).slug}{suffix}.pdf"


def kit_files(base_url: str, paper: Paper = "letter") -> Iterator[tuple[str, bytes]]:
    """(file name, PDF) for every item in every language, one at a time."""
    for language in SITE_LANGUAGES:
        for item in KIT_ITEMS:
            yield (
                kit_filename(item.name, language.code, paper),
                item.render(language.code, paper, base_url),
            )


def write_kit(folder: Path, base_url: str, paper: Paper = "letter") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, pdf in kit_files(base_url, paper):
        path = folder / filename
        path.write_bytes(pdf)
        written.append(path)
    return written
