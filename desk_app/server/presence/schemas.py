from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from desk_app.server.core.validation import MAX_ID

ClientId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class PresenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: ClientId = Field(description="The calling app's own id (a UUID per running client).")
    ticket_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(None, description="The ticket open; null: none.")
    composing: bool = Field(False, description="A reply or note is being typed on that ticket.")


class PresenceEntryOut(BaseModel):
    user_id: int
    display_name: str
    client_id: str
    ticket_id: int | None
    composing: bool
    since: datetime


class PresenceListOut(BaseModel):
    ttl_seconds: int = Field(description="Send a heartbeat at least this often (a third of it is a good pace).")
    entries: list[PresenceEntryOut] = Field(description="Everyone active on tickets you may see, you excluded.")
