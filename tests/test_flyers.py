"""QR flyers and the event kit: every flyer's code opens its own language's start page."""

from __future__ import annotations

import io
import shutil
import subprocess
from functools import cache

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader

from prepplan import create_app
from prepplan.documents import kit
from prepplan.documents.flyer import BadBaseURL, render_flyer_pdf, start_url
from prepplan.i18n import BY_CODE, SITE_LANGUAGES

LANGUAGES = [language.code for language in SITE_LANGUAGES]
BASE = "https://plan.example.org/families"


@cache
def flyer_app():
    return create_app({"WTF_CSRF_ENABLED": False}, serving=False)


def decoded_qr_codes(pdf: bytes, tmp_path) -> list[str]:
    """Every QR code zbar finds on the first page, rendered as a printer would see it."""
    assert shutil.which("zbarimg"), "zbar-tools is needed (dev.sh installs it)"
    (tmp_path / "flyer.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            tmp_path / "flyer.pdf",
            tmp_path / "flyer",
        ],
        check=True,
    )
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", tmp_path / "flyer.png"],
        capture_output=True,
        text=True,
    )
    return found.stdout.splitlines()


def pdf_text(pdf: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_flyer_opens_its_language_start_page(language, tmp_path):
    with flyer_app().app_context():
        pdf = render_flyer_pdf(
            language=language, base_url=BASE + "/", district="Worcester Public Schools"
        )
        with force_locale(language):
            title = _("Make your family's plan")
    url = f"{BASE}/{BY_CODE[language].slug}/"
    assert decoded_qr_codes(pdf, tmp_path) == [url]
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert reader.metadata.title == title
    words = pdf_text(pdf)
    assert "Worcester Public Schools" in words and url in words


@pytest.mark.parametrize("language", ["ht", "ar"])
def test_table_tent_reads_from_both_sides(language, tmp_path):
    with flyer_app().app_context():
        pdf = render_flyer_pdf(language=language, base_url=BASE, layout="tent", paper="a4")
    url = start_url(BASE, language)
    # Both halves of the folded sheet carry a code that decodes.
    assert decoded_qr_codes(pdf, tmp_path) == [url, url]


def test_the_district_comes_from_the_district_file(tmp_path):
    district = tmp_path / "district.toml"
    district.write_text(
        '[district]\nname = "Lowell Public Schools"\n\n[[schools]]\n'
        'id = "lincoln"\nname = "Lincoln Elementary"\n'
    )
    app = create_app({"DISTRICT_FILE": str(district)}, serving=False)
    with app.app_context():
        pdf = render_flyer_pdf(language="es", base_url=BASE)
    assert "Lowell Public Schools" in pdf_text(pdf)


@pytest.mark.parametrize(
    "url",
    [
        "plan.example.org",
        "ftp://plan.example.org",
        "https://plan.example.org/?a=1",
        "javascript:alert(1)",
    ],
)
def test_a_flyer_needs_a_real_web_address(url):
    with pytest.raises(BadBaseURL):
        start_url(url, "es")


def test_command_line_paper_flyer_and_kit(tmp_path, monkeypatch):
    app = flyer_app()
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "paper",
            "--lang",
            "es",
            "--fillable",
            "--school-form",
            "--paper",
            "a4",
            "-o",
            str(tmp_path / "form.pdf"),
        ]
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(tmp_path / "form.pdf")
    assert "student-name" in reader.get_fields()
    assert float(reader.pages[0].mediabox.width) == pytest.approx(595.28, abs=0.5)

    result = runner.invoke(
        args=["flyer", "--lang", "vi", "--url", BASE, "-o", str(tmp_path / "flyer.pdf")]
    )
    assert result.exit_code == 0, result.output
    assert decoded_qr_codes((tmp_path / "flyer.pdf").read_bytes(), tmp_path) == [f"{BASE}/vi/"]

    result = runner.invoke(args=["flyer", "--lang", "vi", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "--url" in result.output

    # The whole kit, cut to one language here (all eight take a minute).
    monkeypatch.setattr(kit, "SITE_LANGUAGES", (BY_CODE["kea"],))
    result = runner.invoke(args=["kit", "--url", BASE, "-o", str(tmp_path / "kit")])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (tmp_path / "kit").iterdir()) == sorted(
        f"{item.name}-kea.pdf" for item in kit.KIT_ITEMS
    )
    assert decoded_qr_codes((tmp_path / "kit" / "flyer-kea.pdf").read_bytes(), tmp_path) == [
        f"{BASE}/kea/"
    ]
