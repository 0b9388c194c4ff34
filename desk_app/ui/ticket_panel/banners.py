"""Banners over the ticket: a colleague is here, an emergency mode is on, an escalation is due."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QWidget

from desk_app.ui.sla_display import is_dark

__all__ = ["Banner"]

# (light background, light border, dark background, dark border)
_TONES = {
    "info": ("#e8f0fe", "#aecbfa", "#1e2a3d", "#35548a"),
    "warning": ("#fef7e0", "#f2d675", "#3a3320", "#806c2a"),
    "danger": ("#fce8e6", "#f5b7b1", "#3c1f1d", "#8c3a33"),
}


class Banner(QFrame):
    """A strip with a symbol (never colour alone), a message and optional buttons."""

    _ICONS = {"info": QStyle.StandardPixmap.SP_MessageBoxInformation,
              "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
              "danger": QStyle.StandardPixmap.SP_MessageBoxCritical}

    def __init__(self, tone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"banner_{tone}")
        light_bg, light_border, dark_bg, dark_border = _TONES[tone]
        dark = is_dark(self.palette())
        self.setStyleSheet(
            f"QFrame#{self.objectName()} {{ background: {dark_bg if dark else light_bg};"
            f" border: 1px solid {dark_border if dark else light_border}; border-radius: 6px; }}"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.symbol = QLabel(self)
        self.symbol.setPixmap(self.style().standardIcon(self._ICONS[tone]).pixmap(20, 20))
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.symbol, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        self._layout = layout
        self.buttons: list[QPushButton] = []
        self.hide()

    def add_button(self, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(slot)
        self._layout.addWidget(button)
        self.buttons.append(button)
        return button

    def show_message(self, text: str | None) -> None:
        if text:
            self.text.setText(text)
            self.setAccessibleName(text)
            self.show()
        else:
            self.hide()
