"""Server-Sent Events over a streaming `requests` response.

`SseParser` follows the WHATWG event-stream rules: lines end in CRLF, LF or CR
(even when a CRLF is split between two network chunks), `:` starts a comment,
`data` lines accumulate, an empty line dispatches the event, a block without
data dispatches nothing. `SseEvent.id` is the `id:` of that very event, or None
when it had none: the store sends its `presence` and `heartbeat` events without
one so that they never move a client's Last-Event-ID.

`EventStream` reads events as chunks arrive and can be aborted from another
thread (`abort()` shuts the socket down, so a reader blocked in `recv` wakes at
once instead of at the next heartbeat).
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import requests

log = logging.getLogger("desk.services.sse")


@dataclass(frozen=True, slots=True)
class SseEvent:
    event: str
    data: str
    id: str | None = None


class SseParser:
    """Incremental: `feed(bytes)` returns the events completed by those bytes."""

    def __init__(self) -> None:
        self._pending = b""
        self._data: list[str] = []
        self._event: str | None = None
        self._id: str | None = None
        #: The stream's last event id (persists across events, as in the spec).
        self.last_event_id: str | None = None
        #: The reconnection time the server asked for, in milliseconds.
        self.retry_ms: int | None = None

    def feed(self, chunk: bytes) -> list[SseEvent]:
        buffer = self._pending + chunk
        events: list[SseEvent] = []
        start = 0
        length = len(buffer)
        while True:
            cr = buffer.find(b"\r", start)
            lf = buffer.find(b"\n", start)
            if cr == -1 and lf == -1:
                break
            if cr != -1 and (lf == -1 or cr < lf):
                if cr + 1 == length:
                    break  # a CR at the very end: the LF of a CRLF may come in the next chunk
                end, after = cr, cr + 2 if buffer[cr + 1 : cr + 2] == b"\n" else cr + 1
            else:
                end, after = lf, lf + 1
            event = self._line(buffer[start:end])
            if event is not None:
                events.append(event)
            start = after
        self._pending = buffer[start:]
        return events

    def _line(self, raw: bytes) -> SseEvent | None:
        if not raw:
            return self._dispatch()
        line = raw.decode("utf-8", errors="replace")
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id = value
                self.last_event_id = value
        elif name == "retry":
            if value.isdigit():
                self.retry_ms = int(value)
        return None

    def _dispatch(self) -> SseEvent | None:
        data, event, event_id = self._data, self._event, self._id
        self._data, self._event, self._id = [], None, None
        if not data:
            return None
        return SseEvent(event=event or "message", data="\n".join(data), id=event_id)


class StreamEnded(Exception):
    """The server closed the stream (or it was aborted)."""


def _socket_of(response: requests.Response) -> socket.socket | None:
    raw = getattr(response, "raw", None)
    conn = getattr(raw, "_connection", None) or getattr(raw, "connection", None)
    sock = getattr(conn, "sock", None)
    if sock is not None:
        return sock
    fp = getattr(raw, "_fp", None)
    inner = getattr(getattr(fp, "fp", None), "raw", None)
    return getattr(inner, "_sock", None)


class EventStream:
    """An open event stream: iterate it for events; `abort()` from any thread ends it."""

    def __init__(self, response: requests.Response) -> None:
        self.response = response
        self.parser = SseParser()
        self._aborted = threading.Event()
        self._socket = _socket_of(response)

    def __iter__(self) -> Iterator[SseEvent]:
        for batch in self.batches():
            yield from batch

    def batches(self) -> Iterator[list[SseEvent]]:
        """The events of each network chunk together (a burst can be applied in one transaction).

        Ends with `StreamEnded` when the server closes the stream or `abort()` is
        called; a dead connection raises requests' read-timeout error.
        """
        try:
            for chunk in self.response.iter_content(chunk_size=None):
                if self._aborted.is_set():
                    break
                events = self.parser.feed(chunk)
                if events:
                    yield events
        except (requests.exceptions.RequestException, OSError, AttributeError, ValueError):
            # AttributeError/ValueError: urllib3 reading from a socket closed under it by abort().
            if self._aborted.is_set():
                raise StreamEnded("aborted") from None
            raise
        finally:
            self.response.close()
        raise StreamEnded("aborted" if self._aborted.is_set() else "the server closed the stream")

    @property
    def aborted(self) -> bool:
        return self._aborted.is_set()

    def abort(self) -> None:
        self._aborted.set()
        sock = self._socket
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        try:
            self.response.close()
        except Exception:  # noqa: BLE001 - closing from another thread may race the reader
            log.debug("closing an aborted stream raised", exc_info=True)
