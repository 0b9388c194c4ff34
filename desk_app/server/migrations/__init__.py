"""Alembic migrations of the store (run with `desk-server init`)."""
