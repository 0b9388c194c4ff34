"""The agent's changes as outbox operations: how each is sent, shown locally and explained.

An operation is plain data (`PendingOp`): its kind, the ticket, the server
version the agent saw (`base_version`), its payload and its idempotency key.
From it follow the HTTP request (`request_for`), the optimistic local edit
(`apply_local`, a pure function of the server's ticket JSON, so the local copy
can always be rebuilt as "server state + pending operations in order"), the
thread entry shown until the server confirms (`local_entry`), and the text the
agent wrote (`written_text`), which is handed back if the server refuses.

Which operations send If-Match (and so fail with a conflict when someone else
changed the ticket since the agent looked): field edits, status changes,
assignment and (de-)escalation. Replies, notes and calls append to the thread
and are never stale; `take` and acknowledging an escalation have their own
server-side check (409 when someone else was first).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum
from typing import Any

from desk_app.core.ticket import EntryKind, status_after_entry


class OpKind(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    ENTRY = "entry"
    STATUS = "status"
    TAKE = "take"
    ASSIGN = "assign"
    ESCALATE = "escalate"
    DEESCALATE = "deescalate"
    ACKNOWLEDGE = "acknowledge"
    # Handling an "escalation due" prompt (the ticket JSON's `escalation_due` record).
    DUE_ESCALATE = "due_escalate"
    DUE_KEEP = "due_keep"
    DUE_ACKNOWLEDGE = "due_acknowledge"
    # A correction of an entry the agent wrote (a new internal note naming it).
    CORRECT = "correct"


#: The kinds that append one thread entry and nothing else (the server answers `{"ticket", "entry"}`).
ENTRY_KINDS = frozenset({OpKind.ENTRY, OpKind.CORRECT})

#: The kinds that answer an escalation-due record, and the endpoint's last path segment.
DUE_KINDS = {OpKind.DUE_ESCALATE: "escalate", OpKind.DUE_KEEP: "keep", OpKind.DUE_ACKNOWLEDGE: "acknowledge"}

IF_MATCH_KINDS = frozenset({OpKind.UPDATE, OpKind.STATUS, OpKind.ASSIGN, OpKind.ESCALATE, OpKind.DEESCALATE,
                            *DUE_KINDS})

#: Fields a ticket update may set (as the server's PATCH accepts them).
UPDATABLE_FIELDS = frozenset({"subject", "category", "priority", "channel", "queue_id", "order_id", "policy"})


@dataclass(frozen=True, slots=True)
class PendingOp:
    id: int
    key: str
    kind: OpKind
    ticket_id: int | None
    base_version: int | None
    payload: dict[str, Any]
    created_at: float
    attempts: int = 0
    last_error: str | None = None

    @property
    def local_id(self) -> int:
        """The id of what this op shows before the server confirms (entry, placeholder ticket)."""
        return -self.id


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat().replace("+00:00", "Z")


def correction_path(ticket_id: int, entry_id: int) -> str:
    """Where the correction of an entry is posted (under /api/v1)."""
    return f"/tickets/{int(ticket_id)}/entries/{int(entry_id)}/corrections"


def request_for(op: PendingOp) -> tuple[str, str, dict[str, Any] | None, int | None]:
    """(method, path under /api/v1, JSON body, If-Match) for an operation."""
    p = op.payload
    tid = op.ticket_id
    if_match = op.base_version if op.kind in IF_MATCH_KINDS else None
    if op.kind is OpKind.CREATE:
        return "POST", "/tickets", p["ticket"], None
    if op.kind is OpKind.UPDATE:
        return "PATCH", f"/tickets/{tid}", p["fields"], if_match
    if op.kind is OpKind.ENTRY:
        return "POST", f"/tickets/{tid}/entries", p["entry"], None
    if op.kind is OpKind.CORRECT:
        return "POST", correction_path(tid, p["entry_id"]), {"body": p["body"]}, None
    if op.kind is OpKind.STATUS:
        body = {"status": p["status"]}
        if p.get("note"):
            body["note"] = p["note"]
        return "POST", f"/tickets/{tid}/status", body, if_match
    if op.kind is OpKind.TAKE:
        return "POST", f"/tickets/{tid}/take", None, None
    if op.kind is OpKind.ASSIGN:
        return "POST", f"/tickets/{tid}/assign", {"assignee_id": p["assignee_id"]}, if_match
    if op.kind in (OpKind.ESCALATE, OpKind.DEESCALATE):
        body = {"reason": p["reason"]}
        if p.get("to_tier") is not None:
            body["to_tier"] = p["to_tier"]
        return "POST", f"/tickets/{tid}/{op.kind.value}", body, if_match
    if op.kind is OpKind.ACKNOWLEDGE:
        return "POST", f"/tickets/{tid}/escalations/{p['escalation_id']}/acknowledge", None, None
    if op.kind in DUE_KINDS:
        path = f"/tickets/{tid}/escalation-due/{p['due_id']}/{DUE_KINDS[op.kind]}"
        body = {"reason": p["reason"]} if op.kind is OpKind.DUE_ESCALATE else (
            {"note": p["note"]} if op.kind is OpKind.DUE_KEEP else None)
        return "POST", path, body, if_match
    raise ValueError(f"unknown operation kind {op.kind!r}")


def apply_local(ticket: dict[str, Any], op: PendingOp, *, user_id: int) -> tuple[dict[str, Any], set[str]]:
    """The ticket as the agent should see it with `op` applied, and the fields it touches.

    The SLA clocks are left as the server computed them: the server is their
    authority and sends them back with its confirmation moments later.
    """
    t = copy.copy(ticket)
    p = op.payload
    fields: set[str] = set()
    if op.kind is OpKind.UPDATE:
        for name, value in p["fields"].items():
            if t.get(name) != value:
                t[name] = value
                fields.add(name)
    elif op.kind is OpKind.ENTRY:
        fields.add("thread")
        kind = p["entry"]["kind"]
        status = t.get("status")
        after_entry = status_after_entry(status, kind)
        if after_entry is not None:
            t["status"] = after_entry.value
            fields.add("status")
    elif op.kind is OpKind.CORRECT:
        fields.add("thread")  # a note: the status stays
    elif op.kind is OpKind.STATUS:
        if t.get("status") != p["status"]:
            t["status"] = p["status"]
            fields |= {"status", "thread"}
    elif op.kind is OpKind.TAKE:
        if t.get("assignee_id") != user_id:
            t["assignee_id"] = user_id
            fields |= {"assignee_id", "thread"}
    elif op.kind is OpKind.ASSIGN:
        if t.get("assignee_id") != p["assignee_id"]:
            t["assignee_id"] = p["assignee_id"]
            fields |= {"assignee_id", "thread"}
    elif op.kind in (OpKind.ESCALATE, OpKind.DEESCALATE):
        step = 1 if op.kind is OpKind.ESCALATE else -1
        target = p.get("to_tier") or int(t.get("tier", 1)) + step
        t["tier"] = target
        t["assignee_id"] = None  # the next tier picks it up from its queue, as the server does
        fields |= {"tier", "assignee_id", "escalation", "thread"}
    elif op.kind is OpKind.ACKNOWLEDGE:
        esc = t.get("escalation")
        if esc and esc.get("id") == p["escalation_id"] and not esc.get("acknowledged"):
            t["escalation"] = {**esc, "acknowledged": True, "acknowledged_by_id": user_id,
                               "acknowledged_at": _iso(op.created_at)}
            fields.add("escalation")
    elif op.kind in DUE_KINDS:
        due = t.get("escalation_due")
        if due and due.get("id") == p["due_id"]:
            # The prompt is handled: it leaves every list at once, whatever the server adds.
            t["escalation_due"] = None
            fields |= {"escalation_due", "thread"}
            if op.kind is OpKind.DUE_ESCALATE:
                t["tier"] = due.get("to_tier") or int(t.get("tier", 1)) + 1
                t["assignee_id"] = None
                fields |= {"tier", "assignee_id", "escalation"}
            elif op.kind is OpKind.DUE_ACKNOWLEDGE:  # the next tier takes it: up, and theirs
                t["tier"] = due.get("to_tier") or int(t.get("tier", 1)) + 1
                t["assignee_id"] = user_id
                fields |= {"tier", "assignee_id", "escalation"}
    return t, fields


def local_entry(op: PendingOp, *, user_id: int, user_name: str) -> dict[str, Any] | None:
    """The thread entry to show until the server confirms, for ops that write one."""
    if op.kind is OpKind.ENTRY:
        entry = op.payload["entry"]
        body, kind, call = entry.get("body", ""), entry["kind"], entry.get("call")
    elif op.kind is OpKind.STATUS and op.payload.get("note"):
        body, kind, call = op.payload["note"], EntryKind.INTERNAL_NOTE.value, None
    elif op.kind is OpKind.DUE_KEEP:
        body, kind, call = op.payload["note"], EntryKind.INTERNAL_NOTE.value, None
    elif op.kind is OpKind.CORRECT:
        body, kind, call = op.payload["body"], EntryKind.INTERNAL_NOTE.value, None
    else:
        return None
    return {
        "id": op.local_id,
        "ticket_id": op.ticket_id,
        "kind": kind,
        "author_id": user_id,
        "author_name": user_name,
        "body": body,
        "created_at": _iso(op.created_at),
        "call": dict(call) if call else None,
        "event_code": None,
        "data": None,
        "corrects_entry_id": op.payload["entry_id"] if op.kind is OpKind.CORRECT else None,
        "pending": True,
    }


def written_text(op: PendingOp) -> tuple[str | None, str | None]:
    """(what the agent wrote, the draft kind to keep it as) for a refused operation.

    Replies, notes and call notes go back into the ticket's draft; reasons and
    status notes are shown in the rejection only (they are not thread drafts).
    """
    p = op.payload
    if op.kind is OpKind.ENTRY:
        entry = p["entry"]
        return (entry.get("body") or None), entry["kind"]
    if op.kind is OpKind.STATUS:
        return p.get("note") or None, None
    if op.kind in (OpKind.ESCALATE, OpKind.DEESCALATE, OpKind.DUE_ESCALATE):
        return p.get("reason"), None
    if op.kind is OpKind.DUE_KEEP:
        return p.get("note"), None
    if op.kind is OpKind.CORRECT:
        # Into the note draft: the agent sees it in the composer and can add it as a note.
        return p.get("body"), EntryKind.INTERNAL_NOTE.value
    if op.kind is OpKind.CREATE:
        message = (p["ticket"].get("message") or {}).get("body")
        return (message or p["ticket"].get("subject")), None
    return None, None


def placeholder_ticket(op: PendingOp, *, user_id: int) -> dict[str, Any]:
    """What a ticket created offline looks like until the server gives it an id and number."""
    body = op.payload["ticket"]
    customer = body.get("customer") or {}
    now = _iso(op.created_at)
    return {
        "id": op.local_id,
        "number": "(not sent yet)",
        "subject": body["subject"],
        "category": body["category"],
        "priority": body["priority"],
        "channel": body["channel"],
        "status": body.get("status", "new"),
        "tier": 1,
        "policy": body["policy"],
        "queue_id": body.get("queue_id"),
        "assignee_id": user_id if body.get("assign_to_me") else None,
        "customer_id": body.get("customer_id"),
        "customer_name": customer.get("name") or op.payload.get("customer_name") or "",
        "customer_tier": customer.get("tier") or op.payload.get("customer_tier") or "standard",
        "order_id": body.get("order_id"),
        "version": 0,
        "created_at": now,
        "updated_at": now,
        "sla": {"rule": None, "computed_at": now, "state": None, "next_clock": None, "due_at": None,
                "next_change_at": None, "clocks": [], "escalation_due": None},
        "escalation": None,
        "pending_create": True,
    }
