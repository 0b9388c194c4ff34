"""The customer's one-question survey: `POST /api/v1/feedback/{token}`, no login.

The token is the credential: single use, expires (`tokens.SURVEY_TTL`),
stored only as a digest.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from desk_app.server.core.errors import ErrorOut
from desk_app.server.feedback import service
from desk_app.server.feedback.schemas import FeedbackIn, FeedbackOut
from desk_app.server.tickets.models import Ticket
from desk_app.server.tickets.write import Ctx

router = APIRouter(prefix="/feedback", tags=["feedback"])

_ERRORS = {
    404: {"model": ErrorOut, "description": "Unknown token."},
    409: {"model": ErrorOut, "description": "Already answered."},
    410: {"model": ErrorOut, "description": "Expired, or replaced by a newer survey."},
    422: {"model": ErrorOut},
}


@router.post("/{token}", response_model=FeedbackOut, responses=_ERRORS)
def submit_feedback(token: str, body: FeedbackIn, request: Request) -> FeedbackOut:
    """Record a customer's satisfaction score (1-5) and optional comment for a resolved ticket."""
    app = request.app
    now = app.state.clock.now()
    with app.state.db.write() as session:
        ctx = Ctx(session=session, now=now, principal=None, policies=app.state.policies, settings=app.state.settings)
        survey = service.submit(ctx, token, body.score, body.comment)
        number = session.get(Ticket, survey.ticket_id).number
    return FeedbackOut(
        ticket_number=number, score=body.score, answered_at=now, message="Thank you for your feedback."
    )
