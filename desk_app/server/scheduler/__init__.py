"""The place for time-driven work (issue 4): warnings, breaches, escalation prompts.

What the store already gives the scheduler
------------------------------------------
* `tickets.sla_next_change_at` (indexed): when any clock of the ticket next
  changes state by itself, as computed by the core at the last event.
  `tickets.sla_escalation_due_at`: when the current tier's budget ran out.
* `refresh_due_clocks(...)` below: re-evaluates every ticket whose next change
  is due, writes the new clocks and an `sla.changed` change-log entry (so every
  client sees the warning/breach live), in one transaction per ticket. On
  PostgreSQL the due rows are claimed with `FOR UPDATE SKIP LOCKED`, so several
  instances never process the same ticket at once.
* `SchedulerHooks.ticket_changed`: called after every committed ticket change
  with the ticket's new `sla_next_change_at`, so a sleeping scheduler can wake
  early when a change moves a due time (register with `app.state.scheduler_hooks`).

What issue 4 adds here: the loop that sleeps until the earliest
`sla_next_change_at` (or a hook wakes it), the actions (system events for
warnings/breaches, escalation-due records and automatic escalation after the
grace period, evidence-window lapses, notifications into the outbox), and the
restart-safety around them.
"""

from desk_app.server.scheduler.hooks import SchedulerHooks, refresh_due_clocks

__all__ = ["SchedulerHooks", "refresh_due_clocks"]
