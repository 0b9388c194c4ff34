"""The demo's central store, embedded: SQLite in a data directory, seeded, served on loopback.

    store = DemoStore(data_dir)      # a temporary directory when None
    store.start()                    # migrate, seed (first time only), serve on a free port
    store.url                        # "http://127.0.0.1:<port>"
    store.stop()                     # and store.start() again: same port, same data

The store is the real one (`desk_app.server`): the same app `desk-server
serve` runs, under uvicorn in a background thread of this process. Only the
demo reaches into the server package, and lazily: `desk-app` against a real
server never loads it. `start()` blocks while it migrates and seeds (a few
seconds the first time), so the client calls it from a background operation,
never on the UI thread.

Demo users: agent, specialist, manager and admin, all with the password
"demo" (`desk_app.server.demo.seed`).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

log = logging.getLogger("desk.ui.demo")

__all__ = ["DEMO_PASSWORD", "DEMO_ROLES", "DemoStore", "DemoStoreError"]

# The store's modules are imported only when a demo store starts: the client
# itself never needs them (tests/ui/test_demo.py checks these match the seed).
#: The demo users' password (desk_app.server.demo.seed.DEMO_PASSWORD).
DEMO_PASSWORD = "demo"
#: The roles a newcomer can look through; each demo user is named after its role.
DEMO_ROLES = ("agent", "specialist", "manager")


class DemoStoreError(RuntimeError):
    """The embedded store could not start; says why."""


class DemoStore:
    """See the module docstring."""

    def __init__(self, data_dir: str | Path | None = None, *, tickets_per_policy: int = 12,
                 heartbeat_seconds: float = 5.0, port: int = 0) -> None:
        self._temporary = data_dir is None
        self.data_dir = Path(data_dir) if data_dir is not None else Path(tempfile.mkdtemp(prefix="desk-demo-"))
        self.tickets_per_policy = tickets_per_policy
        self.heartbeat_seconds = heartbeat_seconds
        self.port = port
        self.seed_report: str | None = None
        self._db = None
        self._settings = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        if not self.port:
            raise DemoStoreError("the demo store has not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def store_dir(self) -> Path:
        """The store's own files (the SQLite database), apart from any client's."""
        return self.data_dir / "store"

    @property
    def client_dir(self) -> Path:
        """Where the demo's desktop clients keep their caches."""
        return self.data_dir / "clients"

    @property
    def database(self):
        """The store's `Database` (tests compare the window with it)."""
        return self._db

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self, timeout: float = 30.0) -> str:
        """Migrate, seed on first use, serve; returns the URL. Blocks: call it off the UI thread."""
        with self._lock:
            if self._server is not None:
                return self.url
            if self._db is None:
                self._prepare()
            self._serve(timeout)
            return self.url

    def stop(self) -> None:
        """Stop serving (the data stays; `start()` serves it again on the same port)."""
        with self._lock:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is not None:
            server.should_exit = True
            thread.join(timeout=10)

    def close(self) -> None:
        """Stop, release the database, and delete the data directory if it was a temporary one."""
        self.stop()
        if self._db is not None:
            self._db.dispose()
            self._db = None
        if self._temporary:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> DemoStore:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- inside ---------------------------------------------------------------------------

    def _prepare(self) -> None:
        from sqlalchemy import func, select

        from desk_app.server.core.db import Database
        from desk_app.server.core.migrate import upgrade_to_head
        from desk_app.server.core.settings import SyncSettings, load_settings
        from desk_app.server.demo.seed import seed_demo
        from desk_app.server.policies.registry import PolicyRegistry
        from desk_app.server.tickets.models import Ticket

        self.store_dir.mkdir(parents=True, exist_ok=True)
        base = load_settings()
        settings = replace(
            base,
            storage=replace(base.storage, data_dir=self.store_dir),
            sync=SyncSettings(heartbeat_seconds=self.heartbeat_seconds),
            policy_dir=None,
        ).with_database_url(f"sqlite:///{self.store_dir / 'desk.sqlite3'}")
        db = Database(settings.database)
        try:
            upgrade_to_head(db)
            with db.read() as session:
                tickets = session.scalar(select(func.count()).select_from(Ticket))
            if not tickets:
                started = time.monotonic()
                self.seed_report = seed_demo(db, PolicyRegistry.load(), settings,
                                             tickets_per_policy=self.tickets_per_policy)
                log.info("seeded the demo store in %.1f s", time.monotonic() - started)
        except Exception as exc:
            db.dispose()
            raise DemoStoreError(f"The demo store in {self.store_dir} could not be prepared: {exc}") from exc
        self._db, self._settings = db, settings

    def _serve(self, timeout: float) -> None:
        import uvicorn

        from desk_app.server.app import create_app

        # No background rollup builder: this store shares the client's process (and its
        # interpreter lock) with the window, and a year of rollups for the seeded data
        # takes seconds of Python. A report builds the few days it reads on demand.
        app = create_app(self._settings, database=self._db, rollup_builder=False)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on",
                                timeout_graceful_shutdown=0.5)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="desk-demo-store", daemon=True)
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive():
                raise DemoStoreError(f"The demo store could not listen on 127.0.0.1:{self.port or 'a free port'}.")
            if time.monotonic() > deadline:
                server.should_exit = True
                raise DemoStoreError("The demo store did not start in time.")
            time.sleep(0.01)
        self.port = server.servers[0].sockets[0].getsockname()[1]
        self._server, self._thread = server, thread
        log.info("demo store serving on %s", self.url)


def main(argv: list[str] | None = None) -> int:
    """`python -m desk_app.demo.store [--data-dir DIR] [--port P]`: serve the demo store until stdin closes.

    Prints the URL on the first line of stdout. Used to run the store in a
    process of its own (the UI-thread stall test keeps the server's threads
    out of the client's process this way).
    """
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m desk_app.demo.store")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tickets-per-policy", type=int, default=12)
    parser.add_argument("--heartbeat", type=float, default=5.0, help="seconds between SSE heartbeats")
    args = parser.parse_args(argv)
    store = DemoStore(args.data_dir, tickets_per_policy=args.tickets_per_policy, heartbeat_seconds=args.heartbeat,
                      port=args.port)
    try:
        print(store.start(), flush=True)
        sys.stdin.read()  # until the parent closes our stdin (or goes away)
    except DemoStoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
