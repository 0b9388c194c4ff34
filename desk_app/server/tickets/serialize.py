"""Tickets, entries and customers as the JSON the API serves."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_app.server.attachments.models import Attachment
from desk_app.server.core.types import iso
from desk_app.server.directory.models import Customer
from desk_app.server.sync.visibility import CONTACT_FIELDS, Viewer, ticket_contact
from desk_app.server.tickets.models import Escalation, ThreadEntry, Ticket


def escalation_json(esc: Escalation | None) -> dict[str, Any] | None:
    if esc is None:
        return None
    return {
        "id": esc.id,
        "from_tier": esc.from_tier,
        "to_tier": esc.to_tier,
        "direction": esc.direction,
        "kind": esc.kind,
        "reason": esc.reason,
        "created_at": iso(esc.created_at),
        "created_by_id": esc.created_by_id,
        "acknowledged": esc.acknowledged,
        "acknowledged_at": iso(esc.acknowledged_at),
        "acknowledged_by_id": esc.acknowledged_by_id,
    }


def ticket_snapshot(
    ticket: Ticket,
    customer_name: str,
    customer_tier: str,
    sla: dict[str, Any],
    escalation: dict[str, Any] | None,
    escalation_due: dict[str, Any] | None = None,
    mode_notice: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ticket as every client sees it; holds no personal contact data.

    `escalation_due`: the open escalation-due record (the owner's prompt and
    the next tier's queue item), see `tickets.dues.record_json`.
    `mode_notice`: the policy's emergency mode in force, for open tickets.
    """
    return {
        "id": ticket.id,
        "number": ticket.number,
        "subject": ticket.subject,
        "category": ticket.category,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "status": ticket.status,
        "tier": ticket.tier,
        "policy": ticket.policy_key,
        "queue_id": ticket.queue_id,
        "assignee_id": ticket.assignee_id,
        "customer_id": ticket.customer_id,
        "customer_name": customer_name,
        "customer_tier": customer_tier,
        "order_id": ticket.order_id,
        "version": ticket.version,
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "sla": sla,
        "escalation": escalation,
        "escalation_due": escalation_due,
        "mode_notice": mode_notice,
    }


def entry_json(entry: ThreadEntry, *, show_number: bool) -> dict[str, Any]:
    call = None
    if entry.call_direction is not None:
        call = {
            "number": entry.call_number if show_number else None,
            "direction": entry.call_direction,
            "duration_seconds": entry.call_duration_seconds or 0,
        }
    return {
        "id": entry.id,
        "ticket_id": entry.ticket_id,
        "kind": entry.kind,
        "author_id": entry.author_id,
        "author_name": entry.author_name,
        "body": entry.body,
        "created_at": iso(entry.created_at),
        "call": call,
        "event_code": entry.event_code,
        "data": orjson.loads(entry.data) if entry.data else None,
        "corrects_entry_id": entry.corrects_entry_id,
    }


def customer_json(customer: Customer, *, shown: frozenset[str]) -> dict[str, Any]:
    """`shown`: which contact fields the viewer sees (`sync.visibility`); `contact_hidden` when not all."""
    return {
        "id": customer.id,
        "name": customer.name,
        "tier": customer.tier,
        "email": customer.email if "email" in shown else None,
        "phone": customer.phone if "phone" in shown else None,
        "contact_hidden": shown != CONTACT_FIELDS,
        "account_manager_id": customer.account_manager_id,
        "conduct_flag": customer.conduct_flag,
        "conduct_note": customer.conduct_note,
    }


def ticket_detail(session: Session, viewer: Viewer, ticket: Ticket) -> dict[str, Any]:
    customer = session.get(Customer, ticket.customer_id)
    contact = ticket_contact(session, viewer, ticket, customer)
    detail = orjson.loads(ticket.snapshot)
    detail["customer"] = customer_json(customer, shown=contact.fields)
    # The dispute's other party (tickets.disputes): personal data, so here and never in the snapshot.
    # Not the customer's (nor in the directory): whoever handles the ticket sees it.
    show = contact.handler
    detail["counterparty"] = None if ticket.counterparty_email is None else {
        "role": ticket.counterparty_role,
        "email": ticket.counterparty_email if show else None,
        "contact_hidden": not show,
    }
    entries = session.scalars(
        select(ThreadEntry).where(ThreadEntry.ticket_id == ticket.id).order_by(ThreadEntry.id)
    ).all()
    detail["thread"] = [entry_json(e, show_number=contact.shows_number(viewer, e.author_id)) for e in entries]
    escalations = session.scalars(
        select(Escalation).where(Escalation.ticket_id == ticket.id).order_by(Escalation.id)
    ).all()
    detail["escalations"] = [escalation_json(e) for e in escalations]
    attachments = session.scalars(
        select(Attachment).where(Attachment.ticket_id == ticket.id).order_by(Attachment.id)
    ).all()
    detail["attachments"] = [
        {
            "id": a.id,
            "entry_id": a.entry_id,
            "filename": a.filename,
            "media_type": a.media_type,
            "size": a.size,
            "sha256": a.blob_sha256,
            "created_at": iso(a.created_at),
        }
        for a in attachments
    ]
    return detail
