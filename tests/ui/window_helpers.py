"""Helpers and fixtures for the window tests: a real store on loopback, real sessions, test settings.

The store is the demo launcher's (`DemoStore`): the real central store on a
fresh SQLite file, with the demo users (agent, specialist, manager, admin;
password "demo") and queues, served by uvicorn on a loopback port that
survives a stop and start. Tickets are made by each test through the API, so
the expected counts are the test's own data, read back from the store's
database. Settings go to an INI file in the test's directory: nothing touches
the real user's settings.

Import the fixtures into a test module with
`from window_helpers import *  # noqa: F403` (pytest finds them there).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import func, select

from desk_app.server.auth import passwords
from desk_app.services.api_client import RetryPolicy, Timeouts
from desk_app.services.session import DeskSession
from desk_app.demo.store import DEMO_PASSWORD, DemoStore
from desk_app.ui.ops import CollectingReporter, OpRunner, set_op_runner
from desk_app.ui.settings import DeskSettings

__all__ = ["UiStore", "WindowFactory", "make_session", "runner", "ticket_body", "ui_settings", "ui_store", "windows"]

API = "/api/v1"
#: Generous for a loaded CI machine; every wait ends as soon as its condition holds.
WAIT_MS = 20_000


def ticket_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "policy": "shopom",
        "subject": "Parcel has not arrived",
        "category": "order_issues",
        "priority": "normal",
        "channel": "email",
        "customer": {"name": "Asha Rao", "email": "asha@example.com", "phone": "+91 98765 43210"},
        "order_id": "SO-1001",
        "message": {"kind": "customer_message", "body": "My order SO-1001 is a week late."},
    }
    body.update(overrides)
    return body


class UiStore:
    """The demo store plus direct API access (what another agent, or the test, does)."""

    def __init__(self, demo: DemoStore) -> None:
        self.demo = demo
        self._tokens: dict[str, str] = {}
        self._http = httpx.Client(timeout=10)

    @property
    def url(self) -> str:
        return self.demo.url

    @property
    def db(self):
        return self.demo.database

    def token(self, username: str) -> str:
        if username not in self._tokens:
            response = self._http.post(self.url + API + "/auth/login",
                                  json={"username": username, "password": DEMO_PASSWORD}, timeout=10)
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["token"]
        return self._tokens[username]

    def call(self, username: str, method: str, path: str, body: Any = None, *, if_match: int | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token(username)}"}
        if if_match is not None:
            headers["If-Match"] = str(if_match)
        response = self._http.request(method, self.url + API + path, json=body, headers=headers, timeout=10)
        assert response.status_code in (200, 201, 204), response.text
        return response.json() if response.content else None

    def create_ticket(self, username: str = "agent", **overrides: Any) -> dict[str, Any]:
        return self.call(username, "POST", "/tickets", ticket_body(**overrides))

    def take(self, username: str, ticket: dict[str, Any]) -> dict[str, Any]:
        return self.call(username, "POST", f"/tickets/{ticket['id']}/take", {}, if_match=ticket["version"])

    def set_status(self, username: str, ticket: dict[str, Any], status: str) -> dict[str, Any]:
        return self.call(username, "POST", f"/tickets/{ticket['id']}/status", {"status": status},
                         if_match=ticket["version"])

    def user_id(self, username: str) -> int:
        from desk_app.server.auth.models import User

        with self.db.read() as session:
            return session.scalar(select(User.id).where(User.username == username))

    def count(self, *where: Any) -> int:
        """Tickets in the store matching SQLAlchemy conditions on `Ticket`."""
        from desk_app.server.tickets.models import Ticket

        with self.db.read() as session:
            return session.scalar(select(func.count()).select_from(Ticket).where(*where))

    def stop(self) -> None:
        self.demo.stop()
        self._http.close()
        self._http = httpx.Client(timeout=10)  # no kept-alive connection to the old server

    def start(self) -> None:
        self.demo.start()


@pytest.fixture
def ui_store(tmp_path: Path) -> Iterator[UiStore]:
    # Cheap hashing for the demo users; hashes carry their parameters, so real ones still verify.
    passwords.configure(time_cost=1, memory_cost_kib=256, parallelism=1)
    demo = DemoStore(tmp_path / "demo", tickets_per_policy=0, heartbeat_seconds=0.5)
    demo.start()
    try:
        store = UiStore(demo)
        yield store
    finally:
        store._http.close()
        demo.close()


@pytest.fixture
def runner(qapp) -> Iterator[OpRunner]:
    """The threaded runner (network pool + cache worker), installed as the default."""
    runner = OpRunner(error_reporter=CollectingReporter())
    previous = set_op_runner(runner)
    try:
        yield runner
    finally:
        set_op_runner(previous)
        runner.shutdown()
        runner.deleteLater()


@pytest.fixture
def ui_settings(tmp_path: Path) -> DeskSettings:
    return DeskSettings(QSettings(str(tmp_path / "desk-app-test.ini"), QSettings.Format.IniFormat))


def make_session(url: str, username: str, data_dir: Path, **options: Any) -> DeskSession:
    """A session as the login dialog makes it, with test-friendly timeouts and back-off."""
    options.setdefault("stream_timeout", 2.0)
    options.setdefault("backoff_base", 0.05)
    options.setdefault("presence_interval", 0.5)
    options.setdefault("timeouts", Timeouts(connect=2.0, read=10.0))
    options.setdefault("retry", RetryPolicy(attempts=2, base=0.01))
    return DeskSession.login(url, username, DEMO_PASSWORD, data_dir=data_dir, **options)


class WindowFactory:
    """Opens logged-in main windows (shown, sessions started); closes and stops them at the test's end."""

    def __init__(self, qtbot, store: UiStore, runner: OpRunner, settings: DeskSettings, data_dir: Path) -> None:
        self.qtbot, self.store, self.runner, self.settings, self.data_dir = qtbot, store, runner, settings, data_dir
        self.opened: list[tuple[Any, DeskSession]] = []

    def __call__(self, username: str, *, wait: bool = True, settings: DeskSettings | None = None,
                 data_dir: Path | None = None, screen: Any = None, **options: Any):
        from desk_app.ui.countdown import CountdownClock
        from desk_app.ui.main_window import MainWindow

        session = make_session(self.store.url, username, data_dir or self.data_dir / f"client-{username}", **options)
        window = MainWindow(session, self.runner, settings or self.settings, clock=CountdownClock(), screen=screen)
        self.opened.append((window, session))
        session.start()
        window.show()
        if wait:
            try:
                self.qtbot.waitUntil(lambda: window.is_filled, timeout=WAIT_MS)
            except AssertionError as exc:  # say what the window was waiting for
                raise AssertionError(f"the first sync did not fill the window: {session.status}, "
                                     f"errors {self.runner.error_reporter.errors}") from exc
        return window

    def close(self, window) -> None:
        for i, (w, session) in enumerate(self.opened):
            if w is window:
                del self.opened[i]
                window.close()
                session.stop()
                window.deleteLater()
                return

    def close_all(self) -> None:
        from PySide6.QtCore import QCoreApplication, QEvent

        while self.opened:
            window, session = self.opened.pop()
            window.shut_down()
            session.stop()
            window.deleteLater()  # and with it every queued report still on its way to it
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def windows(qtbot, ui_store: UiStore, runner: OpRunner, ui_settings: DeskSettings,
            tmp_path: Path) -> Iterator[WindowFactory]:
    factory = WindowFactory(qtbot, ui_store, runner, ui_settings, tmp_path)
    try:
        yield factory
    finally:
        factory.close_all()
