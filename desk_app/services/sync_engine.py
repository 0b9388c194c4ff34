"""The sync engine: keeps the local cache equal to what the server lets the agent see.

On its own worker thread, in a loop:

1. Bootstrap (first login, or after the server's log was reset): GET
   /sync/bootstrap page by page; each page and the resume point are one
   transaction, so an interrupted bootstrap resumes where it stopped. The next
   page is fetched (and parsed) on a helper thread while the current one is
   written.
2. Catch up by cursor: GET /sync/changes?since=<cursor> in large pages until
   `has_more` is false. Each page and the new cursor are one transaction.
3. Live: the SSE stream /events with Last-Event-ID: <cursor>. The events of one
   network chunk are applied in one transaction. The read timeout (three
   server heartbeats by default) notices a dead connection.
4. When the stream ends or fails: report offline, wait (exponential backoff
   with jitter, cut short by `sync_now()`), and start again at 2: after any gap
   the cursor catches up first. The wait starts at a quarter of a second and
   is capped at 1.5 s while the server cannot be reached, so the client is
   back within about two seconds of the server answering again however long
   it was away; the first answer (the catch-up) resets it. A server that
   answers with errors is asked again more slowly (`error_backoff`, up to 30 s).

What changed goes to `events.changes` (a `ChangeSet`), how it goes to
`events.status` (a `SyncStatus`, through the shared `StatusBoard`). An expired
session stops the loop in AUTH_EXPIRED until `resume()` is called with the new
token set on the API client.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import random
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import orjson
import requests

from desk_app.services.api_client import ApiClient, gc_paused
from desk_app.services.bootstrap_page import BootstrapPage, parse_rows_page
from desk_app.services.errors import ApiError, AuthExpired, NotFound, Offline, ServerError, ValidationFailed
from desk_app.services.events import ChangeSet, Connection, ServiceEvents, SyncStatus, notices_in
from desk_app.services.local_cache import LocalCache, prepare_changes
from desk_app.services.sse import EventStream, StreamEnded

log = logging.getLogger("desk.services.sync")

#: The first bootstrap page's size; each next page doubles, up to `bootstrap_page_size`
#: (the store caps it at its own maximum, 20,000 by default).
FIRST_BOOTSTRAP_PAGE = 2_500


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


#: How a worker waits: `wait(event, seconds)` returns early when `event` is set (woken or stopped).
#: Tests pass one that records the delays asked for and returns at once.
Wait = Callable[[threading.Event, float], object]


def wait_on(event: threading.Event, seconds: float) -> bool:
    return event.wait(seconds)


#: While the server cannot be reached: the first retry after a quarter of a second, then
#: doubling up to 1.5 s. A refused or unanswered connection costs the server nothing, and an
#: agent back from an outage should not sit out a long wait that began while it was down
#: (the waits grew to 30 s before: 8-24 s to reconnect after a 30 s outage, bench/README.md).
RECONNECT_BASE = 0.25
RECONNECT_CAP = 1.5


class Backoff:
    """Exponential backoff with jitter: `next()` gives the next wait, `reset()` after a success.

    The n-th wait is drawn from [c/2, c] with c = min(cap, base * 2**(n-1)).
    """

    def __init__(self, base: float = RECONNECT_BASE, cap: float = RECONNECT_CAP,
                 rng: Callable[[], float] = random.random) -> None:
        self.base, self.cap, self.rng = base, cap, rng
        self.attempt = 0

    def next(self) -> float:
        self.attempt += 1
        ceiling = min(self.cap, self.base * (2 ** (self.attempt - 1)))
        return ceiling * (0.5 + self.rng() / 2)

    def reset(self) -> None:
        self.attempt = 0


class StatusBoard:
    """The one `SyncStatus`, updated by the sync engine and the outbox; emits when it changes."""

    def __init__(self, events: ServiceEvents) -> None:
        self._events = events
        self._lock = threading.Lock()
        self._status = SyncStatus(Connection.CONNECTING)

    @property
    def status(self) -> SyncStatus:
        return self._status

    def update(self, **changes: Any) -> None:
        with self._lock:
            current = self._status
            new = dataclasses.replace(current, **changes)
            if new == current:
                return
            self._status = new
        self._events.status.emit(new)


class _ResetRequired(Exception):
    """The server's change log does not know our cursor: bootstrap again."""


class SyncEngine:
    def __init__(
        self,
        api: ApiClient,
        cache: LocalCache,
        events: ServiceEvents | None = None,
        *,
        board: StatusBoard | None = None,
        bootstrap_page_size: int = 20_000,
        changes_page_size: int = 10_000,
        stream_timeout: float = 45.0,
        backoff: Backoff | None = None,
        error_backoff: Backoff | None = None,
        wait: Wait = wait_on,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.api = api
        self.cache = cache
        self.events = events or ServiceEvents()
        self.board = board or StatusBoard(self.events)
        self.bootstrap_page_size = bootstrap_page_size
        self._bootstrap_rows = True  # until the store says it has no `rows` format
        self.changes_page_size = changes_page_size
        self.stream_timeout = stream_timeout
        #: Waits while the server cannot be reached (short: see RECONNECT_CAP).
        self.backoff = backoff or Backoff()
        #: Waits while the server answers with errors (it is up but failing: no need to hurry it).
        self.error_backoff = error_backoff or Backoff(base=self.backoff.base, cap=30.0)
        self._wait = wait
        self.now = now
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._auth_expired = threading.Event()
        self._thread: threading.Thread | None = None
        self._stream: EventStream | None = None
        self._stream_lock = threading.Lock()
        #: How many times the live stream was opened (tests and diagnostics).
        self.streams_opened = 0

    # -- control ----------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="desk-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._abort_stream()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the sync thread did not stop within %.0f s", timeout)
        self.board.update(connection=Connection.STOPPED, detail=None)

    def sync_now(self) -> None:
        """Cut a backoff wait short (e.g. the network came back), and any retry wait of a request."""
        self._wake.set()
        self.api.nudge()

    def reconnect(self) -> None:
        """Drop the live stream and catch up again (e.g. after the machine woke from sleep)."""
        self._abort_stream()
        self._wake.set()

    def resume(self) -> None:
        """The API client has a fresh token: leave AUTH_EXPIRED and sync again."""
        self._auth_expired.clear()
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _abort_stream(self) -> None:
        with self._stream_lock:
            stream = self._stream
        if stream is not None:
            stream.abort()

    def _emit(self, changes: ChangeSet) -> None:
        if not changes.empty:
            self.events.changes.emit(changes)

    def _synced(self) -> None:
        self.board.update(last_sync_at=self.now())

    def _tell(self, changes: list[dict[str, Any]], since: int | None) -> None:
        """Notices for the changes after `since` (the cursor before they were applied): each once."""
        if since is None or self.cache.user_id <= 0:
            return
        for notice in notices_in((c for c in changes if c["seq"] > since), self.cache.user_id):
            self.events.notice.emit(notice)

    # -- the loop ---------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._auth_expired.is_set():
                self._wake.wait()
                self._wake.clear()
                continue
            try:
                self.sync_by_cursor()
                # The server answered: a later failure starts again from the shortest wait.
                self.backoff.reset()
                self.error_backoff.reset()
                if self._stop.is_set():
                    break
                self._stream_live()
            except _ResetRequired:
                log.warning("the server's change log was reset: bootstrapping again")
                self._emit(self.cache.reset_for_bootstrap())
                continue
            except AuthExpired as exc:
                self._auth_expired.set()
                self.board.update(connection=Connection.AUTH_EXPIRED, detail=exc.message)
                continue
            except (Offline, StreamEnded, requests.exceptions.RequestException, OSError) as exc:
                detail = exc.message if isinstance(exc, Offline) else "The live connection to the server dropped."
                if self._stop.is_set():
                    break
                self._pause(detail)
            except ApiError as exc:
                # 502/503/504 come from a proxy in front of a server that is not there (yet):
                # as unreachable as a refused connection.
                unreachable = isinstance(exc, ServerError) and exc.status in self.api.retry.statuses
                self._pause(exc.message, self.backoff if unreachable else self.error_backoff)
            except Exception:  # noqa: BLE001 - the loop must survive anything and say so
                log.exception("the sync loop failed")
                self._pause("Synchronisation failed unexpectedly; retrying.", self.error_backoff)

    def _pause(self, detail: str, backoff: Backoff | None = None) -> None:
        delay = (backoff or self.backoff).next()
        since = self.board.status.offline_since or self.now()
        self.board.update(connection=Connection.OFFLINE, detail=detail, offline_since=since)
        log.info("sync offline (%s); retrying in %.2f s", detail, delay)
        self._wait(self._wake, delay)
        self._wake.clear()

    def sync_by_cursor(self) -> tuple[int, int]:
        """Bootstrap if needed, then catch up by cursor (on the calling thread).

        Returns (tickets bootstrapped, changes applied).
        """
        loaded = self.bootstrap()
        applied = self.catch_up()
        self.refresh_reference()
        return loaded, applied

    #: Reference data kept in the cache for offline use: name -> (path, key in the body).
    REFERENCE = {"policies": "/policies", "users": "/users", "queues": "/queues"}

    def refresh_reference(self) -> frozenset[str]:
        """Re-read policies, users and queues (labels, ranks, names); report which changed."""
        changed = set()
        for name, path in self.REFERENCE.items():
            try:
                body = self.api.call("GET", path)
            except (Offline, AuthExpired):
                raise
            except ApiError as exc:  # one list refused must not stop the sync
                log.warning("could not refresh %s (%s)", name, exc.code)
                continue
            if self.cache.set_reference(name, body[name]):
                changed.add(name)
        if changed:
            self.events.reference.emit(frozenset(changed))
        return frozenset(changed)

    # -- bootstrap --------------------------------------------------------------------

    def bootstrap(self) -> int:
        state = self.cache.bootstrap_state()
        if state.done:
            return 0
        loaded = 0
        for page in self._bootstrap_pages(state.after):
            self.board.update(connection=Connection.SYNCING, detail=None)
            changes = self.cache.apply_bootstrap_page(page)
            loaded += len(page)
            self.board.update(bootstrap_loaded=loaded)
            self._emit(changes)
            if self._stop.is_set():
                break
        self.board.update(bootstrap_loaded=None)
        if self.cache.bootstrap_state().done:
            self._synced()
        return loaded

    def _bootstrap_pages(self, after: int) -> Iterator[BootstrapPage]:
        def fetch(position):
            after, size = position
            # The page is read and parsed here, while the consumer writes the previous
            # page (SQLite releases the GIL while it works; the parse is two calls into C).
            with gc_paused():  # 5,000 rows of lists that all stay alive
                page = self._fetch_bootstrap_page(after, size)
            return page, ((page.next_after, min(size * 2, self.bootstrap_page_size)) if page.has_more else None)

        # Small pages first, so the cache starts writing while the store still
        # builds the large ones (the writer waited ~0.8 s for a first page of 20,000).
        return self._prefetched(fetch, (after, min(FIRST_BOOTSTRAP_PAGE, self.bootstrap_page_size)))

    def _fetch_bootstrap_page(self, after: int, size: int) -> BootstrapPage:
        """The `rows` format (cheap to read), or `json` from a store that does not offer it."""
        if self._bootstrap_rows:
            try:
                return parse_rows_page(self.api.bootstrap_rows(after, size))
            except ValidationFailed:
                log.info("the store offers no bootstrap rows; reading its JSON pages")
                self._bootstrap_rows = False
        return BootstrapPage.from_json(self.api.bootstrap_page(after, size))

    def _prefetched(self, fetch: Callable[[Any], tuple[Any, Any]], start: Any) -> Iterator[Any]:
        """Items of `fetch(position) -> (item, next position or None)`, one fetched ahead.

        The next page is requested (and parsed) on a helper thread while the
        caller writes the current one; the store builds it meanwhile in its own
        process. Only the caller writes, so a page's resume point is stored with
        it: a page fetched ahead and never written is simply fetched again.
        """
        pages: queue.Queue = queue.Queue(maxsize=1)
        cancelled = threading.Event()

        def run() -> None:
            position = start
            try:
                while not cancelled.is_set() and position is not None:
                    item, position = fetch(position)
                    while not cancelled.is_set():
                        try:
                            pages.put(("item", item), timeout=0.1)
                            break
                        except queue.Full:
                            continue
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                pages.put(("error", exc))
                return
            pages.put(("end", None))

        fetcher = threading.Thread(target=run, name="desk-sync-fetch", daemon=True)
        fetcher.start()
        try:
            while True:
                kind, value = pages.get()
                if kind == "end":
                    return
                if kind == "error":
                    raise value
                yield value
        finally:
            cancelled.set()
            fetcher.join(timeout=1)  # a fetch still in flight ends by itself (daemon)

    # -- catch up ---------------------------------------------------------------------

    def catch_up(self) -> int:
        """Apply every change after the cursor, page by page (the next page fetched ahead)."""
        cursor = self.cache.cursor
        if cursor is None:
            return 0

        def fetch(since):
            page = self.api.changes(since, self.changes_page_size)
            with gc_paused():  # rows made while the previous page is written
                prepared = prepare_changes(page["changes"])
            return (page, prepared), (page["cursor"] if page["has_more"] else None)

        applied = 0
        for page, prepared in self._prefetched(fetch, cursor):
            if self.board.status.connection is not Connection.ONLINE:
                self.board.update(connection=Connection.SYNCING, detail=None)
            since = self.cache.cursor
            with gc_paused():
                changes = self.cache.apply_changes(page["changes"], page["cursor"], prepared)
            self._emit(changes)
            self._tell(page["changes"], since)
            applied += len(page["changes"])
            if self._stop.is_set():
                return applied
        self._synced()
        return applied

    # -- live -------------------------------------------------------------------------

    def _stream_live(self) -> None:
        cursor = self.cache.cursor
        if cursor is None:
            return  # the bootstrap was cut short: the loop finishes it first
        response = self.api.open_stream(
            "/events", headers={"Last-Event-ID": str(cursor)}, read_timeout=self.stream_timeout
        )
        stream = EventStream(response)
        with self._stream_lock:
            self._stream = stream
        self.streams_opened += 1
        if self._stop.is_set():
            stream.abort()
        self.board.update(connection=Connection.ONLINE, detail=None, offline_since=None)
        try:
            for batch in stream.batches():
                self.backoff.reset()
                self._handle(batch)
        finally:
            with self._stream_lock:
                self._stream = None

    def _handle(self, batch) -> None:
        changes: list[dict[str, Any]] = []
        last_seq = None
        for event in batch:
            if event.event == "change" and event.id is not None:
                changes.append(orjson.loads(event.data))
                last_seq = int(event.id)
            elif event.event == "reset":
                raise _ResetRequired()
            elif event.event == "error":
                body = orjson.loads(event.data)
                if body.get("code") in ("token_expired", "token_revoked", "invalid_token"):
                    raise AuthExpired(body.get("message", "The session ended; log in again."), status=401,
                                      code=body.get("code"))
                log.warning("the event stream reported %s", body.get("code"))
        if changes:
            since = self.cache.cursor
            self._emit(self.cache.apply_changes(changes, last_seq))
            self._tell(changes, since)
        self._synced()

    # -- one ticket -------------------------------------------------------------------

    def refresh_ticket(self, ticket_id: int) -> ChangeSet:
        """Read one ticket with its thread and customer (opening it); drop it if it is gone."""
        try:
            detail = self.api.ticket(ticket_id)
        except NotFound:
            changes = self.cache.drop_ticket(ticket_id)
        else:
            changes = self.cache.store_ticket(detail)
        self._emit(changes)
        return changes
