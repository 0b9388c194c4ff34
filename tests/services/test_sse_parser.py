"""The event-stream parser on its own: line endings split anywhere, comments, ids, multi-line data."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desk_app.services.sse import SseEvent, SseParser

STREAM = (
    b"retry: 1000\r\n\r\n"
    b": a comment\n"
    b"id: 41\nevent: change\ndata: {\"seq\": 41}\n\n"
    b"event: heartbeat\rdata: {}\r\r"
    b"event: presence\r\ndata: line one\r\ndata: line two\r\n\r\n"
    b"data:no space\n\n"
    b"id: 42\nevent: change\ndata: {\"seq\": 42}\n\n"
    b"id\nid: bad\x00id\nevent: change\ndata: x\n\n"
)
EXPECTED = [
    SseEvent("change", '{"seq": 41}', "41"),
    SseEvent("heartbeat", "{}", None),
    SseEvent("presence", "line one\nline two", None),
    SseEvent("message", "no space", None),
    SseEvent("change", '{"seq": 42}', "42"),
    SseEvent("change", "x", ""),
]


def test_parses_the_stores_stream():
    parser = SseParser()
    assert parser.feed(STREAM) == EXPECTED
    assert parser.retry_ms == 1000 and parser.last_event_id == ""


@given(st.lists(st.integers(min_value=1, max_value=len(STREAM) - 1), max_size=12, unique=True))
def test_chunk_boundaries_change_nothing(cuts):
    parser = SseParser()
    events = []
    start = 0
    for cut in sorted(cuts) + [len(STREAM)]:
        events += parser.feed(STREAM[start:cut])
        start = cut
    assert events == EXPECTED


def test_an_unfinished_event_waits_for_its_blank_line():
    parser = SseParser()
    assert parser.feed(b"id: 7\nevent: change\ndata: {}\n") == []
    assert parser.feed(b"\n") == [SseEvent("change", "{}", "7")]
    assert parser.feed(b"event: change\n\n") == []  # no data: nothing dispatched
    assert parser.feed("data: caf\u00e9\n\n".encode()) == [SseEvent("message", "caf\u00e9", None)]
