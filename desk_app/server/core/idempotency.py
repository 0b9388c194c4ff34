"""One write transaction, replayed instead of repeated when its Idempotency-Key comes again.

`run_once(...)` runs `fn(session)` inside one write transaction and returns
the HTTP response; `fn` returns `(status, payload)` or `(status, payload,
headers)`. Routes reach it through `auth.mutation.Mutation.run`, which adds
who is calling and the audit entry: this module knows neither, so the
server's `core` stays its ground floor.

With an `Idempotency-Key` header, the key row is inserted *before* the work in
the same transaction: a concurrent retry with the same key waits on it
(PostgreSQL's unique index; SQLite's write lock) and, once the first commits,
gets the stored response instead of doing the work again. The key is bound to
the request (method, path, If-Match, normalised body): reusing it for another
request is refused with 422 `idempotency_key_reused`. Only successful
responses are stored; a failed request rolled back everything, the key row
included, so a retry simply runs again. Keys are scoped per user.

Login is the one mutation without replay: its response holds a token, and the
store keeps only token digests.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk_app.server.core.db import Database
from desk_app.server.core.errors import ApiError
from desk_app.server.core.models import IdempotencyRecord

__all__ = ["Result", "check_idempotency_key", "parse_if_match", "run_once"]

_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")
_IF_MATCH_RE = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')

Result = tuple[int, Any] | tuple[int, Any, dict[str, str]]


def parse_if_match(value: str | None) -> int | None:
    if value is None:
        return None
    match = _IF_MATCH_RE.match(value)
    if not match:
        raise ApiError(
            422, "invalid_if_match", 'If-Match must be the ticket version, e.g. If-Match: 7 or If-Match: "7".'
        )
    return int(match.group(1))


def check_idempotency_key(value: str | None) -> str | None:
    """The Idempotency-Key header as given (None: none), or 422 when it is not one."""
    if value is not None and not _KEY_RE.match(value):
        raise ApiError(
            422, "invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters (a UUID is ideal)."
        )
    return value


def _request_hash(request: Request, if_match: int | None, body: BaseModel | None) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0" + request.url.path.encode())
    digest.update(b"\0" + str(if_match).encode())
    if body is not None:
        digest.update(b"\0" + orjson.dumps(body.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request "
            f"({record.method} {record.path}); use a new key for a new request.",
        )
    headers = orjson.loads(record.response_headers or "{}")
    headers["Idempotent-Replayed"] = "true"
    return Response(
        record.response_body.encode(),
        status_code=record.status_code,
        media_type="application/json",
        headers=headers,
    )


def _find(session: Session, user_id: int, key: str | None) -> IdempotencyRecord | None:
    return session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
    )


def run_once(
    db: Database,
    request: Request,
    *,
    user_id: int,
    key: str | None,
    if_match: int | None,
    now: datetime,
    body: BaseModel | None,
    fn: Callable[[Session], Result],
) -> Response:
    """Run `fn` in one write transaction; with `key`, replay the stored response to a repeat.

    `user_id` scopes the key; `if_match` and `body` are part of what the key
    is bound to (with the request's method and path).
    """
    # Only a keyed request is ever compared with another one.
    request_hash = _request_hash(request, if_match, body) if key is not None else ""
    try:
        with db.write() as session:
            record = None
            if key is not None:
                existing = _find(session, user_id, key)
                if existing is not None:
                    return _replay(existing, request_hash)
                record = IdempotencyRecord(
                    user_id=user_id,
                    key=key,
                    method=request.method,
                    path=request.url.path[:500],
                    request_hash=request_hash,
                    status_code=0,
                    response_body="",
                    response_headers="{}",
                    created_at=now,
                )
                session.add(record)
                session.flush()  # a concurrent twin blocks here until we finish
            result = fn(session)
            status, payload = result[0], result[1]
            headers = dict(result[2]) if len(result) > 2 else {}
            content = orjson.dumps(payload) if status != 204 else b""
            if record is not None:
                record.status_code = status
                record.response_body = content.decode()
                record.response_headers = orjson.dumps(headers).decode()
    except IntegrityError as exc:
        if key is None or "idempotency_keys" not in str(exc.orig):
            raise
        # The twin request committed first: answer with its response.
        with db.read() as session:
            existing = _find(session, user_id, key)
        if existing is None:
            raise
        return _replay(existing, request_hash)
    if key is not None:
        headers["Idempotency-Key"] = key
    return Response(content, status_code=status, media_type="application/json" if content else None,
                    headers=headers)
