"""Background operations: work off the UI thread, outcomes back on it, nothing lost."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

import pytest
import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from desk_app.ui.ops import (
    CACHE,
    NETWORK,
    CollectingReporter,
    LaneUnavailable,
    Op,
    OpRunner,
    OpState,
    PoolLane,
    WorkerLane,
    op_runner,
    show_error_message,
)

WAIT_MS = 10_000  # generous: a loaded CI machine is slow, never wrong


@pytest.fixture
def reporter():
    return CollectingReporter()


@pytest.fixture
def runner(qapp, reporter):
    """A real, threaded runner: a network pool and a cache worker thread."""
    connections: list[sqlite3.Connection] = []

    def open_cache() -> sqlite3.Connection:
        # A real SQLite connection: it refuses use from any thread but the one that made it.
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE log (seq INTEGER, thread INTEGER)")
        connections.append(conn)
        return conn

    lanes = {
        NETWORK: PoolLane(NETWORK, max_threads=2, resource="api"),
        CACHE: WorkerLane(CACHE, open_resource=open_cache, close_resource=lambda conn: conn.close()),
    }
    r = OpRunner(lanes, error_reporter=reporter)
    yield r
    r.shutdown()
    r.deleteLater()


def test_work_runs_off_the_ui_thread_and_the_result_arrives_on_it(qtbot, runner):
    ui_thread = threading.get_ident()
    seen = {}

    def work(api):
        seen["work_thread"] = threading.get_ident()
        seen["resource"] = api
        return 41 + 1

    def done(value):
        seen["callback_thread"] = threading.get_ident()
        seen["value"] = value

    op = Op(None, work, runner=runner).success(done).run_in_background()
    qtbot.waitUntil(lambda: op.is_finished, timeout=WAIT_MS)

    assert op.state is OpState.SUCCEEDED
    assert seen["value"] == 42 and op.result == 42
    assert seen["resource"] == "api"
    assert seen["work_thread"] != ui_thread
    assert seen["callback_thread"] == ui_thread
    assert runner.is_idle


def test_an_exception_reaches_the_failure_callback_on_the_ui_thread(qtbot, runner, reporter):
    ui_thread = threading.get_ident()
    boom = ValueError("server said no")
    got = []

    def work(_):
        raise boom

    op = Op(None, work, runner=runner).success(lambda v: got.append(("success", v)))
    op.failure(lambda exc: got.append(("failure", exc, threading.get_ident()))).run_in_background()
    qtbot.waitUntil(lambda: op.is_finished, timeout=WAIT_MS)

    assert got == [("failure", boom, ui_thread)]
    assert op.state is OpState.FAILED and op.error is boom
    assert reporter.errors == []  # handled by the callback: not reported again


def test_an_unhandled_failure_is_logged_and_reported(qtbot, runner, reporter, caplog):
    parent = QWidget()

    def work(_):
        raise ConnectionError("unreachable")

    with caplog.at_level(logging.ERROR, logger="desk_app.ui.ops"):
        op = Op(parent, work, runner=runner, label="load queue").run_in_background()
        qtbot.waitUntil(lambda: op.is_finished, timeout=WAIT_MS)

    assert [(p, type(e)) for p, e in reporter.errors] == [(parent, ConnectionError)]
    record = next(r for r in caplog.records if "load queue" in r.getMessage())
    assert record.exc_info is not None and record.exc_info[1] is op.error


def test_an_exception_in_a_callback_is_reported_not_swallowed(qtbot, runner, reporter):
    def broken(_value):
        raise KeyError("bad widget state")

    op = Op(None, lambda _: 1, runner=runner).success(broken).run_in_background()
    qtbot.waitUntil(lambda: op.is_finished, timeout=WAIT_MS)

    assert op.state is OpState.SUCCEEDED
    assert len(reporter.errors) == 1 and isinstance(reporter.errors[0][1], KeyError)


@pytest.mark.parametrize("fails", [False, True])
def test_no_callback_runs_once_the_parent_is_destroyed(qtbot, runner, reporter, caplog, fails):
    parent = QWidget()
    release = threading.Event()
    calls = []

    def work(_):
        assert release.wait(WAIT_MS / 1000)
        if fails:
            raise RuntimeError("late failure")
        return "late result"

    op = Op(parent, work, runner=runner).success(calls.append).failure(calls.append).run_in_background()
    shiboken6.delete(parent)  # the window closed while the work was under way
    assert not shiboken6.isValid(parent)
    with caplog.at_level(logging.WARNING, logger="desk_app.ui.ops"):
        release.set()
        qtbot.waitUntil(lambda: op.is_finished, timeout=WAIT_MS)

    assert op.state is OpState.ABANDONED
    assert calls == []
    assert reporter.errors == []  # no message box over a window that is gone
    # ...but a failure is never lost: it is in the log.
    logged = [r for r in caplog.records if "after its window closed" in r.getMessage()]
    assert len(logged) == (1 if fails else 0)


def _max_gap_while(qtbot, start, finished) -> float:
    """Longest pause of a 1 ms UI-thread timer between `start()` and `finished()`."""
    beats: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(1)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    timer.start()
    try:
        qtbot.waitUntil(lambda: len(beats) >= 5, timeout=WAIT_MS)  # the probe is running
        beats[:] = [time.perf_counter()]
        start()
        qtbot.waitUntil(finished, timeout=WAIT_MS)
        beats.append(time.perf_counter())
    finally:
        timer.stop()
    return max(b - a for a, b in zip(beats, beats[1:]))


def test_a_slow_operation_does_not_block_the_event_loop(qtbot, runner):
    ops = []

    def start():
        ops.append(Op(None, lambda _: time.sleep(0.3), runner=runner).run_in_background())

    gap = _max_gap_while(qtbot, start, lambda: ops and ops[0].is_finished)
    assert ops[0].state is OpState.SUCCEEDED
    assert gap < 0.050, f"the UI thread stalled {gap * 1000:.0f} ms"


def test_the_stall_probe_sees_a_blocked_ui_thread(qtbot):
    # The same probe, with the 300 ms of work done on the UI thread: it must notice.
    done = []

    def start():
        QTimer.singleShot(0, lambda: (time.sleep(0.3), done.append(True)))

    gap = _max_gap_while(qtbot, start, lambda: bool(done))
    assert gap >= 0.25


def test_the_cache_lane_is_one_thread_that_owns_the_connection_and_keeps_order(qtbot, runner):
    results = []

    def write(seq):
        def work(conn: sqlite3.Connection):
            conn.execute("INSERT INTO log VALUES (?, ?)", (seq, threading.get_ident()))
            return conn.execute("SELECT COUNT(*), COUNT(DISTINCT thread) FROM log").fetchone()

        return work

    ops = [Op(None, write(i), lane=CACHE, runner=runner).success(results.append).run_in_background() for i in range(20)]
    qtbot.waitUntil(lambda: all(op.is_finished for op in ops), timeout=WAIT_MS)

    # Every op succeeded on the connection's own thread (SQLite would raise on any
    # other), one at a time, in the order they were started.
    assert [op.state for op in ops] == [OpState.SUCCEEDED] * 20
    assert results == [(i + 1, 1) for i in range(20)]
    lane = runner.lane(CACHE)
    assert lane.thread_ident not in (None, threading.get_ident())


def test_a_cache_that_cannot_open_fails_every_op_with_the_reason(qtbot, qapp, reporter):
    def open_cache():
        raise OSError("disk full")

    r = OpRunner({CACHE: WorkerLane(CACHE, open_resource=open_cache)}, error_reporter=reporter)
    try:
        errors = []
        ops = [Op(None, lambda c: c, lane=CACHE, runner=r).failure(errors.append).run_in_background() for _ in range(2)]
        qtbot.waitUntil(lambda: all(op.is_finished for op in ops), timeout=WAIT_MS)
    finally:
        r.shutdown()
    assert [type(e) for e in errors] == [LaneUnavailable, LaneUnavailable]
    assert "disk full" in str(errors[0]) and isinstance(errors[0].__cause__, OSError)


def test_ops_start_only_from_the_ui_thread(qtbot, runner):
    caught = []

    def elsewhere():
        try:
            Op(None, lambda _: 1, runner=runner).run_in_background()
        except RuntimeError as exc:
            caught.append(exc)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert len(caught) == 1 and "UI thread" in str(caught[0])


def test_an_op_runs_once(qtbot, runner):
    op = Op(None, lambda _: 1, runner=runner).run_in_background()
    with pytest.raises(RuntimeError, match="already started"):
        op.run_in_background()
    qtbot.waitUntil(lambda: op.is_finished, timeout=WAIT_MS)


def test_an_unknown_lane_is_a_clear_error(runner):
    with pytest.raises(KeyError, match="no lane 'printer'"):
        Op(None, lambda _: 1, lane="printer", runner=runner).run_in_background()


def test_the_synchronous_runner_runs_work_and_callbacks_at_once(sync_ops):
    order = []
    op = Op(QObject(), lambda res: order.append("work") or "done").success(lambda v: order.append(v))
    op.run_in_background()  # the installed runner: no runner= needed
    assert order == ["work", "done"]  # before run_in_background returned
    assert op_runner() is sync_ops and sync_ops.is_idle

    Op(None, lambda _: 1 / 0).run_in_background()
    assert [type(e) for _, e in sync_ops.error_reporter.errors] == [ZeroDivisionError]


def test_the_default_reporter_shows_a_non_modal_box_over_the_window(qtbot, qapp):
    window = QWidget()
    qtbot.addWidget(window)
    child = QWidget(window)
    r = OpRunner(error_reporter=show_error_message)
    try:
        op = Op(child, lambda _: (_ for _ in ()).throw(PermissionError("not your ticket")), runner=r).run_in_background()
        qtbot.waitUntil(lambda: op.is_finished, timeout=WAIT_MS)
    finally:
        r.shutdown()
    boxes = window.findChildren(QMessageBox)
    assert len(boxes) == 1
    box = boxes[0]
    assert box.text() == "not your ticket"
    assert box.isVisible() and box.windowModality() == Qt.WindowModality.NonModal
    box.close()
