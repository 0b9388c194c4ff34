"""A new ticket from a phone call: who is calling, about what, and how long the call took.

The caller's number (or an e-mail address, an order id, a name) is looked up
in the local cache as it is typed, and the matches show at once; online, the
store is asked too (`GET /customers?q=`, on the network lane) and its matches
are added below, so a caller none of whose tickets is on this computer is
still found. Offline the lookup stays local and says so. Picking a match
files the ticket under that customer, otherwise a new customer is created
with the name given. The call
timer runs from the moment the dialog opens; "Create ticket" stops it and
records the call, with its duration and notes, as the ticket's first entry.
The ticket is created through the outbox (it appears at once, also offline).

The focus starts in the caller's number (the first thing the agent fills),
Enter in the notes is a new line and Ctrl+Enter creates the ticket. A name
the agent typed is theirs: a match found afterwards is listed, not picked
over it (picking it is the agent's choice).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desk_app.core.phone import policy_for_caller
from desk_app.services.errors import ServiceError
from desk_app.services.events import Connection
from desk_app.services.session import DeskSession
from desk_app.ui.accessibility import label_field
from desk_app.ui.dialog_keys import submit_on_ctrl_enter
from desk_app.ui.operations import tickets
from desk_app.ui.operations import phone
from desk_app.ui.operations.phone import find_customers, search_server
from desk_app.ui.ops import OpRunner
from desk_app.ui.phone.call_timer import CallTimer
from desk_app.ui.phone.log_call_dialog import CallTimerDisplay
from desk_app.ui.reference import shipped_policy

__all__ = ["NewTicketFromCallDialog", "find_customers", "search_server", "merge_matches"]

_ONLINE = (Connection.ONLINE, Connection.SYNCING)


def merge_matches(local: list[dict[str, Any]], remote: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The cache's matches first (they know more: contact, latest ticket), then the store's others."""
    seen = {m["id"] for m in local}
    return local + [m for m in remote or () if m["id"] not in seen]


class NewTicketFromCallDialog(QDialog):
    #: The new ticket's id (a negative placeholder until the server has it).
    created = Signal(int)

    LOOKUP_DELAY_MS = 250

    def __init__(self, session: DeskSession, runner: OpRunner, parent: QWidget | None = None, *,
                 clock: Callable[[], float] | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.setWindowTitle(self.tr("New ticket from call"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(520)
        self.timer = CallTimer(clock, self) if clock is not None else CallTimer(parent=self)
        self.matches: list[dict[str, Any]] = []
        self.policies: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        layout.addWidget(CallTimerDisplay(self.timer, self))
        form = QFormLayout()
        self.number = QLineEdit(self)
        self.number.setPlaceholderText(self.tr("Caller's number"))
        self.lookup = QLineEdit(self)
        self.lookup.setPlaceholderText(self.tr("Phone, e-mail or order id"))
        self.results = QListWidget(self)
        self.results.setMaximumHeight(110)
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setAccessibleName(self.tr("Matching customers"))
        self.lookup_note = QLabel(self)
        self.lookup_note.setObjectName("lookupNote")
        self.lookup_note.setWordWrap(True)
        self.lookup_note.hide()
        self._local: list[dict[str, Any]] = []
        self._remote: list[dict[str, Any]] | None = None
        self._looked_up = ""
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("For a new customer"))
        self.email = QLineEdit(self)
        self.policy = QComboBox(self)
        self.category = QComboBox(self)
        self.priority = QComboBox(self)
        self.order = QLineEdit(self)
        self.subject = QLineEdit(self)
        self.notes = QPlainTextEdit(self)
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText(self.tr("What the caller needs"))
        rows = [
            (self.tr("Caller &number:"), self.number), (self.tr("&Find customer:"), self.lookup),
            (self.tr("&Matches:"), self.results), ("", self.lookup_note), (self.tr("Customer n&ame:"), self.name),
            (self.tr("&E-mail:"), self.email), (self.tr("&Policy:"), self.policy),
            (self.tr("&Category:"), self.category), (self.tr("P&riority:"), self.priority),
            (self.tr("&Order id:"), self.order), (self.tr("&Subject:"), self.subject),
            (self.tr("No&tes:"), self.notes),
        ]
        for text, field in rows:
            label = QLabel(text, self)
            label_field(label, field)
            form.addRow(label, field)
        layout.addLayout(form)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.create_button = self.buttons.addButton(self.tr("Create &ticket"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.create_ticket)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._lookup_timer = QTimer(self)
        self._lookup_timer.setSingleShot(True)
        self._lookup_timer.setInterval(self.LOOKUP_DELAY_MS)
        self._lookup_timer.timeout.connect(self.look_up)
        self.number.textEdited.connect(self._number_edited)
        self.lookup.textEdited.connect(lambda _: self._lookup_timer.start())
        self.results.currentRowChanged.connect(self._picked)
        self.policy.currentIndexChanged.connect(self._policy_changed)
        self._policy_picked = False  # the agent chose the policy: the caller's number no longer does
        self.policy.activated.connect(lambda _index: setattr(self, "_policy_picked", True))
        self.category.currentIndexChanged.connect(self._category_changed)
        self.name.textEdited.connect(self._name_edited)
        self._name_typed = False
        #: The current pick is the dialog's (the best match, row 0), not one the agent made.
        self._auto_picked = False
        self._auto_picking = False
        self._creating = False
        self.number.setFocus()
        submit_on_ctrl_enter(self, self.create_button)
        self.timer.start()
        self._load_policies()

    # -- choices ------------------------------------------------------------------------

    def _load_policies(self) -> None:
        phone.read_phone_policies(parent=self, runner=self.runner, session=self.session).success(
            self._policies_loaded).run_in_background()

    def _policies_loaded(self, policies: list[dict[str, Any]]) -> None:
        self.policies = policies
        self.policy.clear()
        for p in policies:
            self.policy.addItem(p["name"], p["key"])
        if not policies:
            self.error.setText(self.tr("No policy served by this desk has a phone line."))
            self.error.show()
            self.create_button.setEnabled(False)

    def _policy(self) -> dict[str, Any] | None:
        key = self.policy.currentData()
        return next((p for p in self.policies if p["key"] == key), None)

    def _policy_changed(self, _index: int) -> None:
        policy = self._policy()
        self.category.clear()
        self.priority.clear()
        if policy is None:
            return
        for c in policy.get("categories", ()):
            self.category.addItem(c["label"], c["key"])
        for p in sorted(policy.get("priorities", ()), key=lambda p: p.get("rank", 0)):
            self.priority.addItem(p["label"], p["key"])
        self._category_changed(0)

    def _category_changed(self, _index: int) -> None:
        """The category's default priority (Ooulet: payment problems are critical)."""
        policy = self._policy()
        local = shipped_policy(policy["key"]) if policy else None
        if local is None or self.category.currentData() is None:
            return
        wanted = local.initial_priority(self.category.currentData())
        index = self.priority.findData(wanted)
        if index >= 0:
            self.priority.setCurrentIndex(index)

    # -- finding the customer -----------------------------------------------------------

    def _name_edited(self, text: str) -> None:
        self._name_typed = bool(text.strip())

    def _number_edited(self, text: str) -> None:
        self.lookup.setText(text)
        self._lookup_timer.start()
        self._default_policy(text)

    def _default_policy(self, number: str) -> None:
        """The first policy with a phone line in the caller's country (a +62 caller: Shopee
        Indonesia), until the agent picks one; a matching customer's own policy comes after."""
        if self._policy_picked:
            return
        served = [p for p in (shipped_policy(x["key"]) for x in self.policies) if p is not None]
        key = policy_for_caller(number, served)
        index = self.policy.findData(key) if key else -1
        if index >= 0:
            self.policy.setCurrentIndex(index)

    def look_up(self) -> None:
        """The cache's matches now; online, the store's are added when they come."""
        self._lookup_timer.stop()
        text, session = self.lookup.text().strip(), self.session
        self._looked_up, self._local, self._remote = text, [], None
        if len(text) < 3:
            self.lookup_note.hide()
            self._show_matches(text, [])
            return
        phone.find_customers_here(parent=self, runner=self.runner, session=session, text=text).success(lambda found: self._local_found(text, found)).run_in_background()
        if session.status.connection not in _ONLINE:
            self._say_local_only()
            return
        self.lookup_note.setText(self.tr("Searching the server as well\u2026"))
        self.lookup_note.show()
        def failed(error: BaseException) -> None:
            if not isinstance(error, ServiceError):
                raise error
            if text == self._looked_up:
                self._say_local_only()

        phone.find_customers_on_server(parent=self, runner=self.runner, session=session, text=text).success(lambda found: self._server_found(text, found)).failure(
            failed).run_in_background()

    def _say_local_only(self) -> None:
        self.lookup_note.setText(self.tr("Offline: only the customers on this computer are searched."))
        self.lookup_note.show()

    def _local_found(self, text: str, found: list[dict[str, Any]]) -> None:
        if text != self._looked_up:
            return  # typed on meanwhile: a newer lookup follows
        self._local = found
        self._show_matches(text, merge_matches(found, self._remote))

    def _server_found(self, text: str, found: list[dict[str, Any]]) -> None:
        if text != self._looked_up:
            return
        self._remote = found
        self.lookup_note.hide()
        self._show_matches(text, merge_matches(self._local, found))

    def _show_matches(self, text: str, found: list[dict[str, Any]]) -> None:
        if text != self.lookup.text().strip():
            return  # typed on meanwhile: a newer lookup follows
        picked = self.selected_customer()
        self.matches = found
        self.results.blockSignals(True)  # the agent's pick stays; no re-fill of the fields
        self.results.clear()
        for m in found:
            self.results.addItem(QListWidgetItem(self._describe(m)))
        if not found and len(text) >= 3:
            self.results.addItem(self.tr("No customer found: a new one is created."))
            self.matches = []
        self.results.blockSignals(False)
        if found:
            ids = [m["id"] for m in found]
            # The other answer came (the cache's and the store's arrive in either order): the agent's
            # own pick stays as it is, and so does the dialog's while it is still the best match.
            if picked is not None and picked["id"] in ids and (not self._auto_picked or ids[0] == picked["id"]):
                self.results.blockSignals(True)
                self.results.setCurrentRow(ids.index(picked["id"]))
                self.results.blockSignals(False)
            elif not self._name_typed:
                self._auto_picking = True
                try:
                    self.results.setCurrentRow(0)  # the best match: fills in the name, e-mail, policy
                finally:
                    self._auto_picking = False
                self._auto_picked = True

    def _describe(self, match: dict[str, Any]) -> str:
        contact = " \u00b7 ".join(x for x in (match.get("phone"), match.get("email")) if x)
        parts = [match["name"], contact or (self.tr("contact hidden") if match.get("contact_hidden") else ""),
                 match.get("last_ticket") or ""]
        text = " \u2014 ".join(p for p in parts if p)
        if match.get("from_server"):
            text += " " + self.tr("(found on the server)")
        return text

    def _picked(self, row: int) -> None:
        if not self._auto_picking:
            self._auto_picked = False
        if 0 <= row < len(self.matches):
            match = self.matches[row]
            self._name_typed = False  # the agent picked this customer: their name is the one
            self.name.setText(match["name"])
            self.email.setText(match.get("email") or "")
            index = self.policy.findData(match.get("policy"))
            if index >= 0:
                self.policy.setCurrentIndex(index)
            if match.get("order_id") and not self.order.text():
                self.order.setText(match["order_id"])

    def selected_customer(self) -> dict[str, Any] | None:
        row = self.results.currentRow()
        return self.matches[row] if 0 <= row < len(self.matches) else None

    # -- creating -----------------------------------------------------------------------

    def create_ticket(self) -> None:
        if self._creating:
            return  # one press, one ticket
        seconds = self.timer.stop()
        number = self.number.text().strip()
        customer = self.selected_customer()
        notes = self.notes.toPlainText().strip()
        subject = self.subject.text().strip() or (notes.splitlines()[0][:120] if notes else "")
        if not subject:
            subject = self.tr("Phone call from {number}").format(number=number or self.tr("unknown number"))
        fields: dict[str, Any] = {
            "policy": self.policy.currentData(),
            "subject": subject,
            "category": self.category.currentData(),
            "priority": self.priority.currentData(),
            "channel": "phone",
            "status": "open",
            "assign_to_me": True,
            "order_id": self.order.text().strip() or None,
            "message": {"kind": "phone_call", "body": notes,
                        "call": {"number": number, "direction": "inbound", "duration_seconds": seconds}},
        }
        if customer is not None:
            fields["customer_id"] = customer["id"]
            fields["customer_name"] = customer["name"]
        else:
            name = self.name.text().strip()
            if not name:
                return self._refuse(self.tr("Enter the caller's name, or pick a matching customer."))
            new = {"name": name}
            if number:
                new["phone"] = number
            if self.email.text().strip():
                new["email"] = self.email.text().strip()
            fields["customer"] = new
        if not fields["policy"] or not fields["category"] or not fields["priority"]:
            return self._refuse(self.tr("Choose the policy, category and priority."))
        if len("".join(ch for ch in number if ch.isdigit())) < 3:
            return self._refuse(self.tr("Enter the caller's number."))
        self._creating = True
        self.create_button.setEnabled(False)

        def failed(error: BaseException) -> None:
            self._creating = False
            self.create_button.setEnabled(True)
            if not isinstance(error, ServiceError):
                raise error
            self._refuse(str(error))

        def done(ticket_id: int) -> None:
            self.created_id = ticket_id
            self.created.emit(ticket_id)
            self.accept()

        op = tickets.create_ticket_from_call(parent=self, runner=self.runner, session=self.session,
                                             fields=fields).success(done).failure(failed)
        QTimer.singleShot(0, self, op.run_in_background)  # from the event loop (see LogCallDialog)

    def _refuse(self, reason: str) -> None:
        self.error.setText(reason)
        self.error.show()
        self.timer.start()  # still on the phone: keep counting
