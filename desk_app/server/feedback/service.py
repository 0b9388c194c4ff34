"""CSAT surveys: issue a single-use token with the resolution mail, record the answer.

`issue_survey_token` is called by the notification outbox (helper N) inside the
transaction that resolves the ticket; the raw token goes into the mail link
(`survey_path(token)` under the server's public URL) and only its SHA-256
digest is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk_app.server.feedback.models import SurveyResponse
from desk_app.server.tickets.models import Ticket

#: How long a customer may answer after the resolution mail.
SURVEY_TTL = timedelta(days=14)
#: Prefix of raw tokens, so a leaked string is recognisable for what it is.
TOKEN_PREFIX = "csat_"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def survey_path(token: str) -> str:
    """The path of the survey endpoint for a token (join it to the public URL)."""
    return f"/api/v1/feedback/{token}"


def issue_survey_token(session: Session, ticket: Ticket, now: datetime, *, ttl: timedelta = SURVEY_TTL) -> str:
    """Create a survey for `ticket`, tied to its current assignee; return the raw token.

    Earlier unanswered surveys of the same ticket are superseded (a ticket
    resolved again after a reopen asks once more, and only the latest link counts).
    """
    if ticket.id is None:
        session.flush()
    session.execute(
        update(SurveyResponse)
        .where(
            SurveyResponse.ticket_id == ticket.id,
            SurveyResponse.answered_at.is_(None),
            SurveyResponse.superseded_at.is_(None),
        )
        .values(superseded_at=now)
    )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        SurveyResponse(
            token_hash=token_digest(token),
            ticket_id=ticket.id,
            agent_id=ticket.assignee_id,
            issued_at=now,
            expires_at=now + ttl,
        )
    )
    session.flush()
    return token


def find_survey(session: Session, token: str, *, for_update: bool = False) -> SurveyResponse | None:
    query = select(SurveyResponse).where(SurveyResponse.token_hash == token_digest(token))
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def submit(ctx, token: str, score: int, comment: str | None) -> SurveyResponse:
    """Record the customer's answer once; a thread entry shows it on the ticket.

    Raises ApiError: 404 unknown token, 409 already answered, 410 expired or
    replaced by a newer survey. The change goes to the feed without bumping
    the ticket's version (an agent's pending edit is not in conflict with it).
    """
    from desk_app.server.core.errors import ApiError
    from desk_app.server.tickets import write as tickets

    survey = find_survey(ctx.session, token, for_update=True)
    if survey is None:
        raise ApiError(404, "survey_not_found", "This survey link is not valid. Please check the link in your email.")
    if survey.answered_at is not None:
        raise ApiError(409, "survey_already_answered", "This survey has already been answered. Thank you!")
    if survey.superseded_at is not None:
        raise ApiError(410, "survey_replaced", "This survey was replaced by a newer one; please use the latest email.")
    if ctx.now >= survey.expires_at:
        raise ApiError(410, "survey_expired", "This survey has expired.")
    ticket = ctx.session.get(Ticket, survey.ticket_id, with_for_update=True)
    prev = tickets.placement(ticket)
    survey.score = score
    survey.comment = comment
    survey.answered_at = ctx.now
    text = f"Customer satisfaction: {score}/5"
    if comment:
        text += f"\n{comment}"
    entry = tickets.add_system_entry(
        ctx, ticket, "csat_received", text, {"score": score, "comment": comment, "agent_id": survey.agent_id}
    )
    survey.entry_id = entry.id
    ctx.session.flush()
    tickets.finish(
        ctx,
        ticket,
        kind="entry.added",
        fields=["thread", "csat"],
        prev=prev,
        audit_action="feedback.received",
        before=None,
        after={"score": score, "survey_id": survey.id},
        entry=entry,
        bump_version=False,
    )
    return survey
