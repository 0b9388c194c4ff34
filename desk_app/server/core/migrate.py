"""Schema upgrades with Alembic (`desk-server init` and the tests)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from desk_app.server.core.db import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database.url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade_to_head(database: Database) -> None:
    upgrade(database, "head")


def upgrade(database: Database, target: str = "head") -> None:
    """Upgrade the schema to `target` in one transaction.

    On SQLite, Alembic's batch mode rebuilds a table to add a constraint
    (create the new table, copy, drop the old one). With foreign keys enforced,
    dropping the old table would delete every row that refers to it through an
    ON DELETE CASCADE (a ticket's clock runs, a thread's attachments): SQLite's
    own procedure for such changes turns enforcement off for the migration and
    checks the references before committing. Enforcement is a connection
    setting that a transaction cannot change, so it is switched on the driver's
    connection before the transaction starts, and back on afterwards.
    """
    config = alembic_config(database)
    if database.engine.dialect.name != "sqlite":
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, target)
        return
    with database.engine.connect() as connection:
        driver = connection.connection.driver_connection
        driver.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, target)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the upgrade to {target} would leave {len(broken)} broken references "
                                       f"(first: {tuple(broken[0])}); nothing was changed")
        finally:
            driver.execute("PRAGMA foreign_keys = ON")


@lru_cache(maxsize=1)
def _head() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


def head_revision(database: Database | None = None) -> str | None:
    """The newest migration shipped with this code (read once per process)."""
    return _head()


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(database: Database) -> bool:
    return current_revision(database) == head_revision(database)
