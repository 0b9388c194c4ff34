"""CSAT surveys: record the customer's answer on the ticket.

The token came with the resolution mail (`feedback.tokens`); the answer is a
change of the ticket like any other, through the write kernel.
"""

from __future__ import annotations

from desk_app.server.core.errors import ApiError
from desk_app.server.feedback.models import SurveyResponse
from desk_app.server.feedback.tokens import find_survey
from desk_app.server.tickets.models import Ticket
from desk_app.server.tickets.write import Ctx, add_system_entry, finish, placement


def submit(ctx: Ctx, token: str, score: int, comment: str | None) -> SurveyResponse:
    """Record the customer's answer once; a thread entry shows it on the ticket.

    Raises ApiError: 404 unknown token, 409 already answered, 410 expired or
    replaced by a newer survey. The change goes to the feed without bumping
    the ticket's version (an agent's pending edit is not in conflict with it).
    """
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
    prev = placement(ticket)
    survey.score = score
    survey.comment = comment
    survey.answered_at = ctx.now
    text = f"Customer satisfaction: {score}/5"
    if comment:
        text += f"\n{comment}"
    entry = add_system_entry(
        ctx, ticket, "csat_received", text, {"score": score, "comment": comment, "agent_id": survey.agent_id}
    )
    survey.entry_id = entry.id
    ctx.session.flush()
    finish(
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
