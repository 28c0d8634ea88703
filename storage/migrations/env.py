"""Alembic environment: runs against the connection the caller hands in
(``config.attributes["connection"]``), or against ``DATABASE_URL``."""

from __future__ import annotations

import os

from alembic import context

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    from storage.db import DEFAULT_URL, make_engine

    engine = make_engine(os.environ.get("DATABASE_URL", DEFAULT_URL))
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


def run_migrations_offline() -> None:
    from storage.db import DEFAULT_URL

    context.configure(url=os.environ.get("DATABASE_URL", DEFAULT_URL), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
