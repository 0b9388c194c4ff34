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


def test_failed_logins_slow_down_per_user_and_address_never_lock(store, client, clock, app, db):
    """Issue 19.6: past the free checks each failure doubles the wait; no 15-minute lock-out."""
    auth = app.state.settings.auth
    for _ in range(auth.max_failures_per_user):
        assert _login(client, "agent", "wrong").status_code == 401
    r = _login(client, "agent")  # the right password waits too, from this address
    assert r.status_code == 429 and r.json()["code"] == "too_many_login_attempts"
    assert int(r.headers["Retry-After"]) == 2
    clock.advance(timedelta(seconds=2))
    assert _login(client, "agent", "wrong").status_code == 401
    r = _login(client, "agent")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) == 4  # doubled
    clock.advance(timedelta(seconds=4))
    assert _login(client, "agent").status_code == 200  # seconds, not 15 minutes
    # Other users are not affected.
    assert _login(client, "manager").status_code == 200
    with db.read() as session:
        assert session.scalar(select(LoginAttempt).where(LoginAttempt.success).limit(1)) is not None


def test_guesses_from_elsewhere_never_hold_the_owner_up(store, client, clock, app, db):
    """The owner at another address, or on a device they logged in on before, logs in at once."""
    from desk_app.server.auth import service
    from desk_app.server.core.errors import ApiError

    auth = app.state.settings.auth
    # The owner has logged in on this device before: the store's client holds its cookie.
    device = service.login(db, auth, username="admin", password=PASSWORD, address="10.0.0.1", now=clock.now())[3]
    for _ in range(auth.max_failures_per_address + 5):  # an attacker at the owner's address, and one elsewhere
        for address in ("10.0.0.1", "203.0.113.9"):
            try:
                service.login(db, auth, username="admin", password="guess", address=address, now=clock.now())
            except ApiError as exc:
                assert exc.status in (401, 429)
    r = _login(client, "admin")
    assert r.status_code == 200, r.text  # another address
    token = service.login(db, auth, username="admin", password=PASSWORD, address="10.0.0.1", now=clock.now(),
                          device=device)[0]
    assert token.startswith("desk_")  # same address, known device


def test_login_cookie_marks_the_device_as_known(store, client, app, clock):
    from desk_app.server.auth import service
    from desk_app.server.core.errors import ApiError

    r = _login(client, "agent")
    assert r.status_code == 200 and r.cookies.get("desk_device")
    for _ in range(app.state.settings.auth.max_failures_per_user + 3):  # guesses from this address, no cookie
        try:
            service.login(app.state.db, app.state.settings.auth, username="agent", password="wrong",
                          address="testclient", now=clock.now(), device="stranger")
        except ApiError as exc:
            assert exc.status in (401, 429)
    assert _login(client, "agent").status_code == 200  # the cookie jar sends the known device's cookie


def test_successful_logins_are_rate_limited_too(store, client, app, clock):
    auth = app.state.settings.auth
    from desk_app.server.auth import service
    from desk_app.server.core.errors import ApiError

    for i in range(auth.max_logins_per_window):
        service.login(app.state.db, auth, username="agent", password=PASSWORD, address=f"10.1.0.{i}",
                      now=clock.now())
    try:
        service.login(app.state.db, auth, username="agent", password=PASSWORD, address="10.2.0.1", now=clock.now())
    except ApiError as exc:
        assert exc.status == 429 and exc.code == "too_many_logins"
    else:
        raise AssertionError("the login past the limit was let through")
    clock.advance(timedelta(minutes=auth.failure_window_minutes, seconds=1))
    assert service.login(app.state.db, auth, username="agent", password=PASSWORD, address="10.2.0.1",
                         now=clock.now())[0]


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
