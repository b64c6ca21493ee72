"""Alembic migrations of the server schema, run by `store.migrate` when the server starts."""
