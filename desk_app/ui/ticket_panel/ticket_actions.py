"""What an agent does to the open ticket: take/assign, status, escalate/de-escalate, resolve, reopen.

Each action is recorded in the outbox on the cache lane (optimistic: the
ticket changes on screen at once, and is sent when the server is reachable).
Dialogs open window-modal with `open()`, never `exec()`: no nested event loop;
their first field has the focus, and Ctrl+Enter submits them (`dialog_keys`).

Resolve stands apart at the end of the row, away from the routine buttons, and
is offered back for a few seconds (`UndoToast`): Undo records the previous
status through the same outbox path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk_app.core.ticket import DONE_STATUSES, STATUS_CHOICES, Status, status_before
from desk_app.services.errors import ServiceError
from desk_app.services.session import DeskSession
from desk_app.ui.accessibility import label_field
from desk_app.ui.dialog_keys import submit_on_ctrl_enter
from desk_app.ui.operations import tickets
from desk_app.ui.ops import Op, OpRunner
from desk_app.ui.reference import PolicyInfo, TicketLabels
from desk_app.ui.ticket_panel.undo_toast import UndoToast

__all__ = ["AssignDialog", "ReasonDialog", "StatusDialog", "TicketActionsBar"]


class ReasonDialog(QDialog):
    """Escalate / de-escalate: the reason is required, the target tier can be chosen."""

    def __init__(self, title: str, prompt: str, tiers: list[tuple[int, str]], default_tier: int | None,
                 parent: QWidget | None = None, *, field_label: str | None = None, ok_text: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        intro = QLabel(prompt, self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.tier = QComboBox(self)
        for level, name in tiers:
            self.tier.addItem(name, level)
        if default_tier is not None:
            self.tier.setCurrentIndex(max(0, self.tier.findData(default_tier)))
        tier_label = QLabel(self.tr("&To:"), self)
        label_field(tier_label, self.tier)
        form.addRow(tier_label, self.tier)
        if not tiers:  # a note or a fixed target: only the text
            tier_label.hide()
            self.tier.hide()
        self.reason = QPlainTextEdit(self)
        self.reason.setTabChangesFocus(True)
        self.reason.setMinimumHeight(80)
        reason_label = QLabel(field_label or self.tr("&Reason:"), self)
        reason_label.setBuddy(self.reason)
        form.addRow(reason_label, self.reason)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        if ok_text:
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._check)
        self._check()
        # The reason is what the agent types; the target tier is a choice made on purpose (a
        # first keystroke in the tier box would retarget the ticket, to the manager say).
        self.reason.setFocus()
        submit_on_ctrl_enter(self, self.buttons.button(QDialogButtonBox.StandardButton.Ok))

    def _check(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason.toPlainText().strip()))

    def values(self) -> tuple[str, int | None]:
        return self.reason.toPlainText().strip(), self.tier.currentData()


class StatusDialog(QDialog):
    """Change the status; pausing statuses say that (and why) they stop the SLA clocks."""

    def __init__(self, current: str, pausing: frozenset[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Change status"))
        self.pausing = pausing
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.status = QComboBox(self)
        for status in STATUS_CHOICES:
            label = TicketLabels.status(status)
            if status.value in pausing:
                label = self.tr("{status} (pauses SLA)").format(status=label)
            self.status.addItem(label, status.value)
        self.status.setCurrentIndex(max(0, self.status.findData(current)))
        status_label = QLabel(self.tr("&Status:"), self)
        label_field(status_label, self.status)
        form.addRow(status_label, self.status)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        form.addRow("", self.explanation)
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(self.tr("Optional internal note"))
        self.note.setMaximumHeight(80)
        note_label = QLabel(self.tr("&Note:"), self)
        note_label.setBuddy(self.note)
        form.addRow(note_label, self.note)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.status.currentIndexChanged.connect(self._explain)
        self._explain()
        self.status.setFocus()
        submit_on_ctrl_enter(self, self.buttons.button(QDialogButtonBox.StandardButton.Ok))

    def _explain(self) -> None:
        status = self.status.currentData()
        if status in self.pausing:
            self.explanation.setText(TicketLabels.pausing_explanation(status))
        elif status in (Status.RESOLVED, Status.CLOSED):
            self.explanation.setText(self.tr("Stops the SLA clocks; a new customer message reopens the ticket."))
        else:
            self.explanation.setText(self.tr("The SLA clocks run."))

    def values(self) -> tuple[str, str]:
        return self.status.currentData(), self.note.toPlainText().strip()


class AssignDialog(QDialog):
    def __init__(self, users: list[dict[str, Any]], current: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Assign ticket"))
        layout = QFormLayout(self)
        self.user = QComboBox(self)
        self.user.addItem(self.tr("Nobody (unassigned)"), None)
        for user in users:
            if user.get("active", True) and user.get("role") != "admin":
                self.user.addItem(f"{user.get('display_name') or user['username']} ({user.get('role', '')})",
                                  user["id"])
        self.user.setCurrentIndex(max(0, self.user.findData(current)))
        label = QLabel(self.tr("&Assign to:"), self)
        label_field(label, self.user)
        layout.addRow(label, self.user)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)

    def value(self) -> int | None:
        return self.user.currentData()


class TicketActionsBar(QWidget):
    status_message = Signal(str)
    #: The agent asked to log a call on the ticket (the panel opens the dialog).
    log_call_requested = Signal()

    def __init__(self, session: DeskSession, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.ticket: dict[str, Any] | None = None
        self.info: PolicyInfo | None = None
        self.users: list[dict[str, Any]] = []  # the staff list, read with the ticket on the cache lane
        self.dialog: QDialog | None = None  # the one open now (tests drive it)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        layout = QHBoxLayout()
        layout.setContentsMargins(12, 4, 12, 4)
        layout.setSpacing(6)
        outer.addLayout(layout)

        def button(text: str, slot, tip: str) -> QPushButton:
            b = QPushButton(text, self)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            layout.addWidget(b)
            return b

        self.take = button(self.tr("&Take"), self.take_ticket, self.tr("Assign this ticket to yourself"))
        self.assign = button(self.tr("&Assign\u2026"), self.open_assign, self.tr("Assign to a colleague"))
        self.status = button(self.tr("Stat&us\u2026"), self.open_status, self.tr("Change the ticket's status"))
        self.escalate = button(self.tr("&Escalate\u2026"), self.open_escalate,
                               self.tr("Move the ticket up to the next tier, with a reason"))
        self.deescalate = button(self.tr("&De-escalate\u2026"), self.open_deescalate,
                                 self.tr("Move the ticket back down a tier, with a reason"))
        self.log_call = button(self.tr("&Log call\u2026"), self.log_call_requested.emit,
                               self.tr("Record a phone call with the customer on this ticket"))
        # Resolve (and Reopen in its place) at the far end, across the stretch: not one slip of
        # the mouse away from the routine buttons (and no wider a row on a small screen).
        layout.addStretch(1)
        self.resolve = button(self.tr("Res&olve"), self.resolve_ticket,
                              self.tr("Mark the ticket resolved (you can undo it for a few seconds)"))
        self.reopen = button(self.tr("Reo&pen"), lambda: self.set_status(Status.OPEN.value),
                             self.tr("Open the ticket again"))
        self.undo_toast = UndoToast(self)
        outer.addWidget(self.undo_toast)
        self.show_ticket(None, None)

    def show_ticket(self, ticket: dict[str, Any] | None, info: PolicyInfo | None) -> None:
        self.ticket, self.info = ticket, info
        has = ticket is not None
        me = self.session.user["id"]
        tier = ticket.get("tier", 1) if has else 1
        top = info.top_tier() if info else 3
        done = has and ticket["status"] in DONE_STATUSES
        self.take.setEnabled(has and ticket.get("assignee_id") != me and not done)
        self.assign.setEnabled(has)
        self.status.setEnabled(has)
        self.escalate.setEnabled(has and tier < top and not done)
        self.deescalate.setEnabled(has and tier > 1 and not done)
        self.resolve.setVisible(not done)
        self.resolve.setEnabled(has and not done)
        self.reopen.setVisible(done)
        self.log_call.setEnabled(has and (ticket or {}).get("id", 0) > 0)

    # -- running one action -------------------------------------------------------------

    def _run(self, operation: Callable[..., Op], done: str, *, ticket_id: int | None = None, then=None,
             **fields: Any) -> None:
        """Run a `ui.operations.tickets` change on `ticket_id` (the open ticket by default) with
        `fields`; say `done`, call `then`."""
        if ticket_id is None:
            if self.ticket is None:
                return
            ticket_id = self.ticket["id"]
        tid = ticket_id

        def succeeded(_) -> None:
            self.status_message.emit(done)
            if then is not None:
                then()

        op = operation(parent=self, runner=self.runner, session=self.session, ticket_id=tid, **fields).success(
            succeeded).failure(self._failed)
        # Started from the event loop, not from inside a dialog's done(): the change rebuilds
        # widgets, and doing that while QDialog.done() is on the stack crashed its deferred
        # deletion (PySide 6.11).
        QTimer.singleShot(0, self, op.run_in_background)

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, ServiceError):
            raise error
        self.status_message.emit(self.tr("Not done: {reason}").format(reason=str(error)))

    def take_ticket(self) -> None:
        self._run(tickets.take_ticket, self.tr("You took {number}.").format(number=self._number()))

    def set_status(self, status: str, note: str | None = None) -> None:
        self._run(tickets.set_ticket_status,
                  self.tr("{number} is now \u201c{status}\u201d.").format(number=self._number(),
                                                                         status=TicketLabels.status(status)),
                  status=status, note=note or None)

    def resolve_ticket(self) -> None:
        """Resolve the open ticket, and offer to undo it for a few seconds."""
        if self.ticket is None:
            return
        tid, number, previous = self.ticket["id"], self._number(), self.ticket["status"]
        back = status_before(previous)
        focus = QApplication.focusWidget()
        keyboard = focus is not None and (focus is self or self.isAncestorOf(focus))

        def offer() -> None:
            self.undo_toast.show_undo(self.tr("{number} resolved.").format(number=number),
                                      lambda: self._undo_resolve(tid, number, back))
            if keyboard:  # the agent pressed Resolve from the keyboard: Undo is one key away
                self.undo_toast.undo.setFocus(Qt.FocusReason.OtherFocusReason)

        self._run(tickets.resolve_ticket,
                  self.tr("{number} is now \u201c{status}\u201d.").format(
                      number=number, status=TicketLabels.status(Status.RESOLVED.value)),
                  ticket_id=tid, then=offer)

    def _undo_resolve(self, ticket_id: int, number: str, status: str) -> None:
        self._run(tickets.undo_resolve,
                  self.tr("{number} is \u201c{status}\u201d again.").format(number=number,
                                                                            status=TicketLabels.status(status)),
                  ticket_id=ticket_id, status=status)

    def _number(self) -> str:
        return (self.ticket or {}).get("number", "")

    # -- dialogs ------------------------------------------------------------------------

    def _open(self, dialog: QDialog, on_accept) -> QDialog:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: on_accept(dialog))
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        dialog.open()
        return dialog

    def open_assign(self) -> None:
        if self.ticket is None:
            return
        users = self.users

        def accepted(d: AssignDialog) -> None:
            uid = d.value()
            self._run(tickets.assign_ticket, self.tr("Assignment recorded."), assignee_id=uid)

        self._open(AssignDialog(users, self.ticket.get("assignee_id"), self), accepted)

    def open_status(self) -> None:
        if self.ticket is None:
            return
        pausing = self.info.pause_statuses() if self.info else frozenset()

        def accepted(d: StatusDialog) -> None:
            status, note = d.values()
            if status != self.ticket["status"] or note:
                self.set_status(status, note)

        self._open(StatusDialog(self.ticket["status"], pausing, self), accepted)

    def _tiers(self, up: bool) -> list[tuple[int, str]]:
        tier = self.ticket.get("tier", 1)
        ladder = self.info.ladder() if self.info else []
        return [(t["level"], t["name"]) for t in ladder if (t["level"] > tier if up else t["level"] < tier)]

    def open_escalate(self) -> None:
        if self.ticket is None:
            return
        tiers = self._tiers(True)
        default = tiers[0][0] if tiers else None

        def accepted(d: ReasonDialog) -> None:
            reason, to_tier = d.values()
            self._run(tickets.escalate_ticket, self.tr("{number} escalated.").format(number=self._number()),
                      reason=reason, to_tier=to_tier)

        self._open(ReasonDialog(self.tr("Escalate ticket"),
                                self.tr("Why does this ticket need the next tier? Your colleagues read this."),
                                tiers, default, self), accepted)

    def open_deescalate(self) -> None:
        if self.ticket is None:
            return
        tiers = self._tiers(False)
        default = tiers[-1][0] if tiers else None

        def accepted(d: ReasonDialog) -> None:
            reason, to_tier = d.values()
            self._run(tickets.deescalate_ticket, self.tr("{number} de-escalated.").format(number=self._number()),
                      reason=reason, to_tier=to_tier)

        self._open(ReasonDialog(self.tr("De-escalate ticket"),
                                self.tr("Why can a lower tier handle this ticket?"), tiers, default, self),
                   accepted)
