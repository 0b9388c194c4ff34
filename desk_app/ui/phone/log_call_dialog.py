"""Log a phone call on an existing ticket: number, direction, duration from a running timer, notes.

The timer starts when the dialog opens (the agent opens it as the call
begins) and can be paused; "Log call" stops it and records the duration.
Nothing is lost on a refused input: the dialog stays open with the reason.

The keyboard is for the notes: the dialog opens with the focus in them (the
number comes from the customer), Enter there is a new line, Ctrl+Enter logs
the call. A call log without notes is refused with a clear message, and one
press logs one call: typing into a button once logged three empty calls.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk_app.services.errors import ServiceError
from desk_app.services.session import DeskSession
from desk_app.ui.accessibility import label_field
from desk_app.ui.dialog_keys import submit_on_ctrl_enter
from desk_app.ui.operations import tickets
from desk_app.ui.operations import phone
from desk_app.ui.ops import OpRunner
from desk_app.ui.phone.call_timer import CallTimer, format_call_time

__all__ = ["CallTimerDisplay", "LogCallDialog"]


class CallTimerDisplay(QWidget):
    """The running time, big, with a pause / resume button."""

    def __init__(self, timer: CallTimer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timer = timer
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.time = QLabel("0:00", self)
        self.time.setObjectName("callTime")
        font = QFont(self.time.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.time.setFont(font)
        self.toggle = QPushButton(self)
        # Never the dialog's default button (Qt makes a dialog's first push button its default
        # and gives it the focus): a keystroke meant for a field must not stop the timer.
        self.toggle.setAutoDefault(False)
        self.toggle.clicked.connect(self._toggle)
        layout.addWidget(QLabel("\u260e", self))
        layout.addWidget(self.time)
        layout.addStretch(1)
        layout.addWidget(self.toggle)
        timer.ticked.connect(self._show)
        self._show(timer.elapsed())

    def _toggle(self) -> None:
        if self.timer.running:
            self.timer.stop()
        else:
            self.timer.start()

    def _show(self, seconds: int) -> None:
        self.time.setText(format_call_time(seconds))
        self.time.setAccessibleName(self.tr("Call time {time}").format(time=format_call_time(seconds)))
        self.toggle.setText(self.tr("&Pause timer") if self.timer.running else self.tr("Resume &timer"))


class LogCallDialog(QDialog):
    logged = Signal()

    def __init__(self, session: DeskSession, runner: OpRunner, ticket_id: int, parent: QWidget | None = None, *,
                 clock: Callable[[], float] | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.ticket_id = ticket_id
        self.setWindowTitle(self.tr("Log call"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.timer = CallTimer(clock, self) if clock is not None else CallTimer(parent=self)
        layout = QVBoxLayout(self)
        self.display = CallTimerDisplay(self.timer, self)
        layout.addWidget(self.display)
        form = QFormLayout()
        self.number = QLineEdit(self)
        self.number.setPlaceholderText("+62 812 3456 7890")
        self.direction = QComboBox(self)
        self.direction.addItem(self.tr("Inbound (the customer called)"), "inbound")
        self.direction.addItem(self.tr("Outbound (we called)"), "outbound")
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText(self.tr("What was said, what was agreed"))
        for text, field in ((self.tr("&Number:"), self.number), (self.tr("&Direction:"), self.direction),
                            (self.tr("N&otes:"), self.notes)):
            label = QLabel(text, self)
            label_field(label, field)
            form.addRow(label, field)
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setObjectName("dialogError")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.log_button = self.buttons.addButton(self.tr("&Log call"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.log_call)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._logging = False
        self.notes.setFocus()
        submit_on_ctrl_enter(self, self.log_button)
        self.timer.start()
        self._prefill()

    def _prefill(self) -> None:
        """The customer's number, when the cache knows it (read on the cache lane)."""
        phone.read_caller_number(parent=self, runner=self.runner, session=self.session,
                                 ticket_id=self.ticket_id).success(
            lambda phone: phone and not self.number.text() and self.number.setText(phone)).run_in_background()

    def log_call(self) -> None:
        if self._logging:
            return  # one press, one call
        number, direction, notes = self.number.text().strip(), self.direction.currentData(), self.notes.toPlainText()
        if not notes.strip():
            self.error.setText(self.tr("Write what was said first: an empty call log is not saved."))
            self.error.show()
            self.notes.setFocus()
            return
        if not number:  # the customer's number was not known: the agent's notes stay, the number is asked for
            self.error.setText(self.tr("Enter the number of the call."))
            self.error.show()
            self.number.setFocus()
            return
        self._logging = True
        self.log_button.setEnabled(False)
        seconds = self.timer.stop()
        tid = self.ticket_id

        def failed(error: BaseException) -> None:
            self._logging = False
            self.log_button.setEnabled(True)
            if not isinstance(error, ServiceError):
                raise error
            self.error.setText(str(error))
            self.error.show()
            self.timer.start()  # the call may still be going on

        def done(_):
            self.logged.emit()
            self.accept()

        op = tickets.log_call(parent=self, runner=self.runner, session=self.session, ticket_id=tid, number=number,
                              direction=direction, duration_seconds=seconds, notes=notes)
        # From the event loop, not inside the button box's signal: the change refreshes the
        # panel under this dialog, and closing it while that runs is what PySide handles badly.
        QTimer.singleShot(0, self, op.success(done).failure(failed).run_in_background)
