"""Checkpoints of the local cache's write-ahead log, off the writer's thread.

SQLite's default is for the connection that commits to copy the WAL back into
the database file whenever the log passes 1,000 pages (4 MB), inside that
commit. A bootstrap writes ~240 MB, so the sync engine kept stopping to copy
what it had just written: every byte went to disk twice while the user
waited. Here every connection runs with `wal_autocheckpoint = 0` and this
thread does the copying instead, after a commit has grown the log past the
threshold (`PASSIVE`: it never waits for readers or the writer, and they never
wait for it). A bootstrap asks for no checkpoint until its last page; the log
is then copied back while the agent already works with the queues.

The log is part of the database: what is committed there is durable (with
`synchronous = NORMAL`, as the file always ran) and every reader sees it.
`journal_size_limit` truncates the log file once it has been reset.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from sqlalchemy import Engine

log = logging.getLogger("desk.services.cache")

#: A commit that leaves the log larger than this asks for a checkpoint (SQLite's own default).
CHECKPOINT_BYTES = 4 * 1024 * 1024
#: Once reset, the log file is truncated to at most this size.
JOURNAL_SIZE_LIMIT = 16 * 1024 * 1024

#: Set on every connection of the cache (see `local_cache._configure`).
CONNECTION_PRAGMAS = (
    "PRAGMA wal_autocheckpoint = 0",
    f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}",
)


class WalCheckpointer:
    """One background thread per cache file that copies the log back when asked."""

    def __init__(self, engine: Engine, database: Path, *, threshold: int = CHECKPOINT_BYTES) -> None:
        self.engine = engine
        self.wal = database.with_name(database.name + "-wal")
        self.threshold = threshold
        self.checkpoints = 0  # how many have run (tests and benchmarks read it)
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stopping = False
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def log_size(self) -> int:
        try:
            return os.stat(self.wal).st_size
        except OSError:
            return 0

    def after_commit(self) -> None:
        """Called after each write transaction: wake the thread when the log has grown enough."""
        if self.log_size() > self.threshold:
            self.request()

    def request(self) -> None:
        with self._lock:
            if self._stopping:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="desk-cache-checkpoint", daemon=True)
                self._thread.start()
            self._idle.clear()
            self._wanted.set()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no checkpoint is asked for or running (True), or `timeout` passes (False)."""
        return self._idle.wait(timeout)

    def stop(self, timeout: float = 30.0) -> None:
        with self._lock:
            self._stopping = True
            thread = self._thread
            self._wanted.set()
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            if self._stopping:
                self._idle.set()
                return
            self._wanted.clear()
            try:
                self.checkpoint()
            except Exception:  # noqa: BLE001 - a missed checkpoint only leaves the log longer
                log.exception("local cache: checkpoint failed")
            with self._lock:
                if not self._wanted.is_set():
                    self._idle.set()

    def checkpoint(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint now, on this thread: (busy, frames in the log, frames copied)."""
        raw = self.engine.raw_connection()
        try:
            # On the driver's own connection: SQLAlchemy would open a transaction
            # first, and a checkpoint cannot run inside one.
            row = raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        finally:
            raw.close()
        self.checkpoints += 1
        return tuple(row)


__all__ = ["CHECKPOINT_BYTES", "CONNECTION_PRAGMAS", "JOURNAL_SIZE_LIMIT", "WalCheckpointer"]
