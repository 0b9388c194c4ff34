"""The managers' dashboard: SLA compliance, breaches, escalations, backlog, agent load, CSAT.

    view = DashboardView(session, runner, parent, signals=signals)  # managers and admins; others see a message
    view.open_queue.connect(show_filtered_queue)        # dict: a ticket filter (below)
    view.open_ticket.connect(ticket_panel.show_ticket)  # int: a ticket id ("Most overdue")
    export_pdf(view, "dashboard.pdf")                   # the whole dashboard, no dialog
    write_csv(view.tables.models["agents"], "agents.csv")

The `open_queue` filter uses the field names of `services.local_cache.QueueQuery`
where the cache can filter (`queue_query(filter, now)` builds one) and adds what
the reports know beyond it. Keys (all optional):

    statuses      list of ticket statuses (open ones for every click-through)
    queue_id      int            policy       str (policy key)
    assignee_id   int            unassigned   True
    tier          int
    sla_state     "breached" | "warning"      (tiles: open breaches / compliance at risk)
    escalation    "waiting"                   (tile: escalations not yet acknowledged)
    category, priority, channel, customer_tier   str (compliance/times rows grouped so)
    age, min_age_days, max_age_days              (backlog ageing bars; max None: open-ended)
    title         str: a human label for the queue heading
"""

from desk_app.ui.dashboard.pdf_export import export_pdf
from desk_app.services.reports import ReportFilters, ReportsClient, queue_query
from desk_app.ui.dashboard.table_model import ReportTableModel, write_csv
from desk_app.ui.dashboard.view import DashboardView

__all__ = ["DashboardView", "ReportFilters", "ReportTableModel", "ReportsClient", "export_pdf", "queue_query",
           "write_csv"]
