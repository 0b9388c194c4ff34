"""The dashboard's tables: one model class over report rows, the column sets, and CSV export.

A `ReportTableModel` shows a list of row dicts through a list of `Column`s.
The display role is the formatted text; `SORT_ROLE` (also what CSV gets) is
the raw value, so sorting is numeric and a spreadsheet gets numbers, not
"76.5 %". Each row may carry a click-through filter (`filter_for(row)`).

A row may be pinned (`PINNED_ROLE`): not one of the ranked rows but a total
of its own, such as the unassigned tickets under the agents. It is shown in
italics on a shaded band and stays last whatever the sort
(`tables.PinnedLastProxy`). The agents table has a column per channel for
the median first response (`agent_columns`): a call answered at once is a
0 s response, and one median over every channel hid how long e-mails waited.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex, QObject, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from desk_app.ui.dashboard.figures import (
    channel_label,
    format_count,
    format_duration,
    format_percent,
    format_score,
    measure_label,
)

__all__ = ["COLUMN_SETS", "PINNED_ROLE", "SORT_ROLE", "Column", "ReportTableModel", "agent_columns", "write_csv"]

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
#: True for a pinned row (a total of its own, kept last: the unassigned tickets).
PINNED_ROLE = Qt.ItemDataRole.UserRole + 2

_FORMATS: dict[str, Callable[[Any], str]] = {
    "text": lambda v: "" if v is None else str(v),
    "count": format_count,
    "percent": format_percent,
    "duration": format_duration,
    "score": format_score,
    "measure": lambda v: "" if v is None else measure_label(str(v)),
}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str  # untranslated (QT_TRANSLATE_NOOP, context "ReportTableModel")
    kind: str = "count"
    #: Computes the raw value from the row when it is not simply `row[key]`.
    value: Callable[[Mapping[str, Any]], Any] | None = field(default=None, compare=False)
    #: Arguments of the translated title ("Median first response ({channel})"): translated when shown.
    title_args: Callable[[], dict[str, str]] | None = field(default=None, compare=False)

    def raw(self, row: Mapping[str, Any]) -> Any:
        return self.value(row) if self.value is not None else row.get(self.key)

    def header(self) -> str:
        text = QCoreApplication.translate("ReportTableModel", self.title)
        return text.format(**self.title_args()) if self.title_args is not None else text

    @property
    def numeric(self) -> bool:
        return self.kind != "text" and self.kind != "measure"


def _group(row: Mapping[str, Any]) -> str:
    if row.get("label"):
        return str(row["label"])
    return str(row["group"]) if row.get("group") is not None else QCoreApplication.translate(
        "ReportTableModel", "(none)")


def _agent(row: Mapping[str, Any]) -> str:
    if row.get("agent_id") is None:  # not an agent: the tickets nobody has
        return QCoreApplication.translate("ReportTableModel", "Unassigned tickets (no agent)")
    return row.get("name") or f"#{row['agent_id']}"


def _channel_median(channel: str) -> Callable[[Mapping[str, Any]], Any]:
    def value(row: Mapping[str, Any]) -> Any:
        found = next((c for c in row.get("first_response_by_channel") or () if c["channel"] == channel), None)
        return None if found is None else found["median_first_response_seconds"]
    return value


#: The order the channels' columns come in (others after them, by name): written ones first.
_CHANNEL_ORDER = ("email", "web_form", "portal", "chat", "twitter", "phone")


def agent_columns(rows: Sequence[Mapping[str, Any]]) -> list[Column]:
    """The agents table's columns for these rows: a median first response per channel that has any."""
    channels = {c["channel"] for r in rows for c in r.get("first_response_by_channel") or ()}
    ordered = sorted(channels, key=lambda c: (_CHANNEL_ORDER.index(c) if c in _CHANNEL_ORDER else 99, c))
    per_channel = [
        # Two lines: five channels' columns still leave the agent's name room on a 1366-pixel screen.
        Column(f"first_response:{channel}", QT_TRANSLATE_NOOP("ReportTableModel", "First response\n{channel} (median)"),
               "duration", _channel_median(channel), title_args=lambda c=channel: {"channel": channel_label(c)})
        for channel in ordered
    ]
    base = COLUMN_SETS["agents"]
    at = next(i for i, c in enumerate(base) if c.key == "first_responses") + 1
    return [*base[:at], *per_channel, *base[at:]]


def _hours(row: Mapping[str, Any]) -> float:
    return round(float(row["overdue_seconds"]) / 3600.0, 1)


COLUMN_SETS: dict[str, list[Column]] = {
    "compliance": [
        Column("group", QT_TRANSLATE_NOOP("ReportTableModel", "Group"), "text", _group),
        Column("measure", QT_TRANSLATE_NOOP("ReportTableModel", "Measure"), "measure"),
        Column("met", QT_TRANSLATE_NOOP("ReportTableModel", "Met")),
        Column("missed", QT_TRANSLATE_NOOP("ReportTableModel", "Missed")),
        Column("breached_open", QT_TRANSLATE_NOOP("ReportTableModel", "Overdue (open)")),
        Column("total", QT_TRANSLATE_NOOP("ReportTableModel", "Total")),
        Column("percent_met", QT_TRANSLATE_NOOP("ReportTableModel", "% met"), "percent"),
    ],
    "agents": [
        Column("agent", QT_TRANSLATE_NOOP("ReportTableModel", "Agent"), "text", _agent),
        Column("open_tickets", QT_TRANSLATE_NOOP("ReportTableModel", "Open tickets")),
        Column("replies", QT_TRANSLATE_NOOP("ReportTableModel", "Replies")),
        Column("calls", QT_TRANSLATE_NOOP("ReportTableModel", "Calls")),
        Column("first_responses", QT_TRANSLATE_NOOP("ReportTableModel", "First responses")),
        # The medians per channel follow here (`agent_columns`): not one over every channel.
        Column("csat_responses", QT_TRANSLATE_NOOP("ReportTableModel", "CSAT answers")),
        Column("csat_average", QT_TRANSLATE_NOOP("ReportTableModel", "CSAT (1-5)"), "score"),
        Column("csat_percent_satisfied", QT_TRANSLATE_NOOP("ReportTableModel", "% satisfied"), "percent"),
    ],
    "times": [
        Column("group", QT_TRANSLATE_NOOP("ReportTableModel", "Group"), "text", _group),
        Column("measure", QT_TRANSLATE_NOOP("ReportTableModel", "Measure"), "measure"),
        Column("count", QT_TRANSLATE_NOOP("ReportTableModel", "Count")),
        Column("mean_seconds", QT_TRANSLATE_NOOP("ReportTableModel", "Mean"), "duration"),
        Column("median_seconds", QT_TRANSLATE_NOOP("ReportTableModel", "Median"), "duration"),
        Column("p90_seconds", QT_TRANSLATE_NOOP("ReportTableModel", "90th percentile"), "duration"),
    ],
    "escalations": [
        Column("tier", QT_TRANSLATE_NOOP("ReportTableModel", "Tier")),
        Column("escalated_into", QT_TRANSLATE_NOOP("ReportTableModel", "Escalated into")),
        Column("automatic", QT_TRANSLATE_NOOP("ReportTableModel", "Budget expired")),
        Column("manual", QT_TRANSLATE_NOOP("ReportTableModel", "Manual")),
        Column("customer_request", QT_TRANSLATE_NOOP("ReportTableModel", "Customer request")),
        Column("waiting", QT_TRANSLATE_NOOP("ReportTableModel", "Waiting now")),
        Column("median_seconds", QT_TRANSLATE_NOOP("ReportTableModel", "Median time at tier"), "duration"),
        Column("p90_seconds", QT_TRANSLATE_NOOP("ReportTableModel", "90th pct. time at tier"), "duration"),
    ],
    "overdue": [
        Column("number", QT_TRANSLATE_NOOP("ReportTableModel", "Ticket"), "text"),
        Column("subject", QT_TRANSLATE_NOOP("ReportTableModel", "Subject"), "text"),
        Column("measure", QT_TRANSLATE_NOOP("ReportTableModel", "Clock"), "measure"),
        Column("policy", QT_TRANSLATE_NOOP("ReportTableModel", "Policy"), "text"),
        Column("overdue_hours", QT_TRANSLATE_NOOP("ReportTableModel", "Overdue (hours)"), "score", _hours),
    ],
}


class ReportTableModel(QAbstractTableModel):
    """Rows of one report, read-only; `filter_for(row)` is the row's click-through filter (or None)."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None, *,
                 row_filter: Callable[[Mapping[str, Any]], dict[str, Any] | None] | None = None,
                 pinned: Callable[[Mapping[str, Any]], bool] | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Mapping[str, Any]] = []
        self._row_filter = row_filter
        self._pinned = pinned

    def set_columns(self, columns: Sequence[Column]) -> None:
        if list(columns) == self.columns:
            return
        self.beginResetModel()
        self.columns = list(columns)
        self.endResetModel()

    def is_pinned(self, index: int) -> bool:
        return self._pinned is not None and bool(self._pinned(self._rows[index]))

    def set_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def set_row_filter(self, row_filter: Callable[[Mapping[str, Any]], dict[str, Any] | None] | None) -> None:
        self._row_filter = row_filter

    def row(self, index: int) -> Mapping[str, Any]:
        return self._rows[index]

    @property
    def rows(self) -> list[Mapping[str, Any]]:
        return list(self._rows)

    def filter_for(self, index: int) -> dict[str, Any] | None:
        return None if self._row_filter is None else self._row_filter(self._rows[index])

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def header_titles(self) -> list[str]:
        return [c.header() for c in self.columns]

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        return None

    def display_text(self, row: int, column: int) -> str:
        col = self.columns[column]
        return _FORMATS[col.kind](col.raw(self._rows[row]))

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = self.columns[index.column()]
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _FORMATS[col.kind](col.raw(row))
        if role == SORT_ROLE:
            value = col.raw(row)
            if col.kind == "measure" and value is not None:
                return measure_label(str(value))
            return value if value is not None else (-1 if col.numeric else "")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((Qt.AlignmentFlag.AlignRight if col.numeric else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role == PINNED_ROLE:
            return self.is_pinned(index.row())
        if role in (Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole) and self.is_pinned(index.row()):
            if role == Qt.ItemDataRole.FontRole:
                font = QFont(QApplication.font())
                font.setItalic(True)
                return font
            return QApplication.palette().brush(QPalette.ColorRole.Window)  # a band of its own, both palettes
        if role == Qt.ItemDataRole.ToolTipRole and self._row_filter is not None and self._row_filter(row):
            return QCoreApplication.translate("ReportTableModel", "Double-click to open these tickets")
        return None

    def csv_rows(self) -> list[list[Any]]:
        """The header and every row as CSV cells: raw numbers, measure names as labels, empty for none."""
        out: list[list[Any]] = [self.header_titles()]
        for row in self._rows:
            cells = []
            for col in self.columns:
                value = col.raw(row)
                if value is None:
                    cells.append("")
                elif col.kind == "measure":
                    cells.append(measure_label(str(value)))
                else:
                    cells.append(value)
            out.append(cells)
        return out


def write_csv(model: ReportTableModel, path: str | Path) -> int:
    """Write the model's table to `path` (UTF-8 with a BOM, so spreadsheets read accents); returns the row count."""
    rows = model.csv_rows()
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle).writerows(rows)
    return len(rows) - 1
