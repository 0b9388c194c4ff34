"""The ticket panel: header with live SLA clocks, the thread, the composer and the actions.

    from desk_app.ui.ticket_panel import TicketPanel
    panel = TicketPanel(session, runner, signals=signals)  # signals: the window's SessionSignals
    panel.show_ticket(ticket_id)
    panel.status_message.connect(...)

Modules: panel (TicketPanel), header (facts and clocks), thread_view,
composer (reply / note, canned responses, drafts), ticket_actions (buttons and
dialogs), banners, attachment_files, event_text, undo_toast.
"""

from desk_app.ui.ticket_panel.panel import TicketPanel

__all__ = ["TicketPanel"]
