"""Issue 19 items 1-3, 11, 14: bounded requests, guarded connections, a route-only access log.

Most of these run the app under uvicorn on loopback with the options
`desk-server serve` uses (`serve_options`), and speak HTTP over raw sockets
where the point is what the server does before (or instead of) reading a
request: a client library would not send a lying Content-Length or a 1 MiB
header.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import replace

import pytest
from sqlalchemy import select

from desk_app.server.attachments.upload import MAX_PARTS
from desk_app.server.auth.models import LoginAttempt
from desk_app.server.core.connections import connection_cap, serve_options
from desk_app.server.core.deps import MAX_ADDRESS_CHARS, bounded_address
from desk_app.server.core.limits import LOGIN_BODY_BYTES, SMALL_BODY_BYTES, TEXT_BODY_BYTES
from desk_app.server.core.settings import HttpSettings
from store_helpers import API, PASSWORD

#: Bound on any wait for the server in these tests (they finish in well under a second when it holds).
WAIT = 10


@contextmanager
def guarded_server(app, settings, *, log_level: str = "warning"):
    """`app` under uvicorn with the store's serve options (`settings.http`); yields (host, port)."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level=log_level, lifespan="on",
                            **{**serve_options(settings), "timeout_graceful_shutdown": 1})
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-guarded", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield server.servers[0].sockets[0].getsockname()[:2]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def with_http(settings, **changes):
    return replace(settings, http=replace(settings.http, **changes))


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 response (with Content-Length) from a socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"the server closed the connection after {data[:200]!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def connect(address) -> socket.socket:
    sock = socket.create_connection(address, timeout=WAIT)
    return sock


# -- 1: request bodies ------------------------------------------------------------------


def test_body_limits_follow_each_routes_schema(app):
    guard = next(m for m in app.user_middleware if m.cls.__name__ == "RequestGuard")
    limits = guard.cls(app, **guard.kwargs).limits()
    assert limits[("POST", API + "/auth/login")] == LOGIN_BODY_BYTES
    assert limits[("PUT", API + "/presence")] == SMALL_BODY_BYTES
    assert limits[("POST", API + "/tickets/{ticket_id}/entries")] == TEXT_BODY_BYTES  # a 100,000-character reply
    assert limits[("POST", API + "/intake")] > 20 * 1024 * 1024  # 5 files of 4.5 MiB, and the form


def test_login_announcing_a_terabyte_is_refused_at_once(app, settings, store):
    with guarded_server(app, settings) as address, connect(address) as sock:
        sock.sendall(
            b"POST /api/v1/auth/login HTTP/1.1\r\nHost: desk\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000000000000\r\n\r\n{\"username\": \"agent\""
        )
        status, headers, body = read_response(sock)  # without the guard: waits for the terabyte
        assert status == 413
        assert b'"request_too_large"' in body and b"8,192 bytes" in body
        assert headers["connection"] == "close"


def test_streamed_login_body_is_cut_off_at_the_limit(app, settings, store):
    with guarded_server(app, settings) as address, connect(address) as sock:
        sock.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: desk\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        piece = b" " * 16384
        sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))  # no length announced, and no end yet
        status, headers, body = read_response(sock)  # without the guard: waits for the end of the body
        assert status == 413 and b'"request_too_large"' in body


def test_long_reply_still_fits(store):
    ticket = store.agent.create_ticket()
    r = store.agent.post(f"/tickets/{ticket['id']}/entries", {"kind": "internal_note", "body": "é" * 90_000},
                         key="long-note")
    assert r.status_code in (200, 201), r.text


# -- 2: connections ---------------------------------------------------------------------


def test_oversized_request_head_is_refused(app, settings, store):
    with guarded_server(app, settings) as address, connect(address) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: desk\r\nX-Big: " + b"a" * (1024 * 1024) + b"\r\n\r\n")
        status, _, body = read_response(sock)  # without the limit: 200 for a 1 MiB header
        assert status == 431 and b"request_header_too_large" in body


def test_idle_and_slow_connections_are_closed(app, settings, store):
    fast = with_http(settings, header_timeout_seconds=0.3)
    with guarded_server(app, fast) as address, connect(address) as idle, connect(address) as slow:
        slow.sendall(b"GET /healthz HTTP/1.1\r\n")
        for _ in range(3):  # a slowloris keeps trickling header lines
            slow.sendall(b"X-Slow: 1\r\n")
        status, _, _ = read_response(idle)  # without the deadline: recv times out after WAIT
        assert status == 408
        assert read_response(slow)[0] == 408
        # A keep-alive connection that answered a request gets the same deadline for its next one.
        with connect(address) as kept:
            kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: desk\r\n\r\n")
            assert read_response(kept)[0] == 200
            kept.sendall(b"GET /healthz HTTP/1.1\r\n")
            assert read_response(kept)[0] == 408


def test_connections_over_the_cap_are_refused_with_a_log_line(app, settings, store, caplog):
    capped = with_http(settings, max_connections=4, keep_alive_seconds=30)
    caplog.set_level(logging.WARNING, logger="desk.server")
    with guarded_server(app, capped) as address:
        held = [connect(address) for _ in range(4)]
        try:
            for sock in held:  # each one answered: all four are open on the server's side
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: desk\r\n\r\n")
                assert read_response(sock)[0] == 200
            with connect(address) as extra:
                status, _, body = read_response(extra)
                assert status == 503 and b"too_many_connections" in body
            assert "refusing new connections: 4 are open, the cap is 4" in caplog.text
            held[0].close()
            held.pop(0)
            deadline = time.monotonic() + WAIT
            while True:  # the server notices the close; then there is room again
                with connect(address) as again:
                    again.sendall(b"GET /healthz HTTP/1.1\r\nHost: desk\r\n\r\n")
                    if read_response(again)[0] == 200:
                        break
                assert time.monotonic() < deadline
                time.sleep(0.05)
        finally:
            for sock in held:
                sock.close()


def test_connection_cap_stays_below_the_descriptor_limit():
    assert connection_cap(2048, 1024) == 1024 - 128
    assert connection_cap(2048, 1_048_576) == 2048


def test_descriptor_limit_is_raised_at_start():
    script = (
        "import resource\n"
        "from desk_app.server.core.connections import raise_descriptor_limit\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))\n"
        "after, _ = raise_descriptor_limit(target=4096)\n"
        "wanted = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)\n"
        "assert after == wanted == resource.getrlimit(resource.RLIMIT_NOFILE)[0], (after, wanted)\n"
        "print('ok', after)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")


def test_serve_options_trust_no_proxy_and_log_no_queries():
    from desk_app.server.core.settings import DatabaseSettings, Settings, StorageSettings

    plain = Settings(database=DatabaseSettings(url="sqlite:///x"), storage=StorageSettings(data_dir="."))
    options = serve_options(plain, soft_descriptors=1024)
    assert options["proxy_headers"] is False
    assert options["access_log"] is False
    assert options["http"].max_connections == 1024 - 128
    assert options["http"].max_header_bytes == HttpSettings().max_header_bytes
    behind = with_http(plain, trusted_proxies=("10.0.0.5",))
    assert serve_options(behind)["proxy_headers"] is True
    assert serve_options(behind)["forwarded_allow_ips"] == ["10.0.0.5"]


# -- 3: multipart parts -----------------------------------------------------------------


def test_multipart_parts_are_capped_before_parsing_them_all(client, store):
    parts = 5_000
    empty_file = b'--x\r\nContent-Disposition: form-data; name="attachments"; filename=""\r\n' \
                 b"Content-Type: application/octet-stream\r\n\r\n\r\n"
    body = empty_file * parts + b"--x--\r\n"
    started = time.process_time()
    r = client.post(API + "/intake", content=body, headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413, r.text  # without the cap: every empty part is parsed and dropped
    assert r.json()["code"] == "too_many_parts" and str(MAX_PARTS) in r.json()["message"]
    assert time.process_time() - started < WAIT


# -- 11: the access log -----------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}")


def test_access_log_names_routes_never_queries_paths_or_bodies(app, settings, store):
    import httpx

    collect = _Collect()
    loggers = [logging.getLogger(n) for n in ("uvicorn.access", "uvicorn.error", "desk.access", "desk.server")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(collect)
        lg.setLevel(logging.INFO)
    email, phone, token = "jane.doe@example.com", "+6281234567890", "SurveyTok3n-abcdef123456"
    try:
        with guarded_server(app, settings, log_level="info") as (host, port):
            base = f"http://{host}:{port}{API}"
            with httpx.Client(timeout=WAIT) as http:
                bearer = {"Authorization": f"Bearer {_login(http, base)}"}
                http.get(base + "/customers", params={"q": email}, headers=bearer)
                http.get(base + "/customers", params={"q": phone}, headers=bearer)
                http.post(base + f"/feedback/{token}", json={"score": 5, "comment": email})
                http.post(base + "/auth/login", json={"username": email, "password": phone})
    finally:
        for lg, level in zip(loggers, levels):
            lg.removeHandler(collect)
            lg.setLevel(level)
    text = "\n".join(collect.lines)
    for secret in (email, phone, "6281234567890", token, "jane.doe"):
        assert secret not in text, text
    assert f'"GET {API}/customers" 200' in text
    assert f'"POST {API}/feedback/{{token}}"' in text


def _login(http, base: str) -> str:
    r = http.post(base + "/auth/login", json={"username": "manager", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()["token"]


# -- 14: forwarded addresses ------------------------------------------------------------


def _addresses(db) -> list[str]:
    with db.read() as session:
        return list(session.scalars(select(LoginAttempt.address).order_by(LoginAttempt.id)))


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(app, settings, store, db):
    import httpx

    with guarded_server(app, settings) as (host, port), httpx.Client(timeout=WAIT) as http:
        r = http.post(f"http://{host}:{port}{API}/auth/login", json={"username": "agent", "password": "wrong"},
                      headers={"X-Forwarded-For": "203.0.113.9"})
        assert r.status_code == 401
    assert _addresses(db)[-1] == "127.0.0.1"  # before: 203.0.113.9 (127.0.0.1 was trusted by default)


def test_a_long_spoofed_forwarded_for_is_bounded(app, settings, store, db):
    import httpx

    behind = with_http(settings, trusted_proxies=("127.0.0.1",))
    spoofed = "x" * 5000
    with guarded_server(app, behind) as (host, port), httpx.Client(timeout=WAIT) as http:
        base = f"http://{host}:{port}{API}"
        bad = http.post(base + "/auth/login", json={"username": "agent", "password": "wrong"},
                        headers={"X-Forwarded-For": spoofed})
        good = http.post(base + "/auth/login", json={"username": "agent", "password": PASSWORD},
                         headers={"X-Forwarded-For": "198.51.100.7"})
    assert bad.status_code == 401, bad.text  # before, on PostgreSQL: 500 (the address column holds 64)
    assert good.status_code == 200, good.text
    addresses = _addresses(db)
    assert all(len(a) <= MAX_ADDRESS_CHARS for a in addresses)
    assert "198.51.100.7" in addresses


def test_bounded_address():
    assert bounded_address("::FFFF:10.0.0.1") == "::ffff:a00:1"
    assert bounded_address(None) == "unknown"
    assert len(bounded_address("y" * 10_000)) == MAX_ADDRESS_CHARS
