"""prepplan's benchmarks: ``./dev.sh bench`` or ``.venv/bin/python bench/run.py [section ...]``.

Sections (all by default, about two minutes on two cores):
  languages  the example plan's PDF in every site language: median, p95, ratio to Spanish
  overhead   our PDF helper against bare WeasyPrint on the same HTML and stylesheet
  memory     one fresh process's peak RSS after rendering the plan in every language
  flow       walking the family's flow with the test client against a bare Flask + WTForms page
  efficiency plan PDFs per second with every core rendering, divided by (cores x bare
             WeasyPrint's single-stream rate on the same HTML): 1.0 means no loss at all
  paper      the event kit: blank plan, fillable plan, school form and flyer per language (time
             and size; a fillable PDF embeds its field font whole)

Each figure is printed with its target. Nothing here touches the network or keeps any file.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the flow walker shared with the tests

from prepplan import create_app  # noqa: E402
from prepplan.i18n import SITE_LANGUAGES  # noqa: E402
from prepplan.plan.planfile import load_plan  # noqa: E402

EXAMPLE_PLAN = ROOT / "examples" / "family-plan.json"
SECTIONS = ("languages", "overhead", "memory", "flow", "efficiency", "paper")


# --- measuring --------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), percentile(times, 0.95)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def make_app():
    instance = tempfile.mkdtemp(prefix="prepplan-bench-")
    return create_app({"WTF_CSRF_ENABLED": False}, instance_path=instance)


def example_plan():
    return load_plan(EXAMPLE_PLAN.read_bytes())


# --- (a) every language -----------------------------------------------------------------------


def bench_languages(repeat: int) -> None:
    from prepplan.documents.plan_pdf import render_plan_pdf

    app, plan = make_app(), example_plan()
    print(f"\n(a) Plan PDF per language ({repeat} renders each after one cold render)")
    print(f"    {'language':<9} {'cold s':>7} {'median s':>9} {'p95 s':>7} {'vs es':>6}")
    results = {}
    with app.app_context():
        for language in SITE_LANGUAGES:

            def render(code=language.code):
                return render_plan_pdf(plan, language=code)

            cold = timed(render, 1)[0]
            results[language.code] = (cold, *summary(timed(render, repeat)))
    spanish = results["es"][1]
    worst = 0.0
    for code, (cold, median, p95) in results.items():
        ratio = median / spanish
        worst = max(worst, ratio)
        print(f"    {code:<9} {cold:7.2f} {median:9.2f} {p95:7.2f} {ratio:6.2f}")
    print(
        f"    slowest language / Spanish = {worst:.2f}x (target <= 1.5x): {verdict(worst <= 1.5)}"
    )


# --- (b) our helper against bare WeasyPrint ---------------------------------------------------


def bench_overhead(repeat: int) -> None:
    from weasyprint import CSS, HTML

    from prepplan.documents.pdf import PRINT_STYLESHEETS, STATIC_DIR
    from prepplan.documents.plan_pdf import render_plan_html, render_plan_pdf

    app, plan = make_app(), example_plan()
    stylesheet = "".join((STATIC_DIR / path).read_text("utf-8") for path in PRINT_STYLESHEETS)
    with app.app_context():
        html = render_plan_html(plan, language="es")

        def ours():
            return render_plan_pdf(plan, language="es")

        def bare():
            # WeasyPrint's defaults: its own fetcher, a new font configuration, the stylesheet
            # parsed again, no tags, no attachment.
            return HTML(string=html).write_pdf(stylesheets=[CSS(string=stylesheet)])

        ours(), bare()  # warm both
        ours_times, bare_times = [], []
        for _ in range(repeat):  # interleaved, so drift hits both alike
            ours_times += timed(ours, 1)
            bare_times += timed(bare, 1)
    ours_median, ours_p95 = summary(ours_times)
    bare_median, bare_p95 = summary(bare_times)
    ratio = ours_median / bare_median
    print(
        f"\n(b) Our plan PDF (template + tagged PDF/UA + attachment) vs bare WeasyPrint, "
        f"{repeat} renders each"
    )
    print(f"    ours  median {ours_median:.3f} s  p95 {ours_p95:.3f} s")
    print(f"    bare  median {bare_median:.3f} s  p95 {bare_p95:.3f} s")
    print(f"    ratio {ratio:.2f} (target within 10%: <= 1.10): {verdict(ratio <= 1.10)}")


# --- (c) memory -------------------------------------------------------------------------------


def peak_rss_of_this_memory_map_kb() -> int:
    """VmHWM: the same peak as ru_maxrss, but never inherited from a parent process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


def memory_child() -> None:
    """Run in a fresh process: peak RSS before and after rendering every language."""
    from prepplan.documents.plan_pdf import render_plan_pdf

    app, plan = make_app(), example_plan()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with app.app_context():
        for bilingual in (False, True):
            for language in SITE_LANGUAGES:
                render_plan_pdf(plan, language=language.code, bilingual=bilingual)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {"before_kb": before, "after_kb": after, "vmhwm_kb": peak_rss_of_this_memory_map_kb()}
        )
    )


def bench_memory() -> None:
    # Linux carries ru_maxrss over fork and exec, so a child started straight from this (by now
    # large) process would report our peak. A shell that forks (not execs) the child gives it a
    # clean count: the "; exit" keeps the shell from exec'ing.
    command = ["/bin/sh", "-c", '"$@"; exit $?', "sh", sys.executable, __file__, "--memory-child"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    before, after = figures["before_kb"] / 1024, figures["after_kb"] / 1024
    print(
        "\n(c) One process's peak RSS (ru_maxrss), rendering all 8 languages, plain and bilingual"
    )
    print(
        f"    after start-up {before:.0f} MB; after all renders {after:.0f} MB "
        f"(VmHWM {figures['vmhwm_kb'] / 1024:.0f} MB) (target < 300 MB): "
        f"{verdict(after < 300)}"
    )


# --- (d) the flow -----------------------------------------------------------------------------


def bare_form_app():
    """The smallest honest comparison: one Flask page with a WTForms form, GET then POST."""
    from flask import Flask, redirect, render_template_string
    from flask_wtf import FlaskForm
    from wtforms import BooleanField, SelectField, StringField
    from wtforms.validators import DataRequired, Length, Optional

    class PersonForm(FlaskForm):
        given_name = StringField("Given name", [DataRequired("Required"), Length(max=120)])
        family_name = StringField("Family name", [Optional(), Length(max=120)])
        email = StringField("E-mail", [Optional(), Length(max=120)])
        phone = StringField("Phone", [Optional(), Length(max=120)])
        language = SelectField("Language", choices=[("en", "English"), ("es", "Spanish")])
        relationship = SelectField("Relationship", choices=[("aunt", "Aunt"), ("other", "Other")])
        may_pick_up = BooleanField("May pick up")

    page = """<!doctype html><html lang="en"><head><title>Contact</title></head><body>
    <form method="post">{% for field in form %}<div>{{ field.label }} {{ field() }}
    {% for error in field.errors %}<p>{{ error }}</p>{% endfor %}</div>{% endfor %}
    <button>Save</button></form></body></html>"""

    app = Flask("bare")
    app.config.update(SECRET_KEY="bench", WTF_CSRF_ENABLED=False)

    @app.route("/contact", methods=["GET", "POST"])
    def contact():
        form = PersonForm()
        if form.validate_on_submit():
            return redirect("/contact")
        return render_template_string(page, form=form)

    return app


def bench_flow(walks: int) -> None:
    from flask.testing import FlaskClient
    from walk import FlowWalker

    request_times: list[float] = []

    class TimedClient(FlaskClient):
        """A browser's pattern: open each page, then send it."""

        def post(self, *args, **kwargs):
            start = time.perf_counter()
            super().get(*args)
            request_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            response = super().post(*args, **kwargs)
            request_times.append(time.perf_counter() - start)
            return response

    app, plan = make_app(), example_plan()
    app.test_client_class = TimedClient
    FlowWalker(app.test_client(), lang="es").walk(plan)  # warm templates and catalogs
    request_times.clear()
    for _ in range(walks):
        FlowWalker(app.test_client(), lang="es").walk(plan)
    flow_median, flow_p95 = summary(request_times)

    bare = bare_form_app()
    client = bare.test_client()
    form = {
        "given_name": "Carmen",
        "family_name": "Ortega",
        "email": "c@example.org",
        "phone": "508-555-0123",
        "language": "es",
        "relationship": "aunt",
        "may_pick_up": "y",
    }

    def get():
        return client.get("/contact")

    def post():
        return client.post("/contact", data=form)

    get(), post()
    bare_times = []
    for _ in range(len(request_times) // 2):
        bare_times += timed(get, 1) + timed(post, 1)
    bare_median, bare_p95 = summary(bare_times)
    ratio = flow_p95 / bare_p95
    print(
        f"\n(d) Walking the flow ({walks} walks of the example plan, each step opened then sent:"
        f" {len(request_times)} requests) vs a bare Flask + WTForms page (GET + POST)"
    )
    print(f"    flow  median {flow_median * 1000:.1f} ms  p95 {flow_p95 * 1000:.1f} ms")
    print(f"    bare  median {bare_median * 1000:.1f} ms  p95 {bare_p95 * 1000:.1f} ms")
    print(f"    p95 ratio {ratio:.1f}x (target <= 5x): {verdict(ratio <= 5)}")


# --- (e) efficiency with every core busy -----------------------------------------------------


def _render_until(deadline_start: float, seconds: float, results) -> None:
    """One worker process: our full plan PDF, again and again, for ``seconds`` from a common
    start; puts the number it finished and the CPU seconds they took."""
    from prepplan.documents.plan_pdf import render_plan_pdf

    app, plan = make_app(), example_plan()
    with app.app_context():
        render_plan_pdf(plan, language="es")  # warm: fonts and stylesheet, as a running worker
        while time.time() < deadline_start:
            time.sleep(0.01)
        done, cpu_start = 0, time.process_time()
        while time.time() < deadline_start + seconds:
            render_plan_pdf(plan, language="es")
            done += 1
    results.put((done, time.process_time() - cpu_start))


def bench_efficiency(repeat: int, seconds: float) -> None:
    import multiprocessing
    import os

    from weasyprint import CSS, HTML

    from prepplan.documents.pdf import PRINT_STYLESHEETS, STATIC_DIR
    from prepplan.documents.plan_pdf import render_plan_html

    app, plan = make_app(), example_plan()
    stylesheet = "".join((STATIC_DIR / path).read_text("utf-8") for path in PRINT_STYLESHEETS)
    with app.app_context():
        html = render_plan_html(plan, language="es")

    def bare():
        return HTML(string=html).write_pdf(stylesheets=[CSS(string=stylesheet)])

    bare()
    cpu_start = time.process_time()
    bare_median, _p95 = summary(timed(bare, repeat))
    bare_cpu = (time.process_time() - cpu_start) / repeat
    cores = os.cpu_count() or 1
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start = time.time() + 15  # every process loaded and warm before the clock starts
    workers = [
        context.Process(target=_render_until, args=(start, seconds, results)) for _ in range(cores)
    ]
    for worker in workers:
        worker.start()
    counts = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    finished = sum(done for done, _cpu in counts)
    ours_cpu = sum(cpu for _done, cpu in counts) / max(finished, 1)
    throughput = finished / seconds
    ratio = throughput / (cores / bare_median)
    print(
        f"\n(e) Plan PDFs with all {cores} cores rendering ({seconds:.0f} s, our full PDF) vs "
        f"{cores} x bare WeasyPrint single-stream on the same HTML ({repeat} renders)"
    )
    print(f"    bare single stream {1 / bare_median:.2f} PDF/s (median {bare_median:.2f} s)")
    print(f"    ours, all cores    {throughput:.2f} PDF/s ({finished} PDFs)")
    # CPU seconds per PDF hardly depend on what else the machine runs; the wall-clock ratio
    # below does, so on a shared machine it says as much about the neighbours as about us.
    print(
        f"    CPU per PDF: bare {bare_cpu:.2f} s, ours {ours_cpu:.2f} s "
        f"(ratio {bare_cpu / ours_cpu:.2f})"
    )
    print(f"    efficiency {ratio:.2f} (1.0 = every core as fast as bare WeasyPrint alone)")


# --- (f) the event kit ------------------------------------------------------------------------


def bench_paper(repeat: int) -> None:
    from prepplan.documents.kit import KIT_ITEMS

    app = make_app()
    items = [item for item in KIT_ITEMS if item.name != "table-tent"]
    print(f"\n(f) Event kit per language: median s over {repeat} renders, and size in kB")
    print(f"    {'language':<9}" + "".join(f" {item.name:>22}" for item in items))
    worst_size = 0
    with app.app_context():
        for language in SITE_LANGUAGES:
            cells = []
            for item in items:

                def render(item=item, code=language.code):
                    return item.render(code, "letter", "https://plan.example.org")

                size = len(render())
                worst_size = max(worst_size, size)
                median, _p95 = summary(timed(render, repeat))
                cells.append(f"{median:6.2f} s {size / 1024:8.0f} kB")
            print(f"    {language.code:<9}" + "".join(f" {cell:>22}" for cell in cells))
    print(
        f"    largest file {worst_size / 1024:.0f} kB (target <= 3000 kB, a phone's download): "
        f"{verdict(worst_size <= 3_000_000)}"
    )


# --- entry ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "sections",
        nargs="*",
        metavar="section",
        help="languages, overhead, memory, flow, efficiency, paper (default: all)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="renders per PDF figure")
    parser.add_argument("--walks", type=int, default=10, help="walks through the flow")
    parser.add_argument(
        "--seconds", type=float, default=30, help="how long every core renders (efficiency)"
    )
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child()
        return
    sections = args.sections or list(SECTIONS)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section: {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    for section in sections:
        if section == "languages":
            bench_languages(args.repeat)
        elif section == "overhead":
            bench_overhead(args.repeat + 2)
        elif section == "memory":
            bench_memory()
        elif section == "flow":
            bench_flow(args.walks)
        elif section == "efficiency":
            bench_efficiency(args.repeat, args.seconds)
        elif section == "paper":
            bench_paper(max(1, args.repeat // 2))
    print(f"\nTotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
