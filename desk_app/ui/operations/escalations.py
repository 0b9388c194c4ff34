"""The "Needs attention" list: reading it, remembering what was shown, claiming an item, answering a prompt.

Reads and answers run on the cache lane; the claim at the store ("is this app the first of the user's to
show it?") on the network lane.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import orjson
from PySide6.QtCore import QObject

from desk_app.core.ticket import DONE_STATUSES, OPEN_STATUSES
from desk_app.services.local_cache import QueueQuery
from desk_app.services.session import DeskSession
from desk_app.ui.ops import CACHE, NETWORK, Op, OpRunner
from desk_app.ui.reference import PolicyInfo

__all__ = [
    "CLIENT_KEY",
    "MAX_REMEMBERED",
    "SHOWN_KEY",
    "answer_escalation_due",
    "attention_item",
    "claim_attention_item",
    "keep_ticket_from_prompt",
    "read_attention",
    "read_attention_items",
    "remember_shown_prompts",
    "take_escalated_ticket",
]

SHOWN_KEY = "escalation_prompt:shown"
#: This installation's id in the store's "who popped it up first" claims (one per cache).
CLIENT_KEY = "escalation_prompt:client_id"
MAX_REMEMBERED = 2000


def attention_item(ticket: dict[str, Any], user: dict[str, Any], info: PolicyInfo) -> dict[str, Any] | None:
    """What `ticket` asks of `user` now, if anything (pure: tests call it directly)."""
    if ticket.get("status") in DONE_STATUSES or (ticket.get("id") or 0) <= 0:
        return None
    base = {"ticket_id": ticket["id"], "number": ticket["number"], "subject": ticket["subject"],
            "policy": ticket["policy"], "customer_name": ticket.get("customer_name") or ""}
    due = ticket.get("escalation_due")
    me = user["id"]
    if due and due.get("state", "open") == "open":
        owner = due.get("owner_id") or ticket.get("assignee_id")
        if owner == me or ticket.get("assignee_id") == me:
            return {**base, "key": f"due:{due['id']}", "kind": "due", "due_id": due["id"],
                    "to_tier": due.get("to_tier"), "to_tier_name": due.get("to_tier_name") or info.tier_name(
                        due.get("to_tier")), "can_keep": bool(due.get("can_keep")), "source": due.get("source"),
                    "auto_at": due.get("auto_at")}
    esc = ticket.get("escalation")
    if (esc and esc.get("direction") == "up" and not esc.get("acknowledged") and ticket.get("assignee_id") is None
            and esc.get("to_tier") == ticket.get("tier") and info.tier_role(esc.get("to_tier")) == user.get("role")):
        return {**base, "key": f"esc:{esc['id']}", "kind": "escalated", "escalation_id": esc["id"],
                "to_tier": esc.get("to_tier"), "to_tier_name": info.tier_name(esc.get("to_tier")),
                "reason": esc.get("reason") or ""}
    return None


def read_attention(session: DeskSession, ids: list[int] | None) -> tuple[dict[int, dict | None], set[str] | None, str | None]:
    """On the cache lane: the items of these tickets (all candidates when None), with what was shown
    already and this installation's id (both only when reading all)."""
    user = session.user
    cache = session.cache
    shown = client_id = None
    if ids is None:
        raw = cache.meta(SHOWN_KEY)
        shown = set(orjson.loads(raw)) if raw else set()
        client_id = cache.meta(CLIENT_KEY)
        if not client_id:
            client_id = uuid.uuid4().hex
            cache.set_meta(CLIENT_KEY, client_id)
        wanted = {r.id for r in cache.rows(QueueQuery(statuses=OPEN_STATUSES, assignee_id=user["id"]))}
        if user.get("role") in ("specialist", "manager", "admin"):
            for tier in (2, 3):
                wanted |= {r.id for r in cache.rows(QueueQuery(statuses=OPEN_STATUSES, unassigned=True, tier=tier,
                                                               limit=5000))}
        ids = sorted(wanted)
    tickets = cache.tickets(ids)
    infos: dict[str, PolicyInfo] = {}
    found: dict[int, dict | None] = {}
    for tid in ids:
        ticket = tickets.get(tid)
        if ticket is None:
            found[tid] = None
            continue
        info = infos.get(ticket["policy"]) or infos.setdefault(ticket["policy"], PolicyInfo.of(session,
                                                                                         ticket["policy"]))
        found[tid] = attention_item(ticket, user, info)
    return found, shown, client_id



def read_attention_items(
    *, parent: QObject, runner: OpRunner, session: DeskSession, ticket_ids: list[int] | None,
) -> Op[tuple[dict[int, dict | None], set[str] | None, str | None]]:
    """`read_attention` on the cache lane: every candidate (a scan) when `ticket_ids` is None."""
    label = "escalation scan" if ticket_ids is None else "escalation check"
    return Op(parent, lambda _: read_attention(session, ticket_ids), lane=CACHE, label=label, runner=runner)


def remember_shown_prompts(*, parent: QObject, runner: OpRunner, session: DeskSession,
                           keys: Iterable[str]) -> Op[None]:
    """The keys of the items announced already, kept in the cache's meta table (survives a restart)."""
    keys = list(keys)
    return Op(parent, lambda _: session.cache.set_meta(SHOWN_KEY, orjson.dumps(keys).decode()), lane=CACHE,
              label="remember prompts", runner=runner)


def claim_attention_item(*, parent: QObject, runner: OpRunner, session: DeskSession, item: dict[str, Any],
                         client_id: str | None) -> Op[Any]:
    """Ask the store whether this installation is the first of the user's to show `item` (network lane)."""
    api, tid = session.api, item["ticket_id"]
    if item["kind"] == "due":
        due_id = item["due_id"]

        def ask(_):
            return api.claim_due_notice(tid, due_id, client_id)
    else:
        escalation_id = item["escalation_id"]

        def ask(_):
            return api.claim_escalation_notice(tid, escalation_id, client_id)

    return Op(parent, ask, lane=NETWORK, label="claim escalation prompt", runner=runner)


def _answer(parent: QObject, runner: OpRunner, fn) -> Op[Any]:
    return Op(parent, fn, lane=CACHE, label="answer escalation prompt", runner=runner)


def answer_escalation_due(*, parent: QObject, runner: OpRunner, session: DeskSession, item: dict[str, Any],
                          reason: str) -> Op[Any]:
    """The prompt's "Escalate to <next tier>": send the ticket up, with the reason."""
    actions = session.actions
    return _answer(parent, runner, lambda _: actions.escalate_due(item["ticket_id"], item["due_id"], reason))


def keep_ticket_from_prompt(*, parent: QObject, runner: OpRunner, session: DeskSession, item: dict[str, Any],
                            note: str) -> Op[Any]:
    """The prompt's "Add note and keep": the ticket stays in this tier, with the note."""
    actions = session.actions
    return _answer(parent, runner, lambda _: actions.keep_due(item["ticket_id"], item["due_id"], note))


def take_escalated_ticket(*, parent: QObject, runner: OpRunner, session: DeskSession,
                          item: dict[str, Any]) -> Op[Any]:
    """The prompt's "Take ticket": acknowledged, and theirs (two changes, sent in this order)."""
    actions = session.actions

    def take(_):
        actions.acknowledge_escalation(item["ticket_id"], item["escalation_id"])
        actions.take(item["ticket_id"])

    return _answer(parent, runner, take)
