"""What the agent can do, one keyword-only `verb_noun(*, parent, runner, ...) -> Op` function each.

After Anki's `qt/aqt/operations/`: a widget never builds an `Op` itself; it calls the operation
for what was clicked, adds what happens next (`.success(...)`, `.failure(...)`) and runs it.
"What happens when the agent clicks X" has one address, and so has each lane choice: changes
and local reads run on the cache lane (the one SQLite writer), requests on the network lane.

    tickets     changes to one ticket (reply, note, take, status, escalate, log a call, ...)
    ticket_view the ticket panel's reads: the ticket from the cache and the store, a refused draft, attachments
    drafts      the composer's drafts
    escalations the "Needs attention" list: reading it, remembering it, answering a prompt
    queue       the sidebar's queues and counts, the table's rows, a filter's names
    search      the search box
    phone       the phone tools' reads (policies with a phone line, customers, business hours)
    reports     the managers' dashboard
    session     logging in and out, the demo store

`parent` is the widget the outcome belongs to (no callback runs once it is gone); `runner` the
window's `OpRunner`.
"""
