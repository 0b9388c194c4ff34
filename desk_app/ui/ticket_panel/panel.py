"""`TicketPanel`: one ticket, everything about it, and everything an agent does to it.

    panel = TicketPanel(session, runner, signals=window_signals)
    panel.status_message.connect(status_bar.showMessage)
    panel.show_ticket(17)

Reading: the cached ticket, thread, customer and policy are read on the cache
lane and shown at once; the full ticket (thread, attachments, contact) is then
fetched on the network lane and stored, and the change notice refreshes the
panel. Offline, the cached copy is what the agent works with. See
`show_ticket` for why these steps are spaced out.

Live: `session.events` (through `SessionSignals`) refreshes the panel when the
ticket changes, follows a ticket created offline to its real id, shows who
else is on the ticket, and puts a refused reply back into the composer.

The conversation is never left half-shown: when the cache holds only part of
it (the store wrote entries the feed does not carry, e.g. the note of "Add
note and keep") the panel fetches it while online; offline it says that the
conversation will load when the client is back online, and it does so on
reconnecting.

A ticket the agent only follows (they sent it up; `tickets.follows` on the
store) is shown read-only, with a banner saying who works it now.
"""

from __future__ import annotations

import os
import re
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from desk_app.core.ticket import EntryKind
from desk_app.services.errors import ServiceError
from desk_app.services.events import Connection
from desk_app.services.session import DeskSession
from desk_app.ui.countdown import CountdownClock, application_countdown_clock
from desk_app.ui.operations import ticket_view, tickets
from desk_app.ui.ops import CACHE, NETWORK, Op, OpRunner
from desk_app.ui.reference import PolicyInfo, fill_placeholders, staff_names
from desk_app.ui.session_signals import SessionSignals
from desk_app.ui.sla_display import format_local_time
from desk_app.ui.ticket_panel.attachment_files import AttachmentFiles
from desk_app.ui.ticket_panel.banners import Banner
from desk_app.ui.ticket_panel.composer import NOTE, REPLY, Composer
from desk_app.ui.ticket_panel.header import TicketHeader, epoch
from desk_app.ui.ticket_panel.thread_view import EntryCard, ThreadView, local_time
from desk_app.ui.ticket_panel.ticket_actions import ReasonDialog, TicketActionsBar

__all__ = ["TicketPanel"]

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


class TicketPanel(QWidget):
    status_message = Signal(str)
    #: The ticket shown (None: none), after it was loaded.
    ticket_loaded = Signal(object)

    def __init__(self, session: DeskSession, runner: OpRunner, parent: QWidget | None = None, *,
                 signals: SessionSignals, countdown: CountdownClock | None = None, attachment_files: AttachmentFiles | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.signals = signals
        self.countdown = countdown or application_countdown_clock()
        self.ticket_id: int | None = None
        self.ticket: dict[str, Any] | None = None
        self.info: PolicyInfo | None = None
        self.attachments: dict[int, list[dict[str, Any]]] = {}
        self.customer: dict[str, Any] | None = None
        self._others: list[Any] = []
        self.dialog = None
        self._fetching: int | None = None  # the ticket whose full copy is on its way
        self._fetch_failed: int | None = None  # not fetched again before a reconnect (no retry loop)
        self._complete = True  # the shown thread is all there
        self._was_online = self._online()
        #: The agent only follows the ticket (they sent it up): read-only.
        self.read_only = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.mode_banner = Banner("warning", self)
        self.presence_banner = Banner("info", self)
        self.follow_banner = Banner("info", self)
        self.follow_banner.setObjectName("FollowBanner")
        self.due_banner = Banner("danger", self)
        self.due_escalate = self.due_banner.add_button(self.tr("Escalate\u2026"), self.escalate_due)
        self.due_keep = self.due_banner.add_button(self.tr("Add note and keep\u2026"), self.keep_due)
        for banner in (self.mode_banner, self.presence_banner, self.follow_banner, self.due_banner):
            banner.setContentsMargins(8, 0, 8, 0)
            layout.addWidget(banner)
        self.header = TicketHeader(self.countdown, self)
        layout.addWidget(self.header)
        self.actions_bar = TicketActionsBar(session, runner, self)
        self.actions_bar.status_message.connect(self.status_message)
        self.actions_bar.log_call_requested.connect(self.open_log_call)
        layout.addWidget(self.actions_bar)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.thread = ThreadView(self.splitter)
        self.thread.user_id = session.user["id"]  # own entries get "Correct..."
        self.thread.attachment_requested.connect(self.open_attachment)
        self.thread.correct_requested.connect(self.open_correction)
        self.composer = Composer(session, runner, self.splitter)
        self.composer.send_requested.connect(self.send)
        self.composer.composing_changed.connect(self._composing)
        self.splitter.addWidget(self.thread)
        self.splitter.addWidget(self.composer)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([3000, 1000])  # the conversation gets most of the height
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter, 1)

        self._load_changed = False  # the next _start_loading is for another ticket
        self._fetch_after_shown: tuple[int, bool] | None = None  # (ticket, opened anew): fetch once shown
        self._load_timer = QTimer(self)
        self._load_timer.setSingleShot(True)
        self._load_timer.setInterval(0)
        self._load_timer.timeout.connect(self._start_loading)

        # Opened attachments live in a folder of this session's, removed when the panel goes
        # (logout, switching role, closing) or the application quits; a crashed run's, at start.
        files = self.attachment_files = attachment_files or AttachmentFiles()
        self.destroyed.connect(lambda *_: files.remove())
        QCoreApplication.instance().aboutToQuit.connect(files.remove)
        ticket_view.remove_stale_attachment_files(parent=self, runner=self.runner, files=files).failure(
            self._stale_not_removed).run_in_background()

        self.signals.changes.connect(self.on_changes)
        self.signals.status.connect(self.on_status)
        self.signals.presence.connect(self.on_presence)
        self.signals.rejection.connect(self.on_rejection)
        self.show_ticket(None)

    # -- showing a ticket ----------------------------------------------------------------

    def show_ticket(self, ticket_id: int | None) -> None:
        """Show `ticket_id` (None: nothing); what was typed for the previous one is kept.

        The composer switches at once (typing goes to the right ticket). The reads start from a
        zero-timer, after the selection has been painted, one after the other: the drafts and
        the cached ticket, then, once that is shown, the presence notice and the server's copy.
        Background workers busy in Python while the UI thread builds and paints make it wait
        for the interpreter lock, so they are not all started at once; and arrowing through the
        queue starts them only for the ticket the agent stops on."""
        changed = ticket_id != self.ticket_id
        self.ticket_id = ticket_id
        if changed:
            self.composer.show_ticket(ticket_id, load_drafts=False)
            self.customer = None
            self._load_changed = True
            self._fetch_failed = None
        if ticket_id is None:
            self._load_timer.stop()
            self.session.presence.focus(None)
            self._display(None, None, [], True)
            return
        if self.runner.lane(CACHE).threaded:
            self._load_timer.start()
        else:  # ops run inline (tests): nothing to wait for
            self._start_loading()

    def _start_loading(self) -> None:
        tid, changed = self.ticket_id, self._load_changed
        self._load_changed = False
        if tid is None:
            return
        if changed:
            self.composer.load_drafts()
        self._others = self.session.presence.others_on(tid) if tid > 0 else []
        # The cached copy first; the server's copy and the presence notice once it is shown
        # (`_after_shown`): one worker busy at a time while the UI thread builds and paints.
        self._fetch_after_shown = (tid, changed) if tid > 0 else None
        self.reload(loading=changed)

    def _after_shown(self) -> None:
        pending, self._fetch_after_shown = self._fetch_after_shown, None
        if pending is None or pending[0] != self.ticket_id:
            return
        tid, changed = pending
        if changed:
            self.session.presence.focus(tid)
        self.fetch()

    def reload(self, *, loading: bool = False) -> None:
        """Read the ticket again from the cache (cache lane) and show it."""
        tid, session = self.ticket_id, self.session
        if tid is None:
            return

        def shown(result) -> None:
            ticket, thread, info, customer, users, follow_only = result
            if tid != self.ticket_id:
                return
            self.info = info
            self.customer = customer or self.customer
            self.actions_bar.users = users
            self.read_only = follow_only
            names = staff_names(users)
            online = self._online()
            waiting = tid > 0 and (self._fetching == tid or (self._fetch_after_shown or (None,))[0] == tid)
            # Part of it is missing (the store wrote entries the feed does not carry): fetch it now.
            refetch = (ticket is not None and not thread.complete and tid > 0 and online and not waiting
                       and self._fetch_failed != tid)
            waiting = waiting or refetch
            self._display(ticket, names, thread.entries, thread.complete,
                          loading=(loading or waiting) and not thread.entries and online,
                          offline=not thread.complete and not (online and waiting))
            if refetch:
                self.fetch()
            if self._fetch_after_shown is not None:
                if self.runner.lane(NETWORK).threaded:
                    QTimer.singleShot(0, self, self._after_shown)  # after this is painted
                else:  # ops run inline (tests): nothing to stagger
                    self._after_shown()

        ticket_view.read_ticket(parent=self, runner=self.runner, session=session, ticket_id=tid).success(
            shown).run_in_background()

    def fetch(self) -> None:
        """The full ticket from the server (network lane), stored in the cache (cache lane)."""
        tid, session = self.ticket_id, self.session
        if tid is None or tid <= 0:
            return
        self._fetching = tid

        def fetched() -> None:
            if self._fetching == tid:
                self._fetching = None

        def store(detail: dict[str, Any]) -> None:
            self.attachments[tid] = detail.get("attachments") or []

            # Its changes go out: the queue and this panel refresh from them.
            ticket_view.store_ticket(parent=self, runner=self.runner, session=session, detail=detail).success(
                lambda _: fetched()).failure(lambda error: (fetched(), self.runner.report(
                    self, error, "storing the ticket failed"))).run_in_background()

        def offline(error: BaseException) -> None:
            if not isinstance(error, ServiceError):
                raise error  # a bug: reported, not swallowed
            fetched()
            self._fetch_failed = tid
            if tid == self.ticket_id:
                self.reload()  # says the conversation is not here yet, instead of "Loading..."

        ticket_view.fetch_ticket(parent=self, runner=self.runner, session=session, ticket_id=tid).success(
            store).failure(offline).run_in_background()

    def _display(self, ticket: dict[str, Any] | None, names: dict[int, str] | None, entries: list[dict[str, Any]],
                 complete: bool, *, loading: bool = False, offline: bool = False) -> None:
        self.ticket = ticket
        self._complete = complete
        if ticket is None and self.ticket_id is not None and not loading:
            self.header.show_ticket(None, None, {})
            self.header.subject.setText(self.tr("This ticket is no longer in your view."))
        else:
            self.header.show_ticket(ticket, self.info, names or {}, self.customer)
        self.actions_bar.show_ticket(ticket, self.info)
        self.thread.show_thread(entries, self.attachments.get(self.ticket_id or 0, []), complete=complete,
                                loading=loading, offline=offline,
                                customer_name=(ticket or {}).get("customer_name") or "")
        if ticket is not None and self.info is not None:
            self.composer.set_canned(self.info.canned_responses(), self._filler(ticket))
        self._show_mode_notice()
        self._show_due()
        self._show_presence()
        self._show_following()
        self.ticket_loaded.emit(self.ticket_id if ticket is not None else None)

    def _filler(self, ticket: dict[str, Any]):
        user = self.session.user
        due = epoch((ticket.get("sla") or {}).get("due_at"))
        values = {
            "customer_name": ticket.get("customer_name"),
            "agent_name": user.get("display_name") or user.get("username"),
            "ticket_number": ticket.get("number"),
            "order_id": ticket.get("order_id"),
            "policy_name": self.info.name if self.info else None,
            "due": format_local_time(due) if due else None,
        }
        return lambda body: fill_placeholders(body, values)

    # -- banners --------------------------------------------------------------------------

    def _show_mode_notice(self) -> None:
        notice = (self.ticket or {}).get("mode_notice")
        if not notice:
            self.mode_banner.show_message(None)
            return
        text = self.tr("{mode} is on: {notice}").format(mode=notice.get("label") or notice.get("mode"),
                                                        notice=notice.get("notice") or "")
        self.mode_banner.show_message(text)

    def _show_due(self) -> None:
        due = (self.ticket or {}).get("escalation_due")
        if not due or due.get("state", "open") != "open":
            self.due_banner.show_message(None)
            return
        if due.get("source") == "customer_request":
            text = self.tr("The customer asked for an escalation: hand this ticket to {tier}.")
        else:
            text = self.tr("This tier's time budget is used up: escalate to {tier}, or keep it with a note.")
        text = text.format(tier=due.get("to_tier_name") or due.get("to_tier"))
        if due.get("auto_at"):
            text += " " + self.tr("It moves up by itself at {when}.").format(when=format_local_time(epoch(due["auto_at"])))
        self.due_escalate.setText(self.tr("Escalate to {tier}\u2026").format(tier=due.get("to_tier_name") or ""))
        self.due_keep.setVisible(bool(due.get("can_keep")))
        self.due_banner.show_message(text)

    def _show_following(self) -> None:
        """A ticket the agent only follows: read it, find it again; its tier changes it."""
        read_only = self.read_only and self.ticket is not None
        self.actions_bar.setEnabled(not read_only)
        self.composer.setEnabled(not read_only)
        if not read_only:
            self.follow_banner.show_message(None)
            return
        tier = self.ticket.get("tier")
        name = self.info.tier_name(tier) if self.info else self.tr("Tier {n}").format(n=tier)
        self.follow_banner.show_message(self.tr(
            "You sent this ticket up: {tier} works it now. You can read it here and find it again under "
            "\u201cFollowing\u201d; changes are made by {tier}.").format(tier=name))

    def _show_presence(self) -> None:
        others = self._others
        if not others or self.ticket is None:
            self.presence_banner.show_message(None)
            return
        typing = sorted({e.display_name for e in others if e.composing})
        viewing = sorted({e.display_name for e in others if not e.composing} - set(typing))
        parts = []
        if typing:
            parts.append(self.tr("{names} replying now").format(names=", ".join(typing)))
        if viewing:
            parts.append(self.tr("{names} viewing").format(names=", ".join(viewing)))
        self.presence_banner.show_message(self.tr("Also on this ticket: {who}.").format(who="; ".join(parts)))

    # -- live updates ---------------------------------------------------------------------

    def on_changes(self, changes) -> None:
        tid = self.ticket_id
        if tid is None:
            return
        if changes.reset:
            self.reload()
        elif tid in changes.replaced:  # created offline, now on the server: follow it, keep the typing
            real = changes.replaced[tid]
            self.ticket_id = real
            self.composer.follow_ticket(real)
            self.session.presence.focus(real)
            self.reload()
            self.fetch()
        elif tid in changes.ticket_ids or tid in changes.removed:
            self.reload()

    def on_status(self, status) -> None:
        """Back online: fetch what is missing of the conversation shown."""
        online = status.connection is Connection.ONLINE
        back = online and not self._was_online
        self._was_online = online
        if not back:
            return
        self._fetch_failed = None
        tid = self.ticket_id
        if tid is not None and tid > 0 and not self._complete and self._fetching != tid:
            self.fetch()

    def _online(self) -> bool:
        status = getattr(self.session, "status", None)
        return status is not None and status.connection is Connection.ONLINE

    def on_presence(self, snapshot) -> None:
        if self.ticket_id is None or self.ticket_id <= 0:
            return
        self._others = snapshot.on_ticket(self.ticket_id)
        self._show_presence()

    def on_rejection(self, rejection) -> None:
        if rejection.ticket_id != self.ticket_id or rejection.ticket_id is None:
            return
        self.status_message.emit(self.tr("The server refused a change to {number}: {message}").format(
            number=rejection.ticket_number or "", message=rejection.message))
        if rejection.op_kind == "entry" and rejection.text and rejection.draft_saved:
            self._restore_rejected(rejection)

    def _restore_rejected(self, rejection) -> None:
        """Put a refused reply or note back into the composer, in the mode it was written in."""
        tid, text = rejection.ticket_id, rejection.text
        # The rejection does not say which mode; the draft the store put the text in does.
        ticket_view.find_rejected_draft(parent=self, runner=self.runner, session=self.session, ticket_id=tid,
                                        text=text, kinds=(REPLY, NOTE)).success(
            lambda kind: kind and tid == self.ticket_id and self.composer.restore_text(kind, text)
        ).run_in_background()

    def _composing(self, composing: bool) -> None:
        if self.ticket_id is not None:
            self.session.presence.focus(self.ticket_id, composing=composing)

    # -- sending --------------------------------------------------------------------------

    def send(self, kind: str, text: str) -> None:
        tid = self.ticket_id
        if tid is None:
            return
        send = tickets.send_reply if kind == EntryKind.PUBLIC_REPLY else tickets.add_note

        def failed(error: BaseException) -> None:
            if not isinstance(error, ServiceError):
                raise error
            self.status_message.emit(self.tr("Not sent: {reason}").format(reason=str(error)))

        def done(_):
            self.composer.sent(kind)
            self.status_message.emit((self.tr("Reply queued for {number}.") if kind == REPLY
                                      else self.tr("Note added to {number}.")).format(
                number=(self.ticket or {}).get("number", "")))

        send(parent=self, runner=self.runner, session=self.session, ticket_id=tid, text=text).success(
            done).failure(failed).run_in_background()

    # -- escalation due -------------------------------------------------------------------

    def _after_dialog(self, fn, value) -> None:
        # Acted on from the event loop once the dialog has closed: a change that rebuilds the
        # panel while QDialog.done() is still on the stack crashed its deferred deletion (PySide 6.11).
        QTimer.singleShot(0, self, lambda: fn(value))

    def _due_dialog(self, title: str, prompt: str, label: str, on_text) -> None:
        dialog = ReasonDialog(title, prompt, [], None, self, field_label=label)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._after_dialog(on_text, dialog.values()[0]))
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def escalate_due(self) -> None:
        due = (self.ticket or {}).get("escalation_due")
        if not due:
            return
        tid, session = self.ticket_id, self.session
        self._due_dialog(self.tr("Escalate to {tier}").format(tier=due.get("to_tier_name") or ""),
                         self.tr("Why does this ticket go up? The next tier reads this."), self.tr("&Reason:"),
                         lambda reason: self._run_due(tickets.escalate_when_due(
                             parent=self, runner=self.runner, session=session, ticket_id=tid, due_id=due["id"],
                             reason=reason)))

    def keep_due(self) -> None:
        due = (self.ticket or {}).get("escalation_due")
        if not due or not due.get("can_keep"):
            return
        tid, session = self.ticket_id, self.session
        self._due_dialog(self.tr("Keep the ticket"), self.tr("Why can your tier still settle it? The note is "
                                                              "internal and restarts the tier's budget."),
                         self.tr("&Note:"), lambda note: self._run_due(tickets.keep_ticket_when_due(
                             parent=self, runner=self.runner, session=session, ticket_id=tid, due_id=due["id"],
                             note=note)))

    def _run_due(self, op: Op) -> None:
        def failed(error: BaseException) -> None:
            if not isinstance(error, ServiceError):
                raise error
            self.status_message.emit(self.tr("Not done: {reason}").format(reason=str(error)))

        op.failure(failed).run_in_background()

    # -- correcting an entry --------------------------------------------------------------

    def open_correction(self, entry: dict[str, Any]) -> None:
        """Ask for the correction of one of the agent's entries; it is added after it as a note."""
        tid, session = self.ticket_id, self.session
        if tid is None or (entry.get("id") or 0) <= 0:
            return
        entry_id = entry["id"]
        number = next((c.position for c in self.thread.cards if c.entry.get("id") == entry_id), None)
        what = EntryCard.kind_name(entry.get("kind"))
        excerpt = " ".join((entry.get("body") or "").split())
        excerpt = excerpt[:117] + "\u2026" if len(excerpt) > 120 else excerpt
        prompt = self.tr("Entry {n} ({what}, {when}) stays in the thread as it is; your correction is added "
                         "after it as an internal note that names it.").format(
            n=number or "", what=what, when=local_time(entry.get("created_at")))
        if excerpt:
            prompt += "\n\u201c" + excerpt + "\u201d"

        def correct(text: str) -> None:
            def failed(error: BaseException) -> None:
                if not isinstance(error, ServiceError):
                    raise error
                self.status_message.emit(self.tr("Not corrected: {reason}").format(reason=str(error)))

            tickets.correct_entry(parent=self, runner=self.runner, session=session, ticket_id=tid,
                                  entry_id=entry_id, text=text).success(
                lambda _: self.status_message.emit(self.tr("Correction added."))).failure(failed).run_in_background()

        dialog = ReasonDialog(self.tr("Correct entry {n}").format(n=number or ""), prompt, [], None, self,
                              field_label=self.tr("&Correction:"), ok_text=self.tr("Add correction"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._after_dialog(correct, dialog.values()[0]))
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    # -- keyboard entry points for the main window ---------------------------------------

    def focus_reply(self) -> None:
        self.composer.set_mode(REPLY)
        self.composer.editor.setFocus()

    def focus_note(self) -> None:
        self.composer.set_mode(NOTE)
        self.composer.editor.setFocus()

    def start_escalation(self) -> None:
        self.actions_bar.open_escalate()

    def open_log_call(self) -> None:
        if self.ticket_id is None or self.ticket_id <= 0:
            return
        from desk_app.ui.phone.log_call_dialog import LogCallDialog

        dialog = LogCallDialog(self.session, self.runner, self.ticket_id, self)
        dialog.logged.connect(lambda: self.status_message.emit(self.tr("Call logged.")))
        self.dialog = dialog
        dialog.open()

    # -- attachments ----------------------------------------------------------------------

    @staticmethod
    def _stale_not_removed(error: BaseException) -> None:
        if not isinstance(error, OSError):
            raise error  # a full or read-only temp folder is not worth a message; a bug is

    def open_attachment(self, attachment: dict[str, Any]) -> None:
        """Download on the network lane into the session's temporary folder, then open it with the system."""
        attachment_id = int(attachment["id"])
        name = _SAFE_NAME.sub("_", os.path.basename(attachment.get("filename") or "attachment")).strip(" .")
        self.status_message.emit(self.tr("Downloading {name}\u2026").format(name=name))

        def opened(target: str) -> None:
            self.last_download = target
            QDesktopServices.openUrl(QUrl.fromLocalFile(target))
            self.status_message.emit(self.tr("Opened {name}.").format(name=name))

        def failed(error: BaseException) -> None:
            if not isinstance(error, (ServiceError, OSError)):
                raise error
            self.status_message.emit(self.tr("Could not open {name}: {reason}").format(name=name, reason=str(error)))

        ticket_view.download_attachment(parent=self, runner=self.runner, session=self.session,
                                        attachment_id=attachment_id, files=self.attachment_files,
                                        name=name).success(opened).failure(failed).run_in_background()
