"""The ticket panel: header with live SLA clocks, the thread, the composer and the actions.

    from desk_app.ui.ticket_panel import TicketPanel
    panel = TicketPanel(session, runner)      # (session, runner, parent=None, *, countdown=None)
    panel.show_ticket(ticket_id)
    panel.status_message.connect(...)

Modules: panel (TicketPanel), header (facts and clocks), thread_view,
composer (reply / note, canned responses, drafts), ticket_actions (buttons and
dialogs), banners, policy_info (labels, canned responses), session_signals
(the services' hooks as Qt signals).
"""

from desk_app.ui.ticket_panel.panel import TicketPanel
from desk_app.ui.session_signals import SessionSignals

__all__ = ["SessionSignals", "TicketPanel"]
