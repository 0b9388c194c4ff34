"""Keys the Desk dialogs share: Ctrl+Enter submits a dialog with a multi-line field, as it sends in the composer.

In a multi-line field Enter is a new line (Qt's text editors keep it from the
dialog's default button), so the agent needs another key to be done:
Ctrl+Enter (Ctrl+Return on the main keyboard, Ctrl+Enter on the keypad), the
key the composer sends with. It works from any field of the dialog::

    submit_on_ctrl_enter(dialog, dialog.ok_button)      # clicks it, when enabled
    submit_on_ctrl_enter(dialog, dialog.answer)          # or calls this

An event filter rather than a QShortcut: it fires whether or not the window
system thinks the dialog is the active window, and before a text editor sees
the key.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QDialog, QPlainTextEdit, QTextEdit

__all__ = ["SubmitOnCtrlEnter", "is_submit_key", "submit_key_text", "submit_on_ctrl_enter"]

_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def submit_key_text() -> str:
    """"Ctrl+Enter" as this platform writes it (for hints and tooltips)."""
    return QKeySequence(Qt.KeyboardModifier.ControlModifier | Qt.Key.Key_Enter).toString(
        QKeySequence.SequenceFormat.NativeText)


def is_submit_key(event: QEvent) -> bool:
    """A key press of Ctrl+Enter / Ctrl+Return (Shift or keypad flags allowed)."""
    return (event.type() == QEvent.Type.KeyPress and event.key() in _ENTER_KEYS
            and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))


class SubmitOnCtrlEnter(QObject):
    """Owned by the dialog; see the module's notes."""

    def __init__(self, dialog: QDialog, submit: QAbstractButton | Callable[[], None]) -> None:
        super().__init__(dialog)
        self._submit = submit
        if isinstance(submit, QAbstractButton):
            tip = submit.toolTip()
            submit.setToolTip(f"{tip} ({submit_key_text()})" if tip else submit_key_text())
        # The dialog sees the key when a field ignores it (line edits, combo boxes, buttons);
        # text editors are watched themselves, as they would take it.
        dialog.installEventFilter(self)
        for editor in dialog.findChildren(QPlainTextEdit) + dialog.findChildren(QTextEdit):
            editor.installEventFilter(self)

    def submit(self) -> None:
        target = self._submit
        if isinstance(target, QAbstractButton):
            if target.isEnabled() and target.isVisibleTo(target.window()):
                target.click()
        else:
            target()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if is_submit_key(event):
            if not event.isAutoRepeat():  # a held key submits once
                self.submit()
            return True
        return False


def submit_on_ctrl_enter(dialog: QDialog, submit: QAbstractButton | Callable[[], None]) -> SubmitOnCtrlEnter:
    """Ctrl+Enter in any field of `dialog` clicks `submit` (when it is enabled) or calls it."""
    return SubmitOnCtrlEnter(dialog, submit)
