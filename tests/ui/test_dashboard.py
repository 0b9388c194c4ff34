"""The managers' dashboard against a real store (the demo store: seeded tickets, real reports over HTTP).

Figures on the tiles, charts and tables are compared with the same reports
fetched directly from the API with the same parameters (the view's clock is
fixed, so both ask for the same period). CSAT answers go through the real
survey endpoint.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import select

from desk_app.server.auth import passwords
from desk_app.server.feedback.tokens import issue_survey_token
from desk_app.server.tickets.models import Ticket
from desk_app.ui.dashboard import DashboardView, ReportFilters, export_pdf, queue_query, write_csv
from desk_app.ui.dashboard.figures import Kpis, channel_label, format_count, format_duration, format_percent
from desk_app.ui.dashboard.table_model import SORT_ROLE
from desk_app.services.reports import OPEN_STATUSES
from desk_app.demo.store import DEMO_PASSWORD, DemoStore
from desk_app.ui.ops import CollectingReporter, OpRunner
from window_helpers import make_session, runner  # noqa: F401 - the threaded runner fixture
from window_signals import window_signals

API = "/api/v1"
SCORES = (5, 2, 4)


class Direct:
    """The demo store, and its API called directly (what the dashboard's figures must equal)."""

    def __init__(self, demo: DemoStore) -> None:
        self.demo = demo
        self.http = httpx.Client(base_url=demo.url + API, timeout=10)
        self.tokens: dict[str, str] = {}

    def token(self, user: str) -> str:
        if user not in self.tokens:
            r = self.http.post("/auth/login", json={"username": user, "password": DEMO_PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[user] = r.json()["token"]
        return self.tokens[user]

    def get(self, path: str, params: dict[str, Any], user: str = "manager") -> dict[str, Any]:
        r = self.http.get(path, params=params, headers={"Authorization": f"Bearer {self.token(user)}"})
        assert r.status_code == 200, r.text
        return r.json()

    def report(self, name: str, f: ReportFilters, now: datetime) -> dict[str, Any]:
        params = f.params(now)
        if name in ("compliance", "times"):
            params["group_by"] = f.group_by
        if name in ("compliance", "backlog"):
            params["trend"] = f.trend
        return self.get(f"/reports/{name}", params)

    def create_ticket(self, **overrides: Any) -> dict[str, Any]:
        body = {"policy": "shopom", "subject": "Parcel has not arrived", "category": "order_issues",
                "priority": "normal", "channel": "email",
                "customer": {"name": "Asha Rao", "email": "asha@example.com"},
                "message": {"kind": "customer_message", "body": "My order is a week late."}}
        body.update(overrides)
        r = self.http.post("/tickets", json=body, headers={"Authorization": f"Bearer {self.token('agent')}"})
        assert r.status_code in (200, 201), r.text
        return r.json()


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[Direct]:
    passwords.configure(time_cost=1, memory_cost_kib=256, parallelism=1)
    demo = DemoStore(tmp_path_factory.mktemp("dashboard") / "demo", tickets_per_policy=3, heartbeat_seconds=0.5)
    demo.start()
    direct = Direct(demo)
    # Customers answer three surveys (tickets of the demo agent) through the real endpoint.
    with demo.database.write() as session:
        tickets = session.scalars(select(Ticket).where(Ticket.assignee_id.is_not(None)).order_by(Ticket.id)
                                  .limit(len(SCORES))).all()
        assert len(tickets) == len(SCORES)
        tokens = [issue_survey_token(session, t, datetime.now(timezone.utc)) for t in tickets]
    for token, score in zip(tokens, SCORES):
        r = direct.http.post(f"/feedback/{token}", json={"score": score})
        assert r.status_code == 200, r.text
    try:
        yield direct
    finally:
        direct.http.close()
        demo.close()


@pytest.fixture
def sync_runner(qapp) -> Iterator[OpRunner]:
    r = OpRunner.synchronous(error_reporter=CollectingReporter())
    yield r
    r.shutdown()
    r.deleteLater()


@pytest.fixture
def sessions(store: Direct, tmp_path: Path):
    made = []

    def make(user: str = "manager"):
        session = make_session(store.demo.url, user, tmp_path / f"client-{user}-{len(made)}")
        made.append(session)
        return session

    yield make
    for session in made:
        session.stop()


NOW = datetime.now(timezone.utc)


def open_view(qtbot, session, runner, **kw) -> DashboardView:
    view = DashboardView(session, runner, now=lambda: NOW, signals=window_signals(session), **kw)
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    return view


def test_tiles_show_the_figures_the_server_computes(qtbot, store, sessions, sync_runner):
    view = open_view(qtbot, sessions(), sync_runner)
    assert not view.refused and view.error is None and not sync_runner.error_reporter.errors
    f = view.filters
    direct = {name: store.report(name, f, NOW) for name in ("compliance", "breaches", "escalations", "backlog",
                                                             "agents")}
    backlog = direct["backlog"]["open_total"]
    assert backlog > 0 and view.tile_backlog.value == format_count(backlog)
    breached = sum(r["breached"] for r in direct["breaches"]["rows"])
    assert view.tile_breaches.value == format_count(breached)
    overall = direct["compliance"]["overall"]
    met, total = sum(r["met"] for r in overall), sum(r["total"] for r in overall)
    assert total > 0 and view.tile_compliance.value == format_percent(100.0 * met / total)
    waiting = sum(t["waiting"] for t in direct["escalations"]["tiers"])
    assert view.tile_escalations.value == format_count(waiting)
    # CSAT: the mean of the answers given above, and the share scoring 4 or 5.
    assert view.tile_csat.value == f"{sum(SCORES) / len(SCORES):.2f} / 5"
    assert format_percent(100.0 * sum(s >= 4 for s in SCORES) / len(SCORES)) in view.tile_csat.caption
    assert view.kpis == Kpis.from_reports(direct)


def test_tables_and_charts_show_the_report_rows(qtbot, store, sessions, sync_runner):
    view = open_view(qtbot, sessions(), sync_runner)
    f = view.filters
    compliance = store.report("compliance", f, NOW)
    agents = store.report("agents", f, NOW)
    assert view.tables.models["compliance"].rows == compliance["rows"]
    # The agents, then the unassigned tickets as a row of their own (not one of the agents).
    assert view.tables.models["agents"].rows == agents["rows"] + ([agents["unassigned"]] if agents["unassigned"] else [])
    model = view.tables.models["compliance"]
    labels = [model.display_text(r, 0) for r in range(model.rowCount())]
    assert labels == [r["label"] or r["group"] for r in compliance["rows"]]
    # Charts: the ageing bars add up to the backlog; agent bars are the open tickets per agent.
    bars = view.ageing_chart.sets
    assert sum(sum(bar.at(i) for i in range(bar.count())) for bar in bars.values()) == \
        store.report("backlog", f, NOW)["open_total"]
    assert sorted(n for _, _, n in view.agent_chart.agents) == \
        sorted(r["open_tickets"] for r in view.tables.models["agents"].rows if r["open_tickets"])
    assert view.trend_chart.series_names[-1] == "All measures"
    assert not view.flow_chart.is_empty


def test_filters_change_the_request_and_the_figures(qtbot, store, sessions, sync_runner):
    view = open_view(qtbot, sessions(), sync_runner)
    everything = view.kpis.backlog
    view.policy_combo.setCurrentIndex(view.policy_combo.findData("shopom"))
    assert view.filters.policy == "shopom"
    for report in view.reports.values():
        assert report["period"]["policy"] == "shopom"
    only = store.report("backlog", view.filters, NOW)["open_total"]
    assert view.tile_backlog.value == format_count(only) and only < everything

    queue = store.get("/queues", {})["queues"][0]
    view.queue_combo.setCurrentIndex(view.queue_combo.findData(queue["id"]))
    assert view.reports["backlog"]["period"]["queue_id"] == queue["id"]
    assert view.tile_backlog.value == format_count(store.report("backlog", view.filters, NOW)["open_total"])

    view.period_combo.setCurrentIndex(view.period_combo.findData(7))
    start = datetime.fromisoformat(view.reports["agents"]["period"]["start"].replace("Z", "+00:00"))
    assert round((NOW - start).total_seconds() / 86400) == 7

    view.tables.set_group_by("agent")
    assert view.reports["compliance"]["group_by"] == "agent" and view.reports["times"]["group_by"] == "agent"
    view.trend_combo.setCurrentIndex(view.trend_combo.findData("week"))
    assert view.reports["compliance"]["trend"] == "week"
    assert all(datetime.fromisoformat(p["bucket"]).weekday() == 0 for p in view.reports["compliance"]["points"])


def test_click_through_emits_the_matching_filter(qtbot, store, sessions, sync_runner):
    view = open_view(qtbot, sessions(), sync_runner)
    view.policy_combo.setCurrentIndex(view.policy_combo.findData("shopom"))
    with qtbot.waitSignal(view.open_queue) as tile:
        qtbot.mouseClick(view.tile_breaches, Qt.MouseButton.LeftButton)
    assert tile.args[0] | {"title": None} == {"policy": "shopom", "statuses": list(OPEN_STATUSES),
                                             "sla_state": "breached", "title": None}

    status, bar = next(iter(view.ageing_chart.sets.items()))
    index = next(i for i in range(bar.count()) if bar.at(i))
    with qtbot.waitSignal(view.open_queue) as chart:
        bar.clicked.emit(index)  # what Qt Charts emits for a click on that bar
    got = chart.args[0]
    assert got["statuses"] == [status] and got["policy"] == "shopom"
    assert got["age"] == view.ageing_chart.buckets[index]

    table = view.tables.views["agents"]
    view.tables.setCurrentWidget(table)
    model = view.tables.models["agents"]
    row = next(r for r in range(model.rowCount()) if model.row(r)["agent_id"] is not None)
    proxy_index = table.model().mapFromSource(model.index(row, 0))
    with qtbot.waitSignal(view.open_queue) as row_click:
        rect = table.visualRect(proxy_index)
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # Qt wants a press first
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert row_click.args[0]["assignee_id"] == model.row(row)["agent_id"]
    assert row_click.args[0]["policy"] == "shopom"

    query = queue_query(row_click.args[0], now=0)
    assert query.assignee_id == model.row(row)["agent_id"] and query.policy == "shopom"
    assert queue_query({"sla_state": "breached"}, now=1000.0).due_before == 1000.0


def test_most_overdue_row_opens_the_ticket(qtbot, store, sessions, sync_runner):
    view = open_view(qtbot, sessions(), sync_runner)
    model = view.tables.models["overdue"]
    assert model.rowCount() > 0
    table = view.tables.views["overdue"]
    view.tables.setCurrentWidget(table)
    with qtbot.waitSignal(view.open_ticket) as opened:
        table.activated.emit(table.model().index(0, 0))
    first = table.model().mapToSource(table.model().index(0, 0)).row()
    assert opened.args[0] == model.row(first)["ticket_id"]


def test_csv_export_writes_the_table_rows(qtbot, store, sessions, sync_runner, tmp_path):
    view = open_view(qtbot, sessions(), sync_runner)
    model = view.tables.models["agents"]
    path = tmp_path / "agents.csv"
    assert view.tables.export_csv("agents", path) == model.rowCount() > 0
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == model.header_titles()
    report = store.report("agents", view.filters, NOW)
    api_rows = report["rows"] + ([report["unassigned"]] if report["unassigned"] else [])
    assert len(rows) == len(api_rows) + 1
    by_name = {r[0]: r for r in rows[1:]}
    csat = rows[0].index("CSAT (1-5)")  # after the medians per channel, as many as there are channels
    for r in api_rows:
        cells = by_name[r["name"] or "Unassigned tickets (no agent)"]
        assert int(cells[1]) == r["open_tickets"] and int(cells[2]) == r["replies"]
        assert cells[csat] == ("" if r["csat_average"] is None else str(r["csat_average"]))
    # The compliance table's measures are written as labels, numbers as numbers.
    assert write_csv(view.tables.models["compliance"], tmp_path / "c.csv") == len(
        view.reports["compliance"]["rows"])


def test_pdf_export_writes_a_pdf_with_every_table(qtbot, store, sessions, sync_runner, tmp_path):
    from PySide6.QtPdf import QPdfDocument

    view = open_view(qtbot, sessions(), sync_runner)
    path = export_pdf(view, tmp_path / "dashboard.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    assert document.pageCount() >= 1 + len(view.tables.models)
    text = document.getAllText(0).text()
    assert "SLA dashboard" in text and view.tile_backlog.value in text


def test_other_roles_get_no_dashboard(qtbot, store, sessions, sync_runner):
    view = open_view(qtbot, sessions("agent"), sync_runner)
    assert view.refused and "for managers" in view.message.text()
    assert view.reports == {} and sync_runner.is_idle
    view.refresh()
    assert view.reports == {}


def test_a_403_from_the_server_turns_the_page_into_a_message(qtbot, store, sessions, sync_runner):
    session = sessions("specialist")
    session.user["role"] = "manager"  # a stale role: the server still says no
    view = open_view(qtbot, session, sync_runner)
    assert view.refused and "refused" in view.message.text()
    assert view.reports == {} and not sync_runner.error_reporter.errors


def test_a_new_ticket_changes_the_backlog_tile_live(qtbot, store, sessions, runner):  # noqa: F811
    session = sessions()
    view = open_view(qtbot, session, runner, refresh_interval_ms=100)
    session.start()
    qtbot.waitUntil(lambda: view.kpis.backlog is not None and not view.is_refreshing, timeout=20_000)
    before = view.kpis.backlog
    with qtbot.waitSignal(view.refreshed, timeout=20_000):
        store.create_ticket(subject="Live change for the dashboard")
    qtbot.waitUntil(lambda: view.kpis.backlog == before + 1, timeout=20_000)
    assert view.tile_backlog.value == format_count(before + 1)
    assert not runner.error_reporter.errors


def test_a_burst_of_changes_costs_one_refresh_and_a_hidden_page_waits(qtbot, store, sessions, sync_runner):
    view = open_view(qtbot, sessions(), sync_runner, refresh_interval_ms=50)
    refreshes = []
    view.refreshed.connect(lambda: refreshes.append(1))
    for _ in range(10):
        view.mark_stale()
    qtbot.waitUntil(lambda: len(refreshes) == 1, timeout=5000)
    qtbot.wait(120)  # longer than the interval: nothing else was due
    assert len(refreshes) == 1

    view.hide()
    view.mark_stale()
    assert not view._timer.isActive()
    view.show()
    qtbot.waitUntil(lambda: len(refreshes) == 2, timeout=5000)


def test_tile_click_with_the_keyboard(qtbot, store, sessions, sync_runner):
    view = open_view(qtbot, sessions(), sync_runner)
    view.tile_backlog.setFocus()
    with qtbot.waitSignal(view.open_queue) as got:
        qtbot.keyClick(view.tile_backlog, Qt.Key.Key_Return)
    assert got.args[0]["statuses"] == list(OPEN_STATUSES)
    assert view.tile_csat.cursor().shape() != Qt.CursorShape.PointingHandCursor


def test_nothing_is_fetched_until_the_page_is_shown(qtbot, store, sessions, sync_runner):
    session = sessions()
    view = DashboardView(session, sync_runner, now=lambda: NOW, signals=window_signals(session))
    qtbot.addWidget(view)
    assert view.reports == {} and view.queue_combo.count() == 1
    view.show()
    assert set(view.reports) == {"compliance", "breaches", "escalations", "backlog", "times", "agents"}
    assert view.queue_combo.count() == 1 + len(store.get("/queues", {})["queues"])


@pytest.mark.parametrize("language, date_format, time_format", [
    ("id", "%d/%m/%y", "%H.%M"),  # Indonesian: 22/11/26, 14.05
    ("en_US", "%-m/%-d/%y", "%-I:%M\u202f%p"),  # 11/22/26, 2:05 PM (a narrow space, as CLDR has it)
])
def test_the_period_subtitle_follows_the_locale(qtbot, store, sessions, sync_runner, qapp, language, date_format,
                                                time_format):
    from PySide6.QtCore import QLocale

    from desk_app.ui import i18n, sla_display

    if language == "id":
        i18n.install_translations("id", app=qapp)
    else:
        QLocale.setDefault(QLocale(language))
    try:
        view = open_view(qtbot, sessions(), sync_runner)
        period = view.reports["agents"]["period"]
        start, end, now = (datetime.fromisoformat(period[k].replace("Z", "+00:00")) for k in ("start", "end", "now"))
        text = view.period_label.text()
        assert text.startswith(f"{start:{date_format}} \u2013 {end:{date_format}} (UTC)"), text
        assert text.endswith(f"{now.astimezone():{time_format}}"), text
    finally:
        i18n.install_translations("en", app=qapp)
        QLocale.setDefault(QLocale.c())
        sla_display.retranslate()


def test_agent_performance_keeps_the_unassigned_tickets_apart_and_first_responses_per_channel(
        qtbot, store, sessions, sync_runner):
    view = open_view(qtbot, sessions(), sync_runner)
    report = store.report("agents", view.filters, NOW)
    assert report["unassigned"] and report["unassigned"]["open_tickets"]  # the demo has tickets nobody took
    view.tables.setCurrentIndex(list(view.tables.models).index("agents"))
    table, model = view.tables.views["agents"], view.tables.models["agents"]
    titles = model.header_titles()
    # No median over every channel: one per channel of the tickets (calls are answered at once).
    channels = sorted({c["channel"] for r in model.rows for c in r["first_response_by_channel"]})
    assert channels and "Median first response" not in titles
    for channel in channels:
        column = titles.index(f"First response\n{channel_label(channel)} (median)")
        for row in range(model.rowCount()):
            found = [c for c in model.row(row)["first_response_by_channel"] if c["channel"] == channel]
            expected = format_duration(found[0]["median_first_response_seconds"]) if found else "—"
            assert model.display_text(row, column) == expected
    # The manager sorts by open tickets, both ways: the unassigned tickets stay last, in italics, labelled.
    proxy, header = table.model(), table.horizontalHeader()
    column = titles.index("Open tickets")
    for _ in range(2):
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
        last = proxy.index(proxy.rowCount() - 1, 0)
        assert last.data() == "Unassigned tickets (no agent)" and last.data(Qt.ItemDataRole.FontRole).italic()
        agents = [proxy.index(r, column).data(SORT_ROLE) for r in range(proxy.rowCount() - 1)]
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        assert agents == sorted(agents, reverse=descending)
        assert not proxy.index(0, 0).data(Qt.ItemDataRole.FontRole)  # the agents: the ordinary look
