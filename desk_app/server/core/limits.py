"""Every request's outer guard: a body limit per route, a body timeout, and the access log.

`RequestGuard` is an ASGI middleware that sits in front of the routes:

* It finds the route a request is for (its path template, `/api/v1/tickets/{ticket_id}`)
  before anything reads the body, and bounds the body by the route: a few KB for
  logins and for JSON whose fields are all short, 1 MiB for JSON that carries
  long texts (replies, notes, descriptions), and for multipart uploads the
  largest the policies' attachment limits allow plus the framing. A request
  whose Content-Length is larger is answered 413 at once, without reading a
  byte of it; a body sent without a length (chunked) is counted as it streams
  and answered 413 the moment it passes the limit.
* A body that stops arriving (the next piece takes longer than
  `http.body_timeout_seconds`) is answered 408.
* The access log (`desk.access`) names the route, never the path it was called
  with, the query string or the body: customer e-mails, phone numbers and survey
  tokens travel in those.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
import orjson
from starlette.routing import compile_path

from desk_app.server.core.deps import bounded_address

access_log = logging.getLogger("desk.access")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]

#: Logins (and the other /auth routes): a user name and a password fit many times over.
LOGIN_BODY_BYTES = 8 * 1024
#: JSON whose fields are all short (ids, keys, names, short reasons).
SMALL_BODY_BYTES = 16 * 1024
#: JSON that carries long text: 100,000 characters of a reply or note, JSON-escaped.
TEXT_BODY_BYTES = 1024 * 1024
#: A string field this long or longer (or unbounded) makes a body "long text".
LONG_TEXT_CHARS = 10_000
#: Where the matched route's template is left in the scope (for logs and error handlers).
ROUTE_KEY = "desk.route"
UNMATCHED = "<no route>"


def route_of(scope: Scope) -> str:
    """The path template of the request's route (never the path itself: it may carry personal data)."""
    return scope.get(ROUTE_KEY) or UNMATCHED


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema


def _carries_long_text(schema: dict[str, Any], components: dict[str, Any], seen: set[str] | None = None) -> bool:
    """Whether a JSON schema admits a long string (or an unbounded list) anywhere."""
    seen = seen if seen is not None else set()
    ref = schema.get("$ref")
    if ref:
        if ref in seen:
            return False
        seen.add(ref)
    schema = _resolve(schema, components)
    kind = schema.get("type")
    if kind == "string" and schema.get("format") not in ("date-time", "date", "email", "uuid"):
        if schema.get("enum") is None and int(schema.get("maxLength", LONG_TEXT_CHARS)) >= LONG_TEXT_CHARS:
            return True
    if kind == "array":
        if "maxItems" not in schema:
            return True
        if _carries_long_text(schema.get("items", {}), components, seen):
            return True
    if kind == "object" and schema.get("additionalProperties") not in (None, False):
        return True
    for key in ("anyOf", "oneOf", "allOf"):
        if any(_carries_long_text(s, components, seen) for s in schema.get(key, ())):
            return True
    return any(_carries_long_text(s, components, seen) for s in schema.get("properties", {}).values())


def body_limits(app: Any, upload_bytes: int) -> dict[tuple[str, str], int]:
    """(METHOD, path template) -> the largest body accepted, from the app's own request schemas."""
    document = app.openapi()
    components = document.get("components", {}).get("schemas", {})
    limits: dict[tuple[str, str], int] = {}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            if "/auth/" in path:
                limit = LOGIN_BODY_BYTES
            elif "multipart/form-data" in content:
                limit = upload_bytes
            elif any(_carries_long_text(c.get("schema", {}), components) for c in content.values()):
                limit = TEXT_BODY_BYTES
            else:
                limit = SMALL_BODY_BYTES
            limits[(method.upper(), path)] = limit
    return limits


class RequestGuard:
    """The ASGI middleware described in the module docstring."""

    def __init__(
        self,
        app: Callable[[Scope, Any, Any], Awaitable[None]],
        *,
        fastapi_app: Any,
        upload_bytes: Callable[[], int],
        body_timeout_seconds: float,
    ) -> None:
        self.app = app
        self._fastapi = fastapi_app
        self._upload_bytes = upload_bytes
        self.body_timeout_seconds = body_timeout_seconds
        self._limits: dict[tuple[str, str], int] | None = None
        self._compiled: list[tuple[Any, str]] | None = None

    def limits(self) -> dict[tuple[str, str], int]:
        if self._limits is None:
            self._limits = body_limits(self._fastapi, self._upload_bytes())
        return self._limits

    def _templates(self) -> list[tuple[Any, str]]:
        if self._compiled is None:
            # Every documented route, and the undocumented ones the app serves at its top level.
            paths = set(self._fastapi.openapi().get("paths", {}))
            paths |= {r.path for r in self._fastapi.router.routes if isinstance(getattr(r, "path", None), str)}
            # Literal segments before parameters, so /tickets/search wins over /tickets/{ticket_id}.
            ordered = sorted(paths, key=lambda p: [(seg.startswith("{"), seg) for seg in p.split("/")])
            self._compiled = [(compile_path(p)[0], p) for p in ordered]
        return self._compiled

    def _route(self, scope: Scope) -> str | None:
        path = scope.get("path", "")
        for regex, template in self._templates():
            if regex.match(path):
                return template
        return None

    def limit_for(self, method: str, route: str | None) -> int:
        if route is None:
            return SMALL_BODY_BYTES
        return self.limits().get((method, route), SMALL_BODY_BYTES)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        route = self._route(scope)
        scope[ROUTE_KEY] = route
        limit = self.limit_for(scope["method"], route)
        status = 0
        answered = False  # this guard answered (413/408): the app's own answer is dropped

        async def send_error(code: int, error: str, message: str) -> None:
            nonlocal answered, status
            answered = True
            status = code
            body = orjson.dumps({"code": error, "message": message})
            await send({
                "type": "http.response.start",
                "status": code,
                # The rest of the body is never read: the connection cannot carry another request.
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")],
            })
            await send({"type": "http.response.body", "body": body})

        def too_large() -> str:
            return f"The request body is larger than {limit:,} bytes, the most this endpoint accepts."

        declared = _content_length(scope)
        if declared is not None and (declared < 0 or declared > limit):
            await send_error(413, "request_too_large", too_large())
            self._log(scope, route, status, started)
            return

        received = 0
        body_done = False

        async def guarded_receive() -> Message:
            nonlocal received, body_done
            if answered:
                return {"type": "http.disconnect"}
            if body_done:
                return await receive()  # after the body: only a disconnect can come (streams wait for it)
            try:
                with anyio.fail_after(self.body_timeout_seconds):
                    message = await receive()
            except TimeoutError:
                await send_error(408, "request_timeout",
                                 f"The request body stopped arriving for {self.body_timeout_seconds:g} s.")
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    await send_error(413, "request_too_large", too_large())
                    return {"type": "http.disconnect"}
                if not message.get("more_body", False):
                    body_done = True
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal status
            if answered:
                return
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        except Exception:
            if not answered:
                raise
            # The app failed on the body this guard cut off (a disconnect); the answer is already out.
        finally:
            self._log(scope, route, status, started)

    @staticmethod
    def _log(scope: Scope, route: str | None, status: int, started: float) -> None:
        if not access_log.isEnabledFor(logging.INFO):
            return
        client = scope.get("client")
        access_log.info(
            '%s - "%s %s" %d %.1fms',
            bounded_address(client[0] if client else None),
            scope["method"],
            route or UNMATCHED,
            status,
            (time.perf_counter() - started) * 1000,
        )


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
    return None
