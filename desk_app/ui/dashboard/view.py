"""`DashboardView`: the managers' page: KPI tiles, charts, report tables, filters, exports.

Every figure comes from the report endpoints (computed by the server in SQL);
the six reports are fetched side by side as ops on the network lane, and
each part of the page updates as its report arrives. The UI thread never
waits.

The first fetch happens when the page is first shown. Live refresh: ticket
changes (from the session's sync) mark the figures
stale; a refresh follows at most every `refresh_interval_ms` (a burst of
changes costs one refresh), never while one is in flight, and only while
the page is visible (a hidden page refreshes when it is shown again).

Click-through: a tile, a chart bar or a table row emits `open_queue(dict)`,
a ticket filter (see the package docstring); a row of "Most overdue" emits
`open_ticket(int)`.

Roles: the reports are for managers and admins. Another role gets a
message instead of the page and no request is made; a 403 from the server
(a role changed meanwhile) turns the page into that message too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desk_app.services.errors import Forbidden
from desk_app.services.session import DeskSession
from desk_app.ui.accessibility import label_field
from desk_app.ui.dashboard.charts import AgentLoadChart, BacklogAgeingChart, ComplianceTrendChart, FlowChart
from desk_app.ui.dashboard.figures import Kpis, agent_report_rows, format_count, format_percent, format_score
from desk_app.services.reports import (
    OPEN_STATUSES,
    PERIOD_DAYS,
    ReportFilters,
    ReportsClient,
    dimension_filter,
)
from desk_app.ui.dashboard.tables import ReportTables
from desk_app.ui.dashboard.tiles import KpiTile
from desk_app.ui.operations import reports
from desk_app.ui.ops import OpRunner
from desk_app.ui.session_signals import SessionSignals

log = logging.getLogger("desk.ui.dashboard")

__all__ = ["MANAGER_ROLES", "DashboardView"]

MANAGER_ROLES = ("manager", "admin")
#: Live changes refresh the figures at most this often (milliseconds).
REFRESH_INTERVAL_MS = 5000
#: Compliance at or above this is shown green; below WARN_BELOW red.
GOOD_FROM, WARN_BELOW = 95.0, 80.0


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class DashboardView(QWidget):
    #: A ticket filter to show as a queue: {"statuses", "queue_id", "policy", "assignee_id", ...}.
    open_queue = Signal(dict)
    #: A ticket to open (from "Most overdue").
    open_ticket = Signal(int)
    #: Every report of a refresh has arrived (or failed).
    refreshed = Signal()
    #: A short message for the status bar.
    status_message = Signal(str)

    def __init__(self, session: DeskSession, runner: OpRunner, parent: QWidget | None = None, *,
                 refresh_interval_ms: int = REFRESH_INTERVAL_MS, now: Callable[[], datetime] = _utc_now,
                 signals: SessionSignals) -> None:
        super().__init__(parent)
        self.setObjectName("DashboardView")
        self.session = session
        self.runner = runner
        self.client = ReportsClient(session.api)
        self.filters = ReportFilters()
        self.refresh_interval_ms = refresh_interval_ms
        self._now = now
        self.reports: dict[str, dict[str, Any]] = {}
        self.kpis = Kpis()
        self.error: str | None = None
        self._generation = 0
        self._in_flight: set[str] = set()
        self._stale = False
        self._last_refresh = 0.0
        self._reference_loaded = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._refresh_if_stale)

        self.stack = QStackedWidget(self)
        # The page scrolls where the window is shorter or narrower than it (1280x720, 1366x768):
        # the window's minimum size stays the workspace's, and every table and button is reachable.
        self.scroll = QScrollArea(self.stack)
        self.scroll.setObjectName("DashboardScroll")
        self.scroll.setAccessibleName(self.tr("Dashboard"))
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page = QWidget(self.scroll)
        self.message = QLabel(self.stack)
        self.message.setObjectName("DashboardMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 12pt; color: palette(placeholder-text); padding: 40px;")
        self.stack.addWidget(self.scroll)
        self.stack.addWidget(self.message)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self._build_page()
        self.scroll.setWidget(self.page)

        self.allowed = (session.user.get("role") or "") in MANAGER_ROLES
        if not self.allowed:
            self._refuse(self.tr("The dashboard is for managers. Your role ({role}) does not include SLA reports.")
                         .format(role=session.user.get("role") or "?"))
            return
        self.signals = signals
        self.signals.changes.connect(self.mark_stale)
        # Nothing is fetched until the page is first shown (a manager may start in the workspace).
        self._shown_once = False

    # -- building ---------------------------------------------------------------------------

    def _build_page(self) -> None:
        title = QLabel(self.tr("SLA dashboard"), self.page)
        title.setObjectName("PanelTitle")
        title.setStyleSheet("font-size: 16pt; font-weight: 700;")
        self.period_label = QLabel("", self.page)
        self.period_label.setObjectName("PeriodLabel")
        self.period_label.setStyleSheet("color: palette(placeholder-text);")
        heading = QVBoxLayout()
        heading.setSpacing(0)
        heading.addWidget(title)
        heading.addWidget(self.period_label)

        self.period_combo = QComboBox(self.page)
        self.period_combo.setObjectName("PeriodCombo")
        for days in PERIOD_DAYS:
            self.period_combo.addItem(self.tr("Last {n} days").format(n=days), days)
        self.period_combo.setCurrentIndex(PERIOD_DAYS.index(self.filters.days))
        self.trend_combo = QComboBox(self.page)
        self.trend_combo.setObjectName("TrendCombo")
        self.trend_combo.addItem(self.tr("Daily"), "day")
        self.trend_combo.addItem(self.tr("Weekly"), "week")
        self.queue_combo = QComboBox(self.page)
        self.queue_combo.setObjectName("QueueCombo")
        self.queue_combo.addItem(self.tr("All queues"), None)
        self.queue_combo.setMinimumContentsLength(14)
        self.policy_combo = QComboBox(self.page)
        self.policy_combo.setObjectName("PolicyCombo")
        self.policy_combo.addItem(self.tr("All policies"), None)
        self.policy_combo.setMinimumContentsLength(12)
        for combo in (self.period_combo, self.trend_combo, self.queue_combo, self.policy_combo):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.refresh_button = QPushButton(self.tr("Refresh"), self.page)
        self.refresh_button.setObjectName("RefreshButton")
        self.refresh_button.clicked.connect(self.refresh)
        self.pdf_button = QPushButton(self.tr("Export PDF…"), self.page)
        self.pdf_button.setObjectName("ExportPdfButton")
        self.pdf_button.clicked.connect(self._ask_pdf_path)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addLayout(heading)
        bar.addStretch(1)
        for label, widget in ((self.tr("Period"), self.period_combo), (self.tr("Trend"), self.trend_combo),
                              (self.tr("Queue"), self.queue_combo), (self.tr("Policy"), self.policy_combo)):
            caption = QLabel(label, self.page)
            label_field(caption, widget)
            caption.setStyleSheet("color: palette(placeholder-text);")
            bar.addWidget(caption)
            bar.addWidget(widget)
            bar.addSpacing(6)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.pdf_button)

        self.banner = QLabel("", self.page)
        self.banner.setObjectName("DashboardBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fef3c7; color: #78350f; border: 1px solid #f59e0b;"
                                  " border-radius: 6px; padding: 6px 10px;")
        self.banner.hide()
        # Calendars whose holiday list runs out (GET /policies `calendar_warnings`): after it
        # holidays would count as open time, so managers are told, never a silent "open".
        self.holiday_banner = QLabel("", self.page)
        self.holiday_banner.setObjectName("DashboardHolidayBanner")
        self.holiday_banner.setWordWrap(True)
        self.holiday_banner.setStyleSheet(self.banner.styleSheet())
        self.holiday_banner.hide()

        self.tile_compliance = KpiTile(self.tr("SLA compliance"), self.page)
        self.tile_breaches = KpiTile(self.tr("Open breaches"), self.page)
        self.tile_escalations = KpiTile(self.tr("Escalations waiting"), self.page)
        self.tile_backlog = KpiTile(self.tr("Backlog"), self.page)
        self.tile_csat = KpiTile(self.tr("Customer satisfaction"), self.page, clickable=False)
        self.tiles = {"compliance": self.tile_compliance, "breaches": self.tile_breaches,
                      "escalations": self.tile_escalations, "backlog": self.tile_backlog, "csat": self.tile_csat}
        tiles = QHBoxLayout()
        tiles.setSpacing(12)
        for key, tile in self.tiles.items():
            tile.setObjectName("KpiTile")
            tile.setProperty("tile", key)
            tiles.addWidget(tile)
        self.tile_compliance.clicked.connect(lambda: self._emit_filter(
            {"statuses": list(OPEN_STATUSES), "sla_state": "warning", "title": self.tr("At risk of breach")}))
        self.tile_breaches.clicked.connect(lambda: self._emit_filter(
            {"statuses": list(OPEN_STATUSES), "sla_state": "breached", "title": self.tr("Breached")}))
        self.tile_escalations.clicked.connect(lambda: self._emit_filter(
            {"statuses": list(OPEN_STATUSES), "escalation": "waiting", "title": self.tr("Escalations waiting")}))
        self.tile_backlog.clicked.connect(lambda: self._emit_filter(
            {"statuses": list(OPEN_STATUSES), "title": self.tr("Backlog")}))

        self.trend_chart = ComplianceTrendChart(self.page)
        self.ageing_chart = BacklogAgeingChart(self.page)
        self.flow_chart = FlowChart(self.page)
        self.agent_chart = AgentLoadChart(self.page)
        charts = QWidget(self.page)
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        grid.addWidget(self.trend_chart, 0, 0)
        grid.addWidget(self.ageing_chart, 0, 1)
        grid.addWidget(self.flow_chart, 1, 0)
        grid.addWidget(self.agent_chart, 1, 1)
        for chart in (self.ageing_chart, self.agent_chart):
            chart.filter_clicked.connect(self._emit_filter)

        self.tables = ReportTables(self.page)
        self.tables.setMinimumHeight(200)
        self.tables.filter_clicked.connect(self._emit_filter)
        self.tables.ticket_clicked.connect(self.open_ticket)
        self.tables.group_by_changed.connect(self._group_by_changed)
        self.tables.exported.connect(lambda path, n: self.status_message.emit(
            self.tr("Exported {n} rows to {path}").format(n=n, path=path)))

        self.splitter = QSplitter(Qt.Orientation.Vertical, self.page)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(charts)
        self.splitter.addWidget(self.tables)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self.page)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(12)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.holiday_banner)
        layout.addLayout(tiles)
        layout.addWidget(self.splitter, 1)
        self.page.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # -- filters ----------------------------------------------------------------------------

    def _load_reference(self) -> None:
        client = self.client
        reports.read_report_choices(parent=self, runner=self.runner, client=client) \
            .success(self._set_reference).failure(self._reference_failed).run_in_background()

    def _set_reference(self, ref: Mapping[str, list[dict[str, Any]]]) -> None:
        for combo, items, key, name in ((self.queue_combo, ref["queues"], "id", "name"),
                                        (self.policy_combo, ref["policies"], "key", "name")):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for item in sorted(items, key=lambda i: str(i.get(name) or i[key]).casefold()):
                combo.addItem(str(item.get(name) or item[key]), item[key])
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        self._show_holiday_warnings(ref["policies"])
        self._reference_loaded = True

    def _show_holiday_warnings(self, policies: list[dict[str, Any]]) -> None:
        lines = []
        for policy in policies:
            for w in policy.get("calendar_warnings") or ():
                when = QLocale().toString(QDate.fromString(w["through"], Qt.DateFormat.ISODate),
                                          QLocale.FormatType.ShortFormat)
                text = (self.tr("{policy}: the holiday list of \u201c{calendar}\u201d ran out on {date}; "
                                "holidays after it count as open time. Add the next year's holidays.")
                        if w["days_left"] < 0 else
                        self.tr("{policy}: the holiday list of \u201c{calendar}\u201d runs out on {date} "
                                "(in {days} days); holidays after it would count as open time. "
                                "Add the next year's holidays."))
                lines.append(text.format(policy=policy.get("name") or policy["key"], calendar=w["label"],
                                         date=when, days=w["days_left"]))
        self.holiday_banner.setText("\n".join(lines))
        self.holiday_banner.setVisible(bool(lines))

    def _reference_failed(self, error: BaseException) -> None:
        if isinstance(error, Forbidden):
            self._forbidden(error)
        else:
            log.info("dashboard: queues and policies could not be read (%s)", error)

    def set_filters(self, filters: ReportFilters) -> None:
        """Choose the filters (the combos follow) and refresh."""
        self.filters = filters
        for combo, value in ((self.period_combo, filters.days), (self.trend_combo, filters.trend),
                             (self.queue_combo, filters.queue_id), (self.policy_combo, filters.policy)):
            combo.blockSignals(True)
            index = combo.findData(value)
            if index < 0 and combo in (self.queue_combo, self.policy_combo):
                combo.addItem(str(value), value)  # the reference list has not arrived yet
                index = combo.count() - 1
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
        self.tables.blockSignals(True)
        self.tables.set_group_by(filters.group_by)
        self.tables.blockSignals(False)
        self.refresh()

    def _filters_changed(self, _index: int = 0) -> None:
        self.filters = self.filters.with_(days=self.period_combo.currentData(), trend=self.trend_combo.currentData(),
                                          queue_id=self.queue_combo.currentData(),
                                          policy=self.policy_combo.currentData())
        self.refresh()

    def _group_by_changed(self, dimension: str) -> None:
        self.filters = self.filters.with_(group_by=dimension)
        self.refresh()

    def _emit_filter(self, extra: Mapping[str, Any]) -> None:
        self.open_queue.emit(self.filters.queue_filter(**extra))

    # -- refreshing -------------------------------------------------------------------------

    @property
    def is_refreshing(self) -> bool:
        return bool(self._in_flight)

    def mark_stale(self, _changes: object = None) -> None:
        """Live changes arrived: refresh soon (debounced), or when the page is next shown."""
        if not self.allowed:
            return
        self._stale = True
        if not self.isVisible() or self._timer.isActive():
            return
        wait = self.refresh_interval_ms - int((time.monotonic() - self._last_refresh) * 1000)
        self._timer.start(max(0, wait))

    def _refresh_if_stale(self) -> None:
        if not self._stale:
            return
        if self._in_flight:
            return  # the refresh that finishes will look at `_stale` again
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self.allowed:
            return
        if not self._shown_once:
            self._shown_once = True
            self._load_reference()
            if not self._in_flight:
                self.refresh()
        elif self._stale:
            self.mark_stale()

    def refresh(self) -> None:
        """Fetch every report now with the current filters (results from an older refresh are dropped)."""
        if not self.allowed:
            return
        self._generation += 1
        generation, filters, now, client = self._generation, self.filters, self._now(), self.client
        self._stale = False
        self.error = None
        self._last_refresh = time.monotonic()
        self._in_flight = set(ReportsClient.REPORTS)
        self.refresh_button.setEnabled(False)
        for name in ReportsClient.REPORTS:
            reports.fetch_report(parent=self, runner=self.runner, client=client, name=name, filters=filters,
                                 now=now) \
                .success(lambda data, n=name: self._arrived(generation, n, data)) \
                .failure(lambda error, n=name: self._failed(generation, n, error)) \
                .run_in_background()

    def _arrived(self, generation: int, name: str, data: dict[str, Any]) -> None:
        if generation != self._generation:
            return
        self.reports[name] = data
        self._apply(name, data)
        self._done(name)

    def _failed(self, generation: int, name: str, error: BaseException) -> None:
        if generation != self._generation:
            return
        if isinstance(error, Forbidden):
            self._forbidden(error)
        elif self.error is None:
            self.error = str(error) or type(error).__name__
        self._done(name)

    def _done(self, name: str) -> None:
        self._in_flight.discard(name)
        if self._in_flight:
            return
        self.refresh_button.setEnabled(True)
        if self.error is not None:
            self.banner.setText(self.tr("Some figures could not be refreshed ({error}); the others are current.")
                                .format(error=self.error))
        self.banner.setVisible(self.error is not None)
        self.refreshed.emit()
        if self._stale:
            self.mark_stale()

    # -- showing ----------------------------------------------------------------------------

    def _apply(self, name: str, data: dict[str, Any]) -> None:
        self.kpis = Kpis.from_reports(self.reports)
        self._show_tiles()
        self._show_period(data.get("period") or {})
        f = self.filters
        if name == "compliance":
            self.trend_chart.set_data(data)
            dim = data.get("group_by") or f.group_by
            self.tables.set_rows("compliance", data["rows"], lambda r, d=dim: f.queue_filter(
                statuses=list(OPEN_STATUSES), **dimension_filter(d, r.get("group")),
                title=r.get("label") or r.get("group")))
        elif name == "times":
            dim = data.get("group_by") or f.group_by
            self.tables.set_rows("times", data["rows"], lambda r, d=dim: f.queue_filter(
                statuses=list(OPEN_STATUSES), **dimension_filter(d, r.get("group")),
                title=r.get("label") or r.get("group")))
        elif name == "agents":
            self.agent_chart.set_data(data)
            self.tables.set_rows("agents", agent_report_rows(data), lambda r: f.queue_filter(
                statuses=list(OPEN_STATUSES), **dimension_filter("agent", _str(r.get("agent_id"))),
                title=r.get("name") or self.tr("Unassigned")))
        elif name == "escalations":
            self.tables.set_rows("escalations", data["tiers"], lambda r: f.queue_filter(
                statuses=list(OPEN_STATUSES), tier=int(r["tier"]), title=self.tr("Tier {n}").format(n=r["tier"])))
        elif name == "backlog":
            self.ageing_chart.set_data(data)
            self.flow_chart.set_data(data)
        elif name == "breaches":
            self.tables.set_rows("overdue", data["most_overdue"])

    def _show_tiles(self) -> None:
        k = self.kpis
        if "compliance" in self.reports:
            pct = k.compliance_percent
            tone = "muted" if pct is None else "good" if pct >= GOOD_FROM else "warn" if pct >= WARN_BELOW else "bad"
            self.tile_compliance.set_value(
                format_percent(pct), self.tr("{met} of {total} SLA targets met").format(
                    met=format_count(k.compliance_met), total=format_count(k.compliance_total)), tone=tone)
        if k.breached is not None:
            self.tile_breaches.set_value(format_count(k.breached), self.tr("{n} near breach").format(
                n=format_count(k.near_breach)), tone="bad" if k.breached else "good")
        if k.escalations_waiting is not None:
            self.tile_escalations.set_value(
                format_count(k.escalations_waiting),
                self.tr("unacknowledged · budget run out: {n}").format(n=format_count(k.escalation_due_now)),
                tone="warn" if k.escalations_waiting or k.escalation_due_now else "good")
        if k.backlog is not None:
            backlog = self.reports.get("backlog", {})
            old = sum(int(r["count"]) for r in backlog.get("rows", []) if r["age"] not in ("<1d", "1-3d"))
            self.tile_backlog.set_value(format_count(k.backlog), self.tr("open tickets · {n} older than 3 days")
                                        .format(n=format_count(old)), tone="neutral")
        if "agents" in self.reports:
            caption = (self.tr("no survey answers in the period") if not k.csat_responses else
                       self.tr("{pct} satisfied · {n} answers").format(pct=format_percent(k.csat_satisfied),
                                                                       n=format_count(k.csat_responses)))
            self.tile_csat.set_value(format_score(k.csat_average) + (" / 5" if k.csat_average is not None else ""),
                                     caption, tone="muted" if k.csat_average is None else "neutral")

    def _show_period(self, period: Mapping[str, Any]) -> None:
        if not period.get("start"):
            return
        start = datetime.fromisoformat(period["start"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(period["end"].replace("Z", "+00:00"))
        now = datetime.fromisoformat(period["now"].replace("Z", "+00:00")).astimezone()
        # In the user's locale (QLocale(): the system's, or the language chosen): "22/11/26" in Indonesian.
        locale, short = QLocale(), QLocale.FormatType.ShortFormat
        self.period_label.setText(self.tr("{start} – {end} (UTC) · figures as of {now}").format(
            start=locale.toString(QDate(start.year, start.month, start.day), short),
            end=locale.toString(QDate(end.year, end.month, end.day), short),
            now=locale.toString(QTime(now.hour, now.minute, now.second), short)))

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def _forbidden(self, error: BaseException) -> None:
        self.allowed = False
        self._timer.stop()
        self._refuse(self.tr("The server refused the reports: {error}\nThe dashboard is for managers.")
                     .format(error=error))

    @property
    def refused(self) -> bool:
        return self.stack.currentWidget() is self.message

    # -- exporting --------------------------------------------------------------------------

    def _ask_pdf_path(self) -> None:
        from desk_app.ui.dashboard.pdf_export import export_pdf

        dialog = QFileDialog(self, self.tr("Export dashboard as PDF"), "desk-dashboard.pdf",
                             self.tr("PDF files (*.pdf)"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: (export_pdf(self, path), self.status_message.emit(
            self.tr("Dashboard exported to {path}").format(path=path))))
        dialog.open()


def _str(value: Any) -> str | None:
    return None if value is None else str(value)
