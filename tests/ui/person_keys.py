"""Typing as a person does: each key goes to the window that has the keyboard focus now.

`QTest.keyClicks(widget, ...)` hands keys to a widget of the test's choosing,
so it cannot see a window that takes the focus away mid-sentence. These send
every key through the window system's focus window (`QGuiApplication.focusWindow`),
as a keyboard does: if a pop-up grabbed the focus, the keys land there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

__all__ = ["press", "type_text"]


def _window():
    window = QGuiApplication.focusWindow()
    assert window is not None, "no window has the keyboard focus"
    return window


def type_text(text: str) -> None:
    """Type `text`, one key at a time, into whatever has the focus ("\\n" presses Enter)."""
    for ch in text:
        if ch == "\n":
            QTest.keyClick(_window(), Qt.Key.Key_Return)
        else:
            QTest.keyClick(_window(), ch)


def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """One key (with modifiers), to whatever has the focus."""
    QTest.keyClick(_window(), key, modifiers)
