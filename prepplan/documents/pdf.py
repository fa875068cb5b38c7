"""The one place that runs WeasyPrint.

A plan PDF carries a family's most private details, and the HTML it is made from carries what
they typed. So the renderer may read nothing but our own static files: the URL fetcher below
serves ``prepplan-static:`` URLs from ``prepplan/static/`` and refuses everything else (file:,
http(s):, data:, FTP, relative URLs) before any byte is read or any connection is opened.
Attachments are passed in as bytes, never as URLs.

One font configuration and the parsed print stylesheets are shared by every render in a worker
process: loading the Noto CJK fonts once instead of per PDF saves both time and memory.
"""

from __future__ import annotations

import io
import mimetypes
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import pydyf
from weasyprint import CSS, HTML, Attachment
from weasyprint.pdf import tags as weasyprint_tags
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from prepplan.documents import render_process
from prepplan.documents.capacity import render_slot

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_SCHEME = "prepplan-static"
# Only what a print stylesheet may reasonably point at.
STATIC_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}
STATIC_MAX_BYTES = 512_000
_STATIC_PATH = re.compile(r"^[a-z0-9_-]+(?:/[a-z0-9_-]+)*\.[a-z0-9]+$")

# The stylesheets of each printed document, parsed once per process: the shared fonts first.
PRINT_STYLESHEETS = ("print/fonts.css", "print/plan.css")
SCHOOL_FORM_STYLESHEETS = ("print/fonts.css", "print/school-form.css")

# Tagged PDF (PDF/UA-1): screen readers get headings, tables and reading order.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


# --- Accessible tags ---------------------------------------------------------------------------
# WeasyPrint's PDF/UA tagging drops three things a screen reader needs (WeasyPrint 70): the
# language of an element with its own `lang` (English beneath an Arabic or Spanish label is read
# with the wrong voice), the /Scope of table headers (PDF/UA, Matterhorn 15-003), and a link's
# text (its /Contents is the anchor id). Each struct element WeasyPrint builds is yielded by
# `_build_box_tree` together with its box; we add what the HTML says. The PDF structure test
# (tests/test_pdf_structure.py) fails if a WeasyPrint upgrade changes this hook.
_original_build_box_tree = weasyprint_tags._build_box_tree


def _language_of(element: Any) -> str | None:
    return element.get("lang") if element is not None else None


def _tag_with_html_facts(box: Any, parent: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
    html_element = getattr(getattr(box, "_box", box), "element", None)
    for struct in _original_build_box_tree(box, parent, *args, **kwargs):
        kind = str(struct.get("S", ""))
        language = _language_of(html_element)
        if language and getattr(box, "element_tag", None) not in ("html", "body"):
            struct["Lang"] = pydyf.String(language)
        if kind == "/TH" and html_element is not None:
            scope = "/Row" if html_element.get("scope") == "row" else "/Column"
            struct["A"]["Scope"] = scope
        if kind == "/Link" and html_element is not None:
            text = " ".join("".join(html_element.itertext()).split())
            # A link split over lines or with a ::after page number has several annotations.
            for part in box.descendants():
                annotation = getattr(part, "link_annotation", None)
                if annotation is not None and text:
                    annotation["Contents"] = pydyf.String(text)
        yield struct


weasyprint_tags._build_box_tree = _tag_with_html_facts


class RefusedURL(ValueError):
    """WeasyPrint asked for something outside our static files; it gets nothing."""


def static_url(path: str) -> str:
    """The URL a template or stylesheet uses for one of our static files."""
    return f"{STATIC_SCHEME}:{path}"


def static_file(url: str) -> Path:
    """The file a ``prepplan-static:`` URL names, or RefusedURL."""
    scheme, _, path = url.partition(":")
    if scheme.lower() != STATIC_SCHEME or not _STATIC_PATH.match(path):
        raise RefusedURL("not one of our static files")
    relative = PurePosixPath(path)
    if relative.suffix not in STATIC_TYPES:
        raise RefusedURL("not a print asset type")
    candidate = (STATIC_DIR / relative).resolve()
    # A symlink inside static/ must not lead out of it.
    if not candidate.is_relative_to(STATIC_DIR.resolve()) or not candidate.is_file():
        raise RefusedURL("not one of our static files")
    if candidate.stat().st_size > STATIC_MAX_BYTES:
        raise RefusedURL("too large")
    return candidate


class StaticOnlyFetcher(URLFetcher):
    """Serves our own static files; refuses every other URL without touching it."""

    def __init__(self) -> None:
        # No redirects, and errors never stop a render: a refused URL simply yields nothing.
        super().__init__(
            allowed_protocols=(STATIC_SCHEME,), allow_redirects=False, fail_on_errors=False
        )

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = static_file(url)
        content_type = STATIC_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": content_type or "text/plain"}
        )


@lru_cache(maxsize=1)
def shared_fetcher() -> StaticOnlyFetcher:
    return StaticOnlyFetcher()


@lru_cache(maxsize=1)
def shared_font_config() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=8)
def shared_stylesheets(paths: tuple[str, ...] = PRINT_STYLESHEETS) -> tuple[CSS, ...]:
    """Our print stylesheets, parsed once per worker process against the shared fonts."""
    return tuple(
        CSS(
            string=static_file(static_url(path)).read_text("utf-8"),
            base_url=None,
            url_fetcher=shared_fetcher(),
            font_config=shared_font_config(),
        )
        for path in paths
    )


def render_pdf(
    html: str,
    *,
    attachments: Iterable[tuple[bytes, str, str]] = (),
    stylesheets: Sequence[str] = PRINT_STYLESHEETS,
    forms: bool = False,
) -> bytes:
    """Turn an HTML string into a tagged PDF.

    ``attachments`` are ``(data, filename, description)``; they are embedded as files. The PDF's
    title and language come from the HTML's ``<title>`` and ``<html lang>``. Fonts are embedded
    as subsets. ``forms`` turns the HTML's ``<input>`` and ``<textarea>`` into fillable PDF
    fields (blank paper only: a filled plan never carries form fields). In a running app, at most
    a few renders run at once per worker process (capacity.py): past that this raises
    RendererBusy, which becomes the busy page. In a server the render itself runs in a child
    process of the worker (render_process.py).
    """
    with render_slot():
        return render_process.run(_write_pdf, html, tuple(attachments), tuple(stylesheets), forms)


def warm() -> None:
    """Load the fonts and parse the print stylesheets now rather than in the first render."""
    shared_stylesheets(PRINT_STYLESHEETS)
    shared_stylesheets(SCHOOL_FORM_STYLESHEETS)


def _write_pdf(
    html: str,
    attachments: Iterable[tuple[bytes, str, str]],
    stylesheets: Sequence[str],
    forms: bool,
) -> bytes:
    fetcher = shared_fetcher()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    embedded = [
        Attachment(
            file_obj=io.BytesIO(data), name=filename, description=description, url_fetcher=fetcher
        )
        for data, filename, description in attachments
    ]
    pdf: bytes = document.write_pdf(
        stylesheets=list(shared_stylesheets(tuple(stylesheets))),
        font_config=shared_font_config(),
        attachments=embedded,
        pdf_forms=forms,
        **PDF_OPTIONS,
    )
    return pdf
