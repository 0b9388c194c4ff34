"""The outbox worker: sends the agent's recorded changes, in order, exactly once.

One worker thread takes the oldest operation, sends it with its idempotency
key (the same key on every retry, across restarts: the server replays the
first response instead of applying it twice) and closes it in the cache:

* success: `confirm` (the row becomes the server's answer + what is still pending);
* offline / 5xx: the operation stays first in line; wait with backoff (short
  and capped, see `sync_engine.RECONNECT_CAP`; cut short by `wake()`, which the
  session calls as soon as the sync engine hears from the server again), try
  again; the whole line then drains at once;
* refused (412 conflict, 409, 403, 404, 422): `reject`, rolling the ticket back
  to the server's state (the 412 body carries it; otherwise it is read), the
  agent's text kept as a draft and reported through `events.rejection`;
* expired session: stop sending until `resume()`.

A server error that persists (`max_server_errors` tries, waits growing to 30 s)
is treated as a refusal, so one poisoned operation cannot hold back everything
after it; a proxy's 502/503/504 (the server behind it restarting) counts as
offline, not as an error of the operation.
"""

from __future__ import annotations

import logging
import threading
import time

from desk_app.services.api_client import ApiClient
from desk_app.services.errors import (
    ApiError,
    AuthExpired,
    Conflict,
    Forbidden,
    NotFound,
    Offline,
    ServerError,
    ValidationFailed,
)
from desk_app.services.events import Connection, ServiceEvents
from desk_app.services.local_cache import LocalCache
from desk_app.services.mutations import OpKind, PendingOp, request_for
from desk_app.services.sync_engine import Backoff, StatusBoard, Wait, wait_on

log = logging.getLogger("desk.services.outbox")


class OutboxWorker:
    def __init__(
        self,
        api: ApiClient,
        cache: LocalCache,
        events: ServiceEvents,
        *,
        board: StatusBoard | None = None,
        backoff: Backoff | None = None,
        error_backoff: Backoff | None = None,
        max_server_errors: int = 5,
        wait: Wait = wait_on,
    ) -> None:
        self.api = api
        self.cache = cache
        self.store = cache.outbox
        self.events = events
        self.board = board or StatusBoard(events)
        #: Waits while the server cannot be reached (short: see `sync_engine.RECONNECT_CAP`).
        self.backoff = backoff or Backoff()
        #: Waits after a server error: the server is up but failing; it is not hurried.
        self.error_backoff = error_backoff or Backoff(base=self.backoff.base, cap=30.0)
        self.max_server_errors = max_server_errors
        self._wait = wait
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._auth_expired = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None
        #: Operations sent and confirmed by this worker (tests and diagnostics).
        self.sent = 0

    # -- control ----------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._report_size()
        self._thread = threading.Thread(target=self._run, name="desk-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        """Something was recorded, or the server is reachable again: try now.

        A failure after this starts again from the shortest wait: the reason to
        try again is new, so the waits of an earlier outage no longer apply.
        """
        self._idle.clear()
        self.backoff.reset()
        self._report_size()
        self._wake.set()

    def resume(self) -> None:
        self._auth_expired.clear()
        self.wake()

    def wait_idle(self, timeout: float) -> bool:
        """Block until the outbox is empty and the worker waits (tests, shutdown); False on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if self._idle.wait(min(left, 0.05)) and self.store.size() == 0:
                return True

    def _report_size(self) -> None:
        self.board.update(outbox_size=self.store.size())

    # -- the loop ---------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            if self._auth_expired.is_set():
                self._wake.wait()
                continue
            op = self.store.first()
            if op is None:
                self._report_size()
                self._idle.set()
                self._wake.wait()
                continue
            try:
                self.send(op)
                self.backoff.reset()
                self.error_backoff.reset()
            except AuthExpired as exc:
                self._auth_expired.set()
                self.board.update(connection=Connection.AUTH_EXPIRED, detail=exc.message)
            except (Offline, ServerError) as exc:
                backoff = self.backoff if self._unreachable(exc) else self.error_backoff
                delay = backoff.next()
                log.info("outbox: %s; retrying in %.2f s", exc.code or type(exc).__name__, delay)
                self._wait(self._wake, delay)
            except Exception:  # noqa: BLE001 - keep going; the op stays first in line
                log.exception("outbox: sending operation %d failed unexpectedly", op.id)
                self._wait(self._wake, self.error_backoff.next())

    def _unreachable(self, exc: BaseException) -> bool:
        """Offline, or a proxy's 502/503/504: the server is not there (yet), rather than failing."""
        return isinstance(exc, Offline) or (isinstance(exc, ServerError) and exc.status in self.api.retry.statuses)

    def drain(self) -> int:
        """Send everything now, on the calling thread (stops at the first Offline/5xx)."""
        count = 0
        while (op := self.store.first()) is not None:
            self.send(op)
            count += 1
        return count

    # -- one operation ----------------------------------------------------------------

    def send(self, op: PendingOp) -> None:
        """Send one operation and close it (confirm or reject); raises Offline/ServerError/AuthExpired."""
        if op.ticket_id is not None and op.ticket_id < 0 and op.kind is not OpKind.CREATE:
            self._reject(op, "not_created", "Not sent: the ticket it belongs to was never created.")
            return
        method, path, body, if_match = request_for(op)
        try:
            response = self.api.mutate(method, path, body, idempotency_key=op.key, if_match=if_match)
        except Conflict as exc:
            self._reject(op, exc.code, exc.message, current=exc.current or self._read_current(op))
        except NotFound as exc:
            self._reject(op, exc.code, exc.message, gone=True)
        except (Forbidden, ValidationFailed) as exc:
            self._reject(op, exc.code, exc.message, current=self._read_current(op))
        except ServerError as exc:
            if self._unreachable(exc):
                raise  # a restart behind a proxy: not this operation's fault, not counted
            attempts = self.store.note_attempt(op, exc.code)
            if attempts < self.max_server_errors:
                raise
            self._reject(op, exc.code, f"The server could not apply this change ({exc.message}).",
                         current=self._read_current(op))
        except Offline:
            raise
        except AuthExpired:
            raise
        except ApiError as exc:  # an unexpected status: refuse rather than block the line
            self._reject(op, exc.code, exc.message, current=self._read_current(op))
        else:
            changes = self.store.confirm(op, response)
            self.sent += 1
            self._report_size()
            if not changes.empty:
                self.events.changes.emit(changes)

    def _read_current(self, op: PendingOp) -> dict | None:
        if op.ticket_id is None or op.ticket_id < 0:
            return None
        try:
            return self.api.ticket(op.ticket_id)
        except ApiError:
            return None  # the cached server state will do

    def _reject(self, op: PendingOp, code: str | None, message: str, *, current: dict | None = None,
                gone: bool = False) -> None:
        log.info("outbox: the server refused %s on ticket %s (%s)", op.kind.value, op.ticket_id, code)
        records, changes = self.store.reject(op, code=code, message=message, current=current, gone=gone)
        self._report_size()
        if not changes.empty:
            self.events.changes.emit(changes)
        for record in records:
            self.events.rejection.emit(record)
