"""The agent's workspace: queues on the left, the queue table, the ticket panel; a dashboard for managers.

The window is a set of panels (sidebar, queue view, ticket panel, search,
status bar) wired together here. It never waits on the network or the
database: every panel reads through ops on the runner's lanes, and the
session's reports reach it through `SessionSignals` (queued onto the UI
thread).

`filled` is emitted once, when the first sync has completed and the queue
and the counts shown were read after it: the moment a screenshot shows a
working window (`desk-app --screenshot`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desk_app.core.sla import ClockState
from desk_app.services.events import Connection, Rejection, SyncStatus
from desk_app.services.session import DeskSession
from desk_app.ui import heap, sla_display
from desk_app.ui.countdown import CountdownClock, application_countdown_clock
from desk_app.ui.dashboard import DashboardView, queue_query
from desk_app.ui.escalation_prompt import NeedsAttention
from desk_app.ui.language_menu import LanguageMenu
from desk_app.ui.login_dialog import login_error_text
from desk_app.ui.operations import queue
from desk_app.ui.operations.session import log_in_again
from desk_app.ui.ops import OpRunner
from desk_app.ui.phone import BusinessHoursIndicator, NewTicketFromCallDialog
from desk_app.ui.queue.queue_pane import QueuePane, describe_filter
from desk_app.ui.queue.queue_view import QueueView
from desk_app.ui.queue.queues import QueueSpec
from desk_app.ui.search import SearchBox
from desk_app.ui.session_signals import SessionSignals
from desk_app.ui.settings import DeskSettings, Keys
from desk_app.ui.sidebar import Sidebar
from desk_app.ui.status_bar import OfflineBanner, SyncStatusWidget
from desk_app.ui.theme import icon
from desk_app.ui.ticket_panel import TicketPanel

log = logging.getLogger("desk.ui.window")

__all__ = ["MainWindow"]

_MANAGER_ROLES = ("manager", "admin")
#: The size a first start opens at where the screen has room for it (else maximised).
DEFAULT_SIZE = QSize(1440, 900)
#: What a window manager's frame may add around the window (title bar, borders).
FRAME_ALLOWANCE = QSize(16, 48)
#: The open ticket's least height before the queue gives up rows (header, conversation, composer).
PANEL_MIN_HEIGHT = 470


class MainWindow(QMainWindow):
    #: The first sync filled the window (queue rows and counts read after it).
    filled = Signal()
    #: Demo: the agent asked to look through another demo user's eyes.
    role_switch_requested = Signal(str)
    #: File > Log out.
    logout_requested = Signal()
    #: The window closed (the caller stops the session off the UI thread).
    closed = Signal()

    def __init__(self, session: DeskSession, runner: OpRunner, settings: DeskSettings, *,
                 clock: CountdownClock | None = None, demo_roles: tuple[str, ...] = (),
                 remember_layout: bool = True, now: Callable[[], float] = time.time,
                 screen: QScreen | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DeskMainWindow")
        self.session = session
        self.runner = runner
        self.settings = settings
        self.clock = clock or application_countdown_clock()
        self.user = dict(session.user)
        self._demo_roles = demo_roles
        self._remember_layout = remember_layout
        self._now = now
        self._synced = False
        self._fill_state = {"queue": False, "counts": False}
        self._filled = False
        self._relogin: QInputDialog | None = None
        self.signals = SessionSignals(session.events, self)
        self.setWindowTitle(self.tr("Desk — {name} ({role})").format(
            name=self.user.get("display_name") or self.user["username"], role=self._role_label()))
        self._screen = screen  # where it opens (None: where the window system puts new windows)
        self._build_panels()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._connect()
        self.restore_layout()
        self._warm_up()
        heap.settle()  # the app, the session and the widgets just built: out of full GC passes
        self._first_specs = True
        self._load_specs()
        self._on_status(session.status)

    # -- building -------------------------------------------------------------------------

    def _role_label(self) -> str:
        labels = {"agent": self.tr("Agent"), "specialist": self.tr("Specialist"),
                  "manager": self.tr("Manager"), "admin": self.tr("Administrator")}
        return labels.get(self.user.get("role"), self.user.get("role") or "")

    def default_queue(self) -> str:
        """Where a first start opens: agents their own tickets, specialists their tier, managers everything."""
        if self.is_manager:
            return "all"
        tier = int(self.user.get("tier") or 1)
        return f"escalated:{tier}" if tier > 1 else "mine"

    @property
    def is_manager(self) -> bool:
        return self.user.get("role") in _MANAGER_ROLES

    def _build_panels(self) -> None:
        session, runner = self.session, self.runner
        self.sidebar = Sidebar(session, runner, self, now=self._now)
        self.queue_view = QueueView(session, runner, self.clock, self.settings, self)
        # The table, with the filter applied and the notices about tickets that came back above it.
        self.queue_pane = QueuePane(self.queue_view, self)
        self._before_filter: QueueSpec | None = None
        self.ticket_panel = TicketPanel(session, runner, self, signals=self.signals)
        self.ticket_panel.setObjectName("TicketPanel")
        self.search_box = SearchBox(session, runner, self)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(0)
        left_layout.addWidget(self.sidebar, 3)
        self.needs_attention = NeedsAttention(session, runner, left, signals=self.signals)
        left_layout.addWidget(self.needs_attention, 1)
        # The list owns the escalation watcher (one per window: a prompt shows once).
        self.escalation_watcher = self.needs_attention.watcher

        self.work_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.work_splitter.setObjectName("WorkSplitter")
        self.work_splitter.addWidget(self.queue_pane)
        self.work_splitter.addWidget(self.ticket_panel)
        # The ticket's conversation gets the larger share: ten queue rows stay in view.
        self.work_splitter.setStretchFactor(0, 2)
        self.work_splitter.setStretchFactor(1, 3)
        self.work_splitter.setChildrenCollapsible(False)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.setObjectName("MainSplitter")
        self.main_splitter.addWidget(left)
        self.main_splitter.addWidget(self.work_splitter)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([250, 1190])
        self.work_splitter.setSizes([320, 520])
        # Until the agent moves it (or a saved layout is restored) the split follows the height.
        self._auto_work_split = True
        self.work_splitter.splitterMoved.connect(lambda *_: setattr(self, "_auto_work_split", False))

        # Pages: the workspace for everyone; the dashboard only for managers.
        self.pages = QTabWidget(self)
        self.pages.setObjectName("Pages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.main_splitter, icon("workspace"), self.tr("Workspace"))
        self.dashboard: DashboardView | None = None
        if self.is_manager:
            self.dashboard = DashboardView(session, runner, self, signals=self.signals)
            self.dashboard.setObjectName("Dashboard")
            self.pages.addTab(self.dashboard, icon("dashboard"), self.tr("Dashboard"))
            # A manager's day starts on the dashboard (Ctrl+Alt+1 for the workspace).
            self.pages.setCurrentWidget(self.dashboard)
        self.pages.tabBar().setVisible(self.pages.count() > 1)
        self.pages.tabBar().setAccessibleName(self.tr("Pages"))  # not the current page's title
        # The offline banner spans the window above every page (hidden while the server answers).
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        self.offline_banner = OfflineBanner(central)
        central_layout.addWidget(self.offline_banner)
        central_layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.sync_status = SyncStatusWidget(self)
        bar = self.statusBar()
        bar.setSizeGripEnabled(True)
        self.business_hours = BusinessHoursIndicator(session, self, runner=runner, signals=self.signals)
        bar.addPermanentWidget(self.business_hours)
        user = QLabel(self.tr("{name} · {role}").format(
            name=self.user.get("display_name") or self.user["username"], role=self._role_label()), self)
        user.setObjectName("SignedInUser")
        # "Needs attention (N)": the escalations, without a window popping up.
        bar.addPermanentWidget(self.needs_attention.indicator)
        self.needs_attention.indicator.show()
        bar.addPermanentWidget(user)
        bar.addPermanentWidget(self.sync_status)

    def _action(self, text: str, shortcut: str | QKeySequence | None, slot: Callable, *, icon_name: str | None = None,
                tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if icon_name:
            action.setIcon(icon(icon_name))
        shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip or text.replace('&', '')}" + (f" ({shown})" if shown else ""))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.act_search = self._action(self.tr("&Search tickets"), QKeySequence.StandardKey.Find, self.focus_search,
                                       icon_name="search")
        self.act_next = self._action(self.tr("&Next ticket"), "Ctrl+J", lambda: self.queue_view.next_ticket(1),
                                     icon_name="next")
        self.act_previous = self._action(self.tr("&Previous ticket"), "Ctrl+K", lambda: self.queue_view.next_ticket(-1))
        self.act_reply = self._action(self.tr("&Reply to customer"), "Ctrl+R", self.ticket_panel.focus_reply,
                                      icon_name="reply")
        self.act_note = self._action(self.tr("Internal &note"), "Ctrl+Shift+N", self.ticket_panel.focus_note,
                                     icon_name="note")
        self.act_escalate = self._action(self.tr("&Escalate…"), "Ctrl+E", self.ticket_panel.start_escalation,
                                         icon_name="escalate")
        self.act_new_call = self._action(self.tr("New ticket from &call…"), "Ctrl+Shift+P", self.new_ticket_from_call,
                                         icon_name="phone")
        self.act_log_call = self._action(self.tr("&Log call…"), "Ctrl+L", self.log_call)
        self.act_focus_queues = self._action(self.tr("Go to queues"), "Ctrl+1", self.sidebar.setFocus)
        self.act_focus_table = self._action(self.tr("Go to tickets"), "Ctrl+2", self.queue_view.setFocus)
        self.act_focus_panel = self._action(self.tr("Go to ticket"), "Ctrl+3", self.ticket_panel.setFocus)
        self.act_sync = self._action(self.tr("Sync &now"), QKeySequence.StandardKey.Refresh, self.sync_now,
                                     icon_name="sync")
        self.act_logout = self._action(self.tr("Log &out"), None, self.logout_requested.emit)
        self.act_quit = self._action(self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        self.act_shortcuts = self._action(self.tr("&Keyboard shortcuts"), "F1", self.show_shortcuts)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.act_sync)
        file_menu.addSeparator()
        file_menu.addAction(self.act_logout)
        file_menu.addAction(self.act_quit)
        ticket_menu = bar.addMenu(self.tr("&Ticket"))
        for action in (self.act_next, self.act_previous, None, self.act_reply, self.act_note, self.act_escalate,
                       None, self.act_new_call, self.act_log_call):
            ticket_menu.addSeparator() if action is None else ticket_menu.addAction(action)
        view_menu = bar.addMenu(self.tr("&View"))
        for action in (self.act_search, self.act_focus_queues, self.act_focus_table, self.act_focus_panel):
            view_menu.addAction(action)
        self.columns_menu = view_menu.addMenu(self.tr("&Columns"))
        self.columns_menu.aboutToShow.connect(self._fill_columns_menu)
        self.language_menu = LanguageMenu(self.settings, view_menu)
        self.language_menu.chosen.connect(lambda text: self.statusBar().showMessage(text, 8000))
        view_menu.addMenu(self.language_menu)
        if self.pages.count() > 1:
            view_menu.addSeparator()
            for index in range(self.pages.count()):
                action = self._action(self.pages.tabText(index), f"Ctrl+Alt+{index + 1}",
                                      lambda i=index: self.pages.setCurrentIndex(i))
                view_menu.addAction(action)
        self.demo_menu: QMenu | None = None
        if self._demo_roles:
            self.demo_menu = bar.addMenu(self.tr("&Demo"))
            switch = self.demo_menu.addMenu(self.tr("&Switch role"))
            labels = {"agent": self.tr("Agent (Tier 1)"), "specialist": self.tr("Specialist (Tier 2)"),
                      "manager": self.tr("Manager (Tier 3, dashboard)")}
            for role in self._demo_roles:
                action = switch.addAction(labels.get(role, role))
                action.setCheckable(True)
                action.setChecked(role == self.user["username"])
                action.setObjectName(f"switch_role_{role}")
                action.triggered.connect(lambda _c=False, r=role: self._switch_role(r))
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.act_shortcuts)

    def _build_toolbar(self) -> None:
        bar = QToolBar(self.tr("Main toolbar"), self)
        bar.setObjectName("MainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addWidget(self.search_box)
        bar.addSeparator()
        for action in (self.act_next, self.act_reply, self.act_note, self.act_escalate, self.act_new_call):
            bar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    def _connect(self) -> None:
        s = self.signals
        s.status.connect(self._on_status)
        s.changes.connect(self.queue_view.apply_changes)
        s.changes.connect(self.sidebar.refresh_counts)
        s.reference.connect(self._on_reference)
        s.rejection.connect(self._on_rejection)
        s.notice.connect(self._on_notice)
        self.queue_pane.open_ticket.connect(self.open_ticket)
        self.queue_pane.filter_cleared.connect(self.clear_filter)
        self.offline_banner.retry_requested.connect(self.sync_now)
        self.sidebar.queue_selected.connect(self._open_queue)
        self.sidebar.counts_changed.connect(lambda _counts: self._filling("counts"))
        self.queue_view.loaded.connect(lambda _n: self._filling("queue"))
        self.queue_view.ticket_selected.connect(self.ticket_panel.show_ticket)
        self.search_box.ticket_chosen.connect(self.open_ticket)
        self.ticket_panel.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.needs_attention.open_ticket.connect(self.open_ticket)
        if self.dashboard is not None:
            self.dashboard.open_ticket.connect(self.open_ticket)
            self.dashboard.open_queue.connect(self.show_filtered_queue)
            self.dashboard.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))

    def _warm_up(self) -> None:
        """Draw the icons and brushes rows use now, while the window is built, not at the first sync."""
        for name in ("user", "inbox", "alarm", "hourglass", "escalate", "layers", "list", "queue"):
            icon(name)
        dark = sla_display.is_dark()
        for state in (ClockState.RUNNING, ClockState.WARNING, ClockState.BREACHED, ClockState.PAUSED):
            sla_display.state_icon(state, dark)
            sla_display.state_foreground(state, dark)
            sla_display.state_font(state)
        for tier in ("startup", "enterprise"):
            sla_display.tier_badge_icon(tier)

    # -- behaviour ------------------------------------------------------------------------

    def _open_queue(self, spec: QueueSpec) -> None:
        self.settings.set(Keys.LAST_QUEUE, spec.key)
        self._before_filter = None
        self.queue_pane.clear_filter()
        self.queue_view.open_queue(spec)

    def open_ticket(self, ticket_id: int) -> None:
        """Show a ticket: selected in the table when the current queue holds it, in the panel anyway."""
        self.pages.setCurrentIndex(0)
        if not self.queue_view.select_ticket(ticket_id):
            self.queue_view.hold_ticket(ticket_id)  # selected once the queue lists it
            self.ticket_panel.show_ticket(ticket_id)
        self.ticket_panel.setFocus()

    def show_filtered_queue(self, spec_filter: dict) -> None:
        """A dashboard click-through: the tickets matching `spec_filter` (see desk_app.ui.dashboard)."""
        title = spec_filter.get("title") or self.tr("Filtered tickets")
        spec = QueueSpec("custom", "custom", name=title, custom=lambda now: queue_query(spec_filter, now))
        self.pages.setCurrentIndex(0)
        if self._before_filter is None:
            self._before_filter = self.sidebar.current_spec()
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentItem(None)
        self.sidebar.blockSignals(False)
        self.queue_view.open_queue(spec)
        # Said above the rows, at once; with the policies', queues' and people's names once read.
        self.queue_pane.show_filter(describe_filter(spec_filter))
        cache = self.session.cache
        queue.read_filter_names(parent=self, runner=self.runner, cache=cache).success(
            lambda names: self.queue_view.spec() is spec and self.queue_pane.show_filter(
                describe_filter(spec_filter, names))).run_in_background()

    def clear_filter(self) -> None:
        """Back from a click-through to the queue that was open before it."""
        self.queue_pane.clear_filter()
        before, self._before_filter = self._before_filter, None
        key = before.key if before is not None else self.settings.get(Keys.LAST_QUEUE) or self.default_queue()
        if not self.sidebar.select_queue(key):
            self.sidebar.select_queue(self.default_queue())
        self.queue_view.setFocus()

    def _on_notice(self, notice) -> None:
        """A ticket came back to the agent: said above the queue (with "Open"), and the taskbar flashes."""
        self.queue_pane.add_notice(notice)
        QApplication.alert(self)

    def focus_search(self) -> None:
        self.pages.setCurrentIndex(0)
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def sync_now(self) -> None:
        self.session.engine.sync_now()
        self.session.outbox.wake()

    def new_ticket_from_call(self) -> None:
        dialog = NewTicketFromCallDialog(self.session, self.runner, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # The new ticket opens, once the dialog has closed (focus goes back to this window).
        dialog.created.connect(lambda ticket_id: QTimer.singleShot(0, self, lambda: self.open_ticket(ticket_id)))
        dialog.open()

    def log_call(self) -> None:
        # The ticket the panel shows, even when it has left the queue (taken, escalated).
        if self.queue_view.shown_ticket() is None:
            self.statusBar().showMessage(self.tr("Select a ticket to log a call on it."), 5000)
            return
        self.ticket_panel.open_log_call()

    def show_shortcuts(self) -> None:
        rows = []
        for action in self.actions():
            key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if key:
                rows.append(f"<tr><td><b>{key}</b></td><td>&nbsp;&nbsp;{action.text().replace('&', '')}</td></tr>")
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Keyboard shortcuts"),
                          "<table>" + "".join(rows) + "</table>", QMessageBox.StandardButton.Close, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _switch_role(self, role: str) -> None:
        if role != self.user["username"]:
            self.role_switch_requested.emit(role)

    def _fill_columns_menu(self) -> None:
        self.columns_menu.clear()
        self.queue_view.fill_column_menu(self.columns_menu)

    def _on_status(self, status: SyncStatus) -> None:
        self.sync_status.show_status(status)
        self.offline_banner.show_status(status)
        if status.connection is Connection.AUTH_EXPIRED:
            self._ask_relogin()
        # ONLINE comes after the catch-up and the reference lists (queues, users, policies): the
        # reports of both were queued before this one, so the window now holds the first sync.
        if not self._synced and status.connection is Connection.ONLINE:
            self._synced = True
            self._fill_state = {"queue": False, "counts": False}
            self.queue_view.reload()
            self.sidebar.refresh_counts()

    def _ask_relogin(self) -> None:
        """The server ended the session and no password is remembered: ask for it (non-modal)."""
        if self._relogin is not None:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Log in again"))
        dialog.setLabelText(self.tr("Your session on {server} has ended. Enter the password for {user} to go on; "
                                    "your work so far is kept.").format(server=self.session.server_url,
                                                                        user=self.user["username"]))
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._relogin = dialog

        def refused(error: BaseException) -> None:
            self.statusBar().showMessage(login_error_text(error, self.session.server_url), 15000)
            self._ask_relogin()

        def submitted(password: str) -> None:
            session = self.session
            log_in_again(parent=self, runner=self.runner, session=session, password=password).success(
                lambda _r: self.statusBar().showMessage(self.tr("Logged in again."), 5000)).failure(
                refused).run_in_background()

        dialog.textValueSelected.connect(submitted)
        dialog.finished.connect(lambda _code: setattr(self, "_relogin", None))
        dialog.open()

    def _filling(self, part: str) -> None:
        if not self._synced or self._filled:
            return
        self._fill_state[part] = True
        if all(self._fill_state.values()):
            self._filled = True
            heap.settle()  # what the window is built from lives as long as it: out of full GC passes
            self.filled.emit()

    @property
    def is_filled(self) -> bool:
        return self._filled

    def _load_specs(self) -> None:
        """The sidebar's queues: the user's views plus the server queues the cache lists (cache lane)."""
        cache, user = self.session.cache, self.user
        queue.read_queue_specs(parent=self, runner=self.runner, cache=cache, user=user).success(
            self._show_specs).run_in_background()

    def _show_specs(self, specs: list[QueueSpec]) -> None:
        self.sidebar.set_specs(specs)
        if self._first_specs:
            self._first_specs = False
            if not self.sidebar.select_queue(self.settings.get(Keys.LAST_QUEUE) or self.default_queue()):
                self.sidebar.select_queue("mine")

    def _on_reference(self, names: frozenset[str]) -> None:
        if names & {"queues", "users", "policies"}:
            self._load_specs()
        if names & {"policies", "users"}:
            self.queue_view.reload()

    def _on_rejection(self, rejection: Rejection) -> None:
        where = rejection.ticket_number or self.tr("a new ticket")
        text = self.tr("The server refused a change to {ticket}: {message}").format(
            ticket=where, message=rejection.message)
        if rejection.draft_saved:
            text += " " + self.tr("Your text was kept as a draft.")
        self.statusBar().showMessage(text, 15000)

    # -- layout ---------------------------------------------------------------------------

    def restore_layout(self) -> None:
        self._splitters_restored = not self._remember_layout
        restored = False
        if self._remember_layout:
            geometry = self.settings.get(Keys.WINDOW_GEOMETRY)
            if geometry is not None:
                restored = self.restoreGeometry(geometry)
            state = self.settings.get(Keys.WINDOW_STATE)
            if state is not None:
                self.restoreState(state)
            self._splitters_restored = False
        self.fit_to_screen(restored=restored)

    def fit_to_screen(self, *, restored: bool = False) -> None:
        """Within the screen's available area (not under a panel, not past an edge).

        A first start opens at `DEFAULT_SIZE`, centred, where the screen has room for it, and
        maximised where it has not (1280x720, 1366x768: a window manager's frame would not fit
        otherwise). A saved geometry larger than the screen (saved on a bigger one) opens
        maximised too; one that fits but lies partly off the screen is moved onto it.
        """
        screen = self._screen or QGuiApplication.screenAt(self.geometry().center()) or self.screen()
        area = screen.availableGeometry()
        if restored:
            if self.isMaximized():
                return
            frame = self.geometry()
            # Room for the window manager's frame too: one nearly as large as the screen is maximised.
            if (frame.width() + FRAME_ALLOWANCE.width() <= area.width()
                    and frame.height() + FRAME_ALLOWANCE.height() <= area.height()):
                inner = area.adjusted(0, FRAME_ALLOWANCE.height() - 8, -FRAME_ALLOWANCE.width(), -8)
                frame.moveLeft(min(max(frame.left(), inner.left()), inner.right() + 1 - frame.width()))
                frame.moveTop(min(max(frame.top(), inner.top()), inner.bottom() + 1 - frame.height()))
                self.move(frame.topLeft() - (self.geometry().topLeft() - self.pos()))
                return
        frame = QRect(QPoint(0, 0), DEFAULT_SIZE.boundedTo(area.size()))
        frame.moveCenter(area.center())
        self.setGeometry(frame)
        if restored or frame.size() != DEFAULT_SIZE:  # larger than the screen: as large as it allows
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._splitters_restored:
            # Restored once the window has its size: earlier, the splitters would scale what they restore.
            self._splitters_restored = True
            for splitter, key in ((self.main_splitter, Keys.MAIN_SPLITTER), (self.work_splitter, Keys.WORK_SPLITTER)):
                saved = self.settings.get(key)
                if saved is not None and splitter.restoreState(saved) and splitter is self.work_splitter:
                    self._auto_work_split = False
        self._split_work()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._split_work()

    def _split_work(self) -> None:
        """Ten queue rows, and the rest for the open ticket, where the height allows; on a short
        screen (1280x720) fewer rows, down to five, so that the ticket keeps `PANEL_MIN_HEIGHT`
        (its header, the conversation, a three-line composer)."""
        if not self._auto_work_split or not self.isVisible():
            return
        total = sum(self.work_splitter.sizes())
        if total <= 0:
            return
        view = self.queue_view
        row = view.verticalHeader().defaultSectionSize()
        chrome = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
        rows = max(5, min(10, (total - PANEL_MIN_HEIGHT - chrome) // row))
        queue = min(chrome + rows * row, total - self.work_splitter.widget(1).minimumSizeHint().height())
        self.work_splitter.blockSignals(True)  # not the agent's move
        self.work_splitter.setSizes([queue, total - queue])
        self.work_splitter.blockSignals(False)

    def save_layout(self) -> None:
        if not self._remember_layout:
            return
        self.settings.set(Keys.WINDOW_GEOMETRY, self.saveGeometry())
        self.settings.set(Keys.WINDOW_STATE, self.saveState())
        self.settings.set(Keys.MAIN_SPLITTER, self.main_splitter.saveState())
        self.settings.set(Keys.WORK_SPLITTER, self.work_splitter.saveState())
        self.queue_view.save_layout()
        self.settings.sync()

    def shut_down(self) -> None:
        """Stop listening to the session (before it is stopped); keeps the layout."""
        self.save_layout()
        self.sidebar.blockSignals(True)
        self.signals.detach()
        self.clock.unwatch(self.queue_view)
        heap.release()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shut_down()
        super().closeEvent(event)
        self.closed.emit()
