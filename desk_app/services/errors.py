"""Typed errors of the client services: what went wrong, in terms the UI can act on.

Every error the central store sends has the shape `{"code", "message", ...}`;
`ApiClient` turns a response into one of these classes by status, keeping the
server's `code` and `message` (shown to the agent as they are). Messages never
carry the token or the request body.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base of every error raised by desk_app.services."""


class ApiError(ServiceError):
    """The server answered with an error (or could not be reached: see `Offline`)."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.body = body or {}

    def __str__(self) -> str:
        return self.message


class Offline(ApiError):
    """The server could not be reached: connection refused, timed out, dropped."""


class CertificateError(Offline):
    """TLS failed: the server's certificate is not trusted (or the CA bundle is wrong)."""


class AuthExpired(ApiError):
    """The session token is missing, expired, revoked or unknown: log in again."""


class WrongCredentials(ApiError):
    """Login refused: wrong user name or password, or a disabled account."""


class Forbidden(ApiError):
    """The server understood and refuses: the agent's role may not do this."""


class NotFound(ApiError):
    """No such ticket (or one the agent may no longer see)."""


class Conflict(ApiError):
    """Someone else changed the ticket first.

    412 (`version_conflict`): `current` is the server's ticket as it is now
    (the full detail from the 412 body). 409 (`already_assigned`,
    `already_acknowledged`, ...): the state does not allow it; `current` is None.
    """

    def __init__(self, message: str, *, current: dict[str, Any] | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.current = current


class ValidationFailed(ApiError):
    """The server refused the input (422 and 400); `message` says why, `errors` per field."""

    @property
    def errors(self) -> list[dict[str, str]]:
        return list(self.body.get("errors") or [])


class RateLimited(ApiError):
    """Too many attempts (e.g. failed logins); `retry_after` seconds to wait."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(ApiError):
    """The server failed (5xx) or answered with something that is not the API."""


class CacheError(ServiceError):
    """The local cache cannot be used (a newer schema, a damaged file); says which file and why."""
