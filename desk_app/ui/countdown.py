"""One application-wide 1 Hz tick for every SLA countdown on screen.

No per-row timers and no database work on a tick: the clock reads the time
once, hands it to each watched view's model (`set_now`), and asks the model to
repaint the countdown cells of the rows the view actually shows
(`emit_countdown_changed(first, last)`), computed from the viewport with
`indexAt` at its top and bottom edge. Rows off screen are painted with the new
time when they scroll into view, since the model holds the time, not the cells.

The time source is injectable (`now=`), and `tick()` can be called by hand:
tests move time forward and tick without sleeping.

Models taking part implement the small `CountdownModel` protocol; the
`TicketTableModel` does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QTableView

__all__ = ["CountdownClock", "CountdownModel", "application_countdown_clock"]


@runtime_checkable
class CountdownModel(Protocol):
    countdown_column: int

    def set_now(self, now: float) -> None: ...

    def emit_countdown_changed(self, first: int, last: int) -> None: ...

    def rowCount(self, *args) -> int: ...


class CountdownClock(QObject):
    """The 1 Hz tick; see the module docstring."""

    #: After each tick, with the instant every countdown now shows.
    ticked = Signal(float)

    def __init__(self, now: Callable[[], float] = time.time, *, interval_ms: int = 1000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._now_source = now
        self._last = float(now())
        self._views: dict[int, QAbstractItemView] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.timeout.connect(self.tick)

    # -- time --------------------------------------------------------------------------

    def now(self) -> float:
        """The instant of the last tick (what countdowns show)."""
        return self._last

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def is_active(self) -> bool:
        return self._timer.isActive()

    # -- views -------------------------------------------------------------------------

    def watch(self, view: QAbstractItemView) -> None:
        """Keep `view`'s countdown cells ticking; its model must be a `CountdownModel`.

        Forgotten again when the view is destroyed.
        """
        key = id(view)
        if key in self._views:
            return
        self._views[key] = view
        view.destroyed.connect(lambda *_: self._views.pop(key, None))
        model = view.model()
        if isinstance(model, CountdownModel):
            model.set_now(self._last)

    def unwatch(self, view: QAbstractItemView) -> None:
        self._views.pop(id(view), None)

    def watched_views(self) -> list[QAbstractItemView]:
        return [v for v in self._views.values() if shiboken6.isValid(v)]

    def tick(self) -> float:
        """Move every countdown to now and repaint the visible ones. Returns the instant."""
        now = float(self._now_source())
        self._last = now
        told: set[int] = set()
        for key, view in list(self._views.items()):
            if not shiboken6.isValid(view):
                self._views.pop(key, None)
                continue
            model = view.model()
            if not isinstance(model, CountdownModel):
                continue
            if id(model) not in told:
                model.set_now(now)
                told.add(id(model))
            if not view.isVisible():
                continue
            span = visible_rows(view, model.countdown_column)
            if span is not None:
                model.emit_countdown_changed(*span)
        self.ticked.emit(now)
        return now


def visible_rows(view: QAbstractItemView, column: int) -> tuple[int, int] | None:
    """First and last row whose `column` cell is in the viewport; None when none is."""
    model = view.model()
    if model is None or model.rowCount() == 0:
        return None
    viewport = view.viewport()
    width, height = viewport.width(), viewport.height()
    if width <= 0 or height <= 0:
        return None
    x = 0
    if isinstance(view, QTableView):
        if view.isColumnHidden(column):
            return None
        left = view.columnViewportPosition(column)
        right = left + view.columnWidth(column)
        if left < 0 and right <= 0 or left >= width:
            return None  # scrolled out of sight sideways
        x = min(max(left, 0), width - 1)
    top = view.indexAt(QPoint(x, 0))
    bottom = view.indexAt(QPoint(x, height - 1))
    if not top.isValid():
        return None
    last = bottom.row() if bottom.isValid() else model.rowCount() - 1
    return top.row(), last


_application_clock: CountdownClock | None = None


def application_countdown_clock() -> CountdownClock:
    """The application's one clock (created, parented to the application and started on first use)."""
    global _application_clock
    if _application_clock is None or not shiboken6.isValid(_application_clock):
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication before the countdown clock")
        _application_clock = CountdownClock(parent=app)
        _application_clock.start()
    return _application_clock
