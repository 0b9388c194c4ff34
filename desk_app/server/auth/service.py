"""Login, tokens and rate limiting; all state in the database (shared by every instance)."""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from desk_app.server.auth.models import ROLE_TIER, AuthToken, KnownDevice, LoginAttempt, LoginThrottle, Role, User
from desk_app.server.auth.passwords import hash_password, verify_password
from desk_app.server.core.db import Database
from desk_app.server.core.errors import ApiError
from desk_app.server.core.settings import AuthSettings


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


#: The cookie that names a device its owner logged in on before (`KnownDevice`).
DEVICE_COOKIE = "desk_device"
_KEY_MAX = 255


def failure_delay(failures: int, free: int, settings: AuthSettings) -> timedelta:
    """The wait before the next check after `failures` counted ones: none for the free ones, then doubling."""
    if failures < free:
        return timedelta(0)
    seconds = settings.failure_delay_seconds * 2 ** min(failures - free, 30)
    return timedelta(seconds=min(seconds, settings.max_failure_delay_seconds))


def _locked_throttle(session: Session, key: str, now: datetime) -> LoginThrottle:
    """The key's row, created if missing, locked until the transaction ends (both databases)."""
    insert = (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(LoginThrottle)
    session.execute(
        insert.values(key=key, failures=0, next_at=now, updated_at=now).on_conflict_do_nothing(index_elements=["key"])
    )
    return session.scalar(
        select(LoginThrottle).where(LoginThrottle.key == key).with_for_update().execution_options(populate_existing=True)
    )


def _too_many(wait: int, whom: str) -> ApiError:
    return ApiError(
        429,
        "too_many_login_attempts",
        f"Too many failed logins {whom}; try again in {wait} seconds.",
        headers={"Retry-After": str(wait)},
        retry_after=wait,
    )


@dataclass(frozen=True, slots=True)
class _Keys:
    pair: str  # (user, address) or (user, known device)
    address: str | None  # the address alone; None on a known device
    logins: str  # the user's successful logins


def _keys(session: Session, username: str, address: str, device: str | None) -> _Keys:
    known = None
    if device:
        known = session.scalar(
            select(KnownDevice.device_hash)
            .join(User, User.id == KnownDevice.user_id)
            .where(KnownDevice.device_hash == token_digest(device), User.username == username)
        )
    if known is not None:
        return _Keys(f"u:{username}|d:{known}"[:_KEY_MAX], None, f"s:{username}"[:_KEY_MAX])
    return _Keys(f"u:{username}|a:{address}"[:_KEY_MAX], f"a:{address}"[:_KEY_MAX], f"s:{username}"[:_KEY_MAX])


def _reserve(session: Session, settings: AuthSettings, keys: _Keys, now: datetime) -> None:
    """Count this check before it is made (step 1): 429 when a key must still wait."""
    window = timedelta(minutes=settings.failure_window_minutes)
    frees = {keys.pair: settings.max_failures_per_user}
    if keys.address is not None:
        frees[keys.address] = settings.max_failures_per_address
    rows = {}
    for key in sorted([*frees, keys.logins]):  # one lock order everywhere: no deadlock between instances
        rows[key] = _locked_throttle(session, key, now)
    for key, free in frees.items():
        row = rows[key]
        if row.next_at > now:
            wait = max(1, math.ceil((row.next_at - now).total_seconds()))
            raise _too_many(wait, "for this user from this address" if key == keys.pair else "from this address")
        if now - max(row.next_at, row.updated_at) > window:
            row.failures = 0  # quiet for a whole window: forgiven
    logins = rows[keys.logins]
    if logins.next_at <= now:  # a new window of successful logins
        logins.failures, logins.next_at = 0, now + window
    if logins.failures >= settings.max_logins_per_window:
        wait = max(1, math.ceil((logins.next_at - now).total_seconds()))
        raise ApiError(
            429,
            "too_many_logins",
            f"This user has logged in {logins.failures} times lately; try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
            retry_after=wait,
        )
    logins.failures += 1
    logins.updated_at = now
    for key, free in frees.items():
        row = rows[key]
        row.failures += 1
        row.next_at = now + failure_delay(row.failures, free, settings)
        row.updated_at = now


def _settle(session: Session, settings: AuthSettings, keys: _Keys, now: datetime, ok: bool) -> None:
    """Step 3: a success gives its reservations back (the pair's count starts again); a failure keeps them."""
    free = {keys.pair: settings.max_failures_per_user, keys.address: settings.max_failures_per_address}
    if ok:
        session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys.pair))
        give_back = [keys.address] if keys.address is not None else []
    else:
        give_back = [keys.logins]
    for key in give_back:
        row = _locked_throttle(session, key, now)
        row.failures = max(0, row.failures - 1)
        if key in free:
            row.next_at = min(row.next_at, now + failure_delay(row.failures, free[key], settings))


def login(
    db: Database,
    settings: AuthSettings,
    *,
    username: str,
    password: str,
    address: str,
    now: datetime,
    device: str | None = None,
) -> tuple[str, AuthToken, User, str | None]:
    """Check the password and issue a token; raises ApiError 401 / 429.

    Three steps, so that no transaction is open while the password is hashed
    (on SQLite a write transaction holds the store's only write lock):

    1. a short write transaction reserves the check on the throttle rows
       (locked, so concurrent guesses on every instance count one by one);
    2. the password is verified outside any transaction;
    3. a short write transaction records the attempt and issues the token.

    Guesses are throttled per (user, address), or per (user, device) for a
    device its owner logged in on before (`device`: the cookie's value), and
    per address: past the free checks each failure doubles the wait; nothing
    locks the account against its owner elsewhere. Returns the token, its
    record, the user and a new device cookie value (None when `device` was
    already known).
    """
    username = username.strip().lower()[:150]
    address = (address or "unknown")[:64]
    with db.write() as session:
        keys = _keys(session, username, address, device)
        _reserve(session, settings, keys, now)
    with db.read() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is not None:
            session.expunge(user)
    ok = verify_password(user.password_hash if user else None, password) and user is not None and user.active
    new_device = None
    with db.write() as session:
        _settle(session, settings, keys, now, ok)
        session.add(LoginAttempt(at=now, username=username, address=address, success=ok))
        if ok:
            token = "desk_" + secrets.token_urlsafe(32)
            record = AuthToken(
                user_id=user.id,
                token_hash=token_digest(token),
                created_at=now,
                expires_at=now + timedelta(minutes=settings.token_ttl_minutes),
                address=address,
            )
            session.add(record)
            if keys.address is None:
                session.execute(
                    update(KnownDevice).where(KnownDevice.device_hash == token_digest(device)).values(last_seen_at=now)
                )
            else:
                new_device = secrets.token_urlsafe(32)
                session.add(KnownDevice(device_hash=token_digest(new_device), user_id=user.id, created_at=now,
                                        last_seen_at=now))
            session.flush()
    if not ok:
        raise ApiError(401, "invalid_credentials", "Wrong user name or password.")
    return token, record, user, new_device


def session_expiry(db: Database, token: str, now: datetime) -> datetime:
    """When the token's session ends; ApiError 401 when it is not valid now."""
    return _authenticate(db, token, now)[1]


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


def logout(db: Database, token: str, now: datetime, *, notify: tuple[str, str] | None = None) -> None:
    """Revoke a token; revoking a revoked or expired one is not an error.

    `notify`: (channel, payload) sent on PostgreSQL when the revocation commits,
    so every instance's live streams of this session end at once.
    """
    with db.write() as session:
        record = session.scalar(select(AuthToken).where(AuthToken.token_hash == token_digest(token)))
        if record is None:
            raise ApiError(401, "invalid_token", "The access token is not valid.", headers={"WWW-Authenticate": "Bearer"})
        if record.revoked_at is None:
            record.revoked_at = now
        if notify is not None and db.is_postgres:
            session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": notify[0], "payload": notify[1]})
