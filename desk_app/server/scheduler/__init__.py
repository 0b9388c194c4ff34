"""Time-driven work of the store: warnings, breaches, escalation prompts.

* `runner.Scheduler`: claims tickets whose `sla_next_change_at` has come
  (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so several instances
  share the work and never take the same ticket), and acts on what is due:
  system events for warnings and breaches, escalation-due records and the
  automatic escalation after the grace period, evidence-window lapses, and
  emergency-mode notices. `run_due(now)` does one pass (tests call it with
  their own clock); `start()` runs a thread that sleeps until the earliest due
  moment and wakes early when a commit (here, or in another instance through
  PostgreSQL NOTIFY) moves a due time.
* `actions`: the actions taken, keyed so that a replay after a crash is a no-op.
* `hooks.SchedulerHooks`: called after each committed ticket change.

The scheduler only calls down: it changes tickets through the ticket write
path (`tickets.write`, `tickets.escalations`), and what that path keeps (the
escalation-due records, `tickets.dues`; the actions taken, `tickets.models`)
lives with the tickets.
"""

from __future__ import annotations

from desk_app.server.scheduler.hooks import SchedulerHooks
from desk_app.server.scheduler.runner import Scheduler, refresh_due_clocks

__all__ = ["Scheduler", "SchedulerHooks", "refresh_due_clocks"]
