"""Alembic environment for the school inbox.

The app (``prepplan db upgrade``, or start-up on SQLite) passes its own connection in
``config.attributes["connection"]``; plain ``alembic`` with ``sqlalchemy.url`` works too.
"""

from alembic import context
from sqlalchemy import Connection, create_engine

import prepplan.revocation  # noqa: F401 (their tables join the metadata)
import prepplan.school.login_limits  # noqa: F401
import prepplan.school.sessions  # noqa: F401
from prepplan.school.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise SystemExit("no database to migrate: set sqlalchemy.url or use `prepplan db upgrade`")
    engine = create_engine(url)
    with engine.begin() as connection:
        _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("prepplan migrations run online only: use `prepplan db upgrade`.")
run_migrations_online()
