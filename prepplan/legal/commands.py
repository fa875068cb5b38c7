"""``prepplan legal``: a caregiver paper from a plan file, or a blank one for paper use."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from prepplan.legal import massachusetts as ma


@click.command("legal")
@click.argument(
    "plan_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--form", type=click.Choice(ma.FORMS), required=True, help="Which paper.")
@click.option(
    "--lang",
    "language",
    default=None,
    help="The family's language, printed beside the English (default: the plan's).",
)
@click.option("--blank", is_flag=True, help="A blank paper with no family data, to fill by hand.")
@click.option(
    "--notaries",
    "notaries_file",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A TOML list of free notaries (default: PREPPLAN_NOTARIES_FILE).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def legal_command(
    plan_file: Path | None,
    form: str,
    language: str | None,
    blank: bool,
    notaries_file: Path | None,
    output: Path,
) -> None:
    """Make a caregiver paper (Massachusetts) from PLAN_FILE, or a blank one with --blank."""
    from prepplan.cli import LANGUAGE_CODES
    from prepplan.i18n import site_language
    from prepplan.legal.documents import render_legal_pdf
    from prepplan.legal.notaries import NotariesFileError, configured_notaries, load_notaries
    from prepplan.plan.model import Plan
    from prepplan.plan.planfile import PlanFileError, load_plan

    if language is not None and language not in LANGUAGE_CODES:
        raise click.BadParameter(f"one of {', '.join(LANGUAGE_CODES)}", param_hint="--lang")
    if blank == (plan_file is not None):
        raise click.UsageError("give a plan file, or --blank for a paper with no family data")
    if plan_file is None:
        plan = Plan()
    else:
        try:
            plan = load_plan(plan_file.read_bytes())
        except PlanFileError as error:
            message = f"{plan_file}: not a usable plan file ({error.reason})"
            raise click.ClickException(message) from None
    try:
        notaries = load_notaries(notaries_file) if notaries_file else configured_notaries()
    except NotariesFileError as error:
        raise click.ClickException(str(error)) from None
    code = site_language(language or plan.language).code
    output.write_bytes(render_legal_pdf(plan, form, language=code, blank=blank, notaries=notaries))
    click.echo(f"wrote {output}", err=True)
