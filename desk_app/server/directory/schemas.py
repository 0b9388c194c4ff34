from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from desk_app.server.core.validation import MAX_ID, Body, Key, Name, Phone, ShortText
from desk_app.server.tickets.schemas import CustomerOut


class QueueOut(BaseModel):
    id: int
    key: str
    name: str
    tier: int
    private: bool
    policy_key: str | None
    description: str


class QueueListOut(BaseModel):
    queues: list[QueueOut]


class QueueCreateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: Key
    name: Name
    tier: Annotated[int, Field(ge=1, le=9)] = 1
    private: bool = False
    policy_key: Key | None = None
    description: Body = ""


class CustomerCreateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    email: ShortText | None = None
    phone: Phone | None = None
    tier: Literal["standard", "startup", "enterprise"] = "standard"
    account_manager_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = None
    conduct_flag: bool = False
    conduct_note: Body | None = None


class LatestTicketOut(BaseModel):
    number: str
    policy: str
    order_id: str | None


class CustomerMatchOut(CustomerOut):
    matched_by: Literal["phone", "email", "order_id", "name"] = Field(description="What the text matched.")
    latest_ticket: LatestTicketOut | None = Field(
        description="The customer's latest ticket you may see (None: none of theirs is in your view).")


class CustomerSearchOut(BaseModel):
    customers: list[CustomerMatchOut]
    truncated: bool = Field(description="More customers matched than `limit`: type more of the text.")
