"""The scheduler: claims due tickets and runs `actions.process_ticket` on each.

Claiming. Candidates are the tickets whose `sla_next_change_at` has come
(indexed). Each is then processed in its own write transaction that first
locks the row again with the same condition: `SELECT ... FOR UPDATE SKIP
LOCKED` on PostgreSQL, so an instance never waits for a ticket another one is
processing, and once that one commits the ticket's next change has moved past
`now` and the condition skips it. On SQLite write transactions are serialised
(BEGIN IMMEDIATE) and one instance owns the file.

The loop. `start()` runs a thread that does `run_due(clock.now())`, then
sleeps until the earliest `sla_next_change_at` (at most `max_sleep`), waking
early when a commit in this instance moves a due time before the planned
wake-up (`SchedulerHooks`), or, on PostgreSQL, when another instance commits a
change (LISTEN on the change feed's channel). A burst of remote commits costs
at most one pass a second: a notification inside that second is not dropped but
deferred to its end (a timer), so a change that lands while the loop sleeps
is never slept through until `max_sleep`.
Tests never start the thread: they call `run_due(now)` with their own clock.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from desk_app.server.core.clock import Clock, SystemClock
from desk_app.server.core.db import Database
from desk_app.server.core.settings import Settings
from desk_app.server.policies.registry import PolicyRegistry
from desk_app.server.scheduler.actions import process_ticket
from desk_app.server.scheduler.purge import PURGE_EVERY, purge
from desk_app.server.tickets.models import Ticket
from desk_app.server.tickets.write import Ctx

log = logging.getLogger("desk.server.scheduler")

#: How long a ticket whose processing failed waits before it is tried again.
RETRY_AFTER = timedelta(minutes=5)
#: pg_stat_activity name of the scheduler's LISTEN connection.
LISTENER_APPLICATION_NAME = "desk-scheduler"


@dataclass
class RunReport:
    """What one `run_due` pass did."""

    processed: list[int] = field(default_factory=list)  # tickets claimed and processed
    actions: dict[int, list[str]] = field(default_factory=dict)  # ticket id -> action keys taken
    failed: list[int] = field(default_factory=list)

    @property
    def acted(self) -> list[int]:
        return [tid for tid, keys in self.actions.items() if keys]


class Scheduler:
    def __init__(
        self,
        db: Database,
        policies: PolicyRegistry,
        settings: Settings,
        clock: Clock | None = None,
        *,
        batch: int = 100,
        max_sleep: float = 30.0,
    ) -> None:
        self.db = db
        self.policies = policies
        self.settings = settings
        self.clock = clock or SystemClock()
        self.batch = batch
        self.max_sleep = max_sleep
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listener = None
        self._planned: datetime | None = None
        self._remote_pending = False
        self._remote_lock = threading.Lock()
        self._remote_timer: threading.Timer | None = None
        self._last_remote_wake = 0.0
        self.remote_wakes = 0  # wake-ups caused by other instances' commits (diagnostics)
        self.passes = 0  # loop passes so far (for tests and diagnostics)
        self._purged_at: datetime | None = None
        self.purged: dict[str, int] = {}  # what the last purge deleted (diagnostics)

    # -- one pass -----------------------------------------------------------------------

    def _candidates(self, now: datetime, exclude: set[int]) -> list[int]:
        query = (
            select(Ticket.id)
            .where(Ticket.sla_next_change_at.is_not(None), Ticket.sla_next_change_at <= now)
            .order_by(Ticket.sla_next_change_at, Ticket.id)
            .limit(self.batch + len(exclude))
        )
        with self.db.read() as session:
            return [tid for tid in session.scalars(query) if tid not in exclude][: self.batch]

    def _claim(self, session, ticket_id: int, now: datetime) -> Ticket | None:
        query = select(Ticket).where(
            Ticket.id == ticket_id, Ticket.sla_next_change_at.is_not(None), Ticket.sla_next_change_at <= now
        )
        if self.db.is_postgres:
            query = query.with_for_update(skip_locked=True)
        return session.scalar(query)

    def process(self, ticket_id: int, now: datetime) -> list[str] | None:
        """Claim and process one ticket; None when it was not due (or another instance has it)."""
        with self.db.write() as session:
            ticket = self._claim(session, ticket_id, now)
            if ticket is None:
                return None
            ctx = Ctx(session, now, None, self.policies, self.settings, "scheduler")
            return process_ticket(ctx, ticket)

    def run_due(self, now: datetime | None = None) -> RunReport:
        """Process every ticket due at `now` (default: the clock's now)."""
        now = now or self.clock.now()
        report = RunReport()
        self._purge_if_due(now)
        seen: set[int] = set()
        while True:
            ids = self._candidates(now, seen)
            if not ids:
                return report
            for ticket_id in ids:
                seen.add(ticket_id)
                try:
                    taken = self.process(ticket_id, now)
                except Exception:  # noqa: BLE001 - one broken ticket must not stop the others
                    log.exception("scheduler: ticket %s failed; retrying in %s", ticket_id, RETRY_AFTER)
                    report.failed.append(ticket_id)
                    self._postpone(ticket_id, now)
                    continue
                if taken is not None:
                    report.processed.append(ticket_id)
                    report.actions[ticket_id] = taken

    def _purge_if_due(self, now: datetime) -> None:
        """Expired tokens, idempotency keys and counters go every PURGE_EVERY (scheduler.purge)."""
        if self._purged_at is not None and self._purged_at <= now < self._purged_at + PURGE_EVERY:
            return
        self._purged_at = now
        try:
            self.purged = purge(self.db, now)
        except Exception:  # noqa: BLE001 - the next pass tries again; tickets must not wait for it
            log.exception("scheduler: purge failed")
            self._purged_at = None

    def _postpone(self, ticket_id: int, now: datetime) -> None:
        try:
            with self.db.write() as session:
                session.execute(
                    update(Ticket).where(Ticket.id == ticket_id).values(sla_next_change_at=now + RETRY_AFTER)
                )
        except Exception:  # noqa: BLE001
            log.exception("scheduler: could not postpone ticket %s", ticket_id)

    def next_due_at(self) -> datetime | None:
        with self.db.read() as session:
            return session.scalar(select(func.min(Ticket.sla_next_change_at)))

    # -- the loop -----------------------------------------------------------------------

    def ticket_changed(self, ticket_id: int, next_change_at: datetime | None) -> None:
        """SchedulerHooks listener: wake if this change is due before the planned wake-up."""
        planned = self._planned
        if next_change_at is not None and (planned is None or next_change_at < planned):
            self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    def remote_change(self, _payload: str = "") -> None:
        """Another instance committed a change (the LISTEN thread calls this): pass again soon.

        At most one wake-up a second; one that comes sooner is deferred to the
        end of that second rather than dropped.
        """
        self._remote_pending = True
        with self._remote_lock:
            if self._remote_timer is not None:
                return  # a deferred wake-up is already on its way
            wait = self._last_remote_wake + 1.0 - time.monotonic()
            if wait > 0:
                self._remote_timer = threading.Timer(wait, self._remote_wake)
                self._remote_timer.daemon = True
                self._remote_timer.start()
                return
            self._last_remote_wake = time.monotonic()
        self.remote_wakes += 1
        self._wake.set()

    def _remote_wake(self) -> None:
        with self._remote_lock:
            self._remote_timer = None
            self._last_remote_wake = time.monotonic()
        self.remote_wakes += 1
        self._wake.set()

    def start(self, *, listen: bool | None = None) -> None:
        if self._thread is not None:
            return
        if listen if listen is not None else self.db.is_postgres:
            from desk_app.server.core.wakeup import PgListener
            from desk_app.server.sync.notifier import libpq_url
            from desk_app.server.sync.service import NOTIFY_CHANNEL

            self._listener = PgListener(
                libpq_url(self.db.url),
                NOTIFY_CHANNEL,
                application_name=LISTENER_APPLICATION_NAME,
                on_connect=lambda _conn: self._wake.set(),
                on_notify=self.remote_change,
            )
            self._listener.start()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="desk-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        with self._remote_lock:
            timer, self._remote_timer = self._remote_timer, None
        if timer is not None:
            timer.cancel()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            self._remote_pending = False
            try:
                self.run_due(self.clock.now())
                planned = self.next_due_at()
                delay = self.max_sleep
                if planned is not None:
                    delay = min(delay, max(0.0, (planned - self.clock.now()).total_seconds()))
            except Exception:  # noqa: BLE001 - e.g. the database is briefly away: try again soon
                log.exception("scheduler pass failed")
                planned, delay = None, min(self.max_sleep, 5.0)
            self._planned = planned
            self.passes += 1
            if self._remote_pending:
                delay = min(delay, 1.0)  # a remote change arrived during the pass
            self._wake.wait(delay)


def refresh_due_clocks(
    db: Database, policies: PolicyRegistry, settings: Settings, now: datetime, *, limit: int = 200
) -> list[int]:
    """One scheduler pass at `now`; the tickets on which something was done."""
    return Scheduler(db, policies, settings, batch=limit).run_due(now).acted


__all__ = ["RunReport", "Scheduler", "refresh_due_clocks"]
