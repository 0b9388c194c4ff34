"""Request and response bodies of the tickets API (they make /openapi.json)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from desk_app.core.ticket import INITIAL_STATUSES, Status
from desk_app.server.core.validation import MAX_ID, Body, Email, Key, Name, OrderId, Phone, Reason, ShortText, Subject

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
TierLevel = Annotated[int, Field(ge=1, le=9)]
#: The statuses a ticket may be created in (`core.ticket.INITIAL_STATUSES`).
InitialStatus = Literal[INITIAL_STATUSES]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests -----------------------------------------------------------------------


class CallIn(_In):
    number: Phone
    direction: Literal["inbound", "outbound"]
    duration_seconds: Annotated[int, Field(ge=0, le=86_400)]


class EntryIn(_In):
    """A thread entry. System events are written by the server only."""

    kind: Literal["customer_message", "public_reply", "internal_note", "phone_call"]
    body: Body = ""
    call: CallIn | None = None
    attachment_ids: list[Id] = Field(
        default_factory=list,
        max_length=20,
        description="Files uploaded first with POST /tickets/{id}/attachments, shown with this entry.",
    )

    @model_validator(mode="after")
    def _check(self) -> EntryIn:
        if self.kind == "phone_call":
            if self.call is None:
                raise ValueError("a phone_call entry needs 'call' (number, direction, duration_seconds)")
        else:
            if self.call is not None:
                raise ValueError(f"'call' is only for phone_call entries, not {self.kind}")
            if not self.body.strip():
                raise ValueError(f"a {self.kind} needs a non-empty body")
        return self


class CustomerIn(_In):
    name: Name
    email: ShortText | None = None
    phone: Phone | None = None
    tier: Literal["standard", "startup", "enterprise"] = "standard"


class TicketCreateIn(_In):
    policy: Key
    subject: Subject
    category: Key
    priority: Key
    channel: Key
    customer_id: Id | None = None
    customer: CustomerIn | None = Field(
        None, description="A new customer (or the existing one with this email) instead of customer_id."
    )
    queue_id: Id | None = None
    order_id: OrderId | None = None
    status: InitialStatus = Status.NEW.value
    assign_to_me: bool = False
    message: EntryIn | None = Field(None, description="The first thread entry (the customer's message, a call...).")

    @model_validator(mode="after")
    def _one_customer(self) -> TicketCreateIn:
        if (self.customer_id is None) == (self.customer is None):
            raise ValueError("give exactly one of customer_id and customer")
        return self


class TicketUpdateIn(_In):
    """Fields to change; absent fields stay as they are, null clears queue_id / order_id."""

    subject: Subject | None = None
    category: Key | None = None
    priority: Key | None = None
    channel: Key | None = None
    queue_id: Id | None = None
    order_id: OrderId | None = None
    policy: Key | None = Field(None, description="Move the ticket to another policy (managers and admins).")

    @model_validator(mode="after")
    def _not_empty(self) -> TicketUpdateIn:
        if not self.model_fields_set:
            raise ValueError("name at least one field to change")
        for name in ("subject", "category", "priority", "channel", "policy"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class AssignIn(_In):
    assignee_id: Id | None = Field(description="The new assignee; null unassigns.")


class StatusIn(_In):
    status: Status
    note: Body | None = Field(None, description="An internal note recorded with the change.")


class EscalateIn(_In):
    reason: Reason
    to_tier: TierLevel | None = Field(None, description="Default: the next tier up.")


class DeescalateIn(_In):
    reason: Reason
    to_tier: TierLevel | None = Field(None, description="Default: the next tier down.")


class EscalateDueIn(_In):
    reason: Reason = Field(description="Why it goes up (shown to the next tier).")


class KeepIn(_In):
    note: Reason = Field(description="Why the ticket stays at its tier (an internal note); the budget restarts.")


class EscalationRequestIn(_In):
    note: Reason = Field(description="What the customer said (how they asked to escalate).")


class EvidenceIn(_In):
    party: Key = Field(description="Whose documents: one of the dispute's parties, e.g. buyer or seller.")
    note: Body | None = Field(None, description="An internal note recorded with it.")


class CorrectionIn(_In):
    body: Body = Field(description="What was wrong in the entry and what is right (an internal note).")

    @model_validator(mode="after")
    def _check(self) -> CorrectionIn:
        if not self.body.strip():
            raise ValueError("a correction needs a non-empty body")
        return self


class CounterpartyIn(_In):
    party: Key = Field(description="The other party's role in the dispute: buyer or seller.")
    email: Email | None = Field(description="Their address; null removes it.")


# -- responses ----------------------------------------------------------------------


class ClockOut(BaseModel):
    key: str
    metric: str
    state: Literal["running", "warning", "breached", "paused", "met", "missed"]
    target_seconds: int
    calendar: str
    started_at: datetime
    due_at: datetime
    warn_at: datetime | None
    remaining_seconds: int = Field(description="Business seconds left at computed_at; negative once overrun.")
    paused_reason: str | None
    stopped_at: datetime | None
    extended_by: str | None


class EscalationDueOut(BaseModel):
    from_tier: int
    to_tier: int
    to_tier_name: str
    due_at: datetime
    reason: str
    auto_escalate_at: datetime


class EscalationPromptOut(BaseModel):
    """An open escalation-due record: the owner's prompt and the next tier's queue item."""

    id: int
    from_tier: int
    to_tier: int
    to_tier_name: str
    owner_id: int | None = Field(description="Who is prompted (the assignee when it fell due).")
    source: Literal["budget", "customer_request"]
    due_at: datetime
    created_at: datetime
    auto_at: datetime | None = Field(description="When it moves up by itself if nobody acts.")
    can_keep: bool = Field(description="Whether 'add a note and keep' is allowed.")
    state: Literal["open"]


class ModeNoticeOut(BaseModel):
    mode: str
    label: str
    notice: str
    since: datetime


class SlaOut(BaseModel):
    rule: str
    computed_at: datetime
    state: str | None = Field(description="The worst state among the clocks.")
    next_clock: str | None = Field(
        description="Key of the most urgent live clock (named `next_due` before; clients read both for one release)."
    )
    due_at: datetime | None = Field(description="Earliest due time among clocks still counting.")
    next_change_at: datetime | None
    clocks: list[ClockOut]
    escalation_due: EscalationDueOut | None


class EscalationOut(BaseModel):
    id: int
    from_tier: int
    to_tier: int
    direction: Literal["up", "down"]
    kind: str
    reason: str
    created_at: datetime
    created_by_id: int | None
    acknowledged: bool
    acknowledged_at: datetime | None
    acknowledged_by_id: int | None


class TicketOut(BaseModel):
    id: int
    number: str
    subject: str
    category: str
    priority: str
    channel: str
    status: Status
    tier: int
    policy: str
    queue_id: int | None
    assignee_id: int | None
    customer_id: int
    customer_name: str
    customer_tier: str
    order_id: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    sla: SlaOut
    escalation: EscalationOut | None = Field(description="The latest escalation or de-escalation.")
    escalation_due: EscalationPromptOut | None = Field(None, description="The open escalation prompt, if any.")
    mode_notice: ModeNoticeOut | None = Field(None, description="The policy's emergency mode in force.")


class CallOut(BaseModel):
    number: str | None = Field(description="Hidden (null) from staff who do not handle the customer.")
    direction: str
    duration_seconds: int


class EntryOut(BaseModel):
    id: int
    ticket_id: int
    kind: str
    author_id: int | None
    author_name: str
    body: str
    created_at: datetime
    call: CallOut | None
    event_code: str | None
    data: dict | None
    corrects_entry_id: int | None = Field(
        None, description="This entry corrects that earlier entry of the thread (which stays as it was)."
    )


class CustomerOut(BaseModel):
    id: int
    name: str
    tier: str
    email: str | None
    phone: str | None
    contact_hidden: bool = Field(description="True when email/phone are withheld from this viewer.")
    account_manager_id: int | None
    conduct_flag: bool
    conduct_note: str | None


class AttachmentOut(BaseModel):
    id: int
    entry_id: int | None
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime


class CounterpartyOut(BaseModel):
    role: str = Field(description="The dispute party it is: buyer or seller.")
    email: str | None
    contact_hidden: bool = Field(description="True when the address is withheld from this viewer.")


class TicketDetailOut(TicketOut):
    customer: CustomerOut
    counterparty: CounterpartyOut | None = Field(
        None, description="The dispute's other party, when its address is known (not in the change feed)."
    )
    thread: list[EntryOut]
    escalations: list[EscalationOut]
    attachments: list[AttachmentOut]


class TicketListOut(BaseModel):
    tickets: list[TicketOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")


class EntryAddedOut(BaseModel):
    ticket: TicketOut
    entry: EntryOut


class ConflictOut(BaseModel):
    code: Literal["version_conflict"]
    message: str
    current: TicketDetailOut
