"""Light and dark palettes that follow the system, a little style, and the icon set.

The Fusion style with a palette chosen from the system's colour scheme
(`QStyleHints.colorScheme`, followed live as it changes); `--theme` forces
one. Icons are simple line drawings in `resources/icons/*.svg`, drawn in
`currentColor`, tinted here for the palette in use (so they read on light
and dark backgrounds alike).

The style sheet draws what Fusion draws too faintly for an agent who works
from the keyboard all day (WCAG 2.2: a focus indicator, and a control's
outline, stand out at 3:1 from what is next to them): a 2 px ring in the
highlight colour around the control that has the focus (buttons, fields,
combo boxes, radio buttons and check boxes, lists and tables, the text
editors), and empty radio buttons and check boxes outlined in the
placeholder-text colour, which reads on the dark palette as on the light one.
Only the style sheet (drawn in C++) does this: a Python `QProxyStyle` would be
called for every cell of the queue on every repaint.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

__all__ = ["ICON_DIR", "apply_theme", "icon", "is_dark_palette"]

ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"

_ACCENT = "#2f6fde"
#: The images the style sheet draws with (a check mark, combo boxes' arrows: one per scheme).
STYLE_DIR = ICON_DIR / "style"
_STYLE = """
QPushButton { background: palette(button); border: 1px solid palette(mid); border-radius: 4px; padding: 4px 12px;
              min-height: 18px; }
QPushButton:hover { background: palette(midlight); }
QPushButton:pressed, QPushButton:checked { background: palette(mid); }
QPushButton:focus { border: 2px solid palette(highlight); padding: 3px 11px; outline: none; }
QComboBox { border: 1px solid palette(mid); border-radius: 4px; padding: 3px 6px; background: palette(base); }
QComboBox:focus { border: 2px solid palette(highlight); padding: 2px 5px; }
QComboBox:disabled { background: palette(window); }
QComboBox::drop-down { subcontrol-origin: padding; subcontrol-position: center right; width: 16px; border: none; }
QComboBox::down-arrow { image: url("@STYLE/chevron-down-@SCHEME.svg"); width: 12px; height: 12px; }
QLineEdit { border: 1px solid palette(mid); border-radius: 4px; padding: 3px 5px; background: palette(base); }
QLineEdit:focus { border: 2px solid palette(highlight); padding: 2px 4px; }
QPlainTextEdit, QTextEdit, QListView, QTreeView, QTableView { border: 1px solid palette(mid); border-radius: 4px;
                                                             padding: 1px; }
QPlainTextEdit:focus, QTextEdit:focus, QListView:focus, QTreeView:focus, QTableView:focus {
    border: 2px solid palette(highlight); padding: 0px; }
QComboBox QAbstractItemView, QComboBox QAbstractItemView:focus { border: 1px solid palette(mid); border-radius: 0px;
                                                                 padding: 0px; }
QRadioButton, QCheckBox { border: 2px solid transparent; border-radius: 4px; padding: 1px 3px; }
QRadioButton:focus, QCheckBox:focus { border: 2px solid palette(highlight); }
QRadioButton::indicator, QCheckBox::indicator { width: 12px; height: 12px; border: 2px solid palette(placeholder-text);
                                               background: palette(base); }
QRadioButton::indicator { border-radius: 8px; }
QCheckBox::indicator { border-radius: 3px; }
QRadioButton::indicator:checked, QCheckBox::indicator:checked { border-color: palette(highlight); }
QCheckBox::indicator:checked { background: palette(highlight); image: url("@STYLE/check.svg"); }
QRadioButton::indicator:disabled, QCheckBox::indicator:disabled { border-color: palette(mid); }
QTreeView#Sidebar { border: 2px solid transparent; border-radius: 0px; padding: 4px 2px; }
QTreeView#Sidebar:focus { border: 2px solid palette(highlight); padding: 4px 2px; }
QTreeView#Sidebar::item { padding: 5px 6px; }
QTreeView#Sidebar::item:selected { background: palette(highlight); color: palette(highlighted-text); }
QTableView#QueueTable { border: 2px solid transparent; border-radius: 0px; padding: 0px; }
QTableView#QueueTable:focus { border: 2px solid palette(highlight); }
QTableView#QueueTable::item { padding: 0 6px; }
QHeaderView::section { padding: 5px 6px; border: none; border-bottom: 1px solid palette(mid);
                       border-right: 1px solid palette(midlight); font-weight: 600; }
QLineEdit#SearchBox { padding: 5px 8px; border-radius: 6px; border: 1px solid palette(mid); min-width: 260px; }
QLineEdit#SearchBox:focus { padding: 4px 7px; border: 2px solid palette(highlight); }
QStatusBar QLabel { padding: 0 8px; }
QToolBar { spacing: 6px; padding: 4px 6px; border: none; }
QLabel#PanelTitle { font-size: 15pt; font-weight: 600; }
QLabel#SectionTitle { color: palette(placeholder-text); font-weight: 600; }
"""


def _light() -> QPalette:
    p = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#f3f4f6",
        QPalette.ColorRole.WindowText: "#1f2430",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f7f8fa",
        QPalette.ColorRole.Text: "#1f2430",
        QPalette.ColorRole.Button: "#f3f4f6",
        QPalette.ColorRole.ButtonText: "#1f2430",
        QPalette.ColorRole.Highlight: _ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#ffffff",
        QPalette.ColorRole.ToolTipText: "#1f2430",
        QPalette.ColorRole.PlaceholderText: "#6b7280",
        QPalette.ColorRole.Mid: "#d1d5db",
        QPalette.ColorRole.Midlight: "#e5e7eb",
        QPalette.ColorRole.Link: _ACCENT,
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#9ca3af"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#9ca3af"))
    return p


def _dark() -> QPalette:
    p = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#1e2128",
        QPalette.ColorRole.WindowText: "#e5e7eb",
        QPalette.ColorRole.Base: "#15171c",
        QPalette.ColorRole.AlternateBase: "#1b1e24",
        QPalette.ColorRole.Text: "#e5e7eb",
        QPalette.ColorRole.Button: "#2a2e37",
        QPalette.ColorRole.ButtonText: "#e5e7eb",
        QPalette.ColorRole.Highlight: "#3b82f6",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2a2e37",
        QPalette.ColorRole.ToolTipText: "#e5e7eb",
        QPalette.ColorRole.PlaceholderText: "#9ca3af",
        QPalette.ColorRole.Mid: "#3a3f4b",
        QPalette.ColorRole.Midlight: "#2c313a",
        QPalette.ColorRole.Dark: "#101216",
        QPalette.ColorRole.Link: "#60a5fa",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b7280"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b7280"))
    return p


def style_sheet(dark: bool) -> str:
    """The application's style sheet for the light or the dark palette."""
    palette = _dark() if dark else _light()
    highlight, base = (palette.color(role).name() for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.Base))
    # A checked radio button: a dot in the highlight colour inside its ring (gradient stops take no palette()).
    dot = (f"QRadioButton::indicator:checked {{ background: qradialgradient(cx: 0.5, cy: 0.5, radius: 0.5, "
           f"fx: 0.5, fy: 0.5, stop: 0 {highlight}, stop: 0.5 {highlight}, stop: 0.6 {base}, stop: 1 {base}); }}\n")
    return (_STYLE + dot).replace("@STYLE", STYLE_DIR.as_posix()).replace("@SCHEME", "dark" if dark else "light")


def is_dark_palette(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def _system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, theme: str = "system") -> None:
    """Fusion with our palette: "light", "dark", or "system" (follow the system, live)."""
    app.setStyle("Fusion")

    def refresh(*_args) -> None:
        dark = theme == "dark" or (theme == "system" and _system_is_dark())
        app.setPalette(_dark() if dark else _light())
        app.setStyleSheet(style_sheet(dark))
        icon.cache_clear()

    refresh()
    if theme == "system":
        app.styleHints().colorSchemeChanged.connect(refresh)


@cache
def _svg(name: str) -> str:
    return (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")


@cache
def icon(name: str, colour: str | None = None) -> QIcon:
    """An icon from resources/icons, drawn in `colour` (default: the palette's text colour, muted)."""
    if colour is None:
        colour = "#aab1bd" if is_dark_palette() else "#4b5563"
    text = _svg(name).replace("currentColor", colour)
    result = QIcon()
    for size in (16, 24, 32, 48):
        pixmap = QPixmap()
        sized = text.replace('width="24" height="24"', f'width="{size}" height="{size}"', 1)
        pixmap.loadFromData(QByteArray(sized.encode()), "SVG")
        result.addPixmap(pixmap)
    return result
