"""Client services: API client, credentials, local cache, sync engine, outbox, presence (no Qt).

The UI wraps one `DeskSession` (session.py); everything it reports arrives
through `session.events` hooks, called on worker threads.

    api_client     ApiClient: timeouts, TLS, safe retries, typed errors (errors.py)
    credentials    CredentialStore: token / remembered password in the OS keychain only
    local_cache    LocalCache: SQLite per server and user; queue queries, threads, search
    outbox_store   the outbox, drafts and rejections in the cache's file
    sync_engine    SyncEngine: bootstrap, catch-up by cursor, live SSE; StatusBoard
    outbox         OutboxWorker: sends recorded changes in order, exactly once
    actions        TicketActions: the agent's changes, optimistic and queued
    presence       PresenceClient: who is on which ticket, who is typing
    session        DeskSession: all of the above for one logged-in agent
"""

from desk_app.services.errors import (
    ApiError,
    AuthExpired,
    CacheError,
    CertificateError,
    Conflict,
    Forbidden,
    NotFound,
    Offline,
    RateLimited,
    ServerError,
    ServiceError,
    ValidationFailed,
    WrongCredentials,
)
from desk_app.services.events import (
    ALL_FIELDS,
    ChangeSet,
    Connection,
    PresenceEntry,
    PresenceSnapshot,
    Rejection,
    ServiceEvents,
    SyncStatus,
)

__all__ = [
    "ALL_FIELDS",
    "ApiError",
    "AuthExpired",
    "CacheError",
    "CertificateError",
    "ChangeSet",
    "Conflict",
    "Connection",
    "Forbidden",
    "NotFound",
    "Offline",
    "PresenceEntry",
    "PresenceSnapshot",
    "RateLimited",
    "Rejection",
    "ServerError",
    "ServiceError",
    "ServiceEvents",
    "SyncStatus",
    "ValidationFailed",
    "WrongCredentials",
]
