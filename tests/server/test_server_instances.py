"""Several server instances on one PostgreSQL: changes reach the live clients of every instance."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import orjson
import pytest
from sqlalchemy import text

from store_helpers import API, SseStream, live_server, login, seed_staff_and_queues, ticket_body

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database", ["postgres"], indirect=True),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spawn(url: str, log_path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "DESK_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "desk_app.server.cli", "serve", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return proc, f"http://127.0.0.1:{port}"


def _wait_ready(proc: subprocess.Popen, base: str, log_path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"instance exited: {open(log_path).read()}")
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"instance did not start: {open(log_path).read()}")


def _post(base, token, path, body=None):
    r = httpx.post(base + API + path, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code in (200, 201), r.text
    return r.json()


def test_two_instances_deliver_each_others_changes(db, clock, tmp_path):
    from datetime import datetime, timezone

    seed_staff_and_queues(db, datetime.now(timezone.utc))
    a_proc, a = _spawn(db.url, tmp_path / "a.log")
    b_proc, b = _spawn(db.url, tmp_path / "b.log")
    streams = []
    try:
        _wait_ready(a_proc, a, tmp_path / "a.log")
        _wait_ready(b_proc, b, tmp_path / "b.log")
        token_a = login(httpx.Client(base_url=a), "agent")
        token_b = login(httpx.Client(base_url=b), "agent2")  # the session works on either instance
        on_b = SseStream(b + "/events", token_b)
        on_a = SseStream(a + "/events", token_a)
        streams += [on_a, on_b]
        time.sleep(0.3)  # let both streams reach their wait
        t = _post(a, token_a, "/tickets", ticket_body())
        event = on_b.next(timeout=10)
        assert event["event"] == "change" and event["id"] == "1"
        assert orjson.loads(event["data"])["data"]["ticket"]["id"] == t["id"]
        _post(b, token_b, f"/tickets/{t['id']}/entries", {"kind": "internal_note", "body": "from B"})
        for stream in (on_a, on_b):
            got = stream.next(timeout=10)
            if got["id"] == "1":  # A's own stream also saw the creation
                got = stream.next(timeout=10)
            assert got["id"] == "2" and orjson.loads(got["data"])["data"]["entry"]["body"] == "from B"
    finally:
        for stream in streams:
            stream.close()
        for proc in (a_proc, b_proc):
            proc.terminate()
        for proc in (a_proc, b_proc):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_listener_reconnects_and_catches_up(db, clock, settings, policies):
    """Kill the LISTEN connection; a change committed meanwhile still reaches the stream."""
    from desk_app.server.app import create_app

    ids = seed_staff_and_queues(db, clock.now())
    reader_app = create_app(settings, database=db, clock=clock, policies=policies, listen=True)
    # A separate "instance" that writes (its own notifier, no listener): only NOTIFY links them.
    from desk_app.server.core.db import Database

    writer_db = Database(db.url)
    writer_app = create_app(settings, database=writer_db, clock=clock, policies=policies, listen=False)
    try:
        with live_server(reader_app) as reader_base, live_server(writer_app) as writer_base:
            listener = reader_app.state.pg_listener
            assert listener.connected.wait(10)
            token = login(httpx.Client(base_url=writer_base), "agent")
            stream = SseStream(reader_base + "/events", token)
            try:
                time.sleep(0.2)
                _post(writer_base, token, "/tickets", ticket_body())
                assert stream.next(timeout=10)["id"] == "1"
                with db.engine.connect() as conn:
                    killed = conn.execute(
                        text(
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND application_name = 'desk-change-listener'"
                        )
                    ).scalar()
                assert killed == 1
                _post(writer_base, token, "/tickets", ticket_body(subject="While the listener was away"))
                event = stream.next(timeout=15)
                assert event["id"] == "2"
                assert orjson.loads(event["data"])["data"]["ticket"]["subject"] == "While the listener was away"
                assert listener.connected.wait(10)
            finally:
                stream.close()
    finally:
        writer_db.dispose()
    assert ids
