"""The queue table's columns on a narrow window: the SLA column stays in view, the subject elides.

The columns keep the widths the agent gave them (or the defaults) as their
*preferred* widths. When the table is too narrow for all of them plus a
readable subject (`SUBJECT_MIN`), the columns that can give room
(`FLEXIBLE`: customer, category, status, assignee, channel, priority) shrink
in proportion to their preferred widths, down to `FLEXIBLE_MIN`; the ticket
number, tier and SLA countdown never do. The subject, which stretches, takes
what is left and elides its text. On a 1280x720 thin client the whole row,
SLA countdown included, is in view without scrolling sideways.

Widening the table gives the columns their preferred widths back. A column
the agent resizes by hand keeps that width as its preference; the saved
header state always holds the preferences, not the squeezed widths.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QTableView

from desk_app.ui.queue.ticket_table_model import Column

__all__ = ["ColumnFitter", "FLEXIBLE", "FLEXIBLE_MIN", "SUBJECT_MIN"]

#: The narrowest the subject gets before the other columns stop giving room.
SUBJECT_MIN = 160
#: Columns that shrink when the table is narrow, and how far.
FLEXIBLE = (Column.CUSTOMER, Column.CATEGORY, Column.STATUS, Column.ASSIGNEE, Column.CHANNEL, Column.PRIORITY)
FLEXIBLE_MIN = 64


class ColumnFitter(QObject):
    """Fits a queue table's columns to its width (see the module's notes)."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.view = view
        self._fitting = False
        self.preferred: dict[int, int] = {}
        self.remember_widths()
        view.horizontalHeader().sectionResized.connect(self._resized)
        view.viewport().installEventFilter(self)

    def remember_widths(self) -> None:
        """The current widths become the preferences (after the defaults or a restored header)."""
        self.preferred = {c: self.view.columnWidth(c) for c in range(len(Column)) if c != Column.SUBJECT}

    def _resized(self, column: int, _old: int, new: int) -> None:
        if not self._fitting and column != Column.SUBJECT:
            self.preferred[column] = new  # the agent's own width

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def widths_for(self, available: int) -> dict[int, int]:
        """The width of each shown column but the subject, for a table `available` pixels wide."""
        shown = [c for c in self.preferred if not self.view.isColumnHidden(c)]
        widths = {c: self.preferred[c] for c in shown}
        excess = sum(widths.values()) + SUBJECT_MIN - available
        flexible = [c for c in shown if c in FLEXIBLE and widths[c] > FLEXIBLE_MIN]
        give = sum(widths[c] - FLEXIBLE_MIN for c in flexible)
        if excess <= 0 or give <= 0:
            return widths
        share = min(1.0, excess / give)
        for c in flexible:  # rounded up: the subject gets its SUBJECT_MIN, not a pixel less
            widths[c] -= min(widths[c] - FLEXIBLE_MIN, math.ceil((widths[c] - FLEXIBLE_MIN) * share))
        return widths

    def fit(self) -> None:
        available = self.view.viewport().width()
        if available <= 0:
            return
        self._fitting = True
        try:
            for column, width in self.widths_for(available).items():
                if self.view.columnWidth(column) != width:
                    self.view.setColumnWidth(column, width)
        finally:
            self._fitting = False

    @contextmanager
    def preferred_widths(self) -> Iterator[None]:
        """The preferred widths in place for a moment (to save the header state), then fitted again."""
        self._fitting = True
        try:
            for column, width in self.preferred.items():
                self.view.setColumnWidth(column, width)
            yield
        finally:
            self._fitting = False
            self.fit()
