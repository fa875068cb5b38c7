"""Command-line tools for the school inbox, for whoever runs the site:

prepplan db upgrade                        create or upgrade the database's tables
prepplan staff create --email E --school ID [--school ID] [--password-stdin]
prepplan staff password --email E [--password-stdin]   (also signs out their sessions)
prepplan staff remove --email E
prepplan staff list
prepplan purge                             delete updates entered RETENTION_DAYS ago
prepplan rotate-keys                       re-encrypt every record with the first key
prepplan new-record-key                    print a new key for PREPPLAN_RECORD_KEYS
"""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from prepplan.school import accounts, database, models, store
from prepplan.school.encryption import RecordUnreadable, new_record_key

db_group = AppGroup("db", help="The school inbox's database.")
staff_group = AppGroup("staff", help="School staff accounts for the inbox.")


def _inbox_on() -> None:
    if "prepplan_inbox" not in current_app.extensions:
        raise click.ClickException(
            "The school inbox is off: set PREPPLAN_DISTRICT_FILE (and PREPPLAN_RECORD_KEYS)."
        )


def _read_password(from_stdin: bool, email: str) -> str:
    from prepplan.school.accounts import password_weakness

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    weakness = password_weakness(password, email)
    if weakness:
        raise click.ClickException(
            f"Choose another password: {weakness}. A few unrelated words make a strong one."
        )
    return password


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Create the app's tables (the plan deny list, the inbox), or bring them up to date."""
    # Needed with the inbox off too: the deny list of ended plans lives there (revocation.py).
    database.upgrade_database(current_app.extensions["prepplan_database"])
    click.echo("The database is up to date.")


@staff_group.command("create")
@click.option("--email", required=True, help="The staff member's e-mail (their login).")
@click.option(
    "--school",
    "schools",
    multiple=True,
    required=True,
    help="A school id from the district file; repeat for several schools.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def staff_create(email: str, schools: tuple[str, ...], password_stdin: bool) -> None:
    """Create a staff account for one or more schools."""
    from prepplan.school.accounts import hash_password

    _inbox_on()
    district = current_app.extensions["prepplan_district"]
    unknown = [s for s in schools if district.school(s) is None]
    if unknown:
        raise click.ClickException(
            "Not in the district file: "
            + ", ".join(unknown)
            + ". Known schools: "
            + ", ".join(s.id for s in district.schools)
        )
    email = email.strip().lower()
    if "@" not in email:
        raise click.ClickException("Give the staff member's e-mail address.")
    with database.session() as db:
        if accounts.staff_by_email(db, email) is not None:
            raise click.ClickException(
                f"{email} already has an account (use `prepplan staff password`)."
            )
    password_hash = hash_password(_read_password(password_stdin, email), email)
    with database.session() as db:
        account = models.StaffAccount(
            email=email, password_hash=password_hash, session_version=1, created_at=models.now()
        )
        db.add(account)
        db.flush()
        for school_id in dict.fromkeys(schools):
            db.add(models.StaffSchool(staff_id=account.id, school_id=school_id))
        store.audit(db, "(command line)", "staff-created", school_id=",".join(schools)[:64])
    click.echo(f"Created {email} for {', '.join(schools)}.")


@staff_group.command("password")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def staff_password(email: str, password_stdin: bool) -> None:
    """Set a new password; signs the account out everywhere."""
    from prepplan.school.accounts import hash_password
    from prepplan.school.sessions import end_all

    _inbox_on()
    password_hash = hash_password(_read_password(password_stdin, email), email)
    with database.session() as db:
        account = accounts.staff_by_email(db, email)
        if account is None:
            raise click.ClickException(f"No account for {email}.")
        account.password_hash = password_hash
        account.session_version += 1
        end_all(db, account.id)
        store.audit(db, account.email, "password-changed")
    click.echo(f"New password set for {account.email}.")


@staff_group.command("remove")
@click.option("--email", required=True)
@with_appcontext
def staff_remove(email: str) -> None:
    """Delete a staff account (its audit trail stays)."""
    _inbox_on()
    with database.session() as db:
        account = accounts.staff_by_email(db, email)
        if account is None:
            raise click.ClickException(f"No account for {email}.")
        db.delete(account)
        store.audit(db, "(command line)", "staff-removed")
    click.echo(f"Removed {email.strip().lower()}.")


@staff_group.command("list")
@with_appcontext
def staff_list() -> None:
    """List staff accounts and their schools."""
    _inbox_on()
    with database.session() as db:
        for account in db.scalars(select(models.StaffAccount).order_by(models.StaffAccount.email)):
            click.echo(f"{account.email}\t{', '.join(accounts.staff_schools(db, account.id))}")


@click.command("purge")
@with_appcontext
def purge() -> None:
    """Delete updates marked entered more than RETENTION_DAYS days ago."""
    _inbox_on()
    days = current_app.config["RETENTION_DAYS"]
    count = store.purge_entered(days)
    click.echo(f"Deleted {count} update(s) entered more than {days} days ago.")


@click.command("rotate-keys")
@with_appcontext
def rotate_keys() -> None:
    """Re-encrypt every stored update with the first key of PREPPLAN_RECORD_KEYS."""
    _inbox_on()
    try:
        count = store.rotate_record_keys()
    except RecordUnreadable:
        raise click.ClickException(
            "A stored update cannot be opened with any configured key; nothing was changed. "
            "Keep the old key in PREPPLAN_RECORD_KEYS until rotation succeeds."
        ) from None
    click.echo(f"Re-encrypted {count} update(s) with the first key.")


@click.command("new-record-key")
def new_record_key_command() -> None:
    """Print a new random key for PREPPLAN_RECORD_KEYS."""
    click.echo(new_record_key())


def register(app: Flask) -> None:
    for command in (db_group, staff_group, purge, rotate_keys, new_record_key_command):
        app.cli.add_command(command)
