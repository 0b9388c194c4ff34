"""`ApiClient`: the central store's HTTP API over `requests`, with typed errors.

* Every call has a connect and a read timeout; a stalled server never hangs a worker.
* TLS certificates are verified (against a custom CA bundle when one is configured);
  there is no switch to turn verification off. Plain `http://` is accepted only for
  loopback addresses unless explicitly allowed, since the bearer token rides on
  every request.
* Only requests that are safe to repeat are retried, with exponential backoff:
  GETs, and mutations carrying an `Idempotency-Key` (the server replays the first
  response for a repeated key, so a retry can never apply a change twice).
  Connection failures, timeouts and 502/503/504 are retried; nothing else is.
  `nudge()` cuts every wait for a retry short (the server was heard from again).
* Errors become `desk_app.services.errors` classes carrying the server's code and
  message.
* Nothing secret or personal is logged: log lines name the method, the path
  (never the query string, which may hold a phone number or an e-mail address)
  and the status; never headers, bodies or the token.

Thread safety: each thread gets its own `requests.Session` (they share nothing
but the configuration), so one client serves the sync engine, the outbox, the
presence worker and the UI's network lane at once.
"""

from __future__ import annotations

import gc
import ipaddress
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests
import urllib3.exceptions

from desk_app.services.errors import (
    ApiError,
    AuthExpired,
    CertificateError,
    Conflict,
    Forbidden,
    NotFound,
    Offline,
    RateLimited,
    ServerError,
    ValidationFailed,
    WrongCredentials,
)
from desk_app.services.mutations import correction_path

log = logging.getLogger("desk.services.api")


class _RedactQueries(logging.Filter):
    """urllib3 logs each request line at DEBUG; its query string may hold a phone number or e-mail."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, str) and "?" in a for a in record.args):
            record.args = tuple(a.split("?", 1)[0] + "?..." if isinstance(a, str) and "?" in a else a
                                for a in record.args)
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactQueries())

API_PREFIX = "/api/v1"
USER_AGENT = "desk-app/0.1"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How retryable requests are retried: `attempts` tries in all, backoff doubling from `base`."""

    attempts: int = 4
    base: float = 0.25
    cap: float = 8.0
    statuses: frozenset[int] = frozenset({502, 503, 504})

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Seconds to wait after failed try number `attempt` (1-based): full jitter."""
        ceiling = min(self.cap, self.base * (2 ** (attempt - 1)))
        return ceiling * (0.5 + rng() / 2)


NO_RETRY = RetryPolicy(attempts=1)


@dataclass(frozen=True, slots=True)
class Timeouts:
    connect: float = 5.0
    read: float = 30.0

    def pair(self, read: float | None = None) -> tuple[float, float]:
        return (self.connect, self.read if read is None else read)


@dataclass(frozen=True, slots=True)
class LoginResult:
    token: str = field(repr=False)
    expires_at: datetime
    user: dict[str, Any]


_gc_lock = threading.Lock()
_gc_holders = 0
_gc_was_enabled = False

#: Bodies at least this large are parsed with the cyclic garbage collector paused.
LARGE_BODY = 1 << 20


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a block makes many objects that all stay alive.

    Parsing a page of 5,000 tickets makes about a million dicts, lists and
    strings; each 700 of them triggered a collection that walked the young ones
    again (about a third of the parse time, measured). Nothing made here is
    garbage, so nothing is lost by waiting: the collector is back on (if it was
    on) when the last thread inside such a block leaves it. Reference counting
    frees memory as usual meanwhile.
    """
    global _gc_holders, _gc_was_enabled
    with _gc_lock:
        if _gc_holders == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_was_enabled:
                gc.enable()


def parse_json(content: bytes) -> Any:
    """orjson.loads, with the collector paused for a large body (see `gc_paused`)."""
    if len(content) < LARGE_BODY:
        return orjson.loads(content)
    with gc_paused():
        return orjson.loads(content)


def _is_loopback(host: str | None) -> bool:
    if host in (None, ""):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_server_url(url: str) -> str:
    """`https://desk.example.com/` -> `https://desk.example.com`; refuses what is not a server URL."""
    text = (url or "").strip()
    if not text:
        raise ValueError("Enter the server's address, e.g. https://desk.example.com")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not a server address (use https://host[:port])")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{url!r}: give only the scheme, host, port and path of the server")
    netloc = parts.hostname.lower()
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class ApiClient:
    """The store's API for one server; `token` is set by `login` (or by the caller)."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        ca_bundle: str | None = None,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        allow_insecure_http: bool = False,
        sleep: Callable[[float], None] | None = None,
        rng: Callable[[], float] = random.random,
        pool_size: int = 8,
    ) -> None:
        self.base_url = normalize_server_url(base_url)
        parts = urlsplit(self.base_url)
        if parts.scheme == "http" and not _is_loopback(parts.hostname) and not allow_insecure_http:
            raise ValueError(
                f"{self.base_url} is plain HTTP: the password and token would cross the network unencrypted. "
                "Use https:// (plain http is accepted for this computer's own addresses only)."
            )
        self.ca_bundle = ca_bundle
        self.timeouts = timeouts
        self.retry = retry
        self._token = token
        self._closed = threading.Event()
        # Waits between retries end early on close() or nudge(): a generation count under a condition.
        self._retry_waits = threading.Condition()
        self._nudges = 0
        self._waiting = 0
        self._sleep = sleep
        self._rng = rng
        self._pool_size = pool_size
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    def __repr__(self) -> str:  # never the token
        return f"ApiClient({self.base_url!r}, authenticated={self._token is not None})"

    # -- configuration ----------------------------------------------------------------

    @property
    def token(self) -> str | None:
        return self._token

    @token.setter
    def token(self, value: str | None) -> None:
        self._token = value

    @property
    def verify(self) -> bool | str:
        return self.ca_bundle or True

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(pool_connections=2, pool_maxsize=self._pool_size, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
            session.verify = self.verify
            session.trust_env = False  # no proxy or .netrc credentials from the environment
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        """Stop retrying and close every connection (any thread may call it)."""
        self._closed.set()
        self.nudge()
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def nudge(self) -> None:
        """Retry now, whoever waits to: the server answers again (another thread heard from it).

        A worker that sent a change while the server was away may be waiting inside
        `request` before its next try; without this it would sit the wait out.
        """
        with self._retry_waits:
            self._nudges += 1
            self._retry_waits.notify_all()

    @property
    def waiting(self) -> int:
        """Threads waiting before a retry right now (tests, diagnostics)."""
        return self._waiting

    def _wait(self, seconds: float) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
            return
        with self._retry_waits:
            nudges = self._nudges
            self._waiting += 1
            try:
                self._retry_waits.wait_for(lambda: self._nudges != nudges or self._closed.is_set(), seconds)
            finally:
                self._waiting -= 1

    # -- the one place requests are made ----------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
        if_match: int | None = None,
        headers: dict[str, str] | None = None,
        read_timeout: float | None = None,
        stream: bool = False,
        authenticated: bool = True,
        retry: RetryPolicy | None = None,
    ) -> requests.Response:
        """Send a request; return the response when it is a success, raise a typed error otherwise."""
        method = method.upper()
        policy = retry or self.retry
        retryable = method in ("GET", "HEAD") or idempotency_key is not None
        attempts = policy.attempts if retryable else 1
        url = self.base_url + (path if path.startswith("/") else "/" + path)
        send_headers = dict(headers or {})
        if authenticated:
            if not self._token:
                raise AuthExpired("Not logged in.", status=401, code="not_authenticated")
            send_headers["Authorization"] = f"Bearer {self._token}"
        if idempotency_key is not None:
            send_headers["Idempotency-Key"] = idempotency_key
        if if_match is not None:
            send_headers["If-Match"] = str(if_match)
        data = None
        if json is not None:
            data = orjson.dumps(json)
            send_headers["Content-Type"] = "application/json"
        where = path.split("?", 1)[0]
        for attempt in range(1, attempts + 1):
            if self._closed.is_set():
                raise Offline("The connection to the server was closed.", code="closed")
            started = time.perf_counter()
            try:
                response = self._session().request(
                    method,
                    url,
                    params=params,
                    data=data,
                    headers=send_headers,
                    timeout=self.timeouts.pair(read_timeout),
                    stream=stream,
                    allow_redirects=False,
                )
            except requests.exceptions.SSLError as exc:
                raise CertificateError(
                    f"The certificate of {self.base_url} could not be verified ({_reason(exc)}). "
                    "Check the server address, or configure the CA bundle your organisation uses.",
                    code="certificate_error",
                ) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                offline = _offline(self.base_url, exc)
                if attempt >= attempts or self._closed.is_set():
                    log.info("%s %s: %s (try %d of %d)", method, where, offline.code, attempt, attempts)
                    raise offline from None
                self._wait(policy.delay(attempt, self._rng))
                continue
            elapsed = (time.perf_counter() - started) * 1000
            log.debug("%s %s -> %d in %.0f ms", method, where, response.status_code, elapsed)
            if response.status_code < 400 and response.status_code not in (301, 302, 303, 307, 308):
                return response
            if response.status_code in policy.statuses and attempt < attempts:
                response.close()
                self._wait(policy.delay(attempt, self._rng))
                continue
            try:
                raise error_for(response, authenticated=authenticated, base_url=self.base_url)
            finally:
                response.close()
        raise AssertionError("unreachable")  # pragma: no cover

    def download(self, path: str, *, params: dict[str, Any] | None = None) -> bytes:
        """GET a large body under /api/v1 (a bootstrap page: tens of MB) and return it whole.

        Read in one call into urllib3 instead of requests' loop of 10 KB chunks,
        which holds the GIL for a Python step per chunk: for a bootstrap that
        was 0.5 s of CPU taken from the thread writing the previous page
        (bench/README.md, "Client services"). A connection dropped or silent
        mid-body is retried like a failed request.
        """
        attempts = self.retry.attempts
        for attempt in range(1, attempts + 1):
            response = self.request("GET", API_PREFIX + path, params=params, stream=True)
            try:
                return response.raw.read(decode_content=True)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                offline = _offline(self.base_url, exc)
                if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
                    offline = Offline(f"{self.base_url} stopped answering (read timeout).", code="read_timeout")
                if attempt >= attempts or self._closed.is_set():
                    log.info("GET %s: %s while reading the body (try %d of %d)", path, offline.code, attempt, attempts)
                    raise offline from None
                self._wait(self.retry.delay(attempt, self._rng))
            finally:
                response.close()
        raise AssertionError("unreachable")  # pragma: no cover

    def call(self, method: str, path: str, **kw: Any) -> Any:
        """`request` under /api/v1 and return the parsed JSON body (None for 204)."""
        response = self.request(method, API_PREFIX + path, **kw)
        if response.status_code == 204 or not response.content:
            return None
        return self._json(method, path, response.content, response.status_code)

    def _json(self, method: str, path: str, content: bytes, status: int = 200) -> Any:
        try:
            return parse_json(content)
        except orjson.JSONDecodeError:
            raise ServerError(
                f"{self.base_url} answered {method} {path.split('?')[0]} with something that is not JSON.",
                status=status,
                code="not_json",
            ) from None

    # -- authentication ---------------------------------------------------------------

    def login(self, username: str, password: str) -> LoginResult:
        """Exchange a password for a token (sets `self.token`).

        Not retried: login carries no Idempotency-Key (the server never replays
        a response holding a token), and each try counts against the rate limit.
        """
        body = self.call(
            "POST", "/auth/login", json={"username": username, "password": password},
            authenticated=False, retry=NO_RETRY,
        )
        self._token = body["token"]
        return LoginResult(token=body["token"], expires_at=_parse_time(body["expires_at"]), user=body["user"])

    def logout(self) -> None:
        """Revoke the token on the server (idempotent there) and forget it here."""
        try:
            if self._token:
                self.call("POST", "/auth/logout", retry=RetryPolicy(attempts=2))
        except (AuthExpired, Offline):
            pass  # already invalid, or unreachable: the token is dropped locally either way
        finally:
            self._token = None

    def me(self) -> dict[str, Any]:
        return self.call("GET", "/auth/me")

    # -- reading ----------------------------------------------------------------------

    def bootstrap_page(self, after: int, limit: int | None = None) -> dict[str, Any]:
        params = {"after": after}
        if limit:
            params["limit"] = limit
        return self._json("GET", "/sync/bootstrap", self.download("/sync/bootstrap", params=params))

    def bootstrap_rows(self, after: int, limit: int | None = None) -> bytes:
        """A bootstrap page in the `rows` format, unparsed (see `bootstrap_page.parse_rows_page`)."""
        params: dict[str, Any] = {"after": after, "format": "rows"}
        if limit:
            params["limit"] = limit
        return self.download("/sync/bootstrap", params=params)

    def changes(self, since: int, limit: int | None = None) -> dict[str, Any]:
        params = {"since": since}
        if limit:
            params["limit"] = limit
        return self._json("GET", "/sync/changes", self.download("/sync/changes", params=params))

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        """The ticket with its customer, thread, escalations and attachments."""
        return self.call("GET", f"/tickets/{int(ticket_id)}")

    def list_tickets(self, **params: Any) -> dict[str, Any]:
        return self.call("GET", "/tickets", params={k: v for k, v in params.items() if v is not None})

    def queues(self) -> list[dict[str, Any]]:
        return self.call("GET", "/queues")["queues"]

    def policies(self) -> list[dict[str, Any]]:
        return self.call("GET", "/policies")["policies"]

    def users(self) -> list[dict[str, Any]]:
        return self.call("GET", "/users")["users"]

    def report(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        """One manager report (`compliance`, `breaches`, ...; see `services.reports.ReportsClient`)."""
        return self.call("GET", f"/reports/{name}", params=params)

    def open_stream(self, path: str, *, headers: dict[str, str] | None = None,
                    params: dict[str, Any] | None = None, read_timeout: float) -> requests.Response:
        """A Server-Sent Events stream; the read timeout is how long silence is tolerated."""
        return self.request(
            "GET",
            API_PREFIX + path,
            params=params,
            headers={"Accept": "text/event-stream", **(headers or {})},
            read_timeout=read_timeout,
            stream=True,
            retry=NO_RETRY,
        )

    # -- changing ---------------------------------------------------------------------

    def mutate(self, method: str, path: str, body: Any = None, *, idempotency_key: str,
               if_match: int | None = None) -> dict[str, Any] | None:
        """A change with its idempotency key: retried safely, replayed by the server if repeated."""
        return self.call(method, path, json=body, idempotency_key=idempotency_key, if_match=if_match)

    def correct_entry(self, ticket_id: int, entry_id: int, body: str, *, idempotency_key: str) -> dict[str, Any]:
        """Correct an entry this user wrote: `{"ticket", "entry"}`, the entry naming the one it corrects.

        The path is the outbox's (`mutations.request_for` sends queued corrections the same way).
        """
        return self.mutate("POST", correction_path(ticket_id, entry_id), {"body": body},
                           idempotency_key=idempotency_key)

    def claim_due_notice(self, ticket_id: int, due_id: int, client_id: str) -> dict[str, Any]:
        """Ask whether this app is the first of the user's apps to pop up an escalation-due prompt.

        The store's `claim_due_notice` route; `claim_escalation_notice` is the
        other claim, for "a new escalation in your queue".

        `{"first": bool, "notified_at": ...}`; the same `client_id` asking again
        stays first, so the retries the Idempotency-Key allows are harmless.
        Two tries only: the caller shows the prompt anyway when offline.
        """
        return self.call(
            "POST", f"/tickets/{int(ticket_id)}/escalation-due/{int(due_id)}/notify", json={"client_id": client_id},
            idempotency_key=uuid.uuid4().hex,
            retry=RetryPolicy(min(2, self.retry.attempts), self.retry.base, self.retry.cap, self.retry.statuses),
        )

    def claim_escalation_notice(self, ticket_id: int, escalation_id: int, client_id: str) -> dict[str, Any]:
        """Ask whether this app is the first of the user's apps to pop up "a new escalation in your queue".

        The store's `claim_escalation_notice` route (the other claim is
        `claim_due_notice`). `{"first": bool, ...}`; retried under one
        Idempotency-Key, two tries only: the caller shows the prompt anyway when offline.
        """
        return self.call(
            "POST", f"/tickets/{int(ticket_id)}/escalations/{int(escalation_id)}/notify",
            json={"client_id": client_id}, idempotency_key=uuid.uuid4().hex,
            retry=RetryPolicy(min(2, self.retry.attempts), self.retry.base, self.retry.cap, self.retry.statuses),
        )

    def search_customers(self, text: str, *, limit: int = 8) -> list[dict[str, Any]]:
        """The store's customers whose phone, e-mail, name or order id matches `text` (its `customers` list)."""
        answer = self.call("GET", "/customers", params={"q": text, "limit": limit}) or {}
        return list(answer.get("customers", ()))

    def download_attachment(self, attachment_id: int, target: str) -> str:
        """Stream an attachment's bytes into the file `target` (created or truncated) and return `target`."""
        response = self.request("GET", f"{API_PREFIX}/attachments/{int(attachment_id)}", stream=True)
        try:
            with open(target, "wb") as handle:
                handle.writelines(iter_chunks(response))
        finally:
            response.close()
        return target


def _reason(exc: Exception) -> str:
    text = str(exc.__context__ or exc) or type(exc).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "certificate verify failed"
    if "hostname" in text.lower() and "match" in text.lower():
        return "the certificate is for another host name"
    return text.split(":")[-1].strip(" )'\"")[:120] or "TLS error"


def _offline(base_url: str, exc: Exception) -> Offline:
    text = repr(exc)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return Offline(f"{base_url} did not answer in time (connecting).", code="connect_timeout")
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return Offline(f"{base_url} stopped answering (read timeout).", code="read_timeout")
    if "Connection refused" in text or "ConnectionRefused" in text or "Errno 111" in text:
        return Offline(f"{base_url} refused the connection: is the server running?", code="connection_refused")
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return Offline(f"The server name in {base_url} could not be found.", code="unknown_host")
    return Offline(f"The connection to {base_url} failed or was dropped.", code="connection_failed")


def _body(response: requests.Response) -> dict[str, Any] | None:
    try:
        body = orjson.loads(response.content)
    except (orjson.JSONDecodeError, requests.exceptions.RequestException):
        return None
    return body if isinstance(body, dict) else None


def error_for(response: requests.Response, *, authenticated: bool = True, base_url: str = "") -> ApiError:
    """The typed error for an error response."""
    status = response.status_code
    body = _body(response)
    if body is None or "message" not in body:
        if status in (301, 302, 303, 307, 308):
            return ServerError(
                f"{base_url} redirects to {response.headers.get('Location', 'elsewhere')}: "
                "use the final address as the server URL.", status=status, code="redirect")
        return ServerError(
            f"{base_url} answered HTTP {status} with something that is not the Desk API "
            "(a proxy or another service at this address?).", status=status, code="not_the_api")
    message = str(body.get("message"))
    code = body.get("code")
    kw = {"status": status, "code": code, "body": body}
    if status == 401:
        if not authenticated:
            return WrongCredentials(message, **kw)
        return AuthExpired(message, **kw)
    if status == 403:
        return Forbidden(message, **kw)
    if status == 404:
        return NotFound(message, **kw)
    if status == 412:
        return Conflict(message, current=body.get("current"), **kw)
    if status == 409:
        return Conflict(message, current=None, **kw)
    if status in (400, 422, 428):
        return ValidationFailed(message, **kw)
    if status == 429:
        retry_after = body.get("retry_after") or response.headers.get("Retry-After")
        try:
            wait = float(retry_after) if retry_after is not None else None
        except ValueError:
            wait = None
        return RateLimited(message, retry_after=wait, **kw)
    if status >= 500:
        return ServerError(message, **kw)
    return ApiError(message, **kw)


def iter_chunks(response: requests.Response) -> Iterator[bytes]:
    """The raw body as it arrives (each network chunk as soon as it is read)."""
    return response.iter_content(chunk_size=None)
