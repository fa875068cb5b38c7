"""The command line, for liaisons, schools and tests: ``prepplan pdf``, ``prepplan schema``,
``prepplan legal`` (caregiver papers), the event kit (``prepplan paper``, ``prepplan flyer``,
``prepplan kit``) and the school inbox's commands (``prepplan staff``, ``prepplan purge``,
``prepplan db``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask
from flask.cli import with_appcontext

from prepplan.i18n import SITE_LANGUAGES

if TYPE_CHECKING:  # the commands import the documents (and WeasyPrint) only when they run
    from prepplan.documents.paper import PaperKind
    from prepplan.documents.plan_pdf import Paper

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
    paper: Paper,
    to_give: bool,
    district_file: Path | None,
    output: Path,
) -> None:
    """Render a plan file (or a prepplan PDF) as the family's plan PDF."""
    from prepplan.config import ConfigError
    from prepplan.documents.plan_pdf import render_plan_pdf
    from prepplan.i18n import site_language
    from prepplan.plan.planfile import PlanFileError, load_plan
    from prepplan.school.district import configured_district, load_district

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


def _base_url(url: str | None) -> str:
    """--url, else PREPPLAN_BASE_URL; an absolute http(s) address either way."""
    from flask import current_app

    from prepplan.documents.flyer import BadBaseURL, check_base_url

    chosen = url or current_app.config.get("BASE_URL", "")
    if not chosen:
        raise click.UsageError("give the site's address with --url (or set PREPPLAN_BASE_URL)")
    try:
        return check_base_url(chosen)
    except BadBaseURL as error:
        raise click.BadParameter(str(error), param_hint="--url") from None


@click.command("paper")
@click.option("--lang", "language", type=click.Choice(LANGUAGE_CODES), default="en")
@click.option("--fillable", is_flag=True, help="PDF form fields to fill in a PDF reader.")
@click.option("--school-form", is_flag=True, help="The school contact form instead of the plan.")
@click.option("--paper", type=click.Choice(["letter", "a4"]), default="letter")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def paper_command(
    language: str, fillable: bool, school_form: bool, paper: Paper, output: Path
) -> None:
    """A blank plan (or school form) to fill in by hand or in a PDF reader."""
    from prepplan.documents.paper import render_blank_pdf

    kind: PaperKind = "school-form" if school_form else "plan"
    output.write_bytes(render_blank_pdf(kind, language=language, paper=paper, fillable=fillable))
    click.echo(f"wrote {output}", err=True)


@click.command("flyer")
@click.option("--lang", "language", type=click.Choice(LANGUAGE_CODES), default="en")
@click.option("--url", default=None, help="The site's address (default: PREPPLAN_BASE_URL).")
@click.option("--tent", is_flag=True, help="A table tent: fold the sheet in two.")
@click.option("--paper", type=click.Choice(["letter", "a4"]), default="letter")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def flyer_command(language: str, url: str | None, tent: bool, paper: Paper, output: Path) -> None:
    """A flyer whose QR code opens the site's start page in one language."""
    from prepplan.documents.flyer import render_flyer_pdf

    output.write_bytes(
        render_flyer_pdf(
            language=language,
            base_url=_base_url(url),
            layout="tent" if tent else "flyer",
            paper=paper,
        )
    )
    click.echo(f"wrote {output}", err=True)


@click.command("kit")
@click.option("--url", default=None, help="The site's address (default: PREPPLAN_BASE_URL).")
@click.option("--paper", type=click.Choice(["letter", "a4"]), default="letter")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True)
@with_appcontext
def kit_command(url: str | None, paper: Paper, output: Path) -> None:
    """Every blank paper, fillable form, flyer and table tent, in every language."""
    from prepplan.documents.kit import write_kit

    written = write_kit(output, _base_url(url), paper)
    click.echo(f"wrote {len(written)} files to {output}", err=True)


def register_commands(app: Flask) -> None:
    app.cli.add_command(schema_command)
    app.cli.add_command(pdf_command)
    from prepplan.legal.commands import legal_command

    app.cli.add_command(legal_command)
    app.cli.add_command(paper_command)
    app.cli.add_command(flyer_command)
    app.cli.add_command(kit_command)


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
