"""The queue sidebar: the agent's views and the server's queues, each with a live count.

Counts are computed on the cache lane (one COUNT per queue on the cache's
indexes) and refreshed when the session reports changes, throttled: a change
while no recount runs is counted at once; changes that arrive while one runs
(a burst: a bootstrap delivers thousands) are counted together `THROTTLE_MS`
after it, and a recount is never started while one is running.
"Breaching soon" moves with time, so the counts are also refreshed once a
minute. The UI thread only swaps numbers into the tree.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QLocale, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from desk_app.services.session import DeskSession
from desk_app.ui.operations.queue import count_queue_tickets
from desk_app.ui.ops import OpRunner
from desk_app.ui.queue.queues import QueueSpec
from desk_app.ui.theme import icon

__all__ = ["Sidebar"]

THROTTLE_MS = 400
PERIODIC_MS = 60_000

_ICONS = {
    "mine": "user",
    "unassigned": "inbox",
    "breaching": "alarm",
    "waiting": "hourglass",
    "following": "follow",
    "escalated": "escalate",
    "tier": "layers",
    "all": "list",
    "server": "queue",
}
_SPEC = int(Qt.ItemDataRole.UserRole) + 10


class Sidebar(QTreeWidget):
    #: The agent picked a queue.
    queue_selected = Signal(object)
    #: After new counts were shown: {spec key: count}.
    counts_changed = Signal(dict)

    def __init__(self, session: DeskSession, runner: OpRunner, parent: QWidget | None = None, *,
                 now: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self._session = session
        self._runner = runner
        self._now = now
        self._specs: list[QueueSpec] = []
        self._items: dict[str, QTreeWidgetItem] = {}
        self._counts: dict[str, int] = {}
        self._counting = False
        self._again = False
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(8)
        self.setUniformRowHeights(True)
        self.setIconSize(QSize(18, 18))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Queues"))
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._views = self._section(self.tr("Views"))
        self._queues = self._section(self.tr("Queues"))
        self.currentItemChanged.connect(self._on_current)
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(THROTTLE_MS)
        self._throttle.timeout.connect(self._count_now)
        self._periodic = QTimer(self)
        self._periodic.setInterval(PERIODIC_MS)
        self._periodic.timeout.connect(self.refresh_counts)
        self._periodic.start()

    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [title.upper(), ""])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        font.setBold(True)
        item.setFont(0, font)
        item.setForeground(0, self.palette().placeholderText())
        item.setExpanded(True)
        return item

    # -- queues ---------------------------------------------------------------------------

    def set_specs(self, specs: Sequence[QueueSpec]) -> None:
        """Show these queues (keeps the current one selected when it is still listed)."""
        current = self.current_spec()
        self.blockSignals(True)
        try:
            for section in (self._views, self._queues):
                section.takeChildren()
            self._items.clear()
            for spec in specs:
                parent = self._queues if spec.kind == "server" else self._views
                item = QTreeWidgetItem(parent, [spec.label, ""])
                item.setData(0, _SPEC, spec)
                item.setIcon(0, icon(_ICONS.get(spec.kind, "queue")))
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(0, spec.label)
                self._items[spec.key] = item
            self._queues.setHidden(self._queues.childCount() == 0)
            self._specs = list(specs)
            self._show_counts()
        finally:
            self.blockSignals(False)
        if current is not None and current.key in self._items:
            self.setCurrentItem(self._items[current.key])
        self.refresh_counts()

    def specs(self) -> list[QueueSpec]:
        return list(self._specs)

    def select_queue(self, key: str) -> bool:
        item = self._items.get(key)
        if item is None:
            return False
        self.setCurrentItem(item)
        return True

    def current_spec(self) -> QueueSpec | None:
        item = self.currentItem()
        return item.data(0, _SPEC) if item is not None else None

    def _on_current(self, current: QTreeWidgetItem | None, _previous) -> None:
        spec = current.data(0, _SPEC) if current is not None else None
        if spec is not None:
            self.queue_selected.emit(spec)

    # -- counts ---------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def refresh_counts(self, *_args) -> None:
        """Recount soon (throttled): call on every change the session reports.

        At once (from a zero-timer: what the same turn of the event loop delivers is counted
        together) unless a recount is running; then `THROTTLE_MS` after it finishes. A
        colleague's change moves the counts without a wait of its own (it waited 400 ms).
        """
        if self._counting:
            self._again = True
        elif not self._throttle.isActive():
            self._throttle.start(0)

    def _count_now(self) -> None:
        if self._counting:
            self._again = True
            return
        specs = list(self._specs)
        if not specs:
            return
        self._counting = True
        cache, now = self._session.cache, self._now()
        count_queue_tickets(parent=self, runner=self._runner, cache=cache, specs=specs, now=now).success(self._counted).failure(self._count_failed).run_in_background()

    def _counted(self, counts: dict[str, int]) -> None:
        self._counting = False
        self._counts.update(counts)
        self._show_counts()
        self.counts_changed.emit(dict(self._counts))
        if self._again:
            self._again = False
            if not self._throttle.isActive():
                self._throttle.start(THROTTLE_MS)  # a burst: the next recount gathers the rest

    def _count_failed(self, error: BaseException) -> None:
        self._counting = False
        self._runner.report(self, error, "counting the queues failed")

    def _show_counts(self) -> None:
        locale = QLocale()
        for key, item in self._items.items():
            count = self._counts.get(key)
            item.setText(1, locale.toString(count) if count is not None else "")
            spec = item.data(0, _SPEC)
            if count is not None:
                item.setData(1, Qt.ItemDataRole.AccessibleTextRole,
                             self.tr("%n ticket(s)", "", count))
                item.setToolTip(0, self.tr("{queue}: %n ticket(s)", "", count).format(queue=spec.label))
