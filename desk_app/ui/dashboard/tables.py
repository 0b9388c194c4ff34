"""The dashboard's report tables in tabs, with a grouping choice and CSV export.

Each tab is a sortable `QTableView` over a `ReportTableModel`. Double-click
(or Enter) on a row emits `filter_clicked(dict)` with the row's ticket filter;
a row of "Most overdue" emits `ticket_clicked(int)` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)

from desk_app.ui.accessibility import label_field
from desk_app.services.reports import DIMENSIONS
from desk_app.ui.dashboard.table_model import (
    COLUMN_SETS,
    PINNED_ROLE,
    SORT_ROLE,
    ReportTableModel,
    agent_columns,
    write_csv,
)

__all__ = ["DIMENSION_LABELS", "PinnedLastProxy", "ReportTables"]

DIMENSION_LABELS = {
    "queue": QT_TRANSLATE_NOOP("ReportTables", "Queue"),
    "category": QT_TRANSLATE_NOOP("ReportTables", "Category"),
    "priority": QT_TRANSLATE_NOOP("ReportTables", "Priority"),
    "channel": QT_TRANSLATE_NOOP("ReportTables", "Channel"),
    "customer_tier": QT_TRANSLATE_NOOP("ReportTables", "Customer tier"),
    "policy": QT_TRANSLATE_NOOP("ReportTables", "Policy"),
    "agent": QT_TRANSLATE_NOOP("ReportTables", "Agent"),
}


class PinnedLastProxy(QSortFilterProxyModel):
    """Sorts by `SORT_ROLE`, a pinned row (`PINNED_ROLE`: the unassigned tickets) last either way:
    it is a total of its own, not ranked among the others."""

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802 - Qt's name
        left_pinned, right_pinned = bool(left.data(PINNED_ROLE)), bool(right.data(PINNED_ROLE))
        if left_pinned != right_pinned:
            # Descending sorts the "greater" first: the pinned row is the least then.
            return right_pinned if self.sortOrder() == Qt.SortOrder.AscendingOrder else left_pinned
        return super().lessThan(left, right)


class ReportTables(QTabWidget):
    """Tabs: compliance, response times, agents, escalations, most overdue."""

    filter_clicked = Signal(dict)
    ticket_clicked = Signal(int)
    #: The grouping of the compliance and times tables changed (a dimension name).
    group_by_changed = Signal(str)
    #: A CSV file was written: (path, rows).
    exported = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReportTables")
        self.setDocumentMode(True)
        self.models: dict[str, ReportTableModel] = {}
        self.views: dict[str, QTableView] = {}
        titles = {
            "compliance": self.tr("SLA compliance"),
            "times": self.tr("Response times"),
            "agents": self.tr("Agent performance"),
            "escalations": self.tr("Escalations by tier"),
            "overdue": self.tr("Most overdue"),
        }
        for key, title in titles.items():
            pinned = (lambda r: r.get("agent_id") is None) if key == "agents" else None
            model = ReportTableModel(COLUMN_SETS[key], self, pinned=pinned)
            self.models[key] = model
            self.views[key] = self._table(key, model)
            self.addTab(self.views[key], title)
            self.views[key].setAccessibleName(title)
        self.group_combo = QComboBox(self)
        self.group_combo.setObjectName("GroupByCombo")
        for dim in DIMENSIONS:
            self.group_combo.addItem(QCoreApplication.translate("ReportTables", DIMENSION_LABELS[dim]), dim)
        self.group_combo.currentIndexChanged.connect(lambda _: self.group_by_changed.emit(self.group_by))
        self.csv_button = QPushButton(self.tr("Export CSV…"), self)
        self.csv_button.setObjectName("ExportCsvButton")
        self.csv_button.clicked.connect(self.export_current)
        corner = QWidget(self)
        row = QHBoxLayout(corner)
        row.setContentsMargins(0, 0, 4, 2)
        group_label = QLabel(self.tr("Group by:"), corner)
        label_field(group_label, self.group_combo)
        row.addWidget(group_label)
        row.addWidget(self.group_combo)
        row.addSpacing(8)
        row.addWidget(self.csv_button)
        self.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        self.tabBar().setAccessibleName(self.tr("Reports"))
        self.currentChanged.connect(self._tab_changed)
        self._tab_changed(0)

    @property
    def group_by(self) -> str:
        return self.group_combo.currentData()

    def set_group_by(self, dimension: str) -> None:
        self.group_combo.setCurrentIndex(max(0, self.group_combo.findData(dimension)))

    def current_key(self) -> str:
        return list(self.models)[self.currentIndex()]

    def _table(self, key: str, model: ReportTableModel) -> QTableView:
        proxy = PinnedLastProxy(self)
        proxy.setSourceModel(model)
        proxy.setSortRole(SORT_ROLE)
        view = QTableView(self)
        view.setObjectName(f"ReportTable_{key}")
        view.setModel(proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the server's order until the manager sorts
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(26)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        if key == "agents":  # names whole (the unassigned row's label too); many channels scroll sideways
            header.setStretchLastSection(True)
        else:
            header.setSectionResizeMode(1 if key == "overdue" else 0, QHeaderView.ResizeMode.Stretch)
        view.activated.connect(lambda index, k=key: self.activate_row(k, index))
        view.doubleClicked.connect(lambda index, k=key: self.activate_row(k, index))
        return view

    def _tab_changed(self, index: int) -> None:
        self.group_combo.setEnabled(self.current_key() in ("compliance", "times"))

    def set_rows(self, key: str, rows: list[Mapping[str, Any]],
                 row_filter: Callable[[Mapping[str, Any]], dict[str, Any] | None] | None = None) -> None:
        model = self.models[key]
        model.set_row_filter(row_filter)
        if key == "agents":  # a median first response per channel present
            model.set_columns(agent_columns(rows))
        model.set_rows(rows)

    def source_row(self, key: str, index: QModelIndex) -> int:
        proxy = self.views[key].model()
        return proxy.mapToSource(index).row() if index.model() is proxy else index.row()

    def activate_row(self, key: str, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.source_row(key, index)
        if key == "overdue":
            self.ticket_clicked.emit(int(self.models[key].row(row)["ticket_id"]))
            return
        fltr = self.models[key].filter_for(row)
        if fltr is not None:
            self.filter_clicked.emit(fltr)

    def export_current(self) -> None:
        """Ask where to save the current tab as CSV (a non-native dialog: no nested native loop)."""
        key = self.current_key()
        name = f"desk-{key}.csv"
        dialog = QFileDialog(self, self.tr("Export table as CSV"), str(Path.home() / name),
                             self.tr("CSV files (*.csv)"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path, k=key: self.export_csv(k, path))
        dialog.open()

    def export_csv(self, key: str, path: str | Path) -> int:
        rows = write_csv(self.models[key], path)
        self.exported.emit(str(path), rows)
        return rows
