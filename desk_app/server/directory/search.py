"""Finding a customer while they are on the phone: by phone, e-mail, order id or name.

    GET /api/v1/customers?q=+91 98765 43210&limit=8

What is typed decides what is looked for:

* an e-mail address (it has an "@"): the customer with that address;
* a phone number (digits, spaces, "+", "-", ".", brackets; at least
  `MIN_PHONE_DIGITS` digits): customers with that number, written with or
  without its leading "+" (numbers are stored normalised, `normalize_phone`),
  and in the other forms it has in the countries of the policies served
  (`desk_app.core.phone.number_forms`: "0813 1234 5678" finds
  "+6281312345678" under Shopee Indonesia, and the other way round);
  when none has it and it has `MIN_LOCAL_DIGITS` digits or more, customers
  whose number ends with it, or with its national number (a caller shown
  without the country code);
  an all-digit text is tried as an order id too (marketplaces number orders);
* anything else: the customers of tickets with that order id, then customers
  whose name contains the text (any case).

Exact matches (phone, e-mail, order) come first, then name matches in name
order; one result per customer, at most `limit`. Phone, e-mail and order id
are equality lookups on indexed columns (`ix_customers_phone`,
`ix_customers_email`, `ix_tickets_order_id`); the name match and the
number-ending fallback are bounded scans of the customers table (LIMIT; a
substring or suffix cannot use a b-tree). SQLite's lower() folds ASCII only,
so there a name matches in any case for unaccented letters only.

Who may search: any staff member, for every customer (the directory is not
secret: a caller must be found even when none of their tickets is in the
agent's queues). What they see follows `read_customer`: e-mail and phone only
for staff who handle one of the customer's tickets (`sync.visibility.handles_customer`;
a ticket made for the customer by staff who could not see them does not count). An order id matches only
tickets the searcher may see, and each result names the latest ticket the
searcher may see (None when there is none).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk_app.core.phone import national_number, number_forms
from desk_app.server.auth.service import Principal
from desk_app.server.core.validation import normalize_email, normalize_phone
from desk_app.server.directory.models import Customer
from desk_app.server.sync.visibility import CONTACT_FIELDS, NO_CONTACT, Viewer, handles_customer, viewer_for
from desk_app.server.tickets.models import Ticket
from desk_app.server.tickets.serialize import customer_json

__all__ = ["MAX_LIMIT", "MIN_QUERY", "SearchPlan", "plan_search", "search_customers"]

#: Shorter texts match too much to be worth a query.
MIN_QUERY = 3
MAX_LIMIT = 50
MIN_PHONE_DIGITS = 5
MIN_LOCAL_DIGITS = 7
_PHONE = re.compile(r"^\+?[0-9 ().-]+$")


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """What a text is looked up as (pure: tests call it directly)."""

    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    #: Digits a stored number may end with, when no number equals one of `phones`.
    phone_ending: str | None = None
    order_id: str | None = None
    name: str | None = None


def plan_search(text: str, countries: Iterable[str | None] = ()) -> SearchPlan:
    """`countries`: where the policies served have their customers (`Policy.country`)."""
    text = text.strip()
    if "@" in text:
        return SearchPlan(emails=(normalize_email(text),))
    if _PHONE.match(text):
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) >= MIN_PHONE_DIGITS:
            countries = tuple(countries)
            phones = tuple(dict.fromkeys((normalize_phone(text), digits, "+" + digits,
                                          *number_forms(text, countries))))
            ending = None
            if len(digits) >= MIN_LOCAL_DIGITS and not text.startswith("+"):
                # "0813 1234 5678" ends "+6281312345678" without its trunk prefix.
                national = national_number(text, countries) if digits.startswith("0") else None
                ending = national if national and len(national) >= MIN_LOCAL_DIGITS else digits
            return SearchPlan(phones=phones, phone_ending=ending, order_id=text if text.isdigit() else None)
    return SearchPlan(order_id=text, name=text.lower())  # as SQL lower() does


def _latest_visible_ticket(session: Session, viewer: Viewer, customer_id: int) -> dict[str, Any] | None:
    row = session.execute(
        select(Ticket.number, Ticket.policy_key, Ticket.order_id)
        .where(Ticket.customer_id == customer_id, viewer.ticket_filter())
        .order_by(Ticket.id.desc())
        .limit(1)
    ).first()
    return None if row is None else {"number": row.number, "policy": row.policy_key, "order_id": row.order_id}


def search_customers(session: Session, principal: Principal, text: str, limit: int,
                     countries: Iterable[str | None] = ()) -> dict[str, Any]:
    """`{"customers": [...], "truncated": bool}`; each customer as `read_customer` shows it, plus
    `matched_by` (phone / email / order_id / name) and `latest_ticket`. `countries`: those of the
    policies served, where a local phone number is read."""
    plan = plan_search(text, countries)
    viewer = viewer_for(session, principal)
    found: dict[int, tuple[Customer, str]] = {}

    def add(customers, how: str) -> None:
        for customer in customers:
            found.setdefault(customer.id, (customer, how))

    if plan.emails:
        add(session.scalars(select(Customer).where(Customer.email.in_(plan.emails))
                            .order_by(Customer.id).limit(limit + 1)), "email")
    if plan.phones:
        add(session.scalars(select(Customer).where(Customer.phone.in_(plan.phones))
                            .order_by(Customer.id).limit(limit + 1)), "phone")
        if plan.phone_ending and not found:
            add(session.scalars(select(Customer).where(Customer.phone.endswith(plan.phone_ending, autoescape=True))
                                .order_by(Customer.id).limit(limit + 1)), "phone")
    if plan.order_id:
        ordered = (select(Ticket.customer_id).where(Ticket.order_id == plan.order_id, viewer.ticket_filter())
                   .distinct().limit(limit + 1))
        add(session.scalars(select(Customer).where(Customer.id.in_(ordered)).order_by(Customer.id)), "order_id")
    if plan.name and len(found) <= limit:
        # Name order, skipping the customers found already: a bounded scan (see the module's notes).
        add(session.scalars(select(Customer).where(func.lower(Customer.name).contains(plan.name, autoescape=True))
                            .order_by(Customer.name, Customer.id).limit(limit + 1)), "name")
    results = []
    for customer, how in list(found.values())[:limit]:
        item = customer_json(customer, shown=CONTACT_FIELDS if handles_customer(session, viewer, customer)
                             else NO_CONTACT)
        item["matched_by"] = how
        item["latest_ticket"] = _latest_visible_ticket(session, viewer, customer.id)
        results.append(item)
    return {"customers": results, "truncated": len(found) > limit}
