"""Who is calling, and may they: `current_principal` and `require_roles`."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from desk_app.server.auth.models import Role
from desk_app.server.auth.service import Principal, authenticate_cached
from desk_app.server.core.errors import ApiError

bearer_scheme = HTTPBearer(auto_error=False, description="The token from POST /api/v1/auth/login.")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise ApiError(
            401,
            "not_authenticated",
            "Log in first and send 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = credentials.credentials
    if len(token) > 200 or not token.isascii():
        raise ApiError(401, "invalid_token", "The access token is not valid; log in again.",
                       headers={"WWW-Authenticate": "Bearer"})
    app = request.app
    now = app.state.clock.now()
    principal = app.state.token_cache.get(token, now)
    if principal is None:
        principal = await anyio.to_thread.run_sync(authenticate_cached, app, token, now)
    request.state.principal = principal
    return principal


def require_roles(*roles: Role):
    allowed = frozenset(roles)

    async def _check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise ApiError(403, "forbidden", f"This needs one of the roles: {names}.")
        return principal

    return _check


#: Any signed-in staff member.
Staff = Annotated[Principal, Depends(current_principal)]
#: Managers and admins (reports, assigning others' work).
Supervisor = Annotated[Principal, Depends(require_roles(Role.MANAGER, Role.ADMIN))]
#: Admins only (users, queues, policy modes).
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
