"""Bootstrap, incremental changes and the live SSE stream."""

from __future__ import annotations

import time
from typing import Annotated, Literal

import anyio
import orjson
from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from desk_app.server.auth.deps import Staff
from desk_app.server.auth.service import authenticate, session_expiry
from desk_app.server.core.db import Database
from desk_app.server.core.deps import get_db
from desk_app.server.core.errors import ApiError, ErrorOut
from desk_app.server.core.types import iso
from desk_app.server.core.validation import MAX_ID
from desk_app.server.sync import service
from desk_app.server.sync.bootstrap_page import read_page
from desk_app.server.sync.queue_row import ROW_FIELDS
from desk_app.server.sync.schemas import BootstrapOut, ChangesOut
from desk_app.server.sync.visibility import viewer_for

router = APIRouter(tags=["sync"])
Db = Annotated[Database, Depends(get_db)]
_ERRORS = {401: {"model": ErrorOut}, 422: {"model": ErrorOut}}

_ROW_FIELDS_JSON = orjson.dumps(ROW_FIELDS)

#: Changes read per database round trip by a live stream.
STREAM_BATCH = 500
#: How long a live stream trusts its reading of which queues its user may see.
VIEWER_TTL_SECONDS = 2.0


@router.get("/sync/bootstrap", response_model=BootstrapOut, responses=_ERRORS)
def bootstrap(
    principal: Staff,
    request: Request,
    db: Db,
    after: Annotated[int, Query(ge=0, le=MAX_ID, description="The next_after of the previous page; 0 first.")] = 0,
    limit: Annotated[int | None, Query(ge=1, le=20_000)] = None,
    format: Annotated[
        Literal["json", "rows"],
        Query(description="`json`: one JSON document. `rows`: NDJSON, a first line with each ticket's "
                          "queue row (`columns` names the fields of each array in `rows`), then each "
                          "ticket's snapshot on its own line, in the same order."),
    ] = "json",
) -> Response:
    """Every ticket you may see, with its SLA clocks, in pages ordered by id.

    `following`: the ids of the page's tickets you follow (you escalated them, or owned them when
    they went up): you may read them wherever they are; later changes to them say `"following": true`.
    """
    settings = request.app.state.settings.sync
    limit = min(limit or settings.bootstrap_page_size, settings.bootstrap_max_page_size)
    with db.read() as session:
        cursor = service.head(session)
        viewer = viewer_for(session, principal)
        # The stored texts as UTF-8 bytes, never decoded here (bootstrap_page.py).
        rows = read_page(session, viewer.ticket_filter(), after, limit, queue_rows=format == "rows")
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = rows[-1][0] if more else None
    # The page's tickets the viewer follows (tickets.follows): their "Following" view.
    following = [r[0] for r in rows if r[0] in viewer.followed] if viewer.followed else []
    tail = b',"following":%s,"next_after":%s,"has_more":%s' % (
        orjson.dumps(following), orjson.dumps(next_after), b"true" if more else b"false")
    if format == "rows":
        # Both parts are kept ready in each ticket's row: two joins.
        body = b"".join(
            (
                b'{"cursor":%d,"columns":%s,"rows":[' % (cursor, _ROW_FIELDS_JSON),
                b",".join(r[2] for r in rows),
                b"]",
                tail,
                b"}\n",
                b"\n".join(r[1] for r in rows),
            )
        )
        return Response(body, media_type="application/x-ndjson")
    body = b"".join((b'{"cursor":%d,"tickets":[' % cursor, b",".join(r[1] for r in rows), b"]", tail, b"}"))
    return Response(body, media_type="application/json")


@router.get("/sync/changes", response_model=ChangesOut, responses=_ERRORS)
def list_changes(
    principal: Staff,
    request: Request,
    db: Db,
    since: Annotated[int, Query(ge=0, le=MAX_ID, description="Your cursor: changes after it are returned.")] = 0,
    limit: Annotated[int | None, Query(ge=1, le=10_000)] = None,
) -> Response:
    """Changes after `since`, in sequence order, filtered to what you may see."""
    settings = request.app.state.settings.sync
    limit = min(limit or settings.changes_page_size, settings.changes_max_page_size)
    with db.read() as session:
        rows = service.read_changes(session, since, limit)
        # Read after the rows: it holds every follow their transactions started.
        viewer = viewer_for(session, principal)
    rendered = [c for c in (service.render_change(r, viewer) for r in rows) if c is not None]
    cursor = rows[-1][0] if rows else since
    body = b'{"changes":[%s],"cursor":%d,"has_more":%s}' % (
        b",".join(rendered),
        cursor,
        b"true" if len(rows) == limit else b"false",
    )
    return Response(body, media_type="application/json")


def _sse(event: str, data: bytes, seq: int | None = None) -> bytes:
    head = b"id: %d\n" % seq if seq is not None else b""
    return head + b"event: " + event.encode() + b"\ndata: " + data + b"\n\n"


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"}, **_ERRORS},
)
async def stream_events(
    principal: Staff,
    request: Request,
    last_event_id: Annotated[
        str | None,
        Header(alias="Last-Event-ID", pattern=r"^\s*[0-9]{1,18}\s*$", description="Resume after this sequence."),
    ] = None,
    since: Annotated[int | None, Query(ge=0, le=MAX_ID, description="Start after this sequence.")] = None,
) -> StreamingResponse:
    """Live changes as Server-Sent Events.

    Each `change` event has `id: <seq>` and the same JSON as one item of
    /sync/changes. Reconnect with `Last-Event-ID` to resume with nothing lost
    or repeated. Without either cursor the stream starts at the current head.
    `heartbeat` events come every few seconds while nothing changes; a client
    that hears nothing for three heartbeat intervals should reconnect. If the
    cursor is ahead of the log (a restored database), a `reset` event tells
    the client to bootstrap again.
    """
    app = request.app
    db: Database = app.state.db
    notifier = app.state.notifier
    heartbeat = app.state.settings.sync.heartbeat_seconds
    token = request.headers.get("authorization", "").partition(" ")[2]

    def _head() -> int:
        with db.read() as session:
            return service.head(session)

    current_head = await anyio.to_thread.run_sync(_head)
    if last_event_id is not None:
        start = int(last_event_id)
    elif since is not None:
        start = since
    else:
        start = current_head

    recent = db.recent_changes

    def _read(cursor: int):
        with db.feed_read() as session:
            rows = service.read_changes(session, cursor, STREAM_BATCH)
            viewer = viewer_for(session, principal)  # after the rows: with the follows they started
        # The other streams of this instance take them from there.
        recent.read(rows, cursor, to_the_end=len(rows) < STREAM_BATCH)
        return viewer, rows, time.monotonic()

    def _still_valid() -> bool:
        try:
            authenticate(db, token, app.state.clock.now())
            return True
        except ApiError:
            return False

    expires_at = await anyio.to_thread.run_sync(session_expiry, db, token, app.state.clock.now())
    slot = app.state.stream_limits.open(principal.user_id)
    ended = _sse("error", b'{"code":"token_expired","message":"The session ended; log in again."}')

    async def events():
        try:
            async for chunk in _events():
                yield chunk
        finally:
            slot.release()

    async def _events():
        cursor = start
        yield b"retry: 1000\n\n"
        if start > current_head:
            yield _sse("reset", orjson.dumps({"head": current_head, "message": "Your cursor is ahead of the "
                                              "server's change log; bootstrap again."}))
            return
        delivered = False  # the last read found changes and reached the end of the log
        viewer, viewer_at = None, 0.0
        # The token is checked again whenever a session ends anywhere (a logout) and at
        # least every heartbeat, however often changes come; its expiry on every wake-up.
        sessions_seen, checked_at = notifier.sessions_ended, time.monotonic()
        while True:
            if slot.closed:
                yield _sse("error", b'{"code":"stream_replaced","message":"You opened more live streams than one '
                                    b'user may hold; this oldest one is closed."}')
                return
            if app.state.clock.now() >= expires_at:
                yield ended
                return
            if notifier.sessions_ended != sessions_seen or time.monotonic() - checked_at >= heartbeat:
                sessions_seen, checked_at = notifier.sessions_ended, time.monotonic()
                if not await anyio.to_thread.run_sync(_still_valid):
                    yield ended
                    return
            wake = notifier.arm()
            # Right after delivering, read again only if something was published
            # since: the token is armed first, so a publish from here on wakes
            # the wait below (this saves a read per change and stream).
            if not delivered or notifier.head > cursor:
                # The rows right after the cursor that this instance committed
                # or read lately need no read (nor a thread) at all; the
                # viewer (queues this user may see) is re-read every few seconds.
                rows = recent.after(cursor, STREAM_BATCH)
                if (not rows or time.monotonic() - viewer_at > VIEWER_TTL_SECONDS
                        or service.viewer_may_be_stale(rows, viewer)):
                    viewer, rows, viewer_at = await anyio.to_thread.run_sync(_read, cursor)
                out = []
                for row in rows:
                    rendered = service.render_change(row, viewer)
                    if rendered is not None:
                        out.append(_sse("change", rendered, row[0]))
                    cursor = row[0]
                if out:
                    yield b"".join(out)
                if len(rows) == STREAM_BATCH:
                    continue
                if rows:
                    delivered = True
                    continue
            delivered = False
            if not await notifier.wait(wake, heartbeat):
                if not await anyio.to_thread.run_sync(_still_valid):
                    yield ended
                    return
                checked_at = time.monotonic()
                yield _sse("heartbeat", b'{"at":"%s"}' % iso(app.state.clock.now()).encode())

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        background=BackgroundTask(slot.release),  # also when the body was never iterated
    )
