"""For the `alembic` command of developers (e.g. `alembic revision`); the server itself migrates through
`fieldapp.server.store.migrate`, which needs no env.py. Point `sqlalchemy.url` at a scratch database."""

from __future__ import annotations

from alembic import context

config = getattr(context, "config", None)  # absent when this file is imported outside alembic

if config is not None:
    import sqlalchemy as sa

    from fieldapp.server.schema import metadata

    engine = sa.create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
