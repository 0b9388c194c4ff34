"""The managers' dashboard: its filters' choices and each report, from the store (network lane)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject

from desk_app.services.reports import ReportFilters, ReportsClient
from desk_app.ui.ops import NETWORK, Op, OpRunner

__all__ = ["fetch_report", "read_report_choices"]


def read_report_choices(*, parent: QObject, runner: OpRunner,
                        client: ReportsClient) -> Op[dict[str, list[dict[str, Any]]]]:
    """The queues and policies the dashboard's filters offer."""
    return Op(parent, lambda _: client.reference(), lane=NETWORK, label="dashboard reference", runner=runner)


def fetch_report(*, parent: QObject, runner: OpRunner, client: ReportsClient, name: str, filters: ReportFilters,
                 now: datetime) -> Op[dict[str, Any]]:
    """One report (`ReportsClient.REPORTS`) for these filters."""
    return Op(parent, lambda _: client.fetch(name, filters, now), lane=NETWORK, label=f"dashboard {name}",
              runner=runner)
