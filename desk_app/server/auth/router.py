from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import select

from desk_app.server.auth import service
from desk_app.server.auth.deps import Admin, Staff, bearer_scheme
from desk_app.server.auth.models import User
from desk_app.server.auth.mutation import MutationDep
from desk_app.server.auth.schemas import LoginIn, LoginOut, UserCreateIn, UserListOut, UserOut
from desk_app.server.core.db import Database
from desk_app.server.core.deps import client_address, get_db, now_of
from desk_app.server.core.errors import ApiError, ErrorOut
from desk_app.server.sync.service import NOTIFY_CHANNEL, SESSION_ENDED

router = APIRouter(tags=["auth"])
Db = Annotated[Database, Depends(get_db)]


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        role=user.role,
        tier=user.tier,
        active=user.active,
    )


@router.post(
    "/auth/login",
    response_model=LoginOut,
    responses={401: {"model": ErrorOut}, 429: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
def login(body: LoginIn, request: Request, response: Response, db: Db) -> LoginOut:
    """A bearer token for the user; guesses are slowed down per (user, address), never locked out.

    The `desk_device` cookie set on a successful login marks the device as
    known: logins that send it back are throttled apart from guesses made
    elsewhere, so an attack on the account never holds its owner up.
    """
    now = request.app.state.clock.now()
    device = request.cookies.get(service.DEVICE_COOKIE)
    token, record, user, new_device = service.login(
        db,
        request.app.state.settings.auth,
        username=body.username,
        password=body.password,
        address=client_address(request),
        now=now,
        device=device if device and len(device) <= 100 else None,
    )
    if new_device is not None:
        response.set_cookie(
            service.DEVICE_COOKIE, new_device, max_age=400 * 24 * 3600, httponly=True, samesite="strict",
            path=request.url.path,
        )
    return LoginOut(token=token, expires_at=record.expires_at, user=user_out(user))


@router.post("/auth/logout", status_code=204, responses={401: {"model": ErrorOut}})
def logout(
    request: Request,
    db: Db,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Response:
    """Revoke the caller's token. Naturally idempotent: a retry after success answers 204 again."""
    if credentials is None or not credentials.credentials:
        raise ApiError(401, "not_authenticated", "Send the token to log out as 'Authorization: Bearer <token>'.")
    request.app.state.token_cache.evict(credentials.credentials)
    service.logout(db, credentials.credentials, now_of(request), notify=(NOTIFY_CHANNEL, SESSION_ENDED))
    # This instance's streams re-check their tokens now; the others hear the notification (PostgreSQL)
    # or re-check within a heartbeat (instances sharing a SQLite file).
    request.app.state.notifier.session_ended()
    return Response(status_code=204)


@router.get("/auth/me", response_model=UserOut, responses={401: {"model": ErrorOut}})
def read_me(principal: Staff, db: Db) -> UserOut:
    with db.read() as session:
        return user_out(session.get(User, principal.user_id))


@router.get("/users", response_model=UserListOut, responses={401: {"model": ErrorOut}})
def list_users(principal: Staff, db: Db) -> UserListOut:
    with db.read() as session:
        users = session.scalars(select(User).order_by(User.id)).all()
        return UserListOut(users=[user_out(u) for u in users])


@router.post(
    "/users",
    response_model=UserOut,
    status_code=201,
    responses={403: {"model": ErrorOut}, 409: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
def create_user(body: UserCreateIn, principal: Admin, m: MutationDep):
    def run(session):
        user = service.create_user(
            session,
            username=body.username,
            password=body.password,
            role=body.role,
            now=m.now,
            display_name=body.display_name,
            email=body.email,
        )
        m.audit(session, "user.created", "user", user.id, None, {"username": user.username, "role": user.role})
        return 201, user_out(user).model_dump(mode="json")

    return m.run(body, run)
