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

Nothing pops up by itself: a window that appears while the agent types takes
the keystrokes meant for the search box or a reply (and twenty of them, one per
escalation, bury the workspace). New items are announced instead, together:
the "Needs attention (N)" list and its status-bar button show the count, and
ONE desktop notification (the system tray's message, else the taskbar's
"wants attention" flag) says how many arrived, however many came at once
(`NeedsAttention.announce`, after `ANNOUNCE_DELAY_MS` gathering them). The
agent opens an item's prompt from the list on purpose (Enter or double-click)
and answers it there; the prompt is an ordinary non-modal window, never kept
on top.

Once even with the app open on two machines: before an item is announced, the
watcher claims it at the store (`POST .../escalation-due/{id}/notify` for a
"due" item, `POST .../escalations/{id}/notify` for an "escalated" one, with
this installation's id, kept in the cache's meta table) on the network lane;
only the first of the user's apps to claim it announces it, the others only
list it. Handled on one machine, it leaves the other's list through the
ordinary sync. Offline, it is announced anyway.
"""

from __future__ import annotations

from typing import Any

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
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desk_app.services.errors import Conflict, NotFound, ServiceError
from desk_app.services.session import DeskSession
from desk_app.ui.dialog_keys import submit_on_ctrl_enter
from desk_app.ui.operations import escalations
from desk_app.ui.operations.escalations import CLIENT_KEY, MAX_REMEMBERED, SHOWN_KEY, attention_item
from desk_app.ui.ops import OpRunner
from desk_app.ui.session_signals import SessionSignals

__all__ = ["CLIENT_KEY", "SHOWN_KEY", "EscalationPromptDialog", "EscalationWatcher", "NeedsAttention",
           "attention_item"]


class EscalationWatcher(QObject):
    #: An item to announce for the first time (once per escalation and user, across restarts).
    prompt = Signal(dict)
    #: The whole list, after any change (most recent last).
    items_changed = Signal(list)

    def __init__(self, session: DeskSession, runner: OpRunner, parent: QObject | None = None, *,
                 signals: SessionSignals) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.signals = signals
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
            self.signals.changes.connect(self.on_changes)
            self.scan()

    # -- reading --------------------------------------------------------------------------

    def scan(self) -> None:
        """Read every candidate ticket (at start, and after the cache was rebuilt)."""
        escalations.read_attention_items(parent=self, runner=self.runner, session=self.session,
                                         ticket_ids=None).success(
            lambda result: self._apply(result, full=True)).run_in_background()

    def on_changes(self, changes) -> None:
        if changes.reset:
            self.scan()
            return
        ids = sorted(set(changes.ticket_ids) | set(changes.removed))
        if not ids:
            return
        escalations.read_attention_items(parent=self, runner=self.runner, session=self.session,
                                         ticket_ids=ids).success(
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
        escalations.claim_attention_item(parent=self, runner=self.runner, session=self.session, item=item,
                                         client_id=self.client_id).success(
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
        escalations.remember_shown_prompts(parent=self, runner=self.runner, session=self.session,
                                           keys=keys).run_in_background()

    def item(self, key: str) -> dict[str, Any] | None:
        return self.items.get(key)


class EscalationPromptDialog(QDialog):
    """Non-modal: the agent can keep working; it closes itself once the item is handled.

    Opened by the agent from the list, never by itself; an ordinary window (not kept
    on top). Focus starts where the agent types: the reason of a "due" item, the
    Take button of an "escalated" one. Ctrl+Enter answers with the one action the
    text is for; where there are two (escalate or keep), it says which keys choose.
    """

    open_ticket = Signal(int)

    def __init__(self, session: DeskSession, runner: OpRunner, item: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.item = item
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
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
        self.text.setAccessibleName(self.tr("Reason or note"))
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
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
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter in the text is a new line, never an answer
        (self.text if item["kind"] == "due" else self.take).setFocus()
        submit_on_ctrl_enter(self, self.submit)

    def submit(self) -> None:
        """Ctrl+Enter: the one answer the dialog's text is for."""
        if self.take is not None:
            self.do_take()
        elif self.keep is None:
            self.do_escalate()
        else:  # escalate or keep: the agent says which
            self.error.setText(self.tr("Escalate (Alt+E) or keep the ticket with your note (Alt+K)?"))
            self.error.show()

    def _run(self, op) -> None:
        def failed(error: BaseException) -> None:
            if not isinstance(error, ServiceError):
                raise error
            self.error.setText(str(error))
            self.error.show()

        op = op.success(lambda _: self.close()).failure(failed)
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
            self._run(escalations.answer_escalation_due(parent=self, runner=self.runner, session=self.session,
                                                        item=self.item, reason=reason))

    def do_keep(self) -> None:
        if (note := self._required_text()) is not None:
            self._run(escalations.keep_ticket_from_prompt(parent=self, runner=self.runner, session=self.session,
                                                          item=self.item, note=note))

    def do_take(self) -> None:
        self._run(escalations.take_escalated_ticket(parent=self, runner=self.runner, session=self.session,
                                                    item=self.item))

    def do_open(self) -> None:
        self.open_ticket.emit(self.item["ticket_id"])


class NeedsAttention(QWidget):
    """The list of open attention items, its count, and one announcement for each batch of new ones.

    Enter or double-click on an item opens its prompt. `indicator` is a button for the
    status bar ("Needs attention (N)") that takes the agent to the list.
    """

    open_ticket = Signal(int)
    #: (title, text) of a desktop notification, when one is given (tests and the status bar listen).
    announced = Signal(str, str)

    #: New items arriving within this time are announced together (the claims come back one by one).
    ANNOUNCE_DELAY_MS = 1500

    def __init__(self, session: DeskSession, runner: OpRunner, parent: QWidget | None = None, *,
                 signals: SessionSignals, watcher: EscalationWatcher | None = None, announce_new: bool = True,
                 announce_timer: QTimer | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.watcher = watcher or EscalationWatcher(session, runner, self, signals=signals)
        self.prompts: dict[str, EscalationPromptDialog] = {}
        self.tray: QSystemTrayIcon | None = None
        #: Every announcement made, (title, text), oldest first.
        self.announcements: list[tuple[str, str]] = []
        self._unannounced: list[str] = []
        self.announce_timer = announce_timer or QTimer(self)
        self.announce_timer.setSingleShot(True)
        self.announce_timer.setInterval(self.ANNOUNCE_DELAY_MS)
        self.announce_timer.timeout.connect(self.announce)
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
        self.indicator = QToolButton(self)
        self.indicator.setObjectName("NeedsAttentionButton")
        self.indicator.setAutoRaise(True)
        self.indicator.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.indicator.setToolTip(self.tr("Escalations waiting for you: open the list"))
        self.indicator.clicked.connect(self.focus_list)
        self.indicator.hide()  # until a window puts it in its status bar
        self._alert = False
        self.watcher.items_changed.connect(self._items)
        if announce_new:
            self.watcher.prompt.connect(self._first_time)
        self._items(list(self.watcher.items.values()))
        self.watcher.start()

    @property
    def count(self) -> int:
        return self.list.count()

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
        if not items:
            self._alert = False
        self._show_indicator()
        for key in [k for k in self.prompts if k not in self.watcher.items]:
            dialog = self.prompts.pop(key)
            dialog.close()  # handled (here or on another machine): the prompt goes too

    def _show_indicator(self) -> None:
        count = self.list.count()
        self.indicator.setText(self.tr("Needs attention ({count})").format(count=count))
        self.indicator.setAccessibleName(self.indicator.text())
        self.indicator.setEnabled(count > 0)
        font = self.indicator.font()
        font.setBold(self._alert)
        self.indicator.setFont(font)
        self.indicator.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
                               if self._alert else self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowUp))

    # -- announcing new items -------------------------------------------------------------

    def _first_time(self, item: dict[str, Any]) -> None:
        """An item this app is the first to announce: gathered, then announced with the others."""
        if item["key"] not in self._unannounced:
            self._unannounced.append(item["key"])
        if not self.announce_timer.isActive():
            self.announce_timer.start()

    def announce(self) -> None:
        """One notification for the items gathered since the last one (those still open)."""
        self.announce_timer.stop()
        keys, self._unannounced = self._unannounced, []
        items = [item for key in keys if (item := self.watcher.item(key)) is not None]
        if not items:
            return
        if len(items) == 1:
            item = items[0]
            if item["kind"] == "due":
                title = self.tr("Escalation due: {number}").format(number=item["number"])
            else:
                title = self.tr("Escalated to {tier}: {number}").format(tier=item["to_tier_name"],
                                                                       number=item["number"])
            text = item["subject"]
        else:
            title = self.tr("{count} escalations need your attention").format(count=len(items))
            numbers = ", ".join(item["number"] for item in items[:3])
            text = (self.tr("{numbers} and {more} more").format(numbers=numbers, more=len(items) - 3)
                    if len(items) > 3 else numbers)
        text += "\n" + self.tr("They are listed under \u201cNeeds attention\u201d.")
        self._alert = True
        self._show_indicator()
        self.announcements.append((title, text))
        self.announced.emit(title, text)
        self.notify(title, text)

    def notify(self, title: str, text: str) -> None:
        """The desktop notification: the tray's message where there is a tray, else the taskbar's flag.

        Neither takes the keyboard focus from what the agent is typing.
        """
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                self.tray = QSystemTrayIcon(
                    QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning), self)
                self.tray.messageClicked.connect(self._notification_clicked)
                self.tray.show()
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Warning, 15_000)
        else:
            QApplication.alert(self.window(), 0)  # the window's taskbar entry asks for attention

    def _notification_clicked(self) -> None:
        # The agent clicked the notification: bringing the window forward is what they asked for.
        window = self.window()
        window.show()
        window.raise_()
        window.activateWindow()
        self.focus_list()

    # -- acting on items ------------------------------------------------------------------

    def focus_list(self) -> None:
        """The agent asked for the list: it gets the focus, on its first item."""
        self._alert = False
        self._show_indicator()
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)

    def show_prompt(self, key: str) -> EscalationPromptDialog | None:
        """Open `key`'s prompt: only ever because the agent asked (Enter or double-click in the list)."""
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
        dialog.activateWindow()
        return dialog
