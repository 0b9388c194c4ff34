"""Test helpers: a restartable store on loopback, sessions against it, an in-memory keychain."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from desk_app.server.app import create_app
from desk_app.server.presence.service import PresenceSettings
from desk_app.services.api_client import ApiClient, RetryPolicy, Timeouts
from desk_app.services.events import ServiceEvents
from desk_app.services.local_cache import LocalCache, cache_file
from desk_app.services.outbox import OutboxWorker
from desk_app.services.session import DeskSession
from desk_app.services.sync_engine import Backoff, SyncEngine
from store_helpers import API, PASSWORD, login, seed_staff_and_queues, ticket_body

#: Short enough that tests never wait long for a retry, long enough not to spin.
FAST_BACKOFF = 0.05


def wait_until(predicate: Callable[[], Any], timeout: float = 15.0, message: str = "condition") -> Any:
    """Poll `predicate` until it is truthy; fail after `timeout` seconds (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.01)


class MemoryKeyring(KeyringBackend):
    """A keychain in memory for tests (priority 5: a real keychain's rank)."""

    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError("not found")
        del self.store[(service, username)]


class LoopbackServer:
    """uvicorn in a thread on a fixed loopback port; stop and start again on the same port."""

    def __init__(self, app_factory: Callable[[], Any]) -> None:
        self.app_factory = app_factory
        self.port = 0
        self.app = None
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LoopbackServer:
        import uvicorn

        self.app = self.app_factory()
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on", timeout_graceful_shutdown=0.2)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn-services-test", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.005)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
            self._server = None


@dataclass
class Live:
    settings: Any
    db: Any
    clock: Any
    policies: Any
    tmp_path: Path
    ids: dict[str, Any]
    server: LoopbackServer
    presence: PresenceSettings = field(default_factory=lambda: PresenceSettings(ttl_seconds=30, recheck_seconds=0.2,
                                                                              heartbeat_seconds=0.5))
    _sessions: list[DeskSession] = field(default_factory=list)
    _tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def start(cls, settings, db, clock, policies, tmp_path: Path) -> Live:
        ids = seed_staff_and_queues(db, clock.now())
        live: Live | None = None

        def factory():
            app = create_app(settings, database=db, clock=clock, policies=policies, listen=False)
            app.state.presence_settings = live.presence
            return app

        live = cls(settings, db, clock, policies, tmp_path, ids, LoopbackServer(factory))
        live.server.start()
        return live

    @property
    def base(self) -> str:
        return self.server.base

    @property
    def app(self):
        return self.server.app

    def close(self) -> None:
        for session in self._sessions:
            try:
                session.stop()
            except Exception:  # noqa: BLE001 - already stopped by the test
                pass
        self.server.stop()

    # -- direct API access (what another agent, or the test itself, does) -------------

    def token(self, username: str) -> str:
        if username not in self._tokens:
            with httpx.Client(base_url=self.base, timeout=10) as http:
                self._tokens[username] = login(http, username)
        return self._tokens[username]

    def call(self, username: str, method: str, path: str, body: Any = None, *, if_match: int | None = None,
             expect: int | tuple[int, ...] = (200, 201, 204)) -> Any:
        headers = {"Authorization": f"Bearer {self.token(username)}"}
        if if_match is not None:
            headers["If-Match"] = str(if_match)
        with httpx.Client(base_url=self.base, timeout=10) as http:
            response = http.request(method, API + path, json=body, headers=headers)
        expected = (expect,) if isinstance(expect, int) else expect
        assert response.status_code in expected, response.text
        return response.json() if response.content else None

    def create_ticket(self, username: str = "agent", **overrides) -> dict[str, Any]:
        return self.call(username, "POST", "/tickets", ticket_body(**overrides))

    # -- clients ----------------------------------------------------------------------

    def session(self, username: str, *, data_dir: Path | None = None, start: bool = True, **options) -> DeskSession:
        options.setdefault("stream_timeout", 2.0)
        options.setdefault("backoff_base", FAST_BACKOFF)
        options.setdefault("presence_interval", 0.5)
        session = DeskSession.login(
            self.base, username, PASSWORD, data_dir=data_dir or self.tmp_path / f"client-{username}",
            timeouts=Timeouts(connect=2.0, read=10.0), retry=RetryPolicy(attempts=2, base=0.01), **options,
        )
        self._sessions.append(session)
        if start:
            session.start()
        return session

    def api(self, username: str) -> ApiClient:
        return ApiClient(self.base, token=self.token(username), timeouts=Timeouts(connect=2.0, read=10.0),
                         retry=RetryPolicy(attempts=2, base=0.01))

    def engine(self, username: str, path: Path, **kw) -> tuple[SyncEngine, LocalCache, ServiceEvents]:
        """A bare engine and cache (no session), for tests that drive the loop by hand."""
        api = self.api(username)
        me = api.me()
        cache = LocalCache(path, user_id=me["id"], user_name=me["display_name"])
        events = ServiceEvents()
        kw.setdefault("stream_timeout", 2.0)
        kw.setdefault("backoff", Backoff(base=FAST_BACKOFF))
        return SyncEngine(api, cache, events, **kw), cache, events

    def outbox(self, engine: SyncEngine) -> OutboxWorker:
        return OutboxWorker(engine.api, engine.cache, engine.events, board=engine.board,
                            backoff=Backoff(base=FAST_BACKOFF))

    def cache_path(self, username: str, data_dir: Path) -> Path:
        return cache_file(data_dir, self.base, username)
