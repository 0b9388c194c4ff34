"""Turn an accepted intake form into a ticket: rate limit, routing, rules, one transaction.

Everything a request stores (customer, ticket, its first message, the
attachments, the receipt mail in the outbox, the rate-limit record) is written
in one write transaction after every check has passed, so a refused request
leaves nothing behind. The ticket is made by `tickets.service.create_ticket`
(through the write kernel, `tickets.write`), so it reaches the change feed
(and the agents' queues) like any other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from desk_app.core.ticket import EntryKind
from desk_app.server.attachments import service as attachments
from desk_app.server.attachments.upload import ParsedUpload, UploadRules, recheck
from desk_app.server.core.errors import ApiError
from desk_app.server.core.validation import Email, Key, Name, OrderId, Reason, Subject, normalize_email
from desk_app.server.directory.models import Customer
from desk_app.server.intake import limits as rate
from desk_app.server.intake.models import IntakeSubmission
from desk_app.server.intake.routing import Decision, RoutingRules
from desk_app.server.tickets import service as tickets
from desk_app.server.tickets.disputes import check_address, dispute_window, other_party
from desk_app.server.tickets import write
from desk_app.server.tickets.schemas import CustomerIn, EntryIn, TicketCreateIn


class IntakeFields(BaseModel):
    """The form's text fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    topic: Key = Field(description="A policy category, or POLICY:CATEGORY (see GET /intake/routing).")
    email: Email
    description: Reason
    requester_role: Key | None = Field(None, description="buyer or seller, where the policy asks.")
    order_number: OrderId | None = None
    name: Name | None = None
    subject: Subject | None = None
    channel: Key = Field("web_form", description="web_form, email (a mail gateway), ...")
    counterparty_email: Email | None = Field(
        None, description="In a dispute (a topic with an evidence window): the other party's address."
    )


def parse_fields(fields: dict[str, str]) -> IntakeFields:
    given = {k: v for k, v in fields.items() if v.strip() != "" or k in ("topic", "email", "description")}
    try:
        return IntakeFields.model_validate(given)
    except ValidationError as exc:
        details = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ())) or "form"
            message = "is required" if e.get("type") == "missing" else str(e.get("msg", "invalid"))
            if e.get("type") == "extra_forbidden":
                message = "is not a field of this form"
            details.append({"field": where, "message": message})
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
        raise ApiError(422, "validation_error", f"The form is not valid: {summary}.", errors=details) from None


def provisional_rules(routing: RoutingRules, fields: dict[str, str]) -> UploadRules:
    """Rules to judge files by while they stream in (the customer's tier is not known yet)."""
    topic = fields.get("topic", "").strip()
    if not topic:
        return UploadRules.for_policy(None)
    decision = routing.decide(topic=topic, channel=fields.get("channel", "web_form").strip() or "web_form",
                              customer_tier="standard")
    return UploadRules.for_policy(routing.policies[decision.policy])


def _check_policy_rules(decision: Decision, policy, form: IntakeFields) -> None:
    intake = policy.intake
    if intake is None:
        return
    if intake.requester_roles:
        if form.requester_role is None:
            raise ApiError(
                422,
                "requester_role_required",
                f"{policy.name} asks whether you are a {' or a '.join(intake.requester_roles)} (requester_role).",
            )
        if form.requester_role not in intake.requester_roles:
            raise ApiError(
                422,
                "unknown_requester_role",
                f"requester_role must be one of: {', '.join(intake.requester_roles)}.",
            )
    if decision.category in intake.order_id_categories and not form.order_number:
        raise ApiError(
            422,
            "order_number_required",
            f"Requests about {policy.categories[decision.category].label!r} need the order number (order_number).",
        )


def _counterparty_role(decision: Decision, policy, form: IntakeFields) -> str | None:
    """The other party's role when the form names its address; a 422 where the topic has no such party."""
    if form.counterparty_email is None:
        return None
    spec = dispute_window(policy, decision.category)
    if spec is None:
        raise ApiError(
            422,
            "counterparty_not_accepted",
            f"Requests about {policy.categories[decision.category].label!r} are not disputes between parties: "
            "leave counterparty_email empty.",
        )
    role = other_party(spec, form.requester_role)
    if role is None:
        raise ApiError(
            422,
            "requester_role_required",
            f"With counterparty_email, say which party you are (requester_role: {' or '.join(spec.parties)}).",
        )
    return role


def _subject(form: IntakeFields, label: str) -> str:
    if form.subject:
        return form.subject
    first = form.description.strip().splitlines()[0].strip()
    if len(first) > 120:
        first = first[:117].rstrip() + "..."
    return f"{label}: {first}" if first else label


def _add_message_with_files(ctx: write.Ctx, ticket, message: EntryIn, stored) -> None:
    """The customer's message, naming its files in the entry's data (as agents' replies do).

    The files need the ticket's id, so the message follows the creation as a
    change of its own. It keeps version 1: it is part of the same transaction,
    so nobody can have based an edit on the ticket without it.
    """
    message = message.model_copy(update={"attachment_ids": [a.id for a in stored]})
    prev = write.placement(ticket)
    entry = write.add_thread_entry(ctx, ticket, message)
    write.finish(
        ctx,
        ticket,
        kind="entry.added",
        fields=["thread"],
        prev=prev,
        audit_action=f"entry.{message.kind}",
        before=None,
        after={"entry_kind": message.kind, "attachments": len(stored)},
        entry=entry,
        bump_version=False,
    )


def submit(
    *,
    db,
    policies,
    settings,
    blobs,
    routing: RoutingRules,
    upload: ParsedUpload,
    now: datetime,
    address: str | None,
) -> dict[str, Any]:
    form = parse_fields(upload.fields)
    email = normalize_email(str(form.email))
    limits = settings.intake
    with db.write() as session:
        tier = session.scalar(select(Customer.tier).where(Customer.email == email).order_by(Customer.id).limit(1))
        decision = routing.decide(topic=form.topic, channel=form.channel, customer_tier=tier or "standard")
        policy = policies[decision.policy]
        recheck(upload.files, UploadRules.for_policy(policy))
        _check_policy_rules(decision, policy, form)
        counterparty_role = _counterparty_role(decision, policy, form)
        counterparty_email = None
        if counterparty_role is not None:
            counterparty_email = check_address(str(form.counterparty_email), email)
        body = form.description
        if form.requester_role:
            body = f"Requester: {form.requester_role}\n\n{body}"
        ctx = write.Ctx(session, now, None, policies, settings, address)
        message = EntryIn(kind=EntryKind.CUSTOMER_MESSAGE.value, body=body)
        ticket = tickets.create_ticket(
            ctx,
            TicketCreateIn(
                policy=policy.key,
                subject=_subject(form, policy.categories[decision.category].label)[:300],
                category=decision.category,
                priority=policy.initial_priority(decision.category),
                channel=decision.channel,
                customer=CustomerIn(name=form.name or email.split("@")[0], email=email),
                order_id=form.order_number,
                message=None if upload.files else message,
            ),
        )
        if counterparty_email is not None:
            # Not in the snapshot, so the ticket's change feed entry needs no rebuild.
            ticket.counterparty_email, ticket.counterparty_role = counterparty_email, counterparty_role
        stored = attachments.store_files(session, blobs, ticket_id=ticket.id, files=upload.files, now=now)
        if stored:
            _add_message_with_files(ctx, ticket, message, stored)
        # Last, so the counters' rows stay locked (PostgreSQL) only until the commit.
        rate.enforce(session, rate.intake_limits(
            limits, email=email, address=(address or "")[:64] or None, policy_key=policy.key,
            upload_bytes=sum(f.size for f in upload.files)), now)
        session.add(
            IntakeSubmission(
                email=email,
                at=now,
                ticket_id=ticket.id,
                requester_role=form.requester_role,
                topic=form.topic,
                channel=form.channel,
                route=decision.route,
                address=(address or "")[:64] or None,
            )
        )
        return {
            "ticket_id": ticket.id,
            "ticket_number": ticket.number,
            "policy": policy.key,
            "category": decision.category,
            "channel": decision.channel,
            "route": decision.route,
            "attachments": [
                {"filename": a.filename, "media_type": a.media_type, "size": a.size, "sha256": a.blob_sha256}
                for a in stored
            ],
        }
