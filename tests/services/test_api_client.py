"""ApiClient: typed errors from the real store, timeouts, retries only where safe, TLS, no secrets in logs."""

from __future__ import annotations

import http.server
import logging
import socket
import ssl
import subprocess
import threading
import uuid
from contextlib import contextmanager

import pytest

from desk_app.services.api_client import ApiClient, RetryPolicy, Timeouts, normalize_server_url
from desk_app.services.errors import (
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
from store_helpers import PASSWORD, ticket_body

sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


@sqlite_only
def test_the_stores_errors_become_typed_errors(live):
    api = live.api("agent")
    ticket = api.mutate("POST", "/tickets", ticket_body(), idempotency_key=str(uuid.uuid4()))
    tid = ticket["id"]
    with pytest.raises(WrongCredentials) as wrong:
        ApiClient(live.base).login("agent", "not the password")
    assert wrong.value.code == "invalid_credentials" and "Wrong user name or password" in wrong.value.message
    with pytest.raises(AuthExpired):
        ApiClient(live.base, token="desk_forged").me()
    with pytest.raises(NotFound):
        api.ticket(999_999)
    with pytest.raises(ValidationFailed) as invalid:
        api.mutate("POST", f"/tickets/{tid}/entries", {"kind": "internal_note", "body": ""},
                   idempotency_key=str(uuid.uuid4()))
    assert "non-empty body" in invalid.value.message and invalid.value.errors
    with pytest.raises(Forbidden):
        api.mutate("POST", f"/tickets/{tid}/assign", {"assignee_id": live.ids["agent2"]},
                   idempotency_key=str(uuid.uuid4()))
    api.mutate("POST", f"/tickets/{tid}/take", idempotency_key=str(uuid.uuid4()))
    with pytest.raises(Conflict) as taken:
        live.api("agent2").mutate("POST", f"/tickets/{tid}/take", idempotency_key=str(uuid.uuid4()))
    assert taken.value.status == 409 and taken.value.code == "already_assigned" and taken.value.current is None
    with pytest.raises(Conflict) as stale:
        api.mutate("PATCH", f"/tickets/{tid}", {"priority": "urgent"}, idempotency_key=str(uuid.uuid4()), if_match=1)
    assert stale.value.status == 412 and stale.value.current["version"] == 2
    assert stale.value.current["thread"], "the 412 carries the full current ticket"
    for _ in range(5):
        with pytest.raises(WrongCredentials):
            ApiClient(live.base).login("agent2", "guess")
    with pytest.raises(RateLimited) as limited:
        ApiClient(live.base).login("agent2", "guess")
    assert limited.value.status == 429 and limited.value.retry_after > 0


@sqlite_only
def test_login_logout_and_me(live):
    api = ApiClient(live.base)
    result = api.login("agent", PASSWORD)
    assert result.user["username"] == "agent" and api.token == result.token
    assert "desk_" not in repr(api) and "desk_" not in repr(result)
    assert api.me()["id"] == live.ids["agent"]
    api.logout()
    assert api.token is None
    with pytest.raises(AuthExpired):
        ApiClient(live.base, token=result.token).me()  # revoked on the server


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_offline_and_retries_only_where_safe():
    waits = []
    api = ApiClient(f"http://127.0.0.1:{_closed_port()}", token="t",
                    retry=RetryPolicy(attempts=3, base=0.01), sleep=waits.append)
    with pytest.raises(Offline) as refused:
        api.me()
    assert refused.value.code == "connection_refused" and len(waits) == 2  # a GET: retried
    waits.clear()
    with pytest.raises(Offline):
        api.call("POST", "/tickets/1/take")  # a mutation without a key: never repeated
    assert waits == []
    with pytest.raises(Offline):
        api.mutate("POST", "/tickets/1/take", idempotency_key="k-1")  # with a key: safe to repeat
    assert len(waits) == 2
    assert all(0.005 <= w <= 0.02 for w in waits)


@contextmanager
def http_stub(handler_cls):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_a_busy_gateway_is_retried_for_reads():
    """A proxy in front of the store answers 503 twice (restarting), then passes the request."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.headers.get("Authorization"))
            status, body = (503, b"<html>maintenance</html>") if len(hits) < 3 else (200, b'{"id": 1}')
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with http_stub(Handler) as server:
        api = ApiClient(f"http://127.0.0.1:{server.server_port}", token="tok",
                        retry=RetryPolicy(attempts=4, base=0.001))
        assert api.me() == {"id": 1}
        assert hits == ["Bearer tok"] * 3
        hits.clear()
        with pytest.raises(ServerError) as failed:
            ApiClient(f"http://127.0.0.1:{server.server_port}", token="tok", retry=RetryPolicy(attempts=1)).me()
        assert failed.value.code == "not_the_api" and failed.value.status == 503


def test_every_call_has_a_read_timeout():
    accepted = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
        api = ApiClient(f"http://127.0.0.1:{port}", token="t", timeouts=Timeouts(connect=1, read=0.3),
                        retry=RetryPolicy(attempts=1))
        with pytest.raises(Offline) as silent:
            api.me()
        assert silent.value.code == "read_timeout"
        for conn, _ in accepted:
            conn.close()


def test_plain_http_is_only_for_this_computer():
    with pytest.raises(ValueError, match="unencrypted"):
        ApiClient("http://desk.example.com")
    ApiClient("http://localhost:8080")
    ApiClient("http://[::1]:8080")
    assert ApiClient("desk.example.com").base_url == "https://desk.example.com"
    assert normalize_server_url("HTTPS://Desk.Example.com:8443/desk/") == "https://desk.example.com:8443/desk"
    for bad in ("", "ftp://x", "https://u:p@desk.example.com", "https://desk.example.com/?a=1"):
        with pytest.raises(ValueError):
            normalize_server_url(bad)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """A TLS server with a self-signed certificate for 127.0.0.1 (made with the openssl tool)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    done = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"openssl could not make a certificate: {done.stderr[-200:]!r}")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b'{"id": 7, "username": "agent"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with http_stub(Handler) as server:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        yield f"https://127.0.0.1:{server.server_port}", str(cert)


def test_tls_is_verified_and_a_custom_ca_bundle_can_be_trusted(tls_server):
    base, ca_bundle = tls_server
    with pytest.raises(CertificateError) as untrusted:
        ApiClient(base, token="t", retry=RetryPolicy(attempts=1)).me()
    assert "could not be verified" in untrusted.value.message
    assert ApiClient(base, token="t", ca_bundle=ca_bundle).me()["id"] == 7


@sqlite_only
def test_no_token_password_or_personal_data_in_the_logs(live, caplog):
    caplog.set_level(logging.DEBUG)
    api = ApiClient(live.base)
    result = api.login("agent", PASSWORD)
    api.list_tickets(phone="+91 98765 43210", email="asha@example.com")
    with pytest.raises(NotFound):
        api.ticket(424242)
    text = caplog.text
    assert "GET /api/v1/tickets" in text  # the calls are logged ...
    for secret in (result.token, PASSWORD, "98765", "asha@example.com", "Bearer"):
        assert secret not in text  # ... without their secrets or the query string


def test_gc_paused_restores_the_collector_when_the_last_holder_leaves():
    import gc

    from desk_app.services.api_client import gc_paused, parse_json

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # another thread parsing at the same time
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # an application that turned it off itself keeps it off
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    body = b'{"tickets":[' + b",".join(b'{"id":%d,"tags":["a"]}' % i for i in range(60_000)) + b"]}"
    assert len(body) > 1 << 20 and parse_json(body)["tickets"][-1] == {"id": 59_999, "tags": ["a"]}
    assert gc.isenabled()


def test_a_large_body_cut_off_midway_is_fetched_again():
    """A proxy drops the connection in the middle of a bootstrap page once; the page is asked for again."""
    body = b'{"cursor":1,"columns":[],"rows":[]' + b" " * 200_000 + b"}\n"
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if len(hits) == 1:
                self.wfile.write(body[:50_000])  # then the connection goes away
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with http_stub(Handler) as server:
        api = ApiClient(f"http://127.0.0.1:{server.server_port}", token="tok", retry=RetryPolicy(attempts=3, base=0.001))
        assert api.bootstrap_rows(0, 5) == body
        assert len(hits) == 2 and all("format=rows" in h for h in hits)

        hits.clear()
        once = ApiClient(f"http://127.0.0.1:{server.server_port}", token="tok", retry=RetryPolicy(attempts=1))
        with pytest.raises(Offline) as dropped:
            once.bootstrap_rows(0, 5)
        assert dropped.value.code == "connection_failed"
