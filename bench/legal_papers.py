"""How long a caregiver paper takes to render, per language:
``.venv/bin/python bench/legal_papers.py``.

Figures go in the report, never in a timed test."""

from __future__ import annotations

import time
from pathlib import Path

from prepplan import create_app
from prepplan.i18n import SITE_LANGUAGES
from prepplan.legal import massachusetts as ma
from prepplan.legal.documents import render_legal_pdf
from prepplan.plan.planfile import load_plan

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    app = create_app({"environ": {}}, serving=False)
    plan = load_plan((ROOT / "examples" / "family-plan.json").read_bytes())
    with app.app_context():
        render_legal_pdf(plan, ma.AFFIDAVIT, language="en")  # fonts and stylesheets loaded once
        for language in SITE_LANGUAGES:
            for form in ma.FORMS:
                started, cpu = time.perf_counter(), time.process_time()
                pdf = render_legal_pdf(plan, form, language=language.code)
                elapsed = time.perf_counter() - started
                cpu = time.process_time() - cpu
                print(
                    f"{form:24} {language.code:8} {elapsed:6.2f} s wall {cpu:6.2f} s cpu "
                    f"{len(pdf) / 1024:7.1f} kB"
                )


if __name__ == "__main__":
    main()
