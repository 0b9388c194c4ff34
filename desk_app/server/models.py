"""Every table of the store, imported in one place for Alembic and the tests."""

from desk_app.server.attachments.models import Attachment, Blob
from desk_app.server.audit.models import AuditEntry
from desk_app.server.auth.models import AuthToken, KnownDevice, LoginAttempt, LoginThrottle, User
from desk_app.server.core.db import Base
from desk_app.server.core.models import IdempotencyRecord
from desk_app.server.directory.models import Customer, Queue
from desk_app.server.intake.models import IntakeSubmission, RateCounter
from desk_app.server.feedback.models import SurveyResponse
from desk_app.server.notifications.models import OutboxMessage
from desk_app.server.policies.models import PolicyModeSpan
from desk_app.server.presence.models import Presence
from desk_app.server.reports.models import ClockRun
from desk_app.server.sync.models import Change, Counter
from desk_app.server.tickets.follows import TicketFollow
from desk_app.server.tickets.models import (
    Escalation,
    EscalationDueRecord,
    EscalationNotified,
    ThreadEntry,
    Ticket,
    TicketAction,
    TicketClock,
    TicketHistoryEvent,
)

metadata = Base.metadata

__all__ = [
    "Attachment",
    "AuditEntry",
    "AuthToken",
    "Base",
    "Blob",
    "KnownDevice",
    "LoginThrottle",
    "RateCounter",
    "Change",
    "ClockRun",
    "Counter",
    "Customer",
    "Escalation",
    "EscalationDueRecord",
    "EscalationNotified",
    "IdempotencyRecord",
    "IntakeSubmission",
    "LoginAttempt",
    "OutboxMessage",
    "PolicyModeSpan",
    "Presence",
    "Queue",
    "SurveyResponse",
    "ThreadEntry",
    "Ticket",
    "TicketAction",
    "TicketClock",
    "TicketFollow",
    "TicketHistoryEvent",
    "User",
    "metadata",
]
