"""Builds the report rollups ahead of time, in a thread of the server, so no report pays for them.

One pass (`run_once(now)`): the days marked dirty lose their rollups and the
missing days of the last `days` closed days are built, newest first, a few
weeks per write transaction (`rollups.prepare`), so the short periods are
served first and the work done survives a restart. The thread runs a pass
at startup, then sleeps until the next UTC day closes (midnight + the grace
period) or `poll_seconds`, whichever comes first: a pass that finds nothing
to do costs two small reads, and dirty days are rebuilt within a poll.

Several instances (PostgreSQL): a pass holds the session advisory lock
`rollups.LOCK_BUILDER`; an instance that cannot take it skips its pass (the
other is building). Reports never wait for the builder: while it works they
read the days still missing from the raw tables (`rollups.prepare`).
Tests call `run_once(now)` with their own clock; the thread is started by the
app (`create_app(rollup_builder=...)`, on by default with the real clock).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, text

from desk_app.server.core.clock import Clock, SystemClock
from desk_app.server.core.db import Database
from desk_app.server.reports import rollups
from desk_app.server.reports.common import Filters
from desk_app.server.reports.models import report_days, report_dirty_days

log = logging.getLogger("desk.server.reports")

#: How many closed days are kept built (the dashboard's longest period is 365 days).
KEEP_DAYS = 366
#: Days per write transaction: four whole weeks (a short lock; a restart keeps what was built).
CHUNK = timedelta(days=28)


@dataclass
class BuildReport:
    """What one pass did."""

    skipped: bool = False  # another builder (instance) was at work
    chunks: list[tuple[date, date]] = field(default_factory=list)  # [first, last) ranges that had work to do


class RollupBuilder:
    def __init__(
        self,
        db: Database,
        clock: Clock | None = None,
        *,
        days: int = KEEP_DAYS,
        poll_seconds: float = 60.0,
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self.days = days
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0  # passes done, for tests and diagnostics
        self.passed = threading.Event()  # set after each pass (tests wait for the first)

    # -- one pass ----------------------------------------------------------------------

    def chunks(self, now: datetime) -> list[tuple[date, date]]:
        """The [first, last) ranges of the kept closed days, newest first, cut at Mondays."""
        last = rollups.closed_before(now)
        first = last - timedelta(days=self.days)
        first -= timedelta(days=first.weekday())  # whole weeks, so the oldest one gets its week rows
        out = []
        end = last
        while end > first:
            monday = end - timedelta(days=1)
            monday -= timedelta(days=monday.weekday())
            start = max(first, monday - (CHUNK - timedelta(days=7)))
            out.append((start, end))
            end = start
        return out

    def run_once(self, now: datetime | None = None, *, wait: bool = False) -> BuildReport:
        """Rebuild the dirty days and build the missing ones of the kept period (see the module doc).

        `wait`: wait for another builder at work (the CLI) instead of skipping the pass.
        """
        now = now or self.clock.now()
        report = BuildReport()
        with self._builder_lock(wait) as held:
            if not held:
                report.skipped = True
                return report
            for first, last in self.chunks(now):
                if self._stop.is_set():
                    break
                if not self._dirty() and not self._missing(first, last):
                    continue
                f = Filters(start=rollups.utc_midnight(first), end=rollups.utc_midnight(last), now=now,
                            queue_id=None, policy=None)
                rollups.prepare(self.db, f, wait=True)
                report.chunks.append((first, last))
        return report

    def _missing(self, first: date, last: date) -> set[date]:
        """Days of [first, last) without rollups, and the days of its whole weeks without their week rows."""
        with self.db.read() as session:
            built = set(session.execute(
                select(report_days.c.day, report_days.c.span).where(report_days.c.day >= first, report_days.c.day < last)
            ).all())
        missing = {d for d in _days(first, last) if (d, 1) not in built}
        for week in {d - timedelta(days=d.weekday()) for d in _days(first, last)}:
            if week >= first and week + timedelta(days=7) <= last and (week, 7) not in built:
                missing.update(_days(week, week + timedelta(days=7)))
        return missing

    def _dirty(self) -> bool:
        with self.db.read() as session:
            return session.scalar(select(report_dirty_days.c.day).limit(1)) is not None

    @contextmanager
    def _builder_lock(self, wait: bool) -> Iterator[bool]:
        """The session advisory lock `LOCK_BUILDER` for the whole pass (PostgreSQL; SQLite: one writer)."""
        if not self.db.is_postgres:
            yield True
            return
        with self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if wait:
                conn.execute(text(f"SELECT pg_advisory_lock({rollups.LOCK_BUILDER})"))
                held = True
            else:
                held = bool(conn.execute(text(f"SELECT pg_try_advisory_lock({rollups.LOCK_BUILDER})")).scalar_one())
            try:
                yield held
            finally:
                if held:
                    conn.execute(text(f"SELECT pg_advisory_unlock({rollups.LOCK_BUILDER})"))

    # -- the thread --------------------------------------------------------------------

    def next_wait(self, now: datetime) -> float:
        """Seconds until the next pass: the next day's close, or the poll for dirty days."""
        closes = rollups.utc_midnight(rollups.closed_before(now)) + timedelta(days=1) + rollups.GRACE
        return max(0.0, min(self.poll_seconds, (closes - now).total_seconds()))

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="desk-report-rollups", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the chunk under way (its transaction commits or rolls back whole)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.run_once(self.clock.now())
                if report.chunks:
                    log.info("report rollups built: %s", ", ".join(f"{a}..{b}" for a, b in report.chunks))
                delay = self.next_wait(self.clock.now())
            except Exception:  # noqa: BLE001 - e.g. the database is briefly away: try again later
                log.exception("building the report rollups failed")
                delay = self.poll_seconds
            self.passes += 1
            self.passed.set()
            self._stop.wait(delay)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days)]
