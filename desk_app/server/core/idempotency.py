"""Mutations: one write transaction each, with Idempotency-Key replay and audit.

A route that changes anything declares `m: Annotated[Mutation, Depends(mutation)]`
and returns `m.run(body, fn)`. `fn(session)` does the work inside one write
transaction and returns `(status, payload)` or `(status, payload, headers)`.

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
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import Depends, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk_app.server.audit.service import record_audit
from desk_app.server.auth.deps import current_principal
from desk_app.server.auth.service import Principal
from desk_app.server.core.db import Database
from desk_app.server.core.deps import client_address
from desk_app.server.core.errors import ApiError
from desk_app.server.core.models import IdempotencyRecord

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


@dataclass
class Mutation:
    request: Request
    db: Database
    principal: Principal
    now: datetime
    key: str | None
    if_match: int | None

    @property
    def address(self) -> str:
        return client_address(self.request)

    def audit(
        self,
        session: Session,
        action: str,
        entity_type: str,
        entity_id: object,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        record_audit(
            session,
            at=self.now,
            actor_id=self.principal.user_id,
            actor_name=self.principal.username,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            before=before,
            after=after,
            address=self.address,
        )

    def _request_hash(self, body: BaseModel | None) -> str:
        digest = hashlib.sha256()
        digest.update(self.request.method.encode())
        digest.update(b"\0" + self.request.url.path.encode())
        digest.update(b"\0" + str(self.if_match).encode())
        if body is not None:
            digest.update(b"\0" + orjson.dumps(body.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS))
        return digest.hexdigest()

    def _replay(self, record: IdempotencyRecord, request_hash: str) -> Response:
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

    def _find(self, session: Session) -> IdempotencyRecord | None:
        return session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.user_id == self.principal.user_id, IdempotencyRecord.key == self.key
            )
        )

    def run(self, body: BaseModel | None, fn: Callable[[Session], Result]) -> Response:
        # Only a keyed request is ever compared with another one.
        request_hash = self._request_hash(body) if self.key is not None else ""
        try:
            with self.db.write() as session:
                record = None
                if self.key is not None:
                    existing = self._find(session)
                    if existing is not None:
                        return self._replay(existing, request_hash)
                    record = IdempotencyRecord(
                        user_id=self.principal.user_id,
                        key=self.key,
                        method=self.request.method,
                        path=self.request.url.path[:500],
                        request_hash=request_hash,
                        status_code=0,
                        response_body="",
                        response_headers="{}",
                        created_at=self.now,
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
            if self.key is None or "idempotency_keys" not in str(exc.orig):
                raise
            # The twin request committed first: answer with its response.
            with self.db.read() as session:
                existing = self._find(session)
            if existing is None:
                raise
            return self._replay(existing, request_hash)
        if self.key is not None:
            headers["Idempotency-Key"] = self.key
        return Response(content, status_code=status, media_type="application/json" if content else None,
                        headers=headers)


async def mutation(
    request: Request,
    principal: Annotated[Principal, Depends(current_principal)],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="A unique key per intended change: a retry with the same key replays the first response.",
        ),
    ] = None,
    if_match: Annotated[
        str | None, Header(alias="If-Match", description="The ticket version the change is based on.")
    ] = None,
) -> Mutation:
    if idempotency_key is not None and not _KEY_RE.match(idempotency_key):
        raise ApiError(
            422, "invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters (a UUID is ideal)."
        )
    return Mutation(
        request=request,
        db=request.app.state.db,
        principal=principal,
        now=request.app.state.clock.now(),
        key=idempotency_key,
        if_match=parse_if_match(if_match),
    )


MutationDep = Annotated[Mutation, Depends(mutation)]
