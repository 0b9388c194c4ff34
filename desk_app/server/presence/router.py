"""PUT /presence (heartbeat), DELETE /presence/{client_id}, GET /presence, GET /presence/events (SSE)."""

from __future__ import annotations

import time
from contextlib import asynccontextmanager
from typing import Annotated

import anyio
import asyncio
import orjson
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response, StreamingResponse

from desk_app.server.auth.deps import Staff
from desk_app.server.auth.service import authenticate
from desk_app.server.core.db import Database
from desk_app.server.core.deps import get_db, now_of
from desk_app.server.core.errors import ApiError, ErrorOut, json_response
from desk_app.server.presence import service
from desk_app.server.presence.hub import PresenceListener, hub_for
from desk_app.server.presence.schemas import ClientId, PresenceIn, PresenceListOut
from desk_app.server.sync.notifier import libpq_url
from desk_app.server.sync.visibility import viewer_for
from desk_app.server.tickets import write


@asynccontextmanager
async def presence_lifespan(app):
    """Bind the hub to the server's loop; on PostgreSQL, listen for other instances' changes.

    Runs inside the app's own lifespan, and listens exactly when the app runs
    its change listener (`create_app(listen=...)`).
    """
    hub = hub_for(app)
    hub.bind(asyncio.get_running_loop())
    db: Database = app.state.db
    if db.is_postgres and getattr(app.state, "pg_listener", None) is not None:
        hub.listener = PresenceListener(libpq_url(db.url), hub)
        hub.listener.start()
    try:
        yield
    finally:
        if hub.listener is not None:
            hub.listener.stop()
            hub.listener = None


router = APIRouter(tags=["presence"], lifespan=presence_lifespan)
Db = Annotated[Database, Depends(get_db)]
_ERRORS = {401: {"model": ErrorOut}, 422: {"model": ErrorOut}}


def _list(db: Database, principal, now, ttl: int) -> dict:
    with db.read() as session:
        viewer = viewer_for(session, principal)
        rows = service.live_rows(session, now)
    return {"ttl_seconds": ttl, "entries": service.visible_entries(rows, viewer)}


@router.put("/presence", response_model=PresenceListOut,
            responses={**_ERRORS, 404: {"model": ErrorOut, "description": "A ticket the user may not see"}})
def update_presence(body: PresenceIn, principal: Staff, request: Request, db: Db) -> Response:
    """Heartbeat: the ticket this client has open and whether a reply is being typed.

    Send it when that changes and at least every ttl/3 seconds; returns the others' presence.
    A ticket you may not read answers 404 (`ticket_not_found`), as reading it would.
    """
    hub = hub_for(request.app)
    now = now_of(request)
    if body.ticket_id is not None:
        # Presence only on a ticket the caller may read: 404 as for a read of it (issue 19.13).
        with db.read() as session:
            write.load_visible(session, viewer_for(session, principal), body.ticket_id)
    with db.write() as session:
        changed = service.heartbeat(
            session, principal, client_id=body.client_id, ticket_id=body.ticket_id, composing=body.composing,
            now=now, ttl_seconds=hub.settings.ttl_seconds,
        )
    if changed:
        hub.publish()
    return json_response(_list(db, principal, now, hub.settings.ttl_seconds))


@router.delete("/presence/{client_id}", status_code=204, responses=_ERRORS)
def leave_presence(client_id: Annotated[ClientId, Path()], principal: Staff, request: Request, db: Db) -> Response:
    """The client is closing (or logging out): it disappears for everyone at once."""
    with db.write() as session:
        gone = service.leave(session, principal, client_id)
    if gone:
        hub_for(request.app).publish()
    return Response(status_code=204)


@router.get("/presence", response_model=PresenceListOut, responses=_ERRORS)
def list_presence(principal: Staff, request: Request, db: Db) -> Response:
    return json_response(_list(db, principal, now_of(request), hub_for(request.app).settings.ttl_seconds))


def _sse(event: str, data: bytes) -> bytes:
    # No `id:` line: presence must never move a client's Last-Event-ID.
    return b"event: " + event.encode() + b"\ndata: " + data + b"\n\n"


@router.get(
    "/presence/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-Sent Events"}, **_ERRORS},
)
async def stream_presence(principal: Staff, request: Request) -> StreamingResponse:
    """Others' presence as Server-Sent Events.

    A `presence` event (JSON like GET /presence) comes at once and then whenever
    the list changes; `heartbeat` events come while nothing does. Events carry
    no `id`. The stream ends with an `error` event when the session expires.
    """
    app = request.app
    db: Database = app.state.db
    hub = hub_for(app)
    settings = hub.settings
    token = request.headers.get("authorization", "").partition(" ")[2]

    def read() -> bytes:
        return orjson.dumps(_list(db, principal, app.state.clock.now(), settings.ttl_seconds))

    def still_valid() -> bool:
        try:
            authenticate(db, token, app.state.clock.now())
            return True
        except ApiError:
            return False

    async def events():
        yield b"retry: 2000\n\n"
        last: bytes | None = None
        last_beat = time.monotonic()
        while True:
            wake = hub.arm()
            current = await anyio.to_thread.run_sync(read)
            if current != last:
                last = current
                yield _sse("presence", current)
            await hub.wait(wake, min(settings.recheck_seconds, settings.heartbeat_seconds))
            if time.monotonic() - last_beat >= settings.heartbeat_seconds:
                last_beat = time.monotonic()
                if not await anyio.to_thread.run_sync(still_valid):
                    yield _sse("error", b'{"code":"token_expired","message":"The session ended; log in again."}')
                    return
                yield _sse("heartbeat", b"{}")

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
