"""Issue 19.9: the scheduler purges expired tokens, idempotency keys and login counters."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from desk_app.server.auth.models import AuthToken, LoginAttempt, LoginThrottle
from desk_app.server.core.models import IdempotencyRecord
from store_helpers import API, login, ticket_body


def _count(db, model) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_scheduler_purges_expired_tokens_and_keys_and_keeps_live_ones(store, client, app, db, clock):
    old = login(client, "agent")
    revoked = login(client, "agent2")
    assert client.post(API + "/auth/logout", headers={"Authorization": f"Bearer {revoked}"}).status_code == 204
    store.agent.post("/tickets", ticket_body(), key="first-key")
    client.post(API + "/auth/login", json={"username": "agent", "password": "wrong"})
    assert _count(db, IdempotencyRecord) == 1 and _count(db, LoginThrottle) > 0
    ttl = timedelta(minutes=app.state.settings.auth.token_ttl_minutes)
    clock.advance(ttl + timedelta(days=2))
    fresh = login(client, "manager")
    app.state.scheduler.run_due(clock.now())
    with db.read() as session:
        users = set(session.scalars(select(AuthToken.user_id)).all())
    assert users == {store.ids["manager"]}  # only the fresh session is left
    assert client.get(API + "/auth/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    assert client.get(API + "/auth/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    with db.read() as session:
        assert session.scalars(select(LoginThrottle.updated_at)).all() == [clock.now()] * 2  # the fresh login's
    assert _count(db, IdempotencyRecord) == 1  # a client may still replay it
    clock.advance(timedelta(days=31))
    app.state.scheduler.run_due(clock.now())
    assert _count(db, IdempotencyRecord) == 0 and _count(db, LoginAttempt) == 0
