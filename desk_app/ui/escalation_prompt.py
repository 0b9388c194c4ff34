"""Escalation prompts: what needs the agent's decision now, and a prompt that waits for it.

Two kinds of attention item, both read from the locally cached tickets:

* "due": the ticket's `escalation_due` record is open and the agent owns the
  ticket (a tier's time budget ran out, or the customer asked to escalate).
  The prompt offers "Escalate to <next tier>", "Add note and keep" (only where
  the record's `can_keep` says the policy allows it) and "Open ticket";
* "escalated": a ticket came up to a tier this agent's role works (its latest
  escalation is upwards and not acknowledged yet): specialists hear of every
  new escalation in their queue, managers of those to Tier 3. The prompt
  offers "Take ticket" and "Open ticket".

`EscalationWatcher` (call `start()` after connecting) keeps the list (re-reading only the tickets a change
names, on the cache lane) and emits `prompt` once per item: the ids already
shown are remembered in the cache's meta table, so a restart does not show
them again. An item stays in `NeedsAttention` until handled (the record is
closed, the escalation acknowledged), however often the app restarts.
A system-tray message goes with each prompt where a tray is available.

Once even with the app open on two machines: before an item pops up, the
watcher claims it at the store (`POST .../escalation-due/{id}/notify` for a
"due" item, `POST .../escalations/{id}/notify` for an "escalated" one, with
this installation's id, kept in the cache's meta table) on the network lane;
only the first of the user's apps to claim it gets the pop-up and the tray
message, the others only list it. Handled on one machine, it leaves the
other's list through the ordinary sync. Offline, it pops up anyway.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import orjson
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from desk_app.core.ticket import DONE_STATUSES
from desk_app.services.errors import Conflict, NotFound, ServiceError
from desk_app.services.local_cache import QueueQuery
from desk_app.ui.ops import CACHE, NETWORK, Op, OpRunner
from desk_app.ui.ticket_panel.policy_info import PolicyInfo
from desk_app.ui.session_signals import SessionSignals

__all__ = ["EscalationPromptDialog", "EscalationWatcher", "NeedsAttention", "attention_item"]

SHOWN_KEY = "escalation_prompt:shown"
#: This installation's id in the store's "who popped it up first" claims (one per cache).
CLIENT_KEY = "escalation_prompt:client_id"
MAX_REMEMBERED = 2000
#: The store's claim for "a new escalation in your queue" (under /api/v1).
ESCALATION_NOTICE_PATH = "/tickets/{ticket_id}/escalations/{escalation_id}/notify"
_OPEN = ("new", "open", "pending_customer", "pending_third_party", "on_hold")


def attention_item(ticket: dict[str, Any], user: dict[str, Any], info: PolicyInfo) -> dict[str, Any] | None:
    """What `ticket` asks of `user` now, if anything (pure: tests call it directly)."""
    if ticket.get("status") in DONE_STATUSES or (ticket.get("id") or 0) <= 0:
        return None
    base = {"ticket_id": ticket["id"], "number": ticket["number"], "subject": ticket["subject"],
            "policy": ticket["policy"], "customer_name": ticket.get("customer_name") or ""}
    due = ticket.get("escalation_due")
    me = user["id"]
    if due and due.get("state", "open") == "open":
        owner = due.get("owner_id") or ticket.get("assignee_id")
        if owner == me or ticket.get("assignee_id") == me:
            return {**base, "key": f"due:{due['id']}", "kind": "due", "due_id": due["id"],
                    "to_tier": due.get("to_tier"), "to_tier_name": due.get("to_tier_name") or info.tier_name(
                        due.get("to_tier")), "can_keep": bool(due.get("can_keep")), "source": due.get("source"),
                    "auto_at": due.get("auto_at")}
    esc = ticket.get("escalation")
    if (esc and esc.get("direction") == "up" and not esc.get("acknowledged") and ticket.get("assignee_id") is None
            and esc.get("to_tier") == ticket.get("tier") and info.tier_role(esc.get("to_tier")) == user.get("role")):
        return {**base, "key": f"esc:{esc['id']}", "kind": "escalated", "escalation_id": esc["id"],
                "to_tier": esc.get("to_tier"), "to_tier_name": info.tier_name(esc.get("to_tier")),
                "reason": esc.get("reason") or ""}
    return None


class EscalationWatcher(QObject):
    #: An item shown for the first time (once per escalation, across restarts).
    prompt = Signal(dict)
    #: The whole list, after any change (most recent last).
    items_changed = Signal(list)

    def __init__(self, session: Any, runner: OpRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.items: dict[str, dict[str, Any]] = {}
        self.shown: set[str] = set()
        #: Keys whose claim at the store is on its way (not shown yet, not to be claimed twice).
        self.claiming: set[str] = set()
        self.client_id: str | None = None
        self._ready = False
        self._started = False

    def start(self) -> None:
        """Listen for changes and read the cache once; connect to `prompt` first."""
        if not self._started:
            self._started = True
            SessionSignals.of(self.session).changes.connect(self.on_changes)
            self.scan()

    # -- reading --------------------------------------------------------------------------

    def _read(self, ids: list[int] | None) -> tuple[dict[int, dict | None], set[str] | None, str | None]:
        """On the cache lane: the items of these tickets (all candidates when None)."""
        session, user = self.session, self.session.user
        cache = session.cache
        shown = client_id = None
        if ids is None:
            raw = cache.meta(SHOWN_KEY)
            shown = set(orjson.loads(raw)) if raw else set()
            client_id = cache.meta(CLIENT_KEY)
            if not client_id:
                client_id = uuid.uuid4().hex
                cache.set_meta(CLIENT_KEY, client_id)
            wanted = {r.id for r in cache.rows(QueueQuery(statuses=_OPEN, assignee_id=user["id"]))}
            if user.get("role") in ("specialist", "manager", "admin"):
                for tier in (2, 3):
                    wanted |= {r.id for r in cache.rows(QueueQuery(statuses=_OPEN, unassigned=True, tier=tier,
                                                                   limit=5000))}
            ids = sorted(wanted)
        tickets = cache.tickets(ids)
        infos: dict[str, PolicyInfo] = {}
        found: dict[int, dict | None] = {}
        for tid in ids:
            ticket = tickets.get(tid)
            if ticket is None:
                found[tid] = None
                continue
            info = infos.get(ticket["policy"]) or infos.setdefault(ticket["policy"], PolicyInfo.of(session,
                                                                                             ticket["policy"]))
            found[tid] = attention_item(ticket, user, info)
        return found, shown, client_id

    def scan(self) -> None:
        """Read every candidate ticket (at start, and after the cache was rebuilt)."""
        Op(self, lambda _: self._read(None), lane=CACHE, label="escalation scan", runner=self.runner).success(
            lambda result: self._apply(result, full=True)).run_in_background()

    def on_changes(self, changes) -> None:
        if changes.reset:
            self.scan()
            return
        ids = sorted(set(changes.ticket_ids) | set(changes.removed))
        if not ids:
            return
        Op(self, lambda _: self._read(ids), lane=CACHE, label="escalation check", runner=self.runner).success(
            lambda result: self._apply(result, full=False)).run_in_background()

    # -- the list -------------------------------------------------------------------------

    def _apply(self, result, *, full: bool) -> None:
        found, shown, client_id = result
        if shown is not None:
            self.shown |= shown
            self.client_id = client_id
            self._ready = True
        if full:
            self.items = {}
        for tid, item in found.items():
            for key in [k for k, v in self.items.items() if v["ticket_id"] == tid]:
                del self.items[key]
            if item is not None:
                self.items[item["key"]] = item
        fresh = [item for key, item in self.items.items() if key not in self.shown and key not in self.claiming]
        self.items_changed.emit(list(self.items.values()))
        if not (fresh and self._ready):
            return
        # Each item first asks the store whether another of this user's machines popped it up already.
        for item in fresh:
            self._claim(item)

    def _claim(self, item: dict[str, Any]) -> None:
        """On the network lane: is this app the first of the user's to show `item`? Then it pops up."""
        key = item["key"]
        self.claiming.add(key)
        api, client_id, tid = self.session.api, self.client_id, item["ticket_id"]
        if item["kind"] == "due":
            due_id = item["due_id"]

            def ask(_):
                return api.claim_due_notice(tid, due_id, client_id)
        else:
            path = ESCALATION_NOTICE_PATH.format(ticket_id=int(tid), escalation_id=int(item["escalation_id"]))

            def ask(_):
                # Retried under the same idempotency key; two tries only (offline it pops up anyway).
                return api.call("POST", path, json={"client_id": client_id}, idempotency_key=uuid.uuid4().hex,
                                retry=dataclasses.replace(api.retry, attempts=min(2, api.retry.attempts)))

        Op(self, ask, lane=NETWORK, label="claim escalation prompt", runner=self.runner).success(
            lambda answer: self._claimed(key, show=bool(answer and answer.get("first")))).failure(
            lambda error: self._claim_failed(key, error)).run_in_background()

    def _claimed(self, key: str, *, show: bool) -> None:
        self.claiming.discard(key)
        # Not first: another machine of this user popped it up; here it is only listed
        # (remembered as shown, so a restart does not ask again).
        self.shown.add(key)
        self._remember()
        item = self.items.get(key)
        if show and item is not None:  # still open: it may have been handled while we asked
            self.prompt.emit(item)

    def _claim_failed(self, key: str, error: BaseException) -> None:
        if isinstance(error, (Conflict, NotFound)):
            # Handled meanwhile (409), or no longer visible to us (404): the sync
            # takes it off the list; nothing to pop up.
            self._claimed(key, show=False)
            return
        # Offline (or the store failed to answer): pop it up anyway. Better twice
        # (here and on another machine that claimed it) than never: the agent
        # must not miss a tier budget running out because the network hiccuped.
        self._claimed(key, show=True)
        if not isinstance(error, ServiceError):
            raise error  # a bug, not the network: the runner reports it

    def _remember(self) -> None:
        keys = sorted(self.shown, key=lambda k: int(k.partition(":")[2] or 0))[-MAX_REMEMBERED:]
        session = self.session
        Op(self, lambda _: session.cache.set_meta(SHOWN_KEY, orjson.dumps(keys).decode()), lane=CACHE,
           label="remember prompts", runner=self.runner).run_in_background()

    def item(self, key: str) -> dict[str, Any] | None:
        return self.items.get(key)


class EscalationPromptDialog(QDialog):
    """Non-modal: the agent can keep working; it closes itself once the item is handled."""

    open_ticket = Signal(int)

    def __init__(self, session: Any, runner: OpRunner, item: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.item = item
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        layout = QVBoxLayout(self)
        title = QLabel(self)
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        title.setWordWrap(True)
        detail = QLabel(self)
        detail.setWordWrap(True)
        detail.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(title)
        layout.addWidget(detail)
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(90)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        buttons = QHBoxLayout()
        self.escalate = self.keep = self.take = None
        ticket = f"{item['number']} \u2014 {item['subject']}"
        if item["kind"] == "due":
            self.setWindowTitle(self.tr("Escalation due"))
            title.setText(self.tr("{ticket} needs a decision").format(ticket=ticket))
            if item.get("source") == "customer_request":
                detail.setText(self.tr("The customer asked for an escalation to {tier}.").format(
                    tier=item["to_tier_name"]))
            else:
                detail.setText(self.tr("Your tier's time budget for this ticket is used up. Escalate it to {tier}, "
                                       "or keep it with a note saying why.").format(tier=item["to_tier_name"]))
            self.text.setPlaceholderText(self.tr("Reason for escalating, or the note for keeping (required)"))
            layout.addWidget(self.text)
            self.escalate = QPushButton(self.tr("&Escalate to {tier}").format(tier=item["to_tier_name"]), self)
            self.escalate.clicked.connect(self.do_escalate)
            buttons.addWidget(self.escalate)
            if item.get("can_keep"):
                self.keep = QPushButton(self.tr("Add note and &keep"), self)
                self.keep.clicked.connect(self.do_keep)
                buttons.addWidget(self.keep)
        else:
            self.setWindowTitle(self.tr("New escalation"))
            title.setText(self.tr("{ticket} was escalated to {tier}").format(ticket=ticket, tier=item["to_tier_name"]))
            detail.setText(self.tr("Reason: {reason}").format(reason=item.get("reason") or "\u2014"))
            self.text.hide()
            self.take = QPushButton(self.tr("&Take ticket"), self)
            self.take.clicked.connect(self.do_take)
            buttons.addWidget(self.take)
        self.open_button = QPushButton(self.tr("&Open ticket"), self)
        self.open_button.clicked.connect(self.do_open)
        later = QPushButton(self.tr("&Later"), self)
        later.setToolTip(self.tr("It stays in \u201cNeeds attention\u201d until handled."))
        later.clicked.connect(self.close)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(later)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

    def _run(self, fn) -> None:
        def failed(error: BaseException) -> None:
            if not isinstance(error, ServiceError):
                raise error
            self.error.setText(str(error))
            self.error.show()

        op = Op(self, fn, lane=CACHE, label="answer escalation prompt", runner=self.runner).success(
            lambda _: self.close()).failure(failed)
        # From the event loop: handling the item closes this very dialog (see NeedsAttention._items).
        QTimer.singleShot(0, self, op.run_in_background)

    def _required_text(self) -> str | None:
        text = self.text.toPlainText().strip()
        if not text:
            self.error.setText(self.tr("Write the reason (or the note) first."))
            self.error.show()
            self.text.setFocus()
            return None
        return text

    def do_escalate(self) -> None:
        if (reason := self._required_text()) is not None:
            actions, item = self.session.actions, self.item
            self._run(lambda _: actions.escalate_due(item["ticket_id"], item["due_id"], reason))

    def do_keep(self) -> None:
        if (note := self._required_text()) is not None:
            actions, item = self.session.actions, self.item
            self._run(lambda _: actions.keep_due(item["ticket_id"], item["due_id"], note))

    def do_take(self) -> None:
        actions, item = self.session.actions, self.item
        def take(_):  # acknowledged, and theirs: two changes, sent in this order
            actions.acknowledge_escalation(item["ticket_id"], item["escalation_id"])
            actions.take(item["ticket_id"])

        self._run(take)

    def do_open(self) -> None:
        self.open_ticket.emit(self.item["ticket_id"])


class NeedsAttention(QWidget):
    """The list of open attention items; Enter or double-click opens the prompt again."""

    open_ticket = Signal(int)

    def __init__(self, session: Any, runner: OpRunner, parent: QWidget | None = None, *,
                 watcher: EscalationWatcher | None = None, show_prompts: bool = True) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.watcher = watcher or EscalationWatcher(session, runner, self)
        self.prompts: dict[str, EscalationPromptDialog] = {}
        self.tray: QSystemTrayIcon | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(self.tr("Needs attention"), self)
        font = self.caption.font()
        font.setBold(True)
        self.caption.setFont(font)
        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Needs attention"))
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.itemActivated.connect(lambda item: self.show_prompt(item.data(Qt.ItemDataRole.UserRole)))
        self.caption.setBuddy(self.list)
        layout.addWidget(self.caption)
        layout.addWidget(self.list)
        self.watcher.items_changed.connect(self._items)
        if show_prompts:
            self.watcher.prompt.connect(self._first_time)
        self._items(list(self.watcher.items.values()))
        self.watcher.start()

    def _items(self, items: list[dict[str, Any]]) -> None:
        self.list.clear()
        style = self.style()
        for item in items:
            if item["kind"] == "due":
                text = self.tr("{number}: escalation due to {tier}").format(number=item["number"],
                                                                           tier=item["to_tier_name"])
                symbol = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            else:
                text = self.tr("{number}: escalated to {tier}").format(number=item["number"],
                                                                      tier=item["to_tier_name"])
                symbol = style.standardIcon(QStyle.StandardPixmap.SP_ArrowUp)
            row = QListWidgetItem(symbol, f"{text}\n{item['subject']}")
            row.setData(Qt.ItemDataRole.UserRole, item["key"])
            row.setToolTip(f"{text}\n{item['subject']}\n{item['customer_name']}")
            self.list.addItem(row)
        self.caption.setText(self.tr("Needs &attention ({count})").format(count=len(items)))
        for key in [k for k in self.prompts if k not in self.watcher.items]:
            dialog = self.prompts.pop(key)
            dialog.close()  # handled (here or on another machine): the prompt goes too

    def _first_time(self, item: dict[str, Any]) -> None:
        self.show_prompt(item["key"])
        self.notify(item)

    def show_prompt(self, key: str) -> EscalationPromptDialog | None:
        item = self.watcher.item(key)
        if item is None:
            return None
        dialog = self.prompts.get(key)
        if dialog is None:
            dialog = EscalationPromptDialog(self.session, self.runner, item, self.window())
            dialog.open_ticket.connect(self.open_ticket)
            # Forgotten once closed (it is deleted later): showing the item again makes a new one.
            dialog.finished.connect(lambda *_, d=dialog: self.prompts.get(key) is d and self.prompts.pop(key))
            self.prompts[key] = dialog
        dialog.show()
        dialog.raise_()
        return dialog

    def notify(self, item: dict[str, Any]) -> None:
        """A desktop notification through the system tray, where there is one."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self.tray is None:
            self.tray = QSystemTrayIcon(QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
                                        self)
            self.tray.messageClicked.connect(lambda: self.show_prompt(self._last_key))
            self.tray.show()
        self._last_key = item["key"]
        if item["kind"] == "due":
            title = self.tr("Escalation due: {number}").format(number=item["number"])
        else:
            title = self.tr("Escalated to {tier}: {number}").format(tier=item["to_tier_name"], number=item["number"])
        self.tray.showMessage(title, item["subject"], QSystemTrayIcon.MessageIcon.Warning, 15_000)
