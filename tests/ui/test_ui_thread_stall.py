"""The UI thread never waits on the network: with every server response delayed, it keeps ticking.

A loopback proxy in front of the real store holds back the start of each
response by `DELAY` seconds. A 1 ms precise `QTimer` on the UI thread records
the longest gap between its ticks while the client logs in, bootstraps,
syncs, opens tickets and receives another agent's change through the slow
proxy. Every one of those waits a multiple of `DELAY` on the network, so a
single blocking call on the UI thread would show as a gap of at least
`DELAY`; the test asserts no gap reaches `DELAY`, and that the longest gap
stays under 50 ms in every phase, the opening of tickets included (the ticket
panel starts its reads after the selection is painted and builds long threads
in slices; the queue answers a repaint with one call into Python per cell,
`TicketTableModel.multiData`, so a worker holding the interpreter lock cannot
stretch it; and the window takes the objects it is built from out of the
collector's full passes, `ui/heap.py`).

A gap counts the UI thread's own time: work on it, waiting for the
interpreter lock held by the client's workers, any I/O; the time the kernel
kept the runnable thread waiting for a CPU (other processes' load, read from
/proc/thread-self/schedstat) is left out. When that share passes
`OVERLOADED` and the limit is missed by a gap shorter than `DELAY` (so not
a network wait), the machine is too busy for a 50 ms bound to mean anything
and the test is skipped, saying so; a gap of `DELAY` or more always fails.

Building the window is left out of the measurement: it is widget work on
the UI thread (tens of milliseconds the first time), not waiting. The store
runs in a process of its own (`python -m desk_app.demo.store`), so that
its threads do not compete with the client's for the interpreter: what is
measured is the client alone.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from window_helpers import *  # noqa: F403
from window_helpers import API, WAIT_MS, ticket_body

from desk_app.services.api_client import RetryPolicy, Timeouts
from desk_app.ui.app import SWITCH_INTERVAL
from desk_app.ui.countdown import CountdownClock
from desk_app.ui.login_dialog import LoginDialog
from desk_app.ui.main_window import MainWindow

DELAY = 0.25
LIMIT_MS = 50.0
#: When the runnable UI thread waited for a CPU more than this share of the measured time, other
#: processes own the machine: a gap over the limit then says nothing about this client.
OVERLOADED = 0.10


class SlowProxy:
    """TCP proxy on loopback: each response (the first bytes after a request) starts `delay` seconds late."""

    def __init__(self, upstream_port: int, delay: float) -> None:
        self.upstream_port = upstream_port
        self.delay = delay
        self.delayed = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, name="slow-proxy", daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._sockets += [client, upstream]
            asked = threading.Event()
            threading.Thread(target=self._pump, args=(client, upstream, asked, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, asked, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, asked: threading.Event, answers: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if not answers:
                    asked.set()  # a request went up: its answer will be held back
                elif asked.is_set():
                    asked.clear()
                    self.delayed += 1
                    time.sleep(self.delay)
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
        for s in self._sockets:
            try:
                s.close()
            except OSError:
                pass


class GapMeter(QObject):
    """The longest gap between ticks of a 1 ms timer on the UI thread, while running.

    `max_gap_ms` is the wall-clock gap. `max_own_gap_ms` leaves out the time
    the kernel kept the runnable UI thread waiting for a CPU (its run-queue
    delay, from /proc/thread-self/schedstat): on a machine busy with other
    processes that is not this process's doing. Everything else counts: work
    on the UI thread, waiting for the interpreter lock held by the client's
    own workers, and any network or disk wait. Without schedstat (not Linux)
    both are the wall-clock gap.
    """

    def __init__(self) -> None:
        super().__init__()
        self.max_gap_ms = 0.0
        self.max_own_gap_ms = 0.0
        self.by_phase: dict[str, float] = {}
        self.phase = ""
        self.ticks = 0
        self.measured_ms = 0.0
        self.run_queue_ms = 0.0  # of it, time the kernel kept the runnable UI thread off the CPUs
        self._last: float | None = None
        self._last_delay = 0.0
        try:
            self._schedstat: int | None = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
        except OSError:
            self._schedstat = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(1)
        self._timer.timeout.connect(self._tick)

    def _run_delay_ms(self) -> float:
        if self._schedstat is None:
            return 0.0
        return int(os.pread(self._schedstat, 128, 0).split()[1]) / 1e6

    def _tick(self) -> None:
        now, delay = time.perf_counter(), self._run_delay_ms()
        if self._last is not None:
            gap = (now - self._last) * 1000
            own = gap - (delay - self._last_delay)
            self.measured_ms += gap
            self.run_queue_ms += delay - self._last_delay
            self.max_gap_ms = max(self.max_gap_ms, gap)
            self.max_own_gap_ms = max(self.max_own_gap_ms, own)
            self.by_phase[self.phase] = max(self.by_phase.get(self.phase, 0.0), own)
        self._last, self._last_delay = now, delay
        self.ticks += 1

    def start(self, phase: str) -> None:
        self.phase = phase
        self._last = None
        self._timer.start()

    def pause(self) -> None:
        self._timer.stop()
        self._last = None

    def close(self) -> None:
        self.pause()
        if self._schedstat is not None:
            os.close(self._schedstat)
            self._schedstat = None


class StoreProcess:
    """The demo store in a child process; API calls straight to it (not through the proxy)."""

    def __init__(self, data_dir) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "desk_app.demo.store", "--data-dir", str(data_dir),
             "--tickets-per-policy", "0", "--heartbeat", "0.5"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.url = self.process.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), "the store process did not start"
        self.port = int(self.url.rsplit(":", 1)[1])
        self.http = httpx.Client(base_url=self.url + API, timeout=20)
        token = self.http.post("/auth/login", json={"username": "agent", "password": "demo"}).json()["token"]
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body=None, *, if_match: int | None = None):
        headers = {"If-Match": str(if_match)} if if_match is not None else {}
        response = self.http.request(method, path, json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        return response.json()

    def close(self) -> None:
        self.http.close()
        self.process.stdin.close()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def store_process(tmp_path):
    store = StoreProcess(tmp_path / "store")
    try:
        yield store
    finally:
        store.close()


def test_ui_thread_never_stalls_while_the_server_answers_slowly(qtbot, store_process, runner, ui_settings, tmp_path):
    made = [store_process.call("POST", "/tickets", ticket_body(subject=f"Slow parcel {i}", order_id=f"SO-{3000 + i}"))
            for i in range(30)]
    proxy = SlowProxy(store_process.port, DELAY)
    previous_interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)  # as desk-app sets it
    meter = GapMeter()
    window = session = None
    try:
        options = {"data_dir": tmp_path / "client", "stream_timeout": 5.0, "backoff_base": 0.05,
                   "presence_interval": 0.5, "timeouts": Timeouts(connect=2.0, read=10.0),
                   "retry": RetryPolicy(attempts=2, base=0.01)}
        dialog = LoginDialog(runner, ui_settings, session_options=options)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.server_edit.setText(proxy.url)
        dialog.user_edit.setText("agent")
        dialog.password_edit.setText("demo")

        meter.start("login")
        with qtbot.waitSignal(dialog.logged_in, timeout=WAIT_MS) as blocker:
            dialog.attempt()
        session = blocker.args[0]
        meter.pause()

        window = MainWindow(session, runner, ui_settings, clock=CountdownClock())
        window.show()
        qtbot.waitExposed(window)
        QCoreApplication.processEvents()  # the first paint is widget work, not waiting: done before measuring
        meter.start("first sync")  # bootstrap, catch-up, reference lists, counts, the first queue
        session.start()
        try:
            qtbot.waitUntil(lambda: window.is_filled, timeout=WAIT_MS)
        except AssertionError as exc:  # say what the window was waiting for
            raise AssertionError(f"the first sync did not fill the window: {session.status}, "
                                 f"errors {runner.error_reporter.errors}") from exc
        meter.phase = "opening a queue"
        window.sidebar.select_queue("all")
        qtbot.waitUntil(lambda: window.queue_view.model_.rowCount() == window.sidebar.counts()["all"] >= len(made),
                        timeout=WAIT_MS)

        def panel_shows(number: str) -> bool:
            # The header's number label, read directly: walking every child of the panel
            # (findChildren) wraps Qt types Python has not seen yet, whose first wrapping
            # costs the UI thread milliseconds the client itself never spends.
            return window.ticket_panel.header.number.text() == number

        meter.phase = "opening tickets"
        for ticket in made[:3]:  # opening tickets: each fetches its thread through the proxy
            window.queue_view.select_ticket(ticket["id"])
            qtbot.waitUntil(lambda t=ticket: panel_shows(t["number"]), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: runner.is_idle, timeout=WAIT_MS)

        # Another client's change arrives over the slow live stream (sent from a thread of the
        # test's own: the test must not block the UI thread it measures).
        meter.phase = "live change"
        mine = window.sidebar.counts()["mine"]
        result: dict = {}
        sender = threading.Thread(target=lambda: result.update(store_process.call(
            "POST", f"/tickets/{made[7]['id']}/take", {}, if_match=made[7]["version"])))
        sender.start()
        qtbot.waitUntil(lambda: not sender.is_alive(), timeout=WAIT_MS)
        taken = result
        qtbot.waitUntil(lambda: window.sidebar.counts().get("mine") == mine + 1, timeout=WAIT_MS)
        meter.pause()

        assert taken["assignee_id"] == session.user["id"]
        assert proxy.delayed >= 8, "the requests did go through the slow proxy"
        assert meter.ticks > 500
        phases = ", ".join(f"{name}: {gap:.0f} ms" for name, gap in meter.by_phase.items())
        share = meter.run_queue_ms / meter.measured_ms if meter.measured_ms else 0.0
        report = (f"longest gaps of the UI thread's own: {phases}; wall clock {meter.max_gap_ms:.0f} ms; "
                  f"the UI thread waited for a CPU {share:.0%} of the time")
        print(report)
        # A gap as long as a response's delay may be a wait on the network: that fails however busy.
        assert meter.max_own_gap_ms < DELAY * 1000, f"the UI thread waited on the network ({report})"
        over = {phase: gap for phase, gap in meter.by_phase.items() if gap >= LIMIT_MS}
        if over and share > OVERLOADED:
            pytest.skip(f"the machine is too busy to measure 50 ms gaps ({report})")
        assert not over, f"the UI thread stalled ({report})"
    finally:
        meter.close()
        if window is not None:
            window.shut_down()
        if session is not None:
            session.stop()
        if window is not None:
            window.deleteLater()
        proxy.close()
        sys.setswitchinterval(previous_interval)
