"""How `desk-server serve` runs uvicorn: connection limits, header limits, timeouts, proxies.

uvicorn's httptools protocol has no bound on the request head and no deadline
for it, so a client could send a header of any size, or open connections and
never send anything until the descriptors ran out (then accept() fails and
nothing is logged). `GuardedHttpToolsProtocol` adds what is missing:

* the request line and headers together at most `http.max_header_bytes`
  (431, connection closed);
* a complete request head within `http.header_timeout_seconds` of the
  connection opening or of the previous response (408, connection closed): an
  idle or slow (slowloris) client cannot hold a descriptor;
* at most `max_connections` open connections: one more is closed at once,
  answered 503, and logged (at most once a second).

`serve_options()` gives uvicorn's arguments; `raise_descriptor_limit()` lifts
the soft RLIMIT_NOFILE to the hard limit where allowed, and the connection
cap is kept below the descriptor limit less a reserve for the database pool,
log files and attachment files.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from desk_app.server.core.settings import Settings

log = logging.getLogger("desk.server")

#: Descriptors kept out of the connection cap: database pool, listening socket, logs, blobs.
DESCRIPTOR_RESERVE = 128
#: The most the soft descriptor limit is raised to (there is no use in more).
DESCRIPTOR_TARGET = 65_536

try:
    import httptools
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - uvicorn without its "standard" extras
    httptools = None
    HttpToolsProtocol = None


def raise_descriptor_limit(target: int = DESCRIPTOR_TARGET) -> tuple[int, int]:
    """Raise the soft RLIMIT_NOFILE towards min(hard, target); returns (soft, hard) after."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return (0, 0)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = target if hard == resource.RLIM_INFINITY else min(hard, target)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError) as exc:
            log.warning("could not raise the open-file limit from %d to %d: %s", soft, wanted, exc)
    return soft, hard


def connection_cap(configured: int, soft_descriptors: int) -> int:
    """The connection cap: the configured one, kept below the descriptor limit less a reserve."""
    if soft_descriptors <= 0:
        return configured
    return max(1, min(configured, soft_descriptors - DESCRIPTOR_RESERVE))


def _status(code: int, reason: str, message: str) -> bytes:
    body = ('{"code": "%s", "message": "%s"}' % (reason, message)).encode()
    return (
        f"HTTP/1.1 {code} {reason.replace('_', ' ').title()}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


if HttpToolsProtocol is not None:

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol with a head size limit, a head deadline and a connection cap."""

        max_header_bytes = 32 * 1024
        header_timeout_seconds = 15.0
        max_connections = 2048
        _last_refusal_log = 0.0  # class-wide: one log line a second at most

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._head_bytes = 0
            self._head_too_large = False
            self._head_deadline: Any = None
            self._refused = False

        # -- connection ---------------------------------------------------------------
        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            if len(self.connections) >= self.max_connections:
                self._refused = True
                self.transport = transport
                now = time.monotonic()
                if now - GuardedHttpToolsProtocol._last_refusal_log >= 1.0:
                    GuardedHttpToolsProtocol._last_refusal_log = now
                    log.warning(
                        "refusing new connections: %d are open, the cap is %d (DESK_HTTP_MAX_CONNECTIONS, "
                        "kept below the open-file limit)", len(self.connections), self.max_connections,
                    )
                transport.write(_status(503, "too_many_connections", "The server has too many open connections."))
                transport.close()
                return
            super().connection_made(transport)
            self._arm_head_deadline()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_head_deadline()
            if self._refused:
                return
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self._refused:
                return
            self._unset_keepalive_if_required()
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserUpgrade:
                if self._should_upgrade():
                    self.handle_websocket_upgrade()
                else:
                    self._unsupported_upgrade_warning()
            except httptools.HttpParserError:
                if self._head_too_large:
                    self.logger.warning("request head over %d bytes refused", self.max_header_bytes)
                    self._close_with(431, "request_header_too_large",
                                     f"The request line and headers exceed {self.max_header_bytes} bytes.")
                    return
                msg = "Invalid HTTP request received."
                self.logger.warning(msg)
                self.send_400_response(msg)

        # -- the request head ---------------------------------------------------------
        def on_message_begin(self) -> None:
            self._head_bytes = 0
            super().on_message_begin()

        def on_url(self, url: bytes) -> None:
            self._count(len(url))
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._count(len(name) + len(value) + 4)
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            self._disarm_head_deadline()
            super().on_headers_complete()

        def _count(self, size: int) -> None:
            self._head_bytes += size
            if self._head_bytes > self.max_header_bytes:
                self._head_too_large = True
                raise ValueError("request head too large")  # httptools turns it into HttpParserCallbackError

        # -- the head deadline --------------------------------------------------------
        def _arm_head_deadline(self) -> None:
            self._disarm_head_deadline()
            self._head_deadline = self.loop.call_later(self.header_timeout_seconds, self._head_timed_out)

        def _disarm_head_deadline(self) -> None:
            if self._head_deadline is not None:
                self._head_deadline.cancel()
                self._head_deadline = None

        def _head_timed_out(self) -> None:
            self._head_deadline = None
            if self.transport.is_closing():
                return
            if self.cycle is not None and not self.cycle.response_complete:
                return  # a request is being answered; its body has its own timeout
            self._close_with(408, "request_timeout",
                             f"No complete request arrived within {self.header_timeout_seconds:g} s.")

        def _close_with(self, code: int, reason: str, message: str) -> None:
            self.transport.write(_status(code, reason, message))
            self.transport.close()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                # Besides uvicorn's keep-alive timer (which ends when bytes arrive): the next
                # request's head must be complete within the deadline too.
                self._arm_head_deadline()

else:  # pragma: no cover
    GuardedHttpToolsProtocol = None


def guarded_protocol(settings: Settings, max_connections: int) -> type | None:
    """A protocol class bound to these settings (None: httptools is missing, use h11's own limit)."""
    if GuardedHttpToolsProtocol is None:
        return None
    http = settings.http
    return type(
        "DeskHttpProtocol",
        (GuardedHttpToolsProtocol,),
        {
            "max_header_bytes": http.max_header_bytes,
            "header_timeout_seconds": http.header_timeout_seconds,
            "max_connections": max_connections,
        },
    )


def serve_options(settings: Settings, *, soft_descriptors: int | None = None) -> dict[str, Any]:
    """uvicorn.Config keyword arguments for the store (the CLI and the tests use the same)."""
    http = settings.http
    if soft_descriptors is None:
        try:
            import resource

            soft_descriptors = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        except ImportError:  # pragma: no cover
            soft_descriptors = 0
    cap = connection_cap(http.max_connections, soft_descriptors)
    protocol = guarded_protocol(settings, cap)
    return {
        "http": protocol if protocol is not None else "h11",
        "h11_max_incomplete_event_size": http.max_header_bytes,
        "timeout_keep_alive": http.keep_alive_seconds,
        "proxy_headers": bool(http.trusted_proxies),
        "forwarded_allow_ips": list(http.trusted_proxies) or [],
        # The store writes its own access log (routes only: desk_app.server.core.limits).
        "access_log": False,
        "timeout_graceful_shutdown": 3,
    }
