"""Login, tokens, logout and login rate limiting (time from the injected clock)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from desk_app.server.auth.models import AuthToken, LoginAttempt, User
from store_helpers import API, PASSWORD


def _login(client, username, password=PASSWORD):
    return client.post(API + "/auth/login", json={"username": username, "password": password})


def test_login_returns_expiring_token_and_profile(store, client, clock):
    r = _login(client, "agent")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["user"]["username"] == "agent" and body["user"]["role"] == "agent" and body["user"]["tier"] == 1
    assert body["token_type"] == "bearer"
    me = client.get(API + "/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json()["id"] == store.ids["agent"]


def test_only_token_digest_and_argon2_hash_are_stored(store, client, db):
    token = _login(client, "agent").json()["token"]
    with db.read() as session:
        hashes = session.scalars(select(AuthToken.token_hash)).all()
        user = session.scalar(select(User).where(User.username == "agent"))
    assert token not in hashes and len(hashes) == 1 and len(hashes[0]) == 64
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_wrong_password_and_unknown_user_get_the_same_401(store, client):
    wrong = _login(client, "agent", "nope")
    unknown = _login(client, "nobody", "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"code": "invalid_credentials", "message": "Wrong user name or password."}


def test_token_expires_by_the_injected_clock(store, client, clock, app):
    token = _login(client, "agent").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(API + "/auth/me", headers=headers).status_code == 200
    clock.advance(timedelta(minutes=app.state.settings.auth.token_ttl_minutes) - timedelta(seconds=1))
    assert client.get(API + "/auth/me", headers=headers).status_code == 200
    clock.advance(timedelta(seconds=1))
    r = client.get(API + "/auth/me", headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "token_expired"
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_logout_revokes_and_is_idempotent(store, client):
    token = _login(client, "agent").json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post(API + "/auth/logout", headers=headers).status_code == 204
    r = client.get(API + "/auth/me", headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "token_revoked"
    assert client.post(API + "/auth/logout", headers=headers).status_code == 204
    assert client.post(API + "/auth/logout", headers={"Authorization": "Bearer bogus"}).status_code == 401
    # Another session of the same user is untouched.
    other = _login(client, "agent").json()["token"]
    assert client.get(API + "/auth/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_failed_logins_are_limited_per_user(store, client, clock, app, db):
    limit = app.state.settings.auth.max_failures_per_user
    for _ in range(limit):
        assert _login(client, "agent", "wrong").status_code == 401
    r = _login(client, "agent")  # even the right password is refused while locked
    assert r.status_code == 429 and r.json()["code"] == "too_many_login_attempts"
    assert int(r.headers["Retry-After"]) > 0
    # Other users are not affected.
    assert _login(client, "manager").status_code == 200
    # Once the window has passed, the right password works again.
    clock.advance(timedelta(minutes=app.state.settings.auth.failure_window_minutes, seconds=1))
    assert _login(client, "agent").status_code == 200
    with db.read() as session:
        assert session.scalar(select(LoginAttempt).where(LoginAttempt.success).limit(1)) is not None


def test_a_success_resets_the_per_user_count(store, client, app):
    limit = app.state.settings.auth.max_failures_per_user
    for _ in range(limit - 1):
        _login(client, "agent", "wrong")
    assert _login(client, "agent").status_code == 200
    for _ in range(limit - 1):
        assert _login(client, "agent", "wrong").status_code == 401
    assert _login(client, "agent").status_code == 200


def test_failed_logins_are_limited_per_address(store, client, app):
    limit = app.state.settings.auth.max_failures_per_address
    for i in range(limit):
        assert _login(client, f"guess{i}", "wrong").status_code == 401
    r = _login(client, "manager")
    assert r.status_code == 429 and "address" in r.json()["message"]


def test_rate_limit_is_shared_through_the_database(store, client, app, settings, db, clock, policies):
    """A second app instance on the same database sees the first one's failures."""
    from fastapi.testclient import TestClient

    from desk_app.server.app import create_app

    for _ in range(app.state.settings.auth.max_failures_per_user):
        _login(client, "agent", "wrong")
    other = create_app(settings, database=db, clock=clock, policies=policies, listen=False)
    with TestClient(other) as second:
        assert _login(second, "agent").status_code == 429


def test_malformed_auth_headers_are_401_not_500(store, client):
    for value in ("Bearer", "Basic abc", "Bearer " + "x" * 5000, "Bearer \u00e9\u00e9"):
        try:
            r = client.get(API + "/auth/me", headers={"Authorization": value})
        except UnicodeEncodeError:
            continue  # the HTTP client refuses non-latin-1 headers itself
        assert r.status_code == 401, (value, r.text)
        assert r.json()["code"] in ("not_authenticated", "invalid_token")
