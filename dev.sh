#!/usr/bin/env bash
# prepplan's own commands. On a fresh Debian machine with python3, `./dev.sh run` installs
# everything and serves the site; `./dev.sh test` installs everything and runs every test.
#   ./dev.sh setup      virtualenv, Python packages, Debian fonts and libraries, compiled catalogs
#   ./dev.sh run        setup, then serve http://127.0.0.1:5000 (SQLite, development settings)
#   ./dev.sh test       setup (with test tools and Chromium), then lint, catalogs check and pytest
#   ./dev.sh lint       ruff
#   ./dev.sh extract    re-extract messages into translations/messages.pot and update catalogs
#   ./dev.sh compile    compile the catalogs (setup does it too)
#   ./dev.sh bench      the benchmarks in bench/
set -euo pipefail
cd "$(dirname "$0")"

VENV=${PREPPLAN_VENV:-.venv}
PY="$VENV/bin/python"
# What the PDF and the tests need from Debian: fonts for all eight languages, Pango for
# WeasyPrint, Chromium for the browser tests, poppler for looking at PDFs as PNGs, zbar for
# reading back the QR codes on printed flyers.
RUN_PACKAGES=(python3-venv python3-pip libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
              fonts-noto-core fonts-noto-cjk fonts-dejavu-core)
TEST_PACKAGES=(chromium poppler-utils zbar-tools)

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

setup() {
  local extra=${1:-}
  if command -v dpkg-query >/dev/null; then
    need_debian_packages "${RUN_PACKAGES[@]}"
    [[ $extra == test ]] && need_debian_packages "${TEST_PACKAGES[@]}"
  fi
  [[ -x $PY ]] || python3 -m venv "$VENV"
  "$PY" -m pip install -q --disable-pip-version-check --upgrade pip
  if [[ $extra == test ]]; then
    "$PY" -m pip install -q --disable-pip-version-check -e ".[test]"
  else
    "$PY" -m pip install -q --disable-pip-version-check -e .
  fi
  compile_catalogs
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
  setup) setup ;;
  run)
    setup
    echo "prepplan: serving http://127.0.0.1:5000 (development settings; Ctrl+C stops)"
    PREPPLAN_ENV=${PREPPLAN_ENV:-development} exec "$VENV/bin/gunicorn" -c gunicorn.conf.py \
      --bind 127.0.0.1:5000 wsgi:app
    ;;
  test)
    setup test
    "$VENV/bin/ruff" check prepplan tests bench
    "$PY" -m pytest "${@:2}"
    ;;
  lint) "$VENV/bin/ruff" check prepplan tests bench ;;
  extract) extract ;;
  compile) compile_catalogs ;;
  bench) "$PY" bench/run.py "${@:2}" ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
