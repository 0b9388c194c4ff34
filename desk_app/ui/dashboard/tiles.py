"""A KPI tile: a label, a big number, a line of context; clickable to open the matching tickets."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

__all__ = ["KpiTile", "TONES"]

#: Accent colours of the tile's top edge by tone (readable on light and dark palettes).
TONES = {"neutral": "#2f6fde", "good": "#16a34a", "warn": "#d97706", "bad": "#dc2626", "muted": "#6b7280"}

_STYLE = """
QFrame#KpiTile {{ background: palette(base); border: 1px solid palette(mid); border-left: 5px solid {accent};
                  border-radius: 4px; }}
QFrame#KpiTile:focus {{ border: 1px solid palette(highlight); border-left: 5px solid {accent}; }}
QLabel#KpiTitle {{ color: palette(placeholder-text); font-weight: 600; font-size: 9.5pt; }}
QLabel#KpiValue {{ font-size: 26pt; font-weight: 700; color: {value}; }}
QLabel#KpiCaption {{ color: palette(placeholder-text); font-size: 9pt; }}
"""


class KpiTile(QFrame):
    #: The manager clicked the tile (or pressed Enter on it).
    clicked = Signal()

    def __init__(self, title: str, parent: QWidget | None = None, *, clickable: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("KpiTile")
        self._clickable = clickable
        self.title_label = QLabel(title.upper(), self)
        self.title_label.setObjectName("KpiTitle")
        self.value_label = QLabel("—", self)
        self.value_label.setObjectName("KpiValue")
        self.caption_label = QLabel("", self)
        self.caption_label.setObjectName("KpiCaption")
        self.caption_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.caption_label)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(112)
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.set_tone("neutral")

    @property
    def value(self) -> str:
        return self.value_label.text()

    @property
    def caption(self) -> str:
        return self.caption_label.text()

    def set_value(self, value: str, caption: str = "", *, tone: str | None = None) -> None:
        self.value_label.setText(value)
        self.caption_label.setText(caption)
        self.setAccessibleName(f"{self.title_label.text()}: {value}")
        self.setAccessibleDescription(caption)
        if tone is not None:
            self.set_tone(tone)

    def set_tone(self, tone: str) -> None:
        accent = TONES.get(tone, TONES["neutral"])
        value = accent if tone in ("bad", "warn") else "palette(text)"
        self.setStyleSheet(_STYLE.format(accent=accent, value=value))
        self._tone = tone

    @property
    def tone(self) -> str:
        return self._tone

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if self._clickable and event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self.clicked.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if self._clickable and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            event.accept()
            return
        super().keyPressEvent(event)
