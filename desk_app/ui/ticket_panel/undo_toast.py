"""A short-lived "undo" bar under the ticket's actions: "DSK-7 resolved. [Undo]".

It offers to take back a change that is easy to make by mistake (Resolve) for
`UNDO_MS`, then goes by itself. Undoing is an ordinary change through the
outbox (the caller's `undo` callback records it), never a hidden rollback.
The timer is the toast's `timer` (or one passed in): tests fire its `timeout`
instead of waiting.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

__all__ = ["UndoToast"]


class UndoToast(QFrame):
    #: How long the offer stands (long enough to notice and reach the button by keyboard).
    UNDO_MS = 8000

    def __init__(self, parent: QWidget | None = None, *, timer: QTimer | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("UndoToast")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Undo"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        self.label = QLabel(self)
        self.label.setObjectName("undoText")
        self.undo = QPushButton(self.tr("Und&o"), self)  # Alt+O: the key that resolved, now that Resolve is hidden
        self.undo.setToolTip(self.tr("Take the change back"))
        self.undo.clicked.connect(self.do_undo)
        self.dismiss = QPushButton(self.tr("Dismiss"), self)
        self.dismiss.setFlat(True)
        self.dismiss.clicked.connect(self.expire)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo)
        layout.addWidget(self.dismiss)
        self.timer = timer or QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.UNDO_MS)
        self.timer.timeout.connect(self.expire)
        self._undo: Callable[[], None] | None = None
        self.hide()

    @property
    def offering(self) -> bool:
        return self._undo is not None

    def show_undo(self, text: str, undo: Callable[[], None]) -> None:
        """Offer `undo` for the next `UNDO_MS` (a newer offer replaces an older one)."""
        self._undo = undo
        self.label.setText(text)
        self.undo.setAccessibleDescription(text)
        self.show()
        self.timer.start()

    def expire(self) -> None:
        self.timer.stop()
        self._undo = None
        focus = QApplication.focusWidget()
        focused = focus is not None and self.isAncestorOf(focus)
        self.hide()
        if focused and self.parentWidget() is not None:
            self.parentWidget().setFocus()  # not lost to nowhere with the bar

    def do_undo(self) -> None:
        undo = self._undo
        self.expire()
        if undo is not None:
            undo()
