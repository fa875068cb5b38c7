#!/usr/bin/env bash
# prepplan's own commands. On a fresh Debian machine with python3, `./dev.sh run` installs
# everything and serves the site; `./dev.sh test` installs everything and runs every test.
#   ./dev.sh setup      virtualenv with the locked Python packages, Debian fonts and libraries,
#                       compiled catalogs
#   ./dev.sh run        setup, then serve http://127.0.0.1:5000 (SQLite, development settings)
#   ./dev.sh test       setup (with test tools and Chromium), then lint, catalogs check and pytest
#   ./dev.sh lock       after changing dependencies in pyproject.toml: refresh requirements/*.txt,
#                       keeping every other pin (--upgrade moves all, --upgrade-package X one)
#   ./dev.sh upgrade-check  the newest versions pyproject.toml allows, in .venv-upgrade, whole suite
#   ./dev.sh lint       ruff check, ruff format --check, mypy
#   ./dev.sh extract    re-extract messages into translations/messages.pot and update catalogs
#   ./dev.sh compile    compile the catalogs (setup does it too)
#   ./dev.sh bench      the benchmarks in bench/
#   ./dev.sh audit      installed packages vs the vulnerability snapshot in audit/ (no network)
#   ./dev.sh audit-refresh   fetch that snapshot (OSV's PyPI export); run when the lock changes
#   ./dev.sh load       load test: nginx + gunicorn instances + PostgreSQL on loopback, locust
set -euo pipefail
cd "$(dirname "$0")"

VENV=${PREPPLAN_VENV:-.venv}
PY="$VENV/bin/python"
# What the PDF and the tests need from Debian: fonts for all eight languages and for emoji
# (a family's "Inés 🌻" must not print as a box), Pango for WeasyPrint, Chromium for the browser
# tests, poppler for looking at PDFs as PNGs, zbar for reading back the QR codes on flyers.
RUN_PACKAGES=(python3-venv python3-pip libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
              fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji fonts-dejavu-core)
# The Java runtime runs the Nu HTML Checker (vnu.jar, shipped by a locked PyPI package);
# LibreOffice Calc opens the CSV exports as an office would (tests/test_school_exports.py);
# nginx runs the deployment's own proxy config, TLS and all (tests/test_deploy_nginx.py).
TEST_PACKAGES=(chromium poppler-utils default-jre-headless libreoffice-calc-nogui zbar-tools
               nginx)
# The load test runs the same proxy in front of several app servers.
LOAD_PACKAGES=(nginx)

need_debian_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then return 0; fi
  if [[ $(id -u) == 0 ]]; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "prepplan needs these Debian packages. Install them, then run this again:" >&2
    echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
}

# The lock (requirements/*.txt, from pip-tools' pip-compile --generate-hashes): exact versions
# with hashes of everything installed, the build tools included. Plain pip installs it with
# --require-hashes, so a fresh machine needs no extra tool and gets exactly what was tested; uv
# would be faster but is one more binary to trust and install before anything else.
setup() {
  local extra=${1:-}
  local lock=requirements/run.txt
  # The test lock holds the load test's tools too (./dev.sh load).
  [[ $extra == test || $extra == load ]] && lock=requirements/test.txt
  if command -v dpkg-query >/dev/null; then
    need_debian_packages "${RUN_PACKAGES[@]}"
    [[ $extra == test ]] && need_debian_packages "${TEST_PACKAGES[@]}"
    [[ $extra == load ]] && need_debian_packages "${LOAD_PACKAGES[@]}"
  fi
  [[ -x $PY ]] || python3 -m venv "$VENV"
  # Reinstall only when the lock or the packaging changed since the last install into this venv.
  local stamp="$VENV/.prepplan-installed" wanted
  wanted=$(cat "$lock" pyproject.toml setup.py | sha256sum | cut -d' ' -f1)
  if [[ ! -f $stamp || $(cat "$stamp") != "$lock $wanted" ]]; then
    "$PY" -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r "$lock"
    # The project itself resolves nothing (--no-deps) and builds with the locked setuptools.
    "$PY" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
    [[ ${2:-} == no-check ]] || lock_covers_pyproject "$extra"
    echo "$lock $wanted" >"$stamp"
  fi
  compile_catalogs
}

# A dependency added to pyproject.toml without `./dev.sh lock` would otherwise go missing
# silently (the lock is installed with --no-deps).
lock_covers_pyproject() {
  "$PY" -I - "$1" <<'PYTHON'  # -I: the installed metadata, not a stale egg-info here
import sys
from importlib.metadata import PackageNotFoundError, requires, version

from packaging.requirements import Requirement

extra = sys.argv[1]
missing = []
for line in requires("prepplan") or []:
    requirement = Requirement(line)
    wanted = {"extra": extra} if extra else {"extra": ""}
    if requirement.marker and not requirement.marker.evaluate(wanted):
        continue
    try:
        installed = version(requirement.name)
    except PackageNotFoundError:
        missing.append(f"{requirement} (not in the lock)")
        continue
    if not requirement.specifier.contains(installed, prereleases=True):
        missing.append(f"{requirement} (lock has {installed})")
if missing:
    sys.exit("pyproject.toml asks for what requirements/ does not hold; run ./dev.sh lock:\n  "
             + "\n  ".join(missing))
PYTHON
}

# Refresh the lock from pyproject.toml (and requirements/*.in). Existing pins are kept unless
# asked (--upgrade, --upgrade-package NAME); holds.in holds back what is known to break.
# The runtime lock takes the test lock's versions, so both install the same packages.
lock() {
  setup test no-check
  local compile=("$VENV/bin/pip-compile" --quiet --generate-hashes --allow-unsafe --strip-extras
                 --no-emit-index-url --no-emit-find-links -c requirements/holds.in "$@")
  "${compile[@]}" --extra test --extra load -o requirements/test.txt pyproject.toml \
    requirements/tools.in
  "${compile[@]}" -c requirements/test.txt -o requirements/run.txt pyproject.toml \
    requirements/build.in
  rm -f "$VENV/.prepplan-installed"
  echo "requirements/ refreshed; ./dev.sh test installs and checks it."
}

# The newest versions pyproject.toml allows (holds.in not applied), in a virtualenv of their
# own so .venv keeps the lock; then the whole suite. A red run here is a library change caught
# before a family sees it: fix the code or add a hold, then ./dev.sh lock --upgrade.
upgrade_check() {
  local venv=.venv-upgrade
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip setuptools wheel
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade \
    --upgrade-strategy eager -e ".[test]"
  echo "Newer than the lock:"
  "$venv/bin/python" -m pip list --format=freeze --exclude-editable | tr 'A-Z_' 'a-z-' \
    | while IFS='=' read -r name _ newest; do
        locked=$(grep -E "^$name==" requirements/test.txt | sed -E 's/^[^=]+==([^ ]+).*/\1/')
        [[ -n $locked && $locked != "$newest" ]] && echo "  $name $locked -> $newest"
      done || true
  "$venv/bin/pybabel" --quiet compile -d translations -D messages
  "$venv/bin/ruff" check prepplan tests bench
  "$venv/bin/python" -m pytest "$@"
}

lint() {
  "$VENV/bin/ruff" check prepplan tests bench tools
  "$VENV/bin/ruff" format --check --quiet prepplan tests bench tools
  "$VENV/bin/mypy"  # what it checks, and how strictly: [tool.mypy] in pyproject.toml
}

compile_catalogs() {
  "$VENV/bin/pybabel" --quiet compile -d translations -D messages
}

extract() {
  "$VENV/bin/pybabel" --quiet extract -F babel.cfg -k _l -k both -k lazy_gettext \
    --add-comments=Translators: --sort-by-file --no-location --omit-header \
    -o translations/messages.pot .
  "$VENV/bin/pybabel" --quiet update -i translations/messages.pot -d translations -D messages \
    --no-fuzzy-matching --ignore-obsolete
}

cmd=${1:-help}
case $cmd in
  setup) setup "${@:2}" ;;
  run)
    setup
    echo "prepplan: serving http://127.0.0.1:5000 (development settings; Ctrl+C stops)"
    PREPPLAN_ENV=${PREPPLAN_ENV:-development} exec "$VENV/bin/gunicorn" -c gunicorn.conf.py \
      --bind 127.0.0.1:5000 wsgi:app
    ;;
  test)
    setup test
    lint
    "$PY" -m pytest "${@:2}"
    ;;
  lint) lint ;;
  extract) extract ;;
  lock) lock "${@:2}" ;;
  upgrade-check) upgrade_check "${@:2}" ;;
  compile) compile_catalogs ;;
  bench) "$PY" bench/run.py "${@:2}" ;;
  audit) "$PY" tools/offline_audit.py ;;
  audit-refresh)
    mkdir -p audit
    curl -fsSL --retry 2 -o audit/osv-pypi.zip.part \
      https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip
    mv audit/osv-pypi.zip.part audit/osv-pypi.zip
    "$PY" tools/offline_audit.py
    ;;
  load)
    setup load
    "$PY" bench/load.py "${@:2}"
    ;;
  *) sed -n '2,18p' "$0"; exit 2 ;;
esac
