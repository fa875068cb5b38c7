"""The PDF renderer reads our own static files and nothing else: no local files, no network,
no data: URLs, whatever HTML it is given."""

from __future__ import annotations

import base64
import io
import socket
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
from weasyprint import HTML

from prepplan.documents import pdf as pdf_module
from prepplan.documents.pdf import RefusedURL, StaticOnlyFetcher, render_pdf, static_file
from prepplan.documents.plan_pdf import render_plan_pdf
from prepplan.plan.model import Child, Contact, Plan
from prepplan.plan.planfile import ATTACHMENT_NAME, load_plan

# A 1x1 PNG, to prove even a valid image in a data: URL is not embedded.
TINY_PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d4944415478da63f8cfc0f01f0005000201e2a4a7f40000000049454e44ae426082"
    )
).decode()


class ConnectionCounter:
    """A TCP listener on a random local port that counts who connects to it."""

    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            # Answer like a web server would, with a redirect to a local file.
            connection.sendall(
                b"HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n"
            )
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()


@pytest.fixture
def listener():
    counter = ConnectionCounter()
    yield counter
    counter.close()


def all_objects(pdf: bytes) -> list[DictionaryObject]:
    """Every dictionary reachable from the PDF's trailer (streams included)."""
    reader = PdfReader(io.BytesIO(pdf))
    found: list[DictionaryObject] = []
    seen: set[int] = set()
    stack = [reader.trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            found.append(item)
            stack.extend(value for key, value in item.items() if key != "/Parent")
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found


def embedded_file_names(pdf: bytes) -> list[str]:
    """Names of every embedded file, whether in the attachment list or in an annotation."""
    return sorted(
        str(item.get("/UF") or item.get("/F"))
        for item in all_objects(pdf)
        if item.get("/Type") == "/Filespec"
    )


def image_count(pdf: bytes) -> int:
    return sum(1 for item in all_objects(pdf) if item.get("/Subtype") in ("/Image", "/Form"))


def hostile_html(port: int) -> str:
    remote = f"http://127.0.0.1:{port}"
    return f"""<!doctype html>
<html lang="en"><head><title>Hostile</title>
<link rel="stylesheet" href="{remote}/style.css">
<link rel="attachment" href="file:///etc/passwd">
<link rel="attachment" href="{remote}/linked.bin">
<style>
  @import url("{remote}/imported.css");
  @font-face {{ font-family: Remote; src: url({remote}/font.woff); }}
  body {{ background: url({remote}/background.png); font-family: Remote; }}
  p {{ background-image: url(file:///usr/share/pixmaps/debian-logo.png); }}
</style></head>
<body>
  <p>hello</p>
  <a rel="attachment" href="file:///etc/passwd">x</a>
  <a rel="attachment" href="file:///etc/hostname">y</a>
  <a rel="attachment" href="{remote}/annotated.bin">z</a>
  <a rel="attachment" href="data:text/plain;base64,c2VjcmV0">d</a>
  <img src="{remote}/" alt="remote">
  <img src="file:///usr/share/pixmaps/debian-logo.png" alt="local">
  <img src="data:image/png;base64,{TINY_PNG}" alt="inline">
  <img src="ftp://127.0.0.1:{port}/x.png" alt="ftp">
  <img src="prepplan-static:../../pyproject.toml" alt="escape">
  <object data="{remote}/object.svg"></object>
  <embed src="{remote}/embed.svg">
  <iframe src="{remote}/frame.html"></iframe>
  <svg width="10" height="10"><image href="{remote}/svg-image.png" width="10" height="10"/></svg>
</body></html>"""


def test_raw_html_fetches_and_embeds_nothing(listener):
    pdf = render_pdf(hostile_html(listener.port), attachments=[(b"{}", "ours.json", "ours")])
    assert listener.connections == 0
    assert embedded_file_names(pdf) == ["ours.json"]
    assert image_count(pdf) == 0
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "hello" in text
    assert "root:" not in text


def test_bare_weasyprint_would_fetch_and_embed(listener):
    """The test above means something: with WeasyPrint's own fetcher the same HTML reaches the
    network, embeds local files and inline images."""
    pdf = HTML(string=hostile_html(listener.port)).write_pdf()
    assert listener.connections > 0
    assert "passwd" in embedded_file_names(pdf)
    assert image_count(pdf) > 0


def drawing_operators(pdf: bytes) -> bytes:
    return PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data()


def test_our_static_files_are_served():
    def page(src: str) -> bytes:
        return render_pdf(
            f'<html lang="en"><title>t</title><body><img src="{src}" '
            f'alt="scissors" width="40" height="40"></body></html>'
        )

    # The scissors are drawn as curves (" c" operators); a refused image draws nothing.
    assert b" c\n" in drawing_operators(page("prepplan-static:print/scissors.svg"))
    assert b" c\n" not in drawing_operators(page("file:///work/prepplan/static/print/scissors.svg"))


def test_a_familys_words_cannot_add_fetches_or_attachments(app, listener):
    remote = f"http://127.0.0.1:{listener.port}/"
    hostile = (
        f'</p><a rel="attachment" href="file:///etc/passwd">x</a><img src="{remote}">'
        f'<style>@import "{remote}x.css";</style>'
    )
    attach = '<a rel="attachment" href="file:///etc/passwd">x</a>'
    image = f'<img src="{remote}">'
    plan = Plan(
        children=[Child(given_name=attach, family_name=image, routines=hostile, allergies=hostile)],
        contacts=[Contact(given_name=image, family_name=attach)],  # (an e-mail must be one)
        family_code_word=attach,
    )
    with app.app_context():
        pdf = render_plan_pdf(plan, language="ar", bilingual=True)
    assert listener.connections == 0
    assert embedded_file_names(pdf) == [ATTACHMENT_NAME]
    assert load_plan(pdf) == plan
    # The markup is printed as the text it is.
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert 'rel="attachment"' in text.replace("\n", "")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/x.css",
        "data:text/css,body{}",
        "ftp://127.0.0.1/x.css",
        "prepplan-static:../../pyproject.toml",
        "prepplan-static:print/../../__init__.py",
        "prepplan-static:/etc/passwd",
        "prepplan-static://etc/passwd.css",
        "prepplan-static:print/%2e%2e/%2e%2e/x.css",
        "prepplan-static:print/plan.css?x=1",
        "prepplan-static:print/plan.css#x",
        "prepplan-static:print\\plan.css",
        "prepplan-static:prepplan.js",  # ours, but not a print asset
        "prepplan-static:print/missing.css",
        "print/plan.css",
    ],
)
def test_fetcher_refuses(url):
    with pytest.raises(RefusedURL):
        static_file(url)
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_a_print_asset():
    response = StaticOnlyFetcher().fetch("prepplan-static:print/plan.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_symlink_out_of_static_is_refused(monkeypatch, tmp_path):
    static = tmp_path / "static"
    (static / "print").mkdir(parents=True)
    outside = tmp_path / "secret.css"
    outside.write_text("secret")
    (static / "print" / "link.css").symlink_to(outside)
    (static / "print" / "real.css").write_text("ok")
    monkeypatch.setattr(pdf_module, "STATIC_DIR", Path(static))
    assert static_file("prepplan-static:print/real.css").read_text() == "ok"
    with pytest.raises(RefusedURL):
        static_file("prepplan-static:print/link.css")
