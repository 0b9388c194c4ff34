"""A running call timer: how long the agent has been on the phone.

The time source is injected (`now`, seconds; `time.monotonic` by default), so
tests move time forward by hand; the 1 Hz QTimer only repaints the display.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from desk_app.ui.ticket_panel.thread_view import call_length as format_call_time

__all__ = ["CallTimer", "format_call_time"]


class CallTimer(QObject):
    #: The elapsed whole seconds, on every tick and on start/stop.
    ticked = Signal(int)

    def __init__(self, now: Callable[[], float] = time.monotonic, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self._started: float | None = None
        self._banked = 0.0  # time from earlier runs (stopped and resumed)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.timeout.connect(self.tick)

    @property
    def running(self) -> bool:
        return self._started is not None

    def start(self) -> None:
        if self._started is None:
            self._started = self._now()
            self._timer.start()
            self.tick()

    def stop(self) -> int:
        """Stop (the time so far is kept; `start` resumes); returns the elapsed seconds."""
        if self._started is not None:
            self._banked += self._now() - self._started
            self._started = None
            self._timer.stop()
        self.tick()
        return self.elapsed()

    def reset(self) -> None:
        self._started = None
        self._banked = 0.0
        self._timer.stop()
        self.tick()

    def elapsed(self) -> int:
        running = self._now() - self._started if self._started is not None else 0.0
        return int(self._banked + running)

    def tick(self) -> int:
        value = self.elapsed()
        self.ticked.emit(value)
        return value
