"""Phone agent tools: a new ticket from a call, logging a call, business hours now.

    NewTicketFromCallDialog(session, runner, parent)
    LogCallDialog(session, runner, ticket_id, parent)
    BusinessHoursIndicator(session, parent, signals=signals)  # a status-bar widget
    CallTimer(now=...)                             # injectable clock
"""

from desk_app.ui.phone.business_hours import BusinessHoursIndicator, business_hours_now
from desk_app.ui.phone.call_timer import CallTimer, format_call_time
from desk_app.ui.phone.log_call_dialog import LogCallDialog
from desk_app.ui.phone.new_ticket_dialog import NewTicketFromCallDialog

__all__ = [
    "BusinessHoursIndicator",
    "CallTimer",
    "LogCallDialog",
    "NewTicketFromCallDialog",
    "business_hours_now",
    "format_call_time",
]
