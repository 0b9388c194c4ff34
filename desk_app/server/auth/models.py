from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from desk_app.server.core.db import Base
from desk_app.server.core.types import BigIntPK, UTCDateTime


class Role(StrEnum):
    AGENT = "agent"  # Tier 1
    SPECIALIST = "specialist"  # Tier 2
    MANAGER = "manager"  # Tier 3
    ADMIN = "admin"


#: The escalation tier each role works; an admin may act at any tier.
ROLE_TIER = {Role.AGENT: 1, Role.SPECIALIST: 2, Role.MANAGER: 3, Role.ADMIN: 99}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def tier(self) -> int:
        return ROLE_TIER[Role(self.role)]


class AuthToken(Base):
    """A bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    address: Mapped[str | None] = mapped_column(String(64))


class LoginAttempt(Base):
    """One login try, kept for rate limiting across every server instance."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    username: Mapped[str] = mapped_column(String(150))
    address: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)


class LoginThrottle(Base):
    """Password checks spent on one key: (user name, client address), or an address alone.

    A check is reserved (`failures` + 1 and `next_at` moved on) in a short
    transaction that locks this row *before* the password is hashed, so
    concurrent guesses on every instance are counted one by one; a success
    gives the reservation back. Past the free checks each further failure
    doubles the wait (`next_at`) instead of locking the account: the owner at
    another address, or on a known device, is never held up by it.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    #: No password check for this key before this instant.
    next_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class KnownDevice(Base):
    """A device (its cookie's digest) on which the user logged in successfully.

    Logins from a known device are throttled on their own key, so guesses
    against the account from elsewhere (even from the same address) never
    slow its owner down.
    """

    __tablename__ = "known_devices"

    device_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
