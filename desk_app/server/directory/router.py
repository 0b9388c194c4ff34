from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from desk_app.server.auth.deps import Admin, Staff
from desk_app.server.auth.models import User
from desk_app.server.auth.mutation import MutationDep
from desk_app.server.core.db import Database
from desk_app.server.core.deps import get_db
from desk_app.server.core.errors import ApiError, ErrorOut, json_response
from desk_app.server.core.validation import MAX_ID, SearchText, normalize_email, normalize_phone
from desk_app.server.directory import search
from desk_app.server.directory.models import Customer, Queue
from desk_app.server.directory.schemas import (
    CustomerCreateIn,
    CustomerSearchOut,
    QueueCreateIn,
    QueueListOut,
    QueueOut,
)
from desk_app.server.sync.visibility import CONTACT_FIELDS, NO_CONTACT, handles_customer, viewer_for
from desk_app.server.tickets.schemas import CustomerOut
from desk_app.server.tickets.serialize import customer_json

router = APIRouter(tags=["directory"])
Db = Annotated[Database, Depends(get_db)]
_ERRORS = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}}


def queue_json(q: Queue) -> dict:
    return {
        "id": q.id,
        "key": q.key,
        "name": q.name,
        "tier": q.tier,
        "private": q.private,
        "policy_key": q.policy_key,
        "description": q.description,
    }


@router.get("/queues", response_model=QueueListOut, responses=_ERRORS)
def list_queues(principal: Staff, db: Db) -> Response:
    """The queues you may see."""
    with db.read() as session:
        viewer = viewer_for(session, principal)
        queues = session.scalars(select(Queue).order_by(Queue.tier, Queue.id)).all()
        return json_response({"queues": [queue_json(q) for q in queues if viewer.can_see_queue(q.id)]})


@router.post("/queues", response_model=QueueOut, status_code=201, responses={**_ERRORS, 409: {"model": ErrorOut}})
def create_queue(body: QueueCreateIn, principal: Admin, m: MutationDep) -> Response:
    def run(session):
        if session.scalar(select(Queue.id).where(Queue.key == body.key)) is not None:
            raise ApiError(409, "queue_key_taken", f"A queue with key {body.key!r} exists already.")
        queue = Queue(**body.model_dump())
        session.add(queue)
        session.flush()
        m.audit(session, "queue.created", "queue", queue.id, None, queue_json(queue))
        return 201, queue_json(queue)

    return m.run(body, run)


@router.get("/customers", response_model=CustomerSearchOut, responses=_ERRORS)
def search_customers(
    principal: Staff,
    db: Db,
    request: Request,
    q: Annotated[SearchText, Query(
        min_length=search.MIN_QUERY,
        description="A phone number, an e-mail address, an order id, or part of a name (at least 3 characters).",
    )],
    limit: Annotated[int, Query(ge=1, le=search.MAX_LIMIT)] = 10,
) -> Response:
    """Customers matching a phone number, e-mail, order id or name: for the agent on a call.

    Exact matches (phone, e-mail, order id of a ticket you may see) first, then
    names containing the text. Every customer may be found; e-mail and phone
    show only for staff who handle one of their tickets, as in `read_customer`.
    """
    if len(q.strip()) < search.MIN_QUERY:
        raise ApiError(422, "query_too_short", f"Type at least {search.MIN_QUERY} characters to search.")
    with db.read() as session:
        countries = sorted({p.country for p in request.app.state.policies.values() if p.country})
        return json_response(search.search_customers(session, principal, q, limit, countries))


@router.get("/customers/{customer_id}", response_model=CustomerOut, responses=_ERRORS)
def read_customer(customer_id: Annotated[int, Path(ge=1, le=MAX_ID)], principal: Staff, db: Db) -> Response:
    """A customer; email and phone only for staff who handle one of their tickets."""
    with db.read() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise ApiError(404, "customer_not_found", f"No customer with id {customer_id}.")
        shown = CONTACT_FIELDS if handles_customer(session, viewer_for(session, principal), customer) else NO_CONTACT
        return json_response(customer_json(customer, shown=shown))


@router.post("/customers", response_model=CustomerOut, status_code=201, responses=_ERRORS)
def create_customer(body: CustomerCreateIn, principal: Staff, m: MutationDep) -> Response:
    def run(session):
        if body.account_manager_id is not None and session.get(User, body.account_manager_id) is None:
            raise ApiError(422, "unknown_user", f"There is no user with id {body.account_manager_id}.")
        customer = Customer(
            name=body.name,
            email=normalize_email(body.email) if body.email else None,
            phone=normalize_phone(body.phone) if body.phone else None,
            tier=body.tier,
            account_manager_id=body.account_manager_id,
            conduct_flag=body.conduct_flag,
            conduct_note=body.conduct_note,
            created_at=m.now,
        )
        session.add(customer)
        session.flush()
        m.audit(session, "customer.created", "customer", customer.id, None, {"name": customer.name})
        return 201, customer_json(customer, shown=CONTACT_FIELDS)

    return m.run(body, run)
