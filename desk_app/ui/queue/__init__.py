"""The queue wing: the ticket table an agent works from, and what feeds it.

    queues.py              QueueSpec (which tickets a queue shows), queue_specs, load_queue_rows
    queue_rows.py          QueueRow / QueueRows: the table's rows as numpy columns (a measured fast path)
    queue_columns.py       the column machinery under queue_rows (packed strings, sort keys)
    ticket_table_model.py  TicketTableModel: the Qt model over QueueRows, Column
    queue_view.py          QueueView: the table widget, loads a queue off the UI thread
    queue_pane.py          QueuePane: the view with its filter chip and notices
    queue_fit.py           ColumnFitter: column widths that fit their values

Import the modules themselves (`from desk_app.ui.queue.queue_view import QueueView`): the
package re-exports nothing, so importing one piece does not load the others.
"""
