"""Time-driven work of the store (issue 4): warnings, breaches, escalation prompts.

* `runner.Scheduler`: claims tickets whose `sla_next_change_at` has come
  (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, so several instances
  share the work and never take the same ticket), and acts on what is due:
  system events for warnings and breaches, escalation-due records and the
  automatic escalation after the grace period, evidence-window lapses, and
  emergency-mode notices. `run_due(now)` does one pass (tests call it with
  their own clock); `start()` runs a thread that sleeps until the earliest due
  moment and wakes early when a commit (here, or in another instance through
  PostgreSQL NOTIFY) moves a due time.
* `dues`: escalation-due records, reconciled with the SLA snapshot on every
  ticket change (`tickets.service.finish`).
* `actions`: the actions taken, keyed so that a replay after a crash is a no-op.
* `hooks.SchedulerHooks`: called after each committed ticket change.

The submodules are imported lazily: `tickets.service` uses `dues`, and the
runner uses `tickets.service`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Scheduler", "SchedulerHooks", "refresh_due_clocks"]


def __getattr__(name: str) -> Any:
    if name == "SchedulerHooks":
        from desk_app.server.scheduler.hooks import SchedulerHooks

        return SchedulerHooks
    if name in ("Scheduler", "refresh_due_clocks"):
        from desk_app.server.scheduler import runner

        return getattr(runner, name)
    raise AttributeError(name)
