"""A real central store on loopback for the UI tests (the client services' fixtures, reused).

Import the fixtures into a test module with `from live_store import *`. The
store runs on SQLite only here: the UI does not care which database is behind
the API, and the services' tests cover PostgreSQL.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
for folder in (TESTS / "server", TESTS / "services"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

_spec = importlib.util.spec_from_file_location("desk_ui_server_fixtures", TESTS / "server" / "conftest.py")
_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_server)

from _pytest.fixtures import FixtureFunctionDefinition  # noqa: E402

__all__ = []
for _name, _value in vars(_server).items():
    if isinstance(_value, FixtureFunctionDefinition) and _name != "database":
        globals()[_name] = _value
        __all__.append(_name)

from service_helpers import Live, wait_until  # noqa: E402
START = _server.START  # a Monday morning: business calendars are open


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """One migrated SQLite store for the module's tests (emptied before each by `db`)."""
    from desk_app.server.core.db import Database
    from desk_app.server.core.migrate import upgrade_to_head
    from desk_app.server.core.settings import DatabaseSettings

    path = tmp_path_factory.mktemp("ui-store") / "desk.sqlite3"
    db = Database(DatabaseSettings(url=f"sqlite:///{path}"))
    upgrade_to_head(db)
    yield db
    db.dispose()


@pytest.fixture
def live(settings, db, clock, policies, tmp_path):
    server = Live.start(settings, db, clock, policies, tmp_path)
    try:
        yield server
    finally:
        server.close()


__all__ += ["database", "live", "wait_until", "START"]
