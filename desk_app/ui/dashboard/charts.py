"""The dashboard's charts (Qt Charts), each in a titled card that says when it has no data.

* `ComplianceTrendChart`: % met per day or week, all measures and each measure.
* `BacklogAgeingChart`: open tickets by age, stacked by status; a bar opens those tickets.
* `FlowChart`: arrivals vs resolutions per day or week.
* `AgentLoadChart`: open tickets per agent; a bar opens that agent's tickets.

Clickable charts emit `filter_clicked(dict)` with the ticket filter of the bar
(the view adds the queue and policy chosen in the filter bar).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QMargins, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QFrame, QLabel, QStackedWidget, QVBoxLayout, QWidget

from desk_app.ui.dashboard.figures import agent_report_rows, measure_label, status_label
from desk_app.services.reports import OPEN_STATUSES
from desk_app.ui.theme import is_dark_palette

__all__ = [
    "AGE_BOUNDS",
    "AgentLoadChart",
    "BacklogAgeingChart",
    "ChartCard",
    "ComplianceTrendChart",
    "FlowChart",
    "bucket_dates",
]

SERIES_COLOURS = ("#2f6fde", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777")
STATUS_COLOURS = {"new": "#2f6fde", "open": "#0891b2", "pending_customer": "#d97706",
                  "pending_third_party": "#7c3aed", "on_hold": "#6b7280"}
#: The server's age buckets (`reports.backlog.AGE_BUCKETS`) as (min days, max days or None).
AGE_BOUNDS = {"<1d": (0, 1), "1-3d": (1, 3), "3-7d": (3, 7), "7-14d": (7, 14), "14-30d": (14, 30), ">30d": (30, None)}
#: How the age buckets read on the axis (Qt Charts takes "<1d" for a tag and drops it).
AGE_LABELS = {
    "<1d": QT_TRANSLATE_NOOP("BacklogAgeingChart", "under 1 day"),
    "1-3d": QT_TRANSLATE_NOOP("BacklogAgeingChart", "1–3 days"),
    "3-7d": QT_TRANSLATE_NOOP("BacklogAgeingChart", "3–7 days"),
    "7-14d": QT_TRANSLATE_NOOP("BacklogAgeingChart", "1–2 weeks"),
    "14-30d": QT_TRANSLATE_NOOP("BacklogAgeingChart", "2–4 weeks"),
    ">30d": QT_TRANSLATE_NOOP("BacklogAgeingChart", "30+ days"),
}


def bucket_dates(start: datetime, end: datetime, trend: str) -> list[date]:
    """Every UTC day (or Monday of a UTC week) the period touches, so a chart's axis has no gaps."""
    first = start.astimezone(timezone.utc).date()
    last = (end - timedelta(microseconds=1)).astimezone(timezone.utc).date()
    step = timedelta(days=1)
    if trend == "week":
        first -= timedelta(days=first.weekday())
        step = timedelta(days=7)
    out = []
    while first <= last:
        out.append(first)
        first += step
    return out


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _ticks(buckets: int) -> tuple[int, int]:
    """(tick count, buckets the axis spans): at most 7 ticks, each on a bucket, the axis ending on one."""
    gaps = max(1, buckets - 1)
    step = -(-gaps // 6)
    intervals = -(-gaps // step)
    return intervals + 1, intervals * step + 1


def _msecs(day: date) -> float:
    return datetime.combine(day, time(), tzinfo=timezone.utc).timestamp() * 1000.0


class ChartCard(QFrame):
    """A titled card holding one chart; shows a message instead when there is nothing to draw."""

    filter_clicked = Signal(dict)

    def __init__(self, title: str, parent: QWidget | None = None, *, hint: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("ChartCard")
        self.setStyleSheet("QFrame#ChartCard { background: palette(base); border: 1px solid palette(mid);"
                           " border-radius: 8px; }")
        self.title_label = QLabel(title, self)
        self.title_label.setObjectName("ChartTitle")
        self.title_label.setStyleSheet("font-weight: 600; font-size: 10.5pt;")
        self.hint_label = QLabel(hint, self)
        self.hint_label.setStyleSheet("color: palette(placeholder-text); font-size: 8.5pt;")
        self.chart = QChart()
        self.chart.setBackgroundVisible(False)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        if is_dark_palette(self.palette()):
            self.chart.setTheme(QChart.ChartTheme.ChartThemeDark)
            self.chart.setBackgroundVisible(False)
        self.view = QChartView(self.chart, self)
        self.view.setAccessibleName(title)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(190)
        self.view.setStyleSheet("background: transparent;")
        self.empty_label = QLabel(QCoreApplication.translate("ChartCard", "No data for this period."), self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: palette(placeholder-text);")
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 6)
        layout.setSpacing(0)
        layout.addWidget(self.title_label)
        if hint:
            layout.addWidget(self.hint_label)
        layout.addWidget(self.stack, 1)

    @property
    def is_empty(self) -> bool:
        return self.stack.currentWidget() is self.empty_label

    def _reset(self) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)

    def _show(self, has_data: bool) -> None:
        self.stack.setCurrentWidget(self.view if has_data else self.empty_label)

    def _axis_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        return font

    def _value_axis(self, maximum: float, *, percent: bool = False) -> QValueAxis:
        axis = QValueAxis()
        axis.setLabelsFont(self._axis_font())
        if percent:
            axis.setRange(0, 100)
            axis.setLabelFormat("%d %%")
            axis.setTickCount(5)
        else:
            top = max(1, int(maximum))
            # A whole-number axis with at most 5 ticks (labels stay legible in a short chart):
            # round the top up to a multiple of the step.
            step = max(1, -(-top // 4))
            axis.setRange(0, step * -(-top // step))
            axis.setTickCount(-(-top // step) + 1)
            axis.setLabelFormat("%d")
        return axis


class ComplianceTrendChart(ChartCard):
    """% of clock runs met per bucket: all measures together (bold) and each measure."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("SLA compliance trend"), parent)
        self.series_names: list[str] = []

    def set_data(self, report: Mapping[str, Any]) -> None:
        self._reset()
        self.series_names = []
        points = report.get("points") or []
        by_measure: dict[str, dict[str, list[int]]] = {}
        overall: dict[str, list[int]] = {}
        for p in points:
            name = "tier_budgets" if p["measure"].startswith("tier_budget") else p["measure"]
            for target in (by_measure.setdefault(name, {}), overall):
                met_total = target.setdefault(p["bucket"], [0, 0])
                met_total[0] += int(p["met"])
                met_total[1] += int(p["total"])
        self._show(bool(points))
        if not points:
            return
        period = report["period"]
        days = bucket_dates(_parse_time(period["start"]), _parse_time(period["end"]), report.get("trend", "day"))
        first = min(date.fromisoformat(b) for b in overall)
        days = [d for d in days if d >= first] or days
        x_axis = QDateTimeAxis()
        x_axis.setFormat("d MMM")
        x_axis.setLabelsFont(self._axis_font())
        ticks, span = _ticks(len(days))
        step = timedelta(days=7 if report.get("trend") == "week" else 1)
        x_axis.setTickCount(ticks)
        x_axis.setRange(datetime.combine(days[0], time(), tzinfo=timezone.utc),
                        datetime.combine(days[0] + step * (span - 1), time(), tzinfo=timezone.utc))
        y_axis = self._value_axis(100, percent=True)
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        order = ["first_response", "next_response", "periodic_update", "resolution", "tier_budgets"]
        lines = [(measure_label(m), by_measure[m], 2)
                 for m in sorted(by_measure, key=lambda m: order.index(m) if m in order else 99)]
        lines.append((self.tr("All measures"), overall, 4))  # last: drawn on top
        for i, (name, buckets, width) in enumerate(lines):
            series = QLineSeries()
            series.setName(name)
            for bucket in sorted(buckets):
                met, total = buckets[bucket]
                if total:
                    series.append(_msecs(date.fromisoformat(bucket)), 100.0 * met / total)
            series.setPointsVisible(True)
            colour = "#111827" if width > 2 and not is_dark_palette(self.palette()) else (
                "#f9fafb" if width > 2 else SERIES_COLOURS[(i + 1) % len(SERIES_COLOURS)])
            pen = QPen(QColor(colour))
            pen.setWidth(width)
            series.setPen(pen)
            self.chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
            self.series_names.append(name)


class BacklogAgeingChart(ChartCard):
    """Open tickets by age bucket, stacked by status; clicking a segment opens those tickets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Backlog ageing (open tickets by age)"), parent,
                         hint=self.tr("Click a bar to open those tickets"))
        self.buckets: list[str] = []
        self.sets: dict[str, QBarSet] = {}

    def set_data(self, report: Mapping[str, Any]) -> None:
        self._reset()
        self.buckets = list(report.get("age_buckets") or AGE_BOUNDS)
        counts: dict[str, dict[str, int]] = {}
        for r in report.get("rows") or []:
            counts.setdefault(r["status"], {})[r["age"]] = int(r["count"])
        self.sets = {}
        self._show(bool(counts))
        if not counts:
            return
        series = QStackedBarSeries()
        series.setBarWidth(0.6)
        for status in [s for s in OPEN_STATUSES if s in counts] + [s for s in counts if s not in OPEN_STATUSES]:
            bar = QBarSet(status_label(status))
            bar.setColor(QColor(STATUS_COLOURS.get(status, "#9ca3af")))
            bar.setBorderColor(QColor(STATUS_COLOURS.get(status, "#9ca3af")))
            bar.append([float(counts[status].get(b, 0)) for b in self.buckets])
            bar.clicked.connect(lambda index, s=status: self.activate(s, index))
            series.append(bar)
            self.sets[status] = bar
        top = max(sum(counts[s].get(b, 0) for s in counts) for b in self.buckets)
        self.chart.addSeries(series)
        x_axis = QBarCategoryAxis()
        x_axis.append([self.age_label(b) for b in self.buckets])
        x_axis.setLabelsFont(self._axis_font())
        y_axis = self._value_axis(top)
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)

    @staticmethod
    def age_label(bucket: str) -> str:
        return QCoreApplication.translate("BacklogAgeingChart", AGE_LABELS[bucket]) if bucket in AGE_LABELS else bucket

    def activate(self, status: str, index: int) -> None:
        bucket = self.buckets[index]
        low, high = AGE_BOUNDS.get(bucket, (None, None))
        self.filter_clicked.emit({
            "statuses": [status], "age": bucket, "min_age_days": low, "max_age_days": high,
            "title": self.tr("{status}, open {age}").format(status=status_label(status), age=self.age_label(bucket)),
        })


class FlowChart(ChartCard):
    """Tickets created vs resolved (or closed) per bucket."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Arrivals vs resolutions"), parent)
        self.categories: list[str] = []
        self.totals: dict[str, int] = {}

    def set_data(self, report: Mapping[str, Any]) -> None:
        self._reset()
        flow = {p["bucket"]: p for p in report.get("flow") or []}
        self._show(bool(flow))
        if not flow:
            self.categories, self.totals = [], {}
            return
        period = report["period"]
        days = bucket_dates(_parse_time(period["start"]), _parse_time(period["end"]), report.get("trend", "day"))
        # Only from the first bucket with anything in it: a 90-day period of 10 days' data stays readable.
        first = min(date.fromisoformat(b) for b in flow)
        days = [d for d in days if d >= first] or days
        keys = [d.isoformat() for d in days]
        self.categories = [d.strftime("%d %b").lstrip("0") for d in days]
        arrivals = QBarSet(self.tr("Arrivals"))
        resolved = QBarSet(self.tr("Resolved or closed"))
        arrivals.setColor(QColor(SERIES_COLOURS[0]))
        resolved.setColor(QColor(SERIES_COLOURS[1]))
        a_values = [float(flow[k]["arrivals"]) if k in flow else 0.0 for k in keys]
        r_values = [float(flow[k]["resolved"] + flow[k]["closed"]) if k in flow else 0.0 for k in keys]
        arrivals.append(a_values)
        resolved.append(r_values)
        self.totals = {"arrivals": int(sum(a_values)), "resolved": int(sum(r_values))}
        series = QBarSeries()
        series.append(arrivals)
        series.append(resolved)
        self.chart.addSeries(series)
        x_axis = QBarCategoryAxis()
        x_axis.append(self.categories)
        x_axis.setLabelsFont(self._axis_font())
        if len(self.categories) > 12:
            x_axis.setLabelsAngle(-60)
        y_axis = self._value_axis(max(a_values + r_values))
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)


class AgentLoadChart(ChartCard):
    """Open tickets per agent (and unassigned), longest bar first; a bar opens that agent's tickets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Open tickets per agent"), parent, hint=self.tr("Click a bar to open those tickets"))
        self.agents: list[tuple[int | None, str, int]] = []

    def set_data(self, report: Mapping[str, Any]) -> None:
        self._reset()
        rows = [r for r in agent_report_rows(report) if r["open_tickets"]]
        self._show(bool(rows))
        # A horizontal bar chart draws its first category at the bottom: the busiest agent goes last.
        rows.sort(key=lambda r: (r["open_tickets"], r.get("name") or ""))
        self.agents = [(r["agent_id"], r.get("name") or (self.tr("Unassigned") if r["agent_id"] is None
                                                         else f"#{r['agent_id']}"), int(r["open_tickets"]))
                       for r in rows]
        if not rows:
            return
        bar = QBarSet(self.tr("Open tickets"))
        bar.setColor(QColor(SERIES_COLOURS[0]))
        bar.append([float(n) for _, _, n in self.agents])
        bar.clicked.connect(self.activate)
        series = QHorizontalBarSeries()
        series.setBarWidth(0.6)
        series.append(bar)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsInsideEnd)
        self.chart.addSeries(series)
        self.chart.legend().setVisible(False)
        y_axis = QBarCategoryAxis()
        y_axis.append([name for _, name, _ in self.agents])
        y_axis.setLabelsFont(self._axis_font())
        x_axis = self._value_axis(max(n for _, _, n in self.agents))
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(y_axis)
        series.attachAxis(x_axis)

    def activate(self, index: int) -> None:
        agent_id, name, _ = self.agents[index]
        who: dict[str, Any] = {"unassigned": True} if agent_id is None else {"assignee_id": agent_id}
        self.filter_clicked.emit({"statuses": list(OPEN_STATUSES), **who,
                                  "title": self.tr("Open tickets: {name}").format(name=name)})
