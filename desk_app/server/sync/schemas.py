from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from desk_app.server.tickets.schemas import EntryOut, TicketOut


class BootstrapOut(BaseModel):
    cursor: int = Field(
        description="The change-log head when this page was read. Keep the first page's cursor and, after the "
        "last page, read /sync/changes?since=<cursor> (changes to tickets already fetched come again; apply a "
        "ticket only if its version is newer than the one you have)."
    )
    tickets: list[TicketOut]
    following: list[int] = Field(
        default_factory=list,
        description="Ids of this page's tickets you follow (you escalated them, or owned them when they went "
        "up): readable wherever they are, changed by the tier that has them.",
    )
    next_after: int | None = Field(description="Pass as ?after= for the next page; null on the last page.")
    has_more: bool


class ChangeData(BaseModel):
    ticket: TicketOut
    entry: EntryOut | None = None


class ChangeOut(BaseModel):
    seq: int
    at: datetime
    kind: str = Field(
        description="ticket.created, ticket.updated, entry.added, ticket.assigned, ticket.status_changed, "
        "ticket.escalated, ticket.deescalated, escalation.acknowledged, sla.changed; or ticket.hidden when the "
        "ticket left your sight (data is null: drop it)."
    )
    ticket_id: int | None
    actor_id: int | None
    fields: list[str]
    data: ChangeData | None
    following: bool = Field(
        default=False,
        description="You follow this ticket (you escalated it, or owned it when it went up): it stays in your "
        "sight wherever it goes; present only when true.",
    )


class ChangesOut(BaseModel):
    changes: list[ChangeOut]
    cursor: int = Field(description="Pass as ?since= next time (it may pass changes you may not see).")
    has_more: bool
