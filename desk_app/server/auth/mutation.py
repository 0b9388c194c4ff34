"""A signed-in user's change through the API: who, one idempotent write transaction, the audit entry.

A route that changes anything declares `m: MutationDep` and returns
`m.run(body, fn)`. `fn(session)` does the work inside one write transaction
and returns `(status, payload)` or `(status, payload, headers)`; an
`Idempotency-Key` header makes a repeat replay the first response
(`core.idempotency.run_once`, scoped to the caller). `m.audit(...)` records
who changed what in the same transaction; ticket changes are audited by the
write kernel (`tickets.write.finish`) instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from desk_app.server.audit.service import record_audit
from desk_app.server.auth.deps import current_principal
from desk_app.server.auth.service import Principal
from desk_app.server.core.db import Database
from desk_app.server.core.deps import client_address
from desk_app.server.core.idempotency import Result, check_idempotency_key, parse_if_match, run_once

__all__ = ["Mutation", "MutationDep", "mutation"]


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

    def run(self, body: BaseModel | None, fn: Callable[[Session], Result]) -> Response:
        return run_once(
            self.db,
            self.request,
            user_id=self.principal.user_id,
            key=self.key,
            if_match=self.if_match,
            now=self.now,
            body=body,
            fn=fn,
        )


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
    key = check_idempotency_key(idempotency_key)
    return Mutation(
        request=request,
        db=request.app.state.db,
        principal=principal,
        now=request.app.state.clock.now(),
        key=key,
        if_match=parse_if_match(if_match),
    )


MutationDep = Annotated[Mutation, Depends(mutation)]
