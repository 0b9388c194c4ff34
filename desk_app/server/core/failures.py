"""Failures of the machine under the store say what they are.

A full disk, a database that is down and a write lock held too long are not
bugs of the request: they pass, and the client should retry. They answer 503
with `Retry-After` and a code that names the cause (`disk_full`,
`disk_error`, `database_unavailable`, `database_busy`) instead of a generic
500, and they are handled inside the app (not re-raised to the server), so the
client's connection stays open for its next request.

`/healthz` and `/readyz` report the same causes: the database answers, its
schema is at head, and the data directory's disk has room
(`storage.min_free_bytes`).
"""

from __future__ import annotations

import errno
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from desk_app.server.core.errors import ErrorOut, json_response
from desk_app.server.core.limits import route_of

log = logging.getLogger("desk.server")


@dataclass(frozen=True, slots=True)
class Cause:
    code: str
    message: str
    retry_after: int


DISK_FULL = Cause("disk_full", "The store's disk is full; nothing was changed. Try again later.", 30)
DISK_ERROR = Cause("disk_error", "The store could not read or write its disk; nothing was changed.", 30)
UNAVAILABLE = Cause("database_unavailable", "The database is not reachable; nothing was changed. Try again shortly.", 5)
BUSY = Cause("database_busy", "The database is busy; nothing was changed. Try again in a moment.", 1)

#: PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_PG_STATES = {
    "53100": DISK_FULL,  # disk_full
    "53200": BUSY,  # out_of_memory
    "53300": BUSY,  # too_many_connections
    "55P03": BUSY,  # lock_not_available
    "57014": BUSY,  # query_canceled (statement timeout)
    "57P01": UNAVAILABLE,  # admin_shutdown
    "57P02": UNAVAILABLE,  # crash_shutdown
    "57P03": UNAVAILABLE,  # cannot_connect_now
    "58030": DISK_ERROR,  # io_error
}


def classify(error: BaseException) -> Cause | None:
    """The cause of a database or disk failure, or None for anything else (a bug: 500)."""
    if isinstance(error, sa_exc.TimeoutError):  # no pooled connection came free in time
        return BUSY
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DISK_FULL
    if isinstance(error, OSError) and error.errno == errno.EIO:
        return DISK_ERROR
    if not isinstance(error, sa_exc.DBAPIError):
        return None
    orig = error.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _PG_STATES:
        return _PG_STATES[state]
    name = getattr(orig, "sqlite_errorname", "") or ""
    message = str(orig).lower()
    if name.startswith("SQLITE_FULL") or "database or disk is full" in message:
        return DISK_FULL
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in message or "is busy" in message:
        return BUSY
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in message:
        return DISK_ERROR
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database" in message:
        return UNAVAILABLE
    if error.connection_invalidated or (state or "").startswith("08"):
        return UNAVAILABLE  # connection_exception class
    if isinstance(error, sa_exc.OperationalError) and any(
        word in message for word in ("connection", "connect", "server closed", "terminating")
    ):
        return UNAVAILABLE
    return None


def failure_response(cause: Cause) -> Response:
    return json_response({"code": cause.code, "message": cause.message}, 503, {"Retry-After": str(cause.retry_after)})


def install_failure_handlers(app: FastAPI) -> None:
    """503 answers for database and disk failures, handled inside the app (the connection stays usable)."""

    async def _failure(request: Request, error: Exception) -> Response:
        cause = classify(error)
        if cause is None:
            log.error("unexpected %s on %s %s", type(error).__name__, request.method, route_of(request.scope),
                      exc_info=error)
            return json_response(
                {"code": "internal_error", "message": "The server hit an unexpected error; nothing was changed."}, 500
            )
        log.warning("%s on %s %s: %s", cause.code, request.method, route_of(request.scope), error)
        return failure_response(cause)

    for kind in (sa_exc.DBAPIError, sa_exc.TimeoutError, OSError):
        app.add_exception_handler(kind, _failure)


# -- health ------------------------------------------------------------------------------


class HealthOut(BaseModel):
    status: str
    database: str
    schema_revision: str | None
    policies: list[str]
    disk_free_bytes: int | None = None


def _existing(path: Path) -> Path:
    path = path.expanduser()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def disk_free(path: Path) -> int:
    return shutil.disk_usage(_existing(path)).free


def install_health_routes(app: FastAPI) -> None:
    def check(request: Request) -> Response:
        from desk_app.server.core.migrate import current_revision, head_revision

        state = request.app.state
        db, settings = state.db, state.settings
        try:
            with db.read() as session:
                session.execute(text("SELECT 1"))
            revision = current_revision(db)
        except Exception as error:  # noqa: BLE001 - report, do not crash
            cause = classify(error) or UNAVAILABLE
            return json_response({"code": cause.code, "message": f"{cause.message} ({error})"}, 503,
                                 {"Retry-After": str(cause.retry_after)})
        if revision != head_revision(db):
            return json_response(
                {"code": "schema_outdated", "message": f"The schema is at {revision}; run `desk-server init`."}, 503
            )
        free = disk_free(settings.storage.data_dir)
        if free < settings.storage.min_free_bytes:
            return json_response(
                {"code": DISK_FULL.code,
                 "message": f"The data directory's disk has {free:,} bytes free, less than the "
                            f"{settings.storage.min_free_bytes:,} the store needs (DESK_MIN_FREE_BYTES)."},
                503, {"Retry-After": str(DISK_FULL.retry_after)},
            )
        return json_response({"status": "ok", "database": db.backend, "schema_revision": revision,
                              "policies": sorted(state.policies), "disk_free_bytes": free})

    responses = {503: {"model": ErrorOut}}

    @app.get("/healthz", response_model=HealthOut, responses=responses, tags=["health"])
    def healthz(request: Request) -> Response:
        """Health: the database answers, its schema is at head, the data directory's disk has room."""
        return check(request)

    @app.get("/readyz", response_model=HealthOut, responses=responses, tags=["health"])
    def readyz(request: Request) -> Response:
        """Readiness (for a load balancer): the same checks as /healthz; 503 names the cause."""
        return check(request)


def document_common_errors(app: FastAPI) -> None:
    """Add to every operation's documented answers the errors any request may get.

    401 wherever a session is needed, 400 for input that cannot be parsed, 413
    wherever a body is read,
    408 for a body that stops arriving, 422 wherever input is validated, and
    503 for the failures above: a client (and an outside fuzzer) can rely on
    the documented set.
    """
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        error = {"$ref": "#/components/schemas/ErrorOut"}
        content = {"application/json": {"schema": error}}
        common = {"503": "The database or the disk failed (`Retry-After`; the code names the cause)."}
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                extra = dict(common)
                if operation.get("requestBody") or operation.get("parameters"):
                    extra["400"] = "The body or a parameter cannot be parsed (a malformed cursor, bad UTF-8)."
                if operation.get("requestBody"):
                    extra["408"] = "The body stopped arriving."
                    extra["413"] = "The body is larger than this endpoint accepts."
                if operation.get("security"):
                    extra["401"] = "No valid session (log in and send `Authorization: Bearer <token>`)."
                if operation.get("requestBody") or operation.get("parameters"):
                    extra["422"] = "The input is not valid."
                for status, description in extra.items():
                    responses.setdefault(status, {"description": description, "content": content})
        document.setdefault("components", {}).setdefault("schemas", {}).setdefault(
            "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
