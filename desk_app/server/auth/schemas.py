from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from desk_app.server.auth.models import Role
from desk_app.server.core.validation import Name, Password, ShortText, Username


class LoginIn(BaseModel):
    username: Username
    password: Password


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    email: str | None
    role: Role
    tier: int = Field(description="The escalation tier this role works (admin: 99, any tier).")
    active: bool


class LoginOut(BaseModel):
    token: str = Field(description="Send as 'Authorization: Bearer <token>'.")
    token_type: str = "bearer"
    expires_at: datetime
    user: UserOut


class UserCreateIn(BaseModel):
    username: Username
    password: Password
    role: Role
    display_name: Name | None = None
    email: ShortText | None = None


class UserListOut(BaseModel):
    users: list[UserOut]
