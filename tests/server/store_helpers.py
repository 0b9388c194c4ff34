"""Test helpers: staff, queues and a thin API wrapper over a client."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from desk_app.server.auth.models import Role
from desk_app.server.auth.service import create_user
from desk_app.server.core.db import Database
from desk_app.server.directory.models import Queue

PASSWORD = "s3cret-pass"
API = "/api/v1"

STAFF = {
    "agent": Role.AGENT,
    "agent2": Role.AGENT,
    "specialist": Role.SPECIALIST,
    "manager": Role.MANAGER,
    "admin": Role.ADMIN,
}


def seed_staff_and_queues(db: Database, now) -> dict[str, Any]:
    ids: dict[str, Any] = {}
    with db.write() as session:
        for name, role in STAFF.items():
            ids[name] = create_user(
                session, username=name, password=PASSWORD, role=role, now=now, display_name=name.title()
            ).id
        for key, name, tier, private in (
            ("general", "General", 1, False),
            ("specialists", "Specialists", 2, True),
            ("management", "Management", 3, True),
        ):
            queue = Queue(key=key, name=name, tier=tier, private=private, policy_key=None, description="")
            session.add(queue)
            session.flush()
            ids[f"queue:{key}"] = queue.id
    return ids


@dataclass
class As:
    """Requests as one user."""

    client: Any
    token: str
    user_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kw):
        return self.client.get(API + path, headers={**self.headers, **kw.pop("headers", {})}, **kw)

    def post(self, path: str, json: Any = None, *, key: str | None = None, if_match: int | None = None, **kw):
        headers = {**self.headers, **kw.pop("headers", {})}
        if key is not None:
            headers["Idempotency-Key"] = key
        if if_match is not None:
            headers["If-Match"] = str(if_match)
        return self.client.post(API + path, json=json, headers=headers, **kw)

    def patch(self, path: str, json: Any = None, *, key: str | None = None, if_match: int | None = None, **kw):
        headers = {**self.headers, **kw.pop("headers", {})}
        if key is not None:
            headers["Idempotency-Key"] = key
        if if_match is not None:
            headers["If-Match"] = str(if_match)
        return self.client.patch(API + path, json=json, headers=headers, **kw)

    def create_ticket(self, **overrides) -> dict[str, Any]:
        body = ticket_body(**overrides)
        response = self.post("/tickets", body, key=str(uuid.uuid4()))
        assert response.status_code == 201, response.text
        return response.json()


def ticket_body(**overrides) -> dict[str, Any]:
    body: dict[str, Any] = {
        "policy": "shopom",
        "subject": "Parcel has not arrived",
        "category": "order_issues",
        "priority": "normal",
        "channel": "email",
        "customer": {"name": "Asha Rao", "email": "asha@example.com", "phone": "+91 98765 43210"},
        "order_id": "SO-1001",
        "message": {"kind": "customer_message", "body": "My order SO-1001 is a week late."},
    }
    body.update(overrides)
    return body


def login(client, username: str, password: str = PASSWORD) -> str:
    response = client.post(API + "/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["token"]


@dataclass
class Store:
    client: Any
    db: Database
    clock: Any
    ids: dict[str, Any]
    _as: dict[str, As] = field(default_factory=dict)

    @classmethod
    def create(cls, client, db, clock) -> Store:
        return cls(client, db, clock, seed_staff_and_queues(db, clock.now()))

    def as_(self, username: str) -> As:
        if username not in self._as:
            self._as[username] = As(self.client, login(self.client, username), self.ids[username])
        return self._as[username]

    def __getattr__(self, name: str) -> As:
        if name in STAFF:
            return self.as_(name)
        raise AttributeError(name)


# -- a real server on loopback, and an SSE reader -----------------------------------------

import queue as _queue
import threading as _threading
import time as _time
from contextlib import contextmanager as _contextmanager


@_contextmanager
def live_server(app):
    """Run `app` under uvicorn on a free loopback port in a thread; yields the base URL."""
    import uvicorn

    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", lifespan="on", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = _threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = _time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or _time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        _time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def machines_racing(app, token: str, paths: list[str], machines: int) -> list[list[bool]]:
    """`machines` apps of one user POST each path at the same moment (a barrier per path).

    Each sends `{"client_id": "machine-N"}` with its own Idempotency-Key; returns,
    per path, every machine's `first`.
    """
    import httpx

    answers: list[list[bool]] = [[] for _ in paths]
    errors: list[BaseException] = []
    lock = _threading.Lock()
    with live_server(app) as base:
        barrier = _threading.Barrier(machines)

        def machine(index: int):
            try:
                with httpx.Client(base_url=base + API, timeout=30,
                                  headers={"Authorization": f"Bearer {token}"}) as http:
                    for n, path in enumerate(paths):
                        barrier.wait(timeout=30)
                        r = http.post(path, json={"client_id": f"machine-{index}"},
                                      headers={"Idempotency-Key": uuid.uuid4().hex})
                        assert r.status_code == 200, r.text
                        with lock:
                            answers[n].append(r.json()["first"])
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                barrier.abort()

        threads = [_threading.Thread(target=machine, args=(i,)) for i in range(machines)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
    assert not errors, errors
    return answers


class SseStream:
    """Reads a text/event-stream on a thread; `next()` returns parsed events."""

    def __init__(self, url: str, token: str, *, last_event_id: int | None = None, params: dict | None = None):
        import httpx

        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self._client = httpx.Client(timeout=httpx.Timeout(30.0, connect=5.0))
        self._cm = self._client.stream("GET", url, headers=headers, params=params)
        self.response = self._cm.__enter__()
        self.events: _queue.Queue = _queue.Queue()
        self._closed = False
        self._thread = _threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        event: dict = {}
        try:
            for line in self.response.iter_lines():
                if line == "":
                    if "data" in event:  # as in the SSE spec: no data, nothing dispatched
                        event.setdefault("event", "message")
                        event["received"] = _time.perf_counter()
                        self.events.put(event)
                    event = {}
                elif line.startswith(":"):
                    continue
                else:
                    name, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    event[name] = event.get(name, "") + value if name == "data" and name in event else value
        except Exception as exc:  # noqa: BLE001 - closed under us
            if not self._closed:
                self.events.put({"event": "_error", "data": repr(exc)})
        self.events.put({"event": "_end"})

    def next(self, timeout: float = 10.0, *, skip_heartbeats: bool = True) -> dict:
        deadline = _time.monotonic() + timeout
        while True:
            left = deadline - _time.monotonic()
            if left <= 0:
                raise TimeoutError("no SSE event in time")
            event = self.events.get(timeout=left)
            if skip_heartbeats and event.get("event") == "heartbeat":
                continue
            return event

    def close(self):
        self._closed = True
        try:
            self._cm.__exit__(None, None, None)
        finally:
            self._client.close()
