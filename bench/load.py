"""The load test: ``./dev.sh load [--users 10 50 100] [--duration 60]``.

Starts the whole stack on 127.0.0.1 only, from the repository's own deployment files:
- PostgreSQL: a fresh schema in the database at PREPPLAN_LOAD_POSTGRES_URL (default
  ``postgresql+psycopg://postgres@127.0.0.1:5432/test``, trust auth), migrated, one staff account;
- 3 gunicorn instances (gunicorn.conf.py, production settings, the school inbox on through
  examples/district.toml and a fresh record key), like the systemd units in deploy/systemd;
- nginx with deploy/nginx/prepplan.conf adapted to plain HTTP on loopback (no TLS, logs in the
  run's temporary folder), in front of them.
Then locust (bench/locustfile.py) runs N concurrent families and a few staff for a bounded time
per N, and this prints throughput and p50/p95/p99 per kind of request, errors, busy answers, and
the memory (RSS) of every process before and after. Everything it started is stopped, and the
schema dropped, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent

from tests import nginx  # noqa: E402 (the deployment's nginx site on loopback, shared with tests)

POSTGRES_URL = os.environ.get(
    "PREPPLAN_LOAD_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
STAFF_EMAIL = "office@chandler.example"
# Kinds of request that are pages (not downloads): the "page p95 under 1 s" figure.
PAGE_KINDS = (
    "page",
    "step",
    "finish",
    "upload plan file",
    "school preview",
    "school send",
    "staff login",
    "staff list",
)


# ---- the stack -------------------------------------------------------------------------------


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} did not answer within {seconds:.0f} s")
        time.sleep(0.3)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def make_schema(stack: ExitStack) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    schema = f"prepplan_load_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        shown = make_url(POSTGRES_URL).render_as_string(hide_password=True)
        raise SystemExit(
            f"PostgreSQL not reachable at {shown} ({type(error).__name__}): the "
            "load test needs one (set PREPPLAN_LOAD_POSTGRES_URL)"
        ) from None

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    stack.callback(drop)
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def app_environment(database_url: str, run_dir: Path, workers: int, threads: int) -> dict:
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "PREPPLAN_ENV": "production",
        "PREPPLAN_SECRET_KEY": secrets.token_urlsafe(48),
        "PREPPLAN_PROXIES": "1",
        # Plain HTTP on loopback: cookies without the Secure flag, or no client would send them.
        "PREPPLAN_SECURE_COOKIES": "0",
        "DATABASE_URL": database_url,
        "PREPPLAN_DISTRICT_FILE": str(ROOT / "examples" / "district.toml"),
        "PREPPLAN_RECORD_KEYS": Fernet.generate_key().decode(),
        "PREPPLAN_WORKERS": str(workers),
        "PREPPLAN_THREADS": str(threads),
        "XDG_CACHE_HOME": str(run_dir / "cache"),
        # As deploy/systemd/prepplan@.service: few malloc arenas for the worker's threads.
        "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2"),
    }


def start_stack(stack: ExitStack, args, run_dir: Path) -> tuple[str, dict[str, int], str]:
    """Database, app servers, nginx. Returns the site's URL, the processes to watch, and the
    staff password."""
    env = app_environment(make_schema(stack), run_dir, args.workers, args.threads)
    subprocess.run(
        [VENV_BIN / "prepplan", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    password = secrets.token_urlsafe(18)
    subprocess.run(
        [
            VENV_BIN / "prepplan",
            "staff",
            "create",
            "--email",
            STAFF_EMAIL,
            "--school",
            "chandler-elementary",
            "--school",
            "elm-park-community",
            "--password-stdin",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        input=password + "\n",
        text=True,
        stdout=subprocess.DEVNULL,
    )
    processes: dict[str, int] = {}
    app_ports = [args.port + 1 + index for index in range(args.instances)]
    for port in app_ports:
        log = (run_dir / f"gunicorn-{port}.log").open("w")
        stack.callback(log.close)
        process = subprocess.Popen(
            [
                VENV_BIN / "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(stop, process)
        processes[f"gunicorn :{port}"] = process.pid
    for port in app_ports:
        wait_for(f"http://127.0.0.1:{port}/healthz")
    nginx.write_configs(
        run_dir, nginx.loopback_site(nginx.SITE.read_text(), app_ports, run_dir, port=args.port)
    )
    process = stack.enter_context(nginx.running(run_dir, run_dir / "nginx.out"))
    processes["nginx"] = process.pid
    site = f"http://127.0.0.1:{args.port}"
    wait_for(f"{site}/healthz")
    return site, processes, password


# ---- measuring -------------------------------------------------------------------------------


def memory_mb(processes: dict[str, int]) -> dict[str, list[float]]:
    """RSS in MB of each process: the master first, then its workers."""
    import psutil

    figures = {}
    for name, pid in processes.items():
        try:
            master = psutil.Process(pid)
            tree = [master, *master.children(recursive=True)]
            figures[name] = [p.memory_info().rss / 2**20 for p in tree]
        except psutil.NoSuchProcess:
            figures[name] = []
    return figures


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def run_locust(site: str, users: int, duration: int, password: str, run_dir: Path) -> dict:
    results = run_dir / f"results-{users}.json"
    env = {
        **os.environ,
        "PREPPLAN_LOAD_STAFF_PASSWORD": password,
        "PREPPLAN_LOAD_RESULTS": str(results),
    }
    # Families arrive over about ten seconds, as after a letter home, not all in one instant.
    spawn_rate = max(1, users // 10)
    with (run_dir / f"locust-{users}.log").open("w") as log:
        subprocess.run(
            [
                VENV_BIN / "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users + 1),
                "--spawn-rate",
                str(spawn_rate),
                "--run-time",
                f"{duration}s",
                "--stop-timeout",
                "20",
                "--host",
                site,
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return json.loads(results.read_text())


def report(users: int, duration: int, figures: dict, before: dict, after: dict) -> None:
    timings = figures["timings"]
    print(f"\n== {users} concurrent families and one school office, {duration} s ==")
    print(
        f"   {'kind':<24} {'count':>6} {'per s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        f" {'errors':>6}"
    )
    pages: list[float] = []
    total_errors = 0
    for kind in sorted(timings):
        rows = timings[kind]
        times = [ms for ms, _ok in rows]
        errors = sum(1 for _ms, ok in rows if not ok)
        total_errors += errors
        if kind in PAGE_KINDS:
            pages += times
        print(
            f"   {kind:<24} {len(rows):6d} {len(rows) / duration:6.2f} "
            f"{percentile(times, 0.5):7.0f} {percentile(times, 0.95):7.0f} "
            f"{percentile(times, 0.99):7.0f} {errors:6d}"
        )
    if pages:
        print(
            f"   {'all pages (no PDFs)':<24} {len(pages):6d} {len(pages) / duration:6.2f} "
            f"{percentile(pages, 0.5):7.0f} {percentile(pages, 0.95):7.0f} "
            f"{percentile(pages, 0.99):7.0f}"
        )
    pdfs = sum(1 for ms, ok in timings.get("plan pdf", []) if ok)
    print(
        f"   plan PDFs delivered: {pdfs} ({pdfs / duration:.2f}/s); busy answers: "
        f"{figures['busy'] or 'none'}; errors: {total_errors}"
    )
    for message, count in sorted(figures["errors"].items(), key=lambda item: -item[1])[:8]:
        print(f"     {count:5d} x {message}")
    print("   RSS MB before -> after (master, then workers):")
    for name in before:
        shown = ", ".join(
            f"{b:.0f}->{a:.0f}" for b, a in zip(before[name], after[name], strict=False)
        )
        print(f"     {name:<16} {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--users",
        type=int,
        nargs="+",
        default=[10, 50, 100],
        help="concurrent families, one run each (default: 10 50 100)",
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds per run")
    parser.add_argument("--instances", type=int, default=3, help="gunicorn instances")
    parser.add_argument("--workers", type=int, default=1, help="worker processes per instance")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--port", type=int, default=18080, help="nginx; app servers above it")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs)")
    args = parser.parse_args()
    run_dir = Path(tempfile.mkdtemp(prefix="prepplan-load-"))
    print(
        f"prepplan load test: nginx + {args.instances} x gunicorn ({args.workers} worker x "
        f"{args.threads} threads) + PostgreSQL, on 127.0.0.1; {os.cpu_count()} cores"
    )
    with ExitStack() as stack:
        if not args.keep:
            stack.callback(shutil.rmtree, run_dir, ignore_errors=True)
        site, processes, password = start_stack(stack, args, run_dir)
        for users in args.users:
            before = memory_mb(processes)
            figures = run_locust(site, users, args.duration, password, run_dir)
            report(users, args.duration, figures, before, memory_mb(processes))
    if args.keep:
        print(f"\nlogs in {run_dir}")


if __name__ == "__main__":
    main()
