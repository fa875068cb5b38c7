"""The repository's own nginx site (deploy/nginx/prepplan.conf), run on loopback: by the load
test (bench/load.py, plain HTTP) and by the deployment test (tests/test_deploy_nginx.py, with its
TLS server and its HTTP-to-HTTPS redirect). Only what cannot be the same on a test machine is
changed: the addresses it listens on, the app servers, the certificate files, and the paths of
logs and static files. Every limit, buffer, timeout and header stays as deployed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "prepplan.conf"


@dataclass(frozen=True)
class Certificate:
    chain: Path
    key: Path


def top_level_blocks(config: str) -> list[tuple[int, int]]:
    """(start, end) of each top-level ``name ... { ... }`` block of an nginx config."""
    blocks, depth, start = [], 0, 0
    for index, char in enumerate(config):
        if char == "#":
            continue
        if char == "{":
            if depth == 0:
                start = config.rfind("\n", 0, index) + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                blocks.append((start, index + 1))
    return blocks


def loopback_site(
    config: str,
    app_ports: list[int],
    run_dir: Path,
    *,
    port: int,
    tls: tuple[int, Certificate] | None = None,
) -> str:
    """The site for loopback. Without ``tls``: plain HTTP on ``port`` (the HTTPS server's
    settings without its TLS lines; no redirect server). With ``tls`` (port, certificate): the
    redirect server on ``port`` and the HTTPS server, TLS settings and all, on the TLS port."""
    config = "\n".join(line for line in config.splitlines() if not line.lstrip().startswith("#"))
    kept = []
    for start, end in top_level_blocks(config):
        block = config[start:end]
        is_redirect = re.search(r"^\s*listen 80;", block, re.MULTILINE) is not None
        if block.lstrip().startswith("upstream"):
            servers = "".join(
                f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n" for p in app_ports
            )
            block = re.sub(r"(?m)^\s*server [^;]+;\n", "", block)
            block = block.replace("least_conn;", "least_conn;\n" + servers)
        elif is_redirect:
            if tls is None:
                continue
            block = re.sub(r"(?m)^\s*listen [^;]*;\n", "", block)
            block = block.replace("server {", f"server {{\n    listen 127.0.0.1:{port};", 1)
            block = block.replace("/var/www/letsencrypt", str(run_dir))
        elif tls is None:
            block = re.sub(r"(?m)^\s*(listen|ssl_\w+)\b[^;]*;\n", "", block)
            block = block.replace("server {", f"server {{\n    listen 127.0.0.1:{port};", 1)
        else:
            tls_port, certificate = tls
            block = re.sub(r"(?m)^\s*listen [^;]*;\n", "", block)
            block = block.replace(
                "server {", f"server {{\n    listen 127.0.0.1:{tls_port} ssl http2;", 1
            )
            block = re.sub(
                r"ssl_certificate [^;]+;", f"ssl_certificate {certificate.chain};", block
            )
            block = re.sub(
                r"ssl_certificate_key [^;]+;", f"ssl_certificate_key {certificate.key};", block
            )
        block = block.replace("/var/log/nginx/prepplan-error.log", str(run_dir / "site.log"))
        block = block.replace("/srv/prepplan/prepplan/static/", f"{ROOT}/prepplan/static/")
        kept.append(block)
    return "\n\n".join(kept) + "\n"


def main_config(run_dir: Path) -> str:
    """nginx.conf around the site: everything in ``run_dir``, as nobody when run as root."""
    temp = {name: run_dir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
        path.chmod(0o777)
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {run_dir}/nginx.pid;
error_log {run_dir}/nginx.log crit;
events {{ worker_connections 2048; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {run_dir}/prepplan.conf;
}}
"""


def executable() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


def write_configs(run_dir: Path, site: str) -> Path:
    (run_dir / "prepplan.conf").write_text(site)
    (run_dir / "nginx.conf").write_text(main_config(run_dir))
    run_dir.chmod(0o755)
    return run_dir / "nginx.conf"


def config_test(run_dir: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on the written configs."""
    return subprocess.run(  # noqa: S603 (our own arguments)
        [executable(), "-t", "-p", str(run_dir), "-c", str(run_dir / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )


@contextmanager
def running(run_dir: Path, output: Path) -> Iterator[subprocess.Popen[bytes]]:
    """nginx in the foreground on the written configs, stopped on the way out."""
    with output.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 (our own arguments)
            [
                executable(),
                "-p",
                str(run_dir),
                "-c",
                str(run_dir / "nginx.conf"),
                "-g",
                "daemon off;",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
