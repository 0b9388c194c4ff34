"""The window on a real X server (Xvfb), not only offscreen: Qt's X11 plugin loads, draws and takes keys.

`./desk test` installs Xvfb and xdotool (apt) and the system libraries Qt's X11
plugin loads (found from the plugin's own dependencies: desk_app/ui/qt_runtime.py);
without Xvfb or xdotool these tests are skipped and say so. Each test runs the
real `desk-app demo` in a process of its own with QT_QPA_PLATFORM=xcb on an
Xvfb display of its own: the plugin cannot be loaded into this process, which
runs on the offscreen platform. A person's keystrokes come from xdotool
(XTEST, as a keyboard would send them), and what they did is read back from
the demo store's database.
"""

from __future__ import annotations

import os
import select
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtGui import QImage
from window_helpers import API, ticket_body

from desk_app.server.auth import passwords
from desk_app.ui import qt_runtime
from desk_app.demo.store import DEMO_PASSWORD, DemoStore

ROOT = Path(__file__).resolve().parents[2]
#: Generous for a loaded CI machine; every wait ends as soon as its condition holds.
WAIT = 120.0

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 (Xvfb) tests run on Linux")


@pytest.fixture(scope="module")
def x_display() -> Iterator[str]:
    """A fresh Xvfb on a free display number (Xvfb picks it and tells through -displayfd)."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed (./desk test installs it: apt-get install xvfb xdotool)")
    read, write = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write)
    number = b""
    deadline = time.monotonic() + 30
    while not number.endswith(b"\n"):
        ready, _, _ = select.select([read], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(read, 16) if ready else b""
        if not chunk:
            server.kill()
            raise RuntimeError(f"Xvfb did not start: {server.stderr.read().decode(errors='replace')[-2000:]}")
        number += chunk
    os.close(read)
    display = f":{int(number)}"
    try:
        problem = qt_runtime.window_problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": display})
        if problem is not None:  # a real failure: the CI machine lacks what ./desk should have installed
            pytest.fail(problem)
        yield display
    finally:
        server.terminate()
        server.wait(timeout=10)


def _app_env(display: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return {**env, "QT_QPA_PLATFORM": "xcb", "DISPLAY": display, "PYTHONPATH": str(ROOT), "LC_ALL": "C.UTF-8"}


def test_the_demo_window_is_drawn_on_a_real_x_server(x_display, tmp_path):
    shot = tmp_path / "window.png"
    done = subprocess.run(
        [sys.executable, "-m", "desk_app.ui.app", "demo", "--data-dir", str(tmp_path / "demo"),
         "--screenshot", str(shot), "--timeout", str(WAIT)],
        env=_app_env(x_display), cwd=ROOT, capture_output=True, text=True, timeout=WAIT + 60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 800 and image.height() >= 500
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 30, "a drawn window (text, icons, rows), not an empty surface"


def _xdotool(*args: str, display: str) -> str:
    done = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, capture_output=True,
                          text=True, timeout=WAIT)
    assert done.returncode == 0 or args[0] == "search", f"xdotool {' '.join(args)}: {done.stderr}"
    return done.stdout


def _wait(what: str, predicate, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _query(path: Path, sql: str, *args) -> list[tuple]:
    if not path.exists():
        return []
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return connection.execute(sql, args).fetchall()
    except sqlite3.OperationalError:  # not created yet
        return []
    finally:
        connection.close()


def test_an_agent_types_into_the_window_on_a_real_x_server(x_display, tmp_path):
    """Ctrl+F, the ticket's number, Down, Enter: the ticket opens; Ctrl+Shift+N, a note, Ctrl+Enter: it is added."""
    if shutil.which("xdotool") is None:
        pytest.skip("xdotool is not installed (./desk test installs it: apt-get install xvfb xdotool)")
    # The demo store, made beforehand with one ticket of the test's own (and none of the sample
    # ones, so that nothing falls due while the test types).
    passwords.configure(time_cost=1, memory_cost_kib=256, parallelism=1)
    data = tmp_path / "demo"
    store = DemoStore(data, tickets_per_policy=0)
    try:
        url = store.start()
        token = httpx.post(url + API + "/auth/login", json={"username": "agent", "password": DEMO_PASSWORD},
                           timeout=10).json()["token"]
        ticket = httpx.post(url + API + "/tickets", json=ticket_body(subject="Parcel stuck at the depot"),
                            headers={"Authorization": f"Bearer {token}"}, timeout=10).json()
    finally:
        store.close()

    app = subprocess.Popen([sys.executable, "-m", "desk_app.ui.app", "demo", "--data-dir", str(data)],
                           env=_app_env(x_display), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    note = "Typed on a real X server: the courier confirmed pickup."
    try:
        window = _wait("the main window", lambda: _xdotool(  # "Desk — Ava Agent (Agent)", not the splash
            "search", "--all", "--onlyvisible", "--pid", str(app.pid), "--name", "Agent", display=x_display).split())[0]
        caches = lambda: list((data / "clients" / "cache").glob("*.sqlite3"))  # noqa: E731
        _wait("the first sync", lambda: any(_query(c, "SELECT 1 FROM tickets WHERE id = ?", ticket["id"])
                                            for c in caches()))
        _xdotool("windowfocus", "--sync", window, display=x_display)
        _xdotool("key", "--clearmodifiers", "ctrl+f", display=x_display)
        _xdotool("type", "--delay", "30", ticket["number"], display=x_display)
        # The results drop down in a window of their own once the search answered.
        _wait("the search results", lambda: len(_xdotool(
            "search", "--all", "--onlyvisible", "--pid", str(app.pid), "--name", "", display=x_display).split()) >= 2)
        _xdotool("key", "Down", "Return", display=x_display)
        _xdotool("key", "--clearmodifiers", "ctrl+shift+n", display=x_display)
        _xdotool("type", "--delay", "10", note, display=x_display)
        _xdotool("key", "--clearmodifiers", "ctrl+Return", display=x_display)

        store_db = data / "store" / "desk.sqlite3"
        added = _wait("the note in the store", lambda: _query(
            store_db, "SELECT ticket_id, kind FROM thread_entries WHERE body = ?", note), timeout=60)
        assert added == [(ticket["id"], "internal_note")], "the note went to the ticket found by its number"
    finally:
        app.terminate()
        try:
            output, _ = app.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            app.kill()
            output, _ = app.communicate()
        if sys.exc_info()[0] is not None:
            print(output[-5000:])
