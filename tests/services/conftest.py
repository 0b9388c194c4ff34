"""Fixtures for the client services: a real central store on loopback, real caches.

The store's own fixtures (tests/server/conftest.py) are reused as they are: a
migrated database per backend (SQLite always; PostgreSQL when
DESK_TEST_POSTGRES_URL is set), emptied before each test, the manual clock,
the settings (0.5 s SSE heartbeats) and the app. On top of them `live` runs
the app under uvicorn on a loopback port that survives restarts, so a test can
take the server away and bring it back where the clients expect it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SERVER_TESTS = Path(__file__).resolve().parents[1] / "server"
if str(SERVER_TESTS) not in sys.path:
    sys.path.insert(0, str(SERVER_TESTS))
_spec = importlib.util.spec_from_file_location("desk_server_test_fixtures", SERVER_TESTS / "conftest.py")
server_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(server_fixtures)

# Every fixture of the store's conftest, by name (pytest finds them as attributes of
# this module), so these tests follow that conftest as it evolves.
from _pytest.fixtures import FixtureFunctionDefinition  # noqa: E402

for _name, _value in vars(server_fixtures).items():
    if isinstance(_value, FixtureFunctionDefinition):
        globals()[_name] = _value

from service_helpers import Live, MemoryKeyring  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("filterwarnings", "ignore:Using `httpx` with `starlette.testclient`")


@pytest.fixture
def live(settings, db, clock, policies, tmp_path):
    """A seeded store on loopback (staff: agent, agent2, specialist, manager, admin).

    Its apps are made afresh from the store's settings (one per server start),
    on the test's database and manual clock.
    """
    server = Live.start(settings, db, clock, policies, tmp_path)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def memory_keyring():
    import keyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
