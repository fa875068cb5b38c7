"""The command line, for liaisons, schools and tests: ``prepplan pdf``, ``prepplan schema``,
``prepplan legal`` (caregiver papers) and
the school inbox's commands (``prepplan staff``, ``prepplan purge``, ``prepplan db``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from prepplan.i18n import SITE_LANGUAGES

LANGUAGE_CODES = [language.code for language in SITE_LANGUAGES] + [
    language.slug for language in SITE_LANGUAGES if language.slug != language.code
]


@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the plan file."""
    from prepplan.plan.planfile import plan_json_schema

    click.echo(json.dumps(plan_json_schema(), indent=2, ensure_ascii=False))


@click.command("pdf")
@click.argument("plan_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGE_CODES),
    default=None,
    help="Language of the PDF (default: the plan's own language).",
)
@click.option("--bilingual", is_flag=True, help="Add English beneath every heading and label.")
@click.option("--paper", type=click.Choice(["letter", "a4"]), default="letter")
@click.option(
    "--to-give",
    is_flag=True,
    help="A copy to give to others: no private page, no private item in the file.",
)
@click.option(
    "--district",
    "district_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="District file whose protocol the plan shows (default: PREPPLAN_DISTRICT_FILE;"
    " none: what Massachusetts guidance asks of schools).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def pdf_command(
    plan_file: Path,
    language: str | None,
    bilingual: bool,
    paper: str,
    to_give: bool,
    district_file: Path | None,
    output: Path,
) -> None:
    """Render a plan file (or a prepplan PDF) as the family's plan PDF."""
    from prepplan.config import ConfigError
    from prepplan.documents.plan_pdf import render_plan_pdf
    from prepplan.flow.protocol_views import configured_district
    from prepplan.i18n import site_language
    from prepplan.plan.planfile import PlanFileError, load_plan
    from prepplan.school.district import load_district

    try:
        district = load_district(district_file) if district_file else configured_district()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None

    try:
        plan = load_plan(plan_file.read_bytes())
    except PlanFileError as error:
        # The reason and where in the file (never the values, which may be personal).
        message = f"{plan_file}: not a usable plan file ({error})"
        raise click.ClickException(message) from None
    code = site_language(language or plan.language).code
    output.write_bytes(
        render_plan_pdf(
            plan,
            language=code,
            bilingual=bilingual,
            paper=paper,
            copy="to_give" if to_give else "complete",
            district=district,
        )
    )
    click.echo(f"wrote {output}", err=True)


def register_commands(app: Flask) -> None:
    app.cli.add_command(schema_command)
    app.cli.add_command(pdf_command)
    from prepplan.legal.commands import legal_command

    app.cli.add_command(legal_command)


def main() -> None:
    from flask.cli import FlaskGroup

    from prepplan import create_app

    group = FlaskGroup(
        name="prepplan",
        create_app=lambda: create_app(serving=False),
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
    )
    group.main(args=sys.argv[1:], prog_name="prepplan")
