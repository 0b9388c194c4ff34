"""The demo: the embedded store, `desk-app demo --screenshot` end to end, and the role switcher."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import httpx
import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtGui import QImage
from window_helpers import *  # noqa: F403
from window_helpers import API, WAIT_MS

from desk_app.server.auth import passwords
from desk_app.ui.app import DeskController
from desk_app.demo.store import DEMO_PASSWORD, DEMO_ROLES, DemoStore
from desk_app.ui.settings import DeskSettings


def _login(url: str, username: str) -> httpx.Response:
    return httpx.post(url + API + "/auth/login", json={"username": username, "password": "demo"}, timeout=10)


def _tickets(store: DemoStore) -> int:
    from sqlalchemy import func, select

    from desk_app.server.tickets.models import Ticket

    with store.database.read() as session:
        return session.scalar(select(func.count()).select_from(Ticket))


def test_demo_store_serves_the_demo_users_and_keeps_its_data_and_port_across_restarts(tmp_path):
    passwords.configure(time_cost=1, memory_cost_kib=256, parallelism=1)
    store = DemoStore(tmp_path / "demo", tickets_per_policy=0)
    try:
        url = store.start()
        from desk_app.server.demo import seed

        assert DEMO_PASSWORD == seed.DEMO_PASSWORD
        assert set(DEMO_ROLES) == {name for name, _, _ in seed.DEMO_USERS} - {"admin"}
        for role in DEMO_ROLES:
            assert _login(url, role).json()["user"]["role"] == role
        before = _tickets(store)
        assert before > 0  # the live tickets the seed always makes
        store.stop()
        try:
            _login(url, "agent")
            raise AssertionError("the store still answers after stop()")
        except httpx.ConnectError:
            pass
        assert store.start() == url  # same port: clients find it again
        assert _tickets(store) == before  # the same data (seeding happens on the first start only)
    finally:
        store.close()
    assert (tmp_path / "demo").exists()  # a given directory is the user's: kept


def test_temporary_demo_directory_is_removed_on_close():
    store = DemoStore(tickets_per_policy=0)
    where = store.data_dir
    assert where.exists()
    store.close()
    assert not where.exists()


def test_desk_app_demo_screenshot_writes_the_managers_window(tmp_path):
    shot = tmp_path / "manager.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "desk_app.ui.app", "demo", "--role", "manager", "--screenshot", str(shot),
         "--data-dir", str(tmp_path / "demo"), "--timeout", "120"],
        env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    image = QImage(str(shot))
    assert not image.isNull()
    assert image.width() >= 1000 and image.height() >= 600
    # Not a blank grab: the table, sidebar and status bar put many colours on it.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 50
    # The demo's settings stay in its directory, not in the user's.
    assert (tmp_path / "demo" / "desk-app.ini").exists()


def test_role_switcher_opens_the_other_roles_workspace(qtbot, runner, tmp_path):
    passwords.configure(time_cost=1, memory_cost_kib=256, parallelism=1)
    store = DemoStore(tmp_path / "demo", tickets_per_policy=0, heartbeat_seconds=0.5)
    settings = DeskSettings(QSettings(str(tmp_path / "demo.ini"), QSettings.Format.IniFormat))
    args = argparse.Namespace(role="agent", screenshot=None, timeout=60.0, data_dir=tmp_path / "demo")
    controller = DeskController(QCoreApplication.instance(), runner, settings, args, store=store,
                                session_options={"stream_timeout": 2.0, "backoff_base": 0.05})
    windows = []
    try:
        controller.start()
        qtbot.waitUntil(lambda: controller.window is not None and controller.window.is_filled, timeout=WAIT_MS)
        agent_window = controller.window
        windows.append(agent_window)
        assert agent_window.user["username"] == "agent" and agent_window.demo_menu is not None
        assert agent_window.dashboard is None
        switch = agent_window.findChild(type(agent_window.act_next), "switch_role_manager")
        switch.trigger()
        qtbot.waitUntil(lambda: controller.window is not None and controller.window is not agent_window
                        and controller.window.is_filled, timeout=WAIT_MS)
        manager_window = controller.window
        windows.append(manager_window)
        assert manager_window.user["username"] == "manager"
        assert manager_window.dashboard is not None
        assert not shiboken6.isValid(agent_window) or not agent_window.isVisible()
    finally:
        if controller.window is not None:
            controller.window.closed.disconnect(controller._window_closed)
        controller.shut_down()
        for window in windows:
            if shiboken6.isValid(window):  # the switch deleted the agent's window already
                window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_screenshot_size_is_parsed_and_bad_sizes_are_refused(capsys):
    from desk_app.ui.app import build_parser

    assert build_parser(True).parse_args(["--size", "1366x768"]).size == (1366, 768)
    assert build_parser(True).parse_args([]).size is None  # 1440x900
    for bad in ("big", "1366", "100x100"):
        with pytest.raises(SystemExit):
            build_parser(True).parse_args(["--size", bad])
    assert "smaller than any screen" in capsys.readouterr().err
