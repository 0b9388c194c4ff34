"""Login, tokens and rate limiting; all state in the database (shared by every instance)."""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from desk_app.server.auth.models import ROLE_TIER, AuthToken, LoginAttempt, Role, User
from desk_app.server.auth.passwords import hash_password, verify_password
from desk_app.server.core.db import Database
from desk_app.server.core.errors import ApiError
from desk_app.server.core.settings import AuthSettings

#: Attempts older than this are deleted as new ones come in.
_ATTEMPT_RETENTION = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of a request."""

    user_id: int
    username: str
    display_name: str
    role: Role
    token_id: int | None = None

    @property
    def tier(self) -> int:
        return ROLE_TIER[self.role]

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role | str,
    now: datetime,
    display_name: str | None = None,
    email: str | None = None,
) -> User:
    username = username.strip().lower()
    role = Role(role)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ApiError(409, "username_taken", f"The user name {username!r} is already taken.")
    user = User(
        username=username,
        display_name=display_name or username,
        email=email,
        role=role.value,
        password_hash=hash_password(password),
        active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def _retry_after(oldest: datetime | None, window: timedelta, now: datetime) -> int:
    if oldest is None:
        return int(window.total_seconds())
    return max(1, math.ceil((oldest + window - now).total_seconds()))


def login(
    db: Database, settings: AuthSettings, *, username: str, password: str, address: str, now: datetime
) -> tuple[str, AuthToken, User]:
    """Check the password and issue a token; raises ApiError 401 / 429.

    The attempt is recorded in its own committed transaction before the answer
    is given, so a flood of guesses is counted by every instance.
    """
    username = username.strip().lower()
    window = timedelta(minutes=settings.failure_window_minutes)
    with db.write() as session:
        session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - _ATTEMPT_RETENTION))
        # Failures count from the user's last successful login (by insertion
        # order, so attempts within one clock tick are ordered too).
        last_success_id = session.scalar(
            select(func.max(LoginAttempt.id)).where(LoginAttempt.username == username, LoginAttempt.success)
        )
        user_failures, user_oldest = session.execute(
            select(func.count(), func.min(LoginAttempt.at)).where(
                LoginAttempt.username == username,
                ~LoginAttempt.success,
                LoginAttempt.at >= now - window,
                LoginAttempt.id > (last_success_id or 0),
            )
        ).one()
        addr_failures, addr_oldest = session.execute(
            select(func.count(), func.min(LoginAttempt.at)).where(
                LoginAttempt.address == address, ~LoginAttempt.success, LoginAttempt.at >= now - window
            )
        ).one()
        if user_failures >= settings.max_failures_per_user:
            wait = _retry_after(user_oldest, window, now)
            raise ApiError(
                429,
                "too_many_login_attempts",
                f"Too many failed logins for this user; try again in {wait} seconds.",
                headers={"Retry-After": str(wait)},
                retry_after=wait,
            )
        if addr_failures >= settings.max_failures_per_address:
            wait = _retry_after(addr_oldest, window, now)
            raise ApiError(
                429,
                "too_many_login_attempts",
                f"Too many failed logins from this address; try again in {wait} seconds.",
                headers={"Retry-After": str(wait)},
                retry_after=wait,
            )
        user = session.scalar(select(User).where(User.username == username))
        ok = verify_password(user.password_hash if user else None, password) and user is not None and user.active
        session.add(LoginAttempt(at=now, username=username, address=address, success=ok))
        if not ok:
            failed = True
        else:
            failed = False
            token = "desk_" + secrets.token_urlsafe(32)
            record = AuthToken(
                user_id=user.id,
                token_hash=token_digest(token),
                created_at=now,
                expires_at=now + timedelta(minutes=settings.token_ttl_minutes),
                address=address,
            )
            session.add(record)
            session.flush()
    if failed:
        raise ApiError(401, "invalid_credentials", "Wrong user name or password.")
    return token, record, user


def authenticate(db: Database, token: str, now: datetime) -> Principal:
    """The principal behind a bearer token; ApiError 401 when it is unknown, revoked or expired."""
    return _authenticate(db, token, now)[0]


def _authenticate(db: Database, token: str, now: datetime) -> tuple[Principal, datetime]:
    with db.read() as session:
        row = session.execute(
            select(
                AuthToken.id,
                AuthToken.expires_at,
                AuthToken.revoked_at,
                User.id,
                User.username,
                User.display_name,
                User.role,
                User.active,
            )
            .join(User, User.id == AuthToken.user_id)
            .where(AuthToken.token_hash == token_digest(token))
        ).one_or_none()
    headers = {"WWW-Authenticate": "Bearer"}
    if row is None:
        raise ApiError(401, "invalid_token", "The access token is not valid; log in again.", headers=headers)
    token_id, expires_at, revoked_at, user_id, username, display_name, role, active = row
    if revoked_at is not None:
        raise ApiError(401, "token_revoked", "This session was logged out; log in again.", headers=headers)
    if expires_at <= now:
        raise ApiError(401, "token_expired", "The session has expired; log in again.", headers=headers)
    if not active:
        raise ApiError(401, "user_inactive", "This account is disabled.", headers=headers)
    return Principal(user_id, username, display_name, Role(role), token_id), expires_at


class TokenCache:
    """Recently checked tokens, so most requests skip the token lookup.

    An entry lives `ttl` seconds of real time; expiry is still checked against
    the injected clock on every request, and logout through this instance
    evicts at once. A logout or deactivation through *another* instance takes
    effect here within `ttl`.
    """

    def __init__(self, ttl: float = 2.0, max_size: int = 10_000) -> None:
        self.ttl = ttl
        self.max_size = max_size
        self._entries: dict[str, tuple[float, Principal, datetime]] = {}
        self._lock = threading.Lock()

    def get(self, token: str, now: datetime) -> Principal | None:
        key = token_digest(token)
        with self._lock:
            entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, principal, expires_at = entry
        if time.monotonic() - stored_at > self.ttl or expires_at <= now:
            self.evict(token)
            return None
        return principal

    def put(self, token: str, principal: Principal, expires_at: datetime) -> None:
        with self._lock:
            if len(self._entries) >= self.max_size:
                self._entries.clear()
            self._entries[token_digest(token)] = (time.monotonic(), principal, expires_at)

    def evict(self, token: str) -> None:
        with self._lock:
            self._entries.pop(token_digest(token), None)


def authenticate_cached(app, token: str, now: datetime) -> Principal:
    principal, expires_at = _authenticate(app.state.db, token, now)
    app.state.token_cache.put(token, principal, expires_at)
    return principal


def logout(db: Database, token: str, now: datetime) -> None:
    """Revoke a token; revoking a revoked or expired one is not an error."""
    with db.write() as session:
        record = session.scalar(select(AuthToken).where(AuthToken.token_hash == token_digest(token)))
        if record is None:
            raise ApiError(401, "invalid_token", "The access token is not valid.", headers={"WWW-Authenticate": "Bearer"})
        if record.revoked_at is None:
            record.revoked_at = now
