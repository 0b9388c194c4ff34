"""Credentials: the OS keychain only; plain-text and fail-over backends are refused."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import keyring
import keyring.backend
import keyring.core
import pytest
from keyring.backends import chainer, fail, null
from keyrings.alt.file import PlaintextKeyring

from desk_app.services.credentials import CredentialStore, backend_problem, is_secure_backend
from desk_app.services.session import DeskSession, LoginRequired
from service_helpers import MemoryKeyring, wait_until
from store_helpers import PASSWORD

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SERVER = "https://desk.example.com"

sqlite_only = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def test_token_and_only_if_remembered_the_password(memory_keyring):
    store = CredentialStore()
    assert store.available and store.notice() is None
    assert store.save(SERVER, "Asha", token="tok-1", expires_at=NOW + timedelta(hours=12))
    stored = store.load(SERVER + "/", "asha")
    assert (stored.token, stored.password, stored.remembered) == ("tok-1", None, False)
    assert stored.token_usable(NOW) and not stored.token_usable(NOW + timedelta(hours=13))
    assert "tok-1" not in repr(stored)
    assert list(memory_keyring.store) == [("desk-app:https://desk.example.com", "asha")]

    store.save(SERVER, "asha", token="tok-2", expires_at=None, password="s3cret")  # "remember me"
    assert store.load(SERVER, "asha").password == "s3cret"
    store.forget_token(SERVER, "asha")  # logged out, password kept for next time
    kept = store.load(SERVER, "asha")
    assert kept.token is None and kept.password == "s3cret" and not kept.token_usable(NOW)
    store.save(SERVER, "asha", token="tok-3", expires_at=None)  # "remember me" unticked: password dropped
    assert store.load(SERVER, "asha").password is None
    assert store.load("https://other.example.com", "asha") is None
    store.forget(SERVER, "asha")
    store.forget(SERVER, "asha")  # forgetting twice is fine
    assert store.load(SERVER, "asha") is None and memory_keyring.store == {}


class BrokenPriority(keyring.backend.KeyringBackend):
    @keyring.backend.properties.classproperty
    def priority(cls):
        raise RuntimeError("dbus is not running")

    def get_password(self, service, username):  # pragma: no cover - never used
        return None

    def set_password(self, service, username, password):  # pragma: no cover
        pass

    def delete_password(self, service, username):  # pragma: no cover
        pass


def test_insecure_backends_are_refused(monkeypatch):
    assert is_secure_backend(MemoryKeyring())
    for backend in (fail.Keyring(), null.Keyring(), PlaintextKeyring(), BrokenPriority()):
        assert not is_secure_backend(backend), backend
    assert "keeps secrets in a file" in backend_problem(PlaintextKeyring())
    assert "no keychain was found" in backend_problem(null.Keyring())
    # A chain is only as safe as its weakest member.
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [MemoryKeyring(), PlaintextKeyring()])
    assert not is_secure_backend(chainer.ChainerBackend())
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [MemoryKeyring(), MemoryKeyring()])
    assert is_secure_backend(chainer.ChainerBackend())
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [])
    assert not is_secure_backend(chainer.ChainerBackend())


def test_keyrings_own_selection_on_a_machine_without_a_keychain_is_refused(monkeypatch, tmp_path):
    """No Secret Service / Keychain / Credential Locker: keyring picks a plain-text file; we refuse it."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [fail.Keyring(), PlaintextKeyring()])
    previous = keyring.get_keyring()
    try:
        keyring.core.init_backend()
        chosen = keyring.get_keyring()
        assert isinstance(chosen, PlaintextKeyring), chosen  # what keyring itself would use
        store = CredentialStore()
        assert not store.available
        notice = store.notice()
        assert "No secure keychain" in notice and "password at each start" in notice
        assert store.notice() is None  # said once
        assert not store.save(SERVER, "asha", token="tok", expires_at=None, password="s3cret")
        assert store.load(SERVER, "asha") is None
        assert not list((tmp_path / "xdg").rglob("*")) or not any(
            b"s3cret" in p.read_bytes() for p in (tmp_path / "xdg").rglob("*") if p.is_file())
        # The same when the environment names the plain-text backend explicitly.
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
        keyring.core.init_backend()
        assert not CredentialStore().available
    finally:
        keyring.set_keyring(previous)


@sqlite_only
def test_remembered_login_resumes_offline_and_nothing_secret_is_on_disk(live, memory_keyring, tmp_path):
    store = CredentialStore()
    data_dir = tmp_path / "desk"
    ticket = live.create_ticket("agent", subject="Visible offline")
    first = DeskSession.login(live.base, "agent", PASSWORD, remember=True, credentials=store, data_dir=data_dir,
                              stream_timeout=2.0, backoff_base=0.05)
    first.start()
    wait_until(lambda: first.cache.ticket(ticket["id"]), message="synced")
    token = first.api.token
    first.stop()
    for path in data_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert token.encode() not in content and PASSWORD.encode() not in content, path

    live.server.stop()  # the next morning, the server is unreachable: work goes on from the cache
    second = DeskSession.resume(live.base, "agent", credentials=store, data_dir=data_dir, now=live.clock.now(),
                                stream_timeout=2.0, backoff_base=0.05)
    try:
        assert second.api.token == token and second.user["username"] == "agent"
        assert second.cache.ticket(ticket["id"])["subject"] == "Visible offline"
        second.start()
        wait_until(lambda: second.status.connection.value == "offline", message="offline")
        second.actions.add_note(ticket["id"], "Written offline after a restart")
        live.server.start()
        assert second.outbox.wait_idle(15)
    finally:
        second.stop()

    # An expired token with a remembered password logs in again; without one, the password is asked for.
    later = NOW + timedelta(days=30)
    third = DeskSession.resume(live.base, "agent", credentials=store, data_dir=data_dir, now=later)
    assert third.api.token != token
    third.stop()
    store.forget_token(live.base, "agent")
    store.save(live.base, "agent", token="desk_old", expires_at=NOW)
    with pytest.raises(LoginRequired):
        DeskSession.resume(live.base, "agent", credentials=store, data_dir=data_dir, now=later)
    with pytest.raises(LoginRequired):
        DeskSession.resume(live.base, "nobody", credentials=store, data_dir=data_dir)
