"""CSAT survey tokens: a single-use token goes out with the resolution mail.

`issue_survey_token` is called by the notification outbox inside the
transaction that resolves the ticket; the raw token goes into the mail link
(`survey_path(token)` under the server's public URL) and only its SHA-256
digest is stored. `find_survey` finds the survey a token stands for; the
answer is recorded by `feedback.service.submit`.
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
