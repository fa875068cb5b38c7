"""deploy/nginx/prepplan.conf as deployed, TLS and all, in front of a real gunicorn: plain HTTP
is sent to HTTPS, HTTPS speaks TLS 1.2+ and HTTP/2 and sends HSTS, the largest plan's cookies
get through, and nothing is logged (tests/nginx.py changes only addresses and file paths)."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from prepplan.plan_state import CHUNK_CHARS, COOKIE_PREFIX, MAX_CHUNKS
from tests import nginx
from tests.servers import free_port, gunicorn, production_env

HSTS = "max-age=63072000; includeSubDomains"


def self_signed(folder: Path) -> nginx.Certificate:
    """A certificate for 127.0.0.1, as certbot's fullchain.pem and privkey.pem would be."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    chain, private = folder / "fullchain.pem", folder / "privkey.pem"
    chain.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return nginx.Certificate(chain=chain, key=private)


class Site:
    def __init__(self, http_port: int, https_port: int, run_dir: Path, chain: Path) -> None:
        self.http_port, self.https_port, self.run_dir, self.chain = (
            http_port,
            https_port,
            run_dir,
            chain,
        )
        self.tls = ssl.create_default_context(cafile=str(chain))

    def get(
        self, path: str, *, https: bool = True, headers: dict[str, str] | None = None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """One request on its own connection: the response (its headers) and its body."""
        if https:
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1", self.https_port, context=self.tls, timeout=60
            )
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=60)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    if not Path(nginx.executable()).exists():
        pytest.fail("nginx is not installed: ./dev.sh test installs Debian's nginx")
    # Not under pytest's private tmp folder: nginx's workers (nobody, when run as root) read the
    # certbot folder in here.
    with tempfile.TemporaryDirectory(prefix="prepplan-nginx-") as folder:
        yield from _site(Path(folder))


def _site(run_dir: Path) -> Iterator[Site]:
    certificate = self_signed(run_dir)
    http_port, https_port = free_port(), free_port()
    # As deployed: behind one HTTPS proxy, with Secure cookies.
    env = production_env(PREPPLAN_PROXIES="1", PREPPLAN_SECURE_COOKIES="1", PREPPLAN_WORKERS="1")
    with gunicorn(env) as app:
        app_port = int(app.url.rsplit(":", 1)[1])
        nginx.write_configs(
            run_dir,
            nginx.loopback_site(
                nginx.SITE.read_text(),
                [app_port],
                run_dir,
                port=http_port,
                tls=(https_port, certificate),
            ),
        )
        checked = nginx.config_test(run_dir)
        assert checked.returncode == 0, checked.stderr
        with nginx.running(run_dir, run_dir / "nginx.out"):
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", https_port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.1)
            yield Site(http_port, https_port, run_dir, certificate.chain)


def test_plain_http_is_sent_to_https(site):
    response, _body = site.get("/es/plan/start?x=1", https=False)
    assert response.status == 301
    assert response.getheader("Location") == "https://127.0.0.1/es/plan/start?x=1"
    # certbot's renewal challenge is served over plain HTTP, from its own folder.
    (site.run_dir / ".well-known" / "acme-challenge").mkdir(parents=True, exist_ok=True)
    (site.run_dir / ".well-known" / "acme-challenge" / "token").write_text("proof")
    _response, body = site.get("/.well-known/acme-challenge/token", https=False)
    assert body == b"proof"


def test_https_serves_the_site_with_hsts_and_the_apps_headers(site):
    response, body = site.get("/es/")
    assert response.status == 200
    assert 'lang="es"' in body.decode()
    assert response.getheader("Strict-Transport-Security") == HSTS
    assert response.getheader("Content-Security-Policy")
    assert response.getheader("Cache-Control") == "no-store"
    assert response.getheader("Server") == "nginx"  # no version (server_tokens off)
    # Static files come from nginx itself, with HSTS too.
    static, _body = site.get("/static/prepplan.css")
    assert static.status == 200
    assert static.getheader("Strict-Transport-Security") == HSTS
    # An answer nginx makes itself (404 on a missing static file) keeps HSTS ("always").
    missing, _body = site.get("/static/missing.css")
    assert missing.status == 404
    assert missing.getheader("Strict-Transport-Security") == HSTS


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_tls_1_2_and_1_3_offer_http2(site, version):
    # (Refusing TLS 1.1 cannot be shown from here: this machine's OpenSSL will not speak it.)
    client = ssl.create_default_context(cafile=str(site.chain))
    client.minimum_version = client.maximum_version = version
    client.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", site.https_port), timeout=10) as raw,
        client.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.version() == version.name.replace("_", ".")
        assert tls.selected_alpn_protocol() == "h2"


def test_the_largest_plans_cookies_get_through(site, monkeypatch):
    """A family at every bound sends MAX_CHUNKS cookies of CHUNK_CHARS (prepplan/plan_state.py):
    nginx must pass them to the app, not answer 400 itself, and pass back the app's answer,
    which deletes every one of them (a Set-Cookie header each)."""
    monkeypatch.setattr(http.client, "_MAXHEADERS", 4 * MAX_CHUNKS)
    cookies = "; ".join(f"{COOKIE_PREFIX}{i}={'A' * CHUNK_CHARS}" for i in range(MAX_CHUNKS))
    response, _body = site.get("/es/plan/check", headers={"Cookie": cookies})
    # The app itself answered (its headers are there): the sealed plan was not valid, so it is
    # forgotten, and the family is sent on, never refused by the proxy.
    assert response.status < 400, response.status
    assert response.getheader("Content-Security-Policy")
    deleted = [c for c in response.headers.get_all("Set-Cookie") if c.startswith(COOKIE_PREFIX)]
    assert len(deleted) == MAX_CHUNKS


def test_nothing_is_logged(site):
    site.get("/es/?name=Marker5521")
    logs = [path for path in site.run_dir.glob("*.log") if path.stat().st_size]
    assert logs == [], [path.read_text()[:500] for path in logs]
    assert not (site.run_dir / "access.log").exists()
