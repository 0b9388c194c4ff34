"""The phone tools' reads: the policies with a phone line, the caller's number, the customer who
calls (cache lane, then the store on the network lane), and which business hours are open now."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject

from desk_app.core.calendar import NoBusinessTimeError
from desk_app.core.policy import Policy
from desk_app.services.session import DeskSession
from desk_app.ui.ops import CACHE, NETWORK, Op, OpRunner
from desk_app.ui.reference import shipped_policy

__all__ = [
    "HoursState",
    "business_hours_now",
    "find_customers",
    "find_customers_on_server",
    "find_customers_here",
    "read_business_hours",
    "read_caller_number",
    "read_phone_policies",
    "read_served_policies",
    "search_server",
]


@dataclass(frozen=True, slots=True)
class HoursState:
    policy: str  # key
    name: str
    what: str  # "phone" or "support"
    label: str  # the calendar's label ("Phone line (Mon-Fri 10:00-18:00)")
    open: bool
    opens_at: datetime | None  # when closed: the next opening


def _state(policy: Policy, what: str, calendar_key: str, now: datetime) -> HoursState:
    calendar = policy.calendars[calendar_key]
    info = policy.calendar_info.get(calendar_key)
    is_open = calendar.is_open(now)
    opens_at = None
    if not is_open:
        try:
            opens_at = calendar.next_open(now)
        except NoBusinessTimeError:
            opens_at = None
    return HoursState(policy.key, policy.name, what, info.label if info else calendar_key, is_open, opens_at)


def business_hours_now(policies: Iterable[Policy], now: datetime) -> list[HoursState]:
    """For each policy: its phone line (if it has one) and its support calendar, at `now`."""
    states = []
    for policy in policies:
        phone = policy.channels.get("phone")
        if phone is not None:
            states.append(_state(policy, "phone", phone.availability or policy.support_calendar, now))
        states.append(_state(policy, "support", policy.support_calendar, now))
    return states


def find_customers(session: DeskSession, text: str, *, limit: int = 8) -> list[dict[str, Any]]:
    """Customers whose phone, e-mail or order id matches `text`, from the cache (cache lane).

    One result per customer: id, name, tier, phone, email, their latest ticket's number and policy.
    """
    found: dict[int, dict[str, Any]] = {}
    for row in session.cache.search(text, limit=50):
        if row.customer_id is None or row.customer_id in found:
            continue
        contact = session.cache.customer(row.customer_id) or {}
        found[row.customer_id] = {
            "id": row.customer_id,
            "name": contact.get("name") or row.customer_name,
            "tier": row.customer_tier,
            "phone": contact.get("phone"),
            "email": contact.get("email"),
            # The store withholds what this agent may not see (a ticket made for an existing customer).
            "contact_hidden": bool(contact.get("contact_hidden")),
            "last_ticket": row.number,
            "policy": row.policy,
            "order_id": row.order_id,
        }
        if len(found) >= limit:
            break
    return list(found.values())


def search_server(api: Any, text: str, *, limit: int = 8) -> list[dict[str, Any]]:
    """The store's matches for `text` (network lane), in the shape `find_customers` returns."""
    found = []
    for c in api.search_customers(text, limit=limit):
        latest = c.get("latest_ticket") or {}
        found.append({"id": c["id"], "name": c["name"], "tier": c.get("tier"), "phone": c.get("phone"),
                      "email": c.get("email"), "last_ticket": latest.get("number"), "policy": latest.get("policy"),
                      "order_id": latest.get("order_id"), "contact_hidden": bool(c.get("contact_hidden")),
                      "from_server": True})
    return found


def read_caller_number(*, parent: QObject, runner: OpRunner, session: DeskSession,
                       ticket_id: int) -> Op[str | None]:
    """The ticket's customer's phone number, when the cache knows it."""

    def read(_):
        ticket = session.cache.ticket(ticket_id)
        customer = session.cache.customer(ticket["customer_id"]) if ticket and ticket.get("customer_id") else None
        return (customer or {}).get("phone")

    return Op(parent, read, lane=CACHE, label="caller number", runner=runner)


def read_served_policies(*, parent: QObject, runner: OpRunner, session: DeskSession) -> Op[list[Policy]]:
    """The shipped policies of those the desk serves (their calendars)."""

    def read(_):
        keys = [p["key"] for p in session.cache.reference("policies") or ()]
        return [p for p in (shipped_policy(k) for k in keys) if p is not None]

    return Op(parent, read, lane=CACHE, label="policies for business hours", runner=runner)


def read_business_hours(*, parent: QObject, runner: OpRunner, policies: Iterable[Policy],
                        now: datetime) -> Op[list[HoursState]]:
    """`business_hours_now` on a worker (a calendar's first look at a year builds its tables)."""
    policies = list(policies)
    return Op(parent, lambda _: business_hours_now(policies, now), lane=NETWORK, label="business hours",
              runner=runner)


def read_phone_policies(*, parent: QObject, runner: OpRunner, session: DeskSession) -> Op[list[dict[str, Any]]]:
    """The policies served by this desk that have a phone line (the cache's reference data)."""

    def read(_):
        return [p for p in session.cache.reference("policies") or ()
                if any(c["key"] == "phone" for c in p.get("channels", ()))]

    return Op(parent, read, lane=CACHE, label="policies with a phone line", runner=runner)


def find_customers_here(*, parent: QObject, runner: OpRunner, session: DeskSession,
                        text: str) -> Op[list[dict[str, Any]]]:
    """`find_customers` in the cache."""
    return Op(parent, lambda _: find_customers(session, text), lane=CACHE, label="find customer", runner=runner)


def find_customers_on_server(*, parent: QObject, runner: OpRunner, session: DeskSession,
                             text: str) -> Op[list[dict[str, Any]]]:
    """`search_server` at the store."""
    api = session.api
    return Op(parent, lambda _: search_server(api, text), lane=NETWORK, label="find customer on the server",
              runner=runner)
