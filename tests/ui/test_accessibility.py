"""Every control has a name a screen reader can say, and the keyboard focus can be seen (issue 13, item 17).

* Names: the widget tree of the main window is walked for an agent, a
  specialist and a manager (the dashboard included) with a ticket open, and
  then of every dialog those windows open. Each widget a person can reach
  (it takes the focus, or it is a button) must have a name, as Qt gives it
  to assistive technology (its accessible interface: an accessible name, a
  label's buddy, a button's text). A field is named by its purpose, never by
  its current value (a combo box's name was its current item's text).
* Focus: in both the light and the dark palette (`theme.apply_theme`), each
  kind of control the window holds is given the focus from the keyboard and
  must then show a ring: pixels that changed at a contrast of 3:1 or more
  (WCAG 2.2 focus appearance), enclosing the control, not a text cursor.
* Radio buttons and check boxes are outlined at 3:1 or more in both palettes
  (in the dark one they were nearly invisible).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QAccessible, QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QTextEdit,
    QToolButton,
    QWidget,
)
from window_helpers import *  # noqa: F403
from window_helpers import WAIT_MS

from desk_app.ui import theme
from desk_app.ui.login_dialog import LoginDialog

#: Fields whose default name (on Linux) would be what they hold: they must be named for their purpose.
_VALUE_HOLDERS = (QComboBox, QLineEdit, QAbstractSpinBox, QPlainTextEdit, QTextEdit)


def accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return (interface.text(QAccessible.Text.Name) if interface is not None else "").replace("&", "").strip()


def _value(widget: QWidget) -> str:
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QTextEdit):
        return widget.toPlainText()
    return ""


def labelled(widget: QWidget) -> bool:
    """A label says what the field is for (its buddy: Qt tells assistive technology "labelled by")."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return bool(interface is not None and interface.relations(QAccessible.RelationFlag.Label))


def _reachable(widget: QWidget) -> bool:
    """A control a person can reach: it takes the focus, or it is a button (a click, a screen reader)."""
    if not widget.isVisible() or widget.focusProxy() is not None:
        return False
    if isinstance(widget, QAbstractItemView) and isinstance(widget.parentWidget(), QWidget) and \
            widget.window() is not widget and widget.window().inherits("QComboBoxPrivateContainer"):
        return False
    return widget.focusPolicy() != Qt.FocusPolicy.NoFocus or isinstance(widget, QAbstractButton)


def unnamed(root: QWidget) -> list[str]:
    """What is wrong with the names under `root` (empty: nothing)."""
    problems = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.isWindow() and widget is not root:
            continue  # another window: audited on its own
        if not _reachable(widget):
            continue
        name = accessible_name(widget)
        where = f"{type(widget).__name__} {widget.objectName() or ''} in {type(widget.parentWidget()).__name__}"
        if not name:
            problems.append(f"{where}: no name")
        elif isinstance(widget, _VALUE_HOLDERS) and name == _value(widget).strip() and not labelled(widget):
            # On Linux Qt names a combo box by its current item whatever its accessibleName: a label
            # (the "labelled by" relation) is what tells what it is for.
            problems.append(f"{where}: named by its value {name!r}")
        elif isinstance(widget, QTabBar) and not widget.accessibleName():
            # Its tabs carry their titles; the list itself says which pages it turns (Qt on Linux
            # gives the current tab's title instead, other platforms this name).
            problems.append(f"{where}: the list of pages has no name")
    return problems


def _dialogs(window: QWidget) -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets()
            if w.isVisible() and isinstance(w, (QDialog, QMessageBox)) and w is not window]


def _audit_dialog(qtbot, window, open_it, title: str) -> list[str]:
    before = set(map(id, _dialogs(window)))
    open_it()
    qtbot.waitUntil(lambda: any(id(d) not in before for d in _dialogs(window)), timeout=WAIT_MS)
    dialog = next(d for d in _dialogs(window) if id(d) not in before)
    qtbot.waitUntil(lambda: window.runner.is_idle, timeout=WAIT_MS)  # filled (policies, numbers)
    problems = [f"{title}: {p}" for p in unnamed(dialog)]
    dialog.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return problems


def _open_a_ticket(window, qtbot, ticket_id: int) -> None:
    window.open_ticket(ticket_id)
    qtbot.waitUntil(lambda: (window.ticket_panel.ticket or {}).get("id") == ticket_id, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.runner.is_idle, timeout=WAIT_MS)


@pytest.fixture
def desk(ui_store):
    """Tickets for every role: a Tier 1 one taken by the agent, and one escalated to Tier 2."""
    mine = ui_store.take("agent", ui_store.create_ticket("agent", subject="Parcel stuck at the depot"))
    up = ui_store.take("agent", ui_store.create_ticket("agent", subject="Refund to a closed card"))
    up = ui_store.call("agent", "POST", f"/tickets/{up['id']}/escalate", {"reason": "The bank needs a specialist."},
                       if_match=up["version"])
    return {"mine": mine, "escalated": up}


@pytest.mark.parametrize("role", ["agent", "specialist", "manager"])
def test_every_control_a_person_can_reach_has_a_name(role, windows, desk, qtbot):
    window = windows(role)
    window.activateWindow()
    ticket = desk["escalated"] if role != "agent" else desk["mine"]
    problems: list[str] = []
    if window.dashboard is not None:  # the manager's first page
        window.pages.setCurrentWidget(window.dashboard)
        qtbot.waitUntil(lambda: window.runner.is_idle, timeout=WAIT_MS)
        problems += [f"dashboard: {p}" for p in unnamed(window)]
    _open_a_ticket(window, qtbot, ticket["id"])
    window.search_box.setText("Parcel")  # the clear button shows once there is text
    problems += unnamed(window)

    bar = window.ticket_panel.actions_bar
    openers = [
        (window.show_shortcuts, "keyboard shortcuts"),
        (window.new_ticket_from_call, "new ticket from call"),
        (window.ticket_panel.open_log_call if hasattr(window.ticket_panel, "open_log_call") else window.log_call,
         "log call"),
        (bar.open_assign, "assign"),
        (bar.open_status, "status"),
    ]
    if bar.escalate.isEnabled():
        openers.append((bar.open_escalate, "escalate"))
    if bar.deescalate.isEnabled():
        openers.append((bar.open_deescalate, "de-escalate"))
    for open_it, title in openers:
        problems += _audit_dialog(qtbot, window, open_it, title)
    assert problems == [], "\n".join(problems)


def test_the_login_dialog_names_its_fields(qtbot, runner, ui_settings):
    dialog = LoginDialog(runner, ui_settings)
    qtbot.addWidget(dialog)
    dialog.show()
    assert unnamed(dialog) == []


def test_the_fields_named_in_the_issue_say_what_they_are_for(windows, desk, qtbot):
    window = windows("agent")
    _open_a_ticket(window, qtbot, desk["mine"]["id"])
    composer = window.ticket_panel.composer
    assert accessible_name(composer.editor) == "Reply to customer"  # what is being written
    composer.note_mode.setChecked(True)
    assert accessible_name(composer.editor) == "Internal note"
    canned = composer.canned
    assert canned.count() > 1 and labelled(canned) and canned.accessibleName() == "Canned response"
    # At rest, its item (which Qt on Linux gives as its name) says what the box does.
    assert accessible_name(canned) == "Insert a canned response\u2026"
    window.search_box.setText("Parcel")
    clear = [b for b in window.search_box.findChildren(QToolButton) if b.isVisible()]
    assert clear and all(accessible_name(b) for b in clear)


# -- the focus can be seen ------------------------------------------------------------------------


def _luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) + 0.0722 * channel(colour.blue())


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def focus_ring(before: QImage, after: QImage) -> tuple[int, int, int]:
    """(pixels changed at 3:1 or more, width and height of the box they span)."""
    xs, ys, strong = [], [], 0
    for x in range(before.width()):
        for y in range(before.height()):
            a, b = before.pixelColor(x, y), after.pixelColor(x, y)
            if a != b and contrast(a, b) >= 3.0:
                strong += 1
                xs.append(x)
                ys.append(y)
    if not strong:
        return 0, 0, 0
    return strong, max(xs) - min(xs) + 1, max(ys) - min(ys) + 1


@pytest.fixture(params=["light", "dark"])
def palette(request, qapp) -> Iterator[str]:
    style, app_palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    theme.apply_theme(qapp, request.param)
    try:
        yield request.param
    finally:
        qapp.setStyle(style)
        qapp.setPalette(app_palette)
        qapp.setStyleSheet(sheet)
        theme.icon.cache_clear()


def _focus_from_keyboard(widget: QWidget) -> None:
    """As a mnemonic (Alt+letter) or a shortcut puts it there: the window then shows focus rings."""
    widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
    QCoreApplication.processEvents()


def test_the_keyboard_focus_is_seen_on_every_kind_of_control(palette, windows, desk, qtbot):
    window = windows("agent")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    _open_a_ticket(window, qtbot, desk["mine"]["id"])
    composer, bar = window.ticket_panel.composer, window.ticket_panel.actions_bar
    controls = {
        "queue table": window.queue_view, "sidebar": window.sidebar, "search box": window.search_box,
        "composer": composer.editor, "reply/note choice": composer.note_mode, "canned responses": composer.canned,
        "a button": bar.assign,
    }
    resting = composer.send  # somewhere else to be
    weak = {}
    for name, widget in controls.items():
        assert widget.isVisible() and widget.isEnabled(), name
        _focus_from_keyboard(resting)
        before = widget.grab().toImage()
        _focus_from_keyboard(widget)
        assert widget.hasFocus(), name
        after = widget.grab().toImage()
        strong, width, height = focus_ring(before, after)
        # A ring encloses the control (or its text): at least one pixel all the way round
        # the box it spans, and that box no mere text cursor.
        if not (width >= 12 and height >= 12 and strong >= width + height):
            weak[name] = (strong, width, height)
    assert weak == {}, f"focus not seen in the {palette} palette (pixels at 3:1, box): {weak}"


def test_radio_buttons_and_check_boxes_are_outlined_in_both_palettes(palette, qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    radio = QRadioButton("Internal note", host)
    host.resize(200, 40)
    host.show()
    image = radio.grab().toImage()
    option = QStyleOptionButton()
    option.initFrom(radio)
    box = radio.style().subElementRect(QStyle.SubElement.SE_RadioButtonIndicator, option, radio)
    background = radio.palette().color(radio.backgroundRole())
    outline = sum(1 for x in range(box.left(), box.right() + 1) for y in range(box.top(), box.bottom() + 1)
                  if contrast(image.pixelColor(x, y), background) >= 3.0)
    # An unchecked indicator: its circle must stand out (a 13 px circle is about 40 px round).
    assert outline >= 30, f"the radio button's circle is nearly invisible in the {palette} palette ({outline} px)"
