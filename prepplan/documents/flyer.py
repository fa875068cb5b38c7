"""QR flyers for events: one page per language, in that language, with a QR code that opens the
site's start page in that language, the district's name and the privacy promise; a table tent
(a sheet folded in two, readable from both sides of a table) too.

The QR code is drawn by segno as inline SVG (the PDF helper fetches no URL, data: included).
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

import segno
from flask import current_app
from markupsafe import Markup

from prepplan.documents.paper import PAPER_STYLESHEETS
from prepplan.documents.pdf import render_pdf
from prepplan.documents.plan_pdf import PAPER_SIZES, Paper
from prepplan.i18n import document_language, site_language

Layout = Literal["flyer", "tent"]


class BadBaseURL(ValueError):
    """The site's address must be an absolute http(s) URL."""


def check_base_url(base_url: str) -> str:
    """The site's address without a trailing slash, or BadBaseURL."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise BadBaseURL("use an address like https://plan.example.org")
    return base_url.strip().rstrip("/")


def start_url(base_url: str, language: str) -> str:
    """The start page in one language: what a flyer's QR code opens."""
    return f"{check_base_url(base_url)}/{site_language(language).slug}/"


def qr_svg(url: str) -> Markup:
    """The QR code as inline SVG, sized by CSS. Error correction M survives a creased flyer."""
    code = segno.make(url, error="m", micro=False)
    # segno writes the SVG itself from a URL we checked; it holds no HTML of anyone else's.
    return Markup(code.svg_inline(border=4, omitsize=True, title=url))  # noqa: S704


def district_name() -> str:
    """The district's name when a district file is configured."""
    from prepplan.school.district import configured_district

    district = configured_district()
    return district.name if district else ""


def render_flyer_html(
    *,
    language: str,
    base_url: str,
    layout: Layout = "flyer",
    paper: Paper = "letter",
    district: str | None = None,
) -> str:
    if paper not in PAPER_SIZES or layout not in ("flyer", "tent"):
        raise ValueError("paper must be letter or a4, layout flyer or tent")
    url = start_url(base_url, language)
    with document_language(language) as page_language:
        template = current_app.jinja_env.get_template("documents/flyer.html")
        return template.render(
            language=page_language,
            url=url,
            qr=qr_svg(url),
            layout=layout,
            page_size=PAPER_SIZES[paper],
            district=district_name() if district is None else district,
            # The tent repeats the flyer on each half of the sheet.
            panels=2 if layout == "tent" else 1,
        )


def render_flyer_pdf(
    *,
    language: str,
    base_url: str,
    layout: Layout = "flyer",
    paper: Paper = "letter",
    district: str | None = None,
) -> bytes:
    html = render_flyer_html(
        language=language, base_url=base_url, layout=layout, paper=paper, district=district
    )
    return render_pdf(html, stylesheets=PAPER_STYLESHEETS)
