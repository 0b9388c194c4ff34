"""The 1 Hz countdown: time is injected, each tick repaints only visible countdown cells."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from desk_app.core.sla import ClockState
from desk_app.ui.countdown import CountdownClock, visible_rows
from desk_app.ui.queue.queue_rows import QueueRows
from desk_app.ui.queue.ticket_table_model import CLOCK_STATE_ROLE, Column, TicketTableModel

from queue_row_factories import NOW, make_row


class FakeTime:
    """A clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_time():
    return FakeTime(NOW)


@pytest.fixture
def table(qtbot, fake_time):
    """200 tickets in a view that shows a dozen or so of them."""
    rows = QueueRows.from_rows(make_row(i, next_due=NOW + 3_600 + i * 60, warn_at=NOW + 1_800 + i * 60) for i in range(1, 201))
    model = TicketTableModel(rows, now=fake_time)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(1300, 360)
    view.show()
    qtbot.waitExposed(view)
    return view, model


def changes_of(model):
    seen = []
    model.dataChanged.connect(lambda a, b, roles=(): seen.append((a.row(), a.column(), b.row(), b.column())))
    return seen


def test_a_tick_repaints_only_the_visible_countdown_cells(table, fake_time):
    view, model = table
    clock = CountdownClock(now=fake_time)
    clock.watch(view)
    seen = changes_of(model)

    fake_time.advance(1)
    assert clock.tick() == NOW + 1
    first, last = view.rowAt(0), view.rowAt(view.viewport().height() - 1)
    assert 0 == first < last < 30  # a screenful, not 200 rows
    assert seen == [(first, Column.DUE, last, Column.DUE)]
    assert model.now() == NOW + 1

    # Scrolled down, the next tick follows the viewport.
    view.scrollTo(model.index(150, 0), QTableView.ScrollHint.PositionAtTop)
    seen.clear()
    clock.tick()
    assert seen == [(150, Column.DUE, view.rowAt(view.viewport().height() - 1), Column.DUE)]
    assert seen[0][2] - seen[0][0] == last - first


def test_the_visible_range_comes_from_the_viewport_edges(table):
    view, model = table
    top = view.indexAt(view.viewport().rect().topLeft())
    bottom = view.indexAt(view.viewport().rect().bottomLeft())
    assert visible_rows(view, Column.DUE) == (top.row(), bottom.row())
    # A short queue that does not fill the viewport: up to its last row.
    model.set_rows(QueueRows.from_rows([make_row(1), make_row(2)]))
    assert visible_rows(view, Column.DUE) == (0, 1)
    model.set_rows(QueueRows())
    assert visible_rows(view, Column.DUE) is None


def test_a_row_turns_to_warning_then_breached_at_its_thresholds(table, fake_time):
    view, model = table
    clock = CountdownClock(now=fake_time)
    clock.watch(view)
    model.upsert_rows([make_row(500, priority_rank=0, warn_at=NOW + 60, next_due=NOW + 120)])
    row = model.row_of_ticket(500)
    assert row == 0  # most urgent priority: on screen at the top

    def shown():
        index = model.index(row, Column.DUE)
        return model.data(index, CLOCK_STATE_ROLE), model.data(index)

    seen = changes_of(model)
    fake_time.advance(59)
    clock.tick()
    assert shown() == (ClockState.RUNNING, "1m")
    fake_time.advance(1)  # NOW + 60: warn_at
    clock.tick()
    assert shown() == (ClockState.WARNING, "1m")
    fake_time.advance(59)
    clock.tick()
    assert shown() == (ClockState.WARNING, "1s")
    fake_time.advance(1)  # NOW + 120: due
    clock.tick()
    assert shown() == (ClockState.BREACHED, "0s")
    fake_time.advance(35 * 60)
    clock.tick()
    assert shown() == (ClockState.BREACHED, "-35m")
    # Every change of state reached the screen through a tick's repaint of that cell.
    assert len(seen) == 5 and all(first <= row <= last and col == Column.DUE for first, col, last, _ in seen)


def test_a_paused_clock_stands_still(table, fake_time):
    view, model = table
    clock = CountdownClock(now=fake_time)
    clock.watch(view)
    model.upsert_rows([make_row(7, next_due=NOW + 10, warn_at=NOW + 5, next_state=ClockState.PAUSED, paused_reason="on_hold")])
    fake_time.advance(3_600)
    clock.tick()
    index = model.index(model.row_of_ticket(7), Column.DUE)
    assert model.data(index, CLOCK_STATE_ROLE) is ClockState.PAUSED
    assert model.data(index) == "paused"


def test_hidden_columns_and_hidden_views_are_not_repainted(table, fake_time):
    view, model = table
    clock = CountdownClock(now=fake_time)
    clock.watch(view)
    seen = changes_of(model)

    view.setColumnHidden(Column.DUE, True)
    clock.tick()
    assert seen == []
    view.setColumnHidden(Column.DUE, False)

    # Scrolled sideways so that the countdown is out of sight.
    view.setColumnWidth(Column.SUBJECT, 3_000)
    view.horizontalScrollBar().setValue(0)
    assert view.columnViewportPosition(Column.DUE) >= view.viewport().width()
    clock.tick()
    assert seen == []
    view.setColumnWidth(Column.SUBJECT, 100)

    view.hide()
    fake_time.advance(10)
    clock.tick()
    assert seen == []
    assert model.now() == NOW + 10  # the time still moves: the view shows it when it is back


def test_a_destroyed_view_is_forgotten(qtbot, table, fake_time):
    view, model = table
    clock = CountdownClock(now=fake_time)
    clock.watch(view)
    other = QTableView()
    other.setModel(model)
    clock.watch(other)
    assert len(clock.watched_views()) == 2
    other.deleteLater()
    qtbot.waitUntil(lambda: len(clock.watched_views()) == 1)
    clock.tick()  # no error from the dead view


def test_the_timer_ticks_by_itself(qtbot, fake_time, table):
    view, model = table
    clock = CountdownClock(now=fake_time, interval_ms=20)
    clock.watch(view)
    fake_time.advance(5)
    clock.start()
    try:
        with qtbot.waitSignal(clock.ticked, timeout=5_000) as blocker:
            pass
    finally:
        clock.stop()
    assert blocker.args == [NOW + 5]
    assert not clock.is_active()


def test_one_model_in_two_views_is_told_the_time_once(qtbot, table, fake_time):
    view, model = table
    second = QTableView()
    qtbot.addWidget(second)
    second.setModel(model)
    second.resize(1300, 200)
    second.show()
    qtbot.waitExposed(second)
    clock = CountdownClock(now=fake_time)
    clock.watch(view)
    clock.watch(second)
    told = []
    model.now_changed.connect(told.append)
    seen = changes_of(model)
    clock.tick()
    assert told == [NOW]
    assert len(seen) == 2  # each view's own visible rows
    assert {s[1] for s in seen} == {Column.DUE}


def test_the_countdown_column_is_right_aligned(table):
    _, model = table
    alignment = model.data(model.index(0, Column.DUE), Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & int(Qt.AlignmentFlag.AlignRight)


def test_the_application_has_one_running_clock(qapp):
    from desk_app.ui.countdown import application_countdown_clock

    clock = application_countdown_clock()
    assert application_countdown_clock() is clock
    assert clock.is_active() and clock.parent() is qapp
