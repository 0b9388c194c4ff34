"""The login dialog against a real store: a good password, a wrong one, no server, a TLS failure."""

from __future__ import annotations

import socket

import keyring
import pytest
from window_helpers import *  # noqa: F403
from window_helpers import WAIT_MS

from desk_app.services.credentials import CredentialStore
from desk_app.ui.login_dialog import LoginDialog
from desk_app.ui.settings import Keys


@pytest.fixture
def memory_keychain():
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    class MemoryKeyring(KeyringBackend):
        priority = 5

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            if (service, username) not in self.store:
                raise PasswordDeleteError("not found")
            del self.store[(service, username)]

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def _dialog(qtbot, runner, settings, tmp_path, credentials=None) -> LoginDialog:
    dialog = LoginDialog(runner, settings, credentials=credentials,
                         session_options={"data_dir": tmp_path / "client"})
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(dialog: LoginDialog, server: str, user: str, password: str, remember: bool = False) -> None:
    dialog.server_edit.setText(server)
    dialog.user_edit.setText(user)
    dialog.password_edit.setText(password)
    dialog.remember_box.setChecked(remember)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_good_password_logs_in_and_remembers_in_the_keychain(qtbot, ui_store, runner, ui_settings, tmp_path,
                                                              memory_keychain):
    credentials = CredentialStore(memory_keychain)
    dialog = _dialog(qtbot, runner, ui_settings, tmp_path, credentials)
    assert dialog.remember_box.isEnabled()
    _fill(dialog, ui_store.url, "agent", "demo", remember=True)
    with qtbot.waitSignal(dialog.logged_in, timeout=WAIT_MS) as blocker:
        dialog.login_button.click()
    session = blocker.args[0]
    try:
        assert session.user["username"] == "agent"
        assert dialog.result() == LoginDialog.DialogCode.Accepted
        # Not secrets: the server and user name go to the settings ...
        assert ui_settings.get(Keys.SERVER_URL) == ui_store.url
        assert ui_settings.get(Keys.USERNAME) == "agent"
        assert ui_settings.get(Keys.REMEMBER) is True
        # ... the password only to the keychain.
        stored = credentials.load(ui_store.url, "agent")
        assert stored is not None and stored.password == "demo" and stored.token
        ui_settings.sync()
        saved = open(ui_settings.store.fileName(), encoding="utf-8").read()
        assert "username=agent" in saved and "=demo" not in saved
    finally:
        session.stop()


def test_wrong_password_says_so_and_keeps_the_dialog_open(qtbot, ui_store, runner, ui_settings, tmp_path):
    dialog = _dialog(qtbot, runner, ui_settings, tmp_path)
    assert not dialog.remember_box.isEnabled()  # no keychain given: nothing can be remembered
    _fill(dialog, ui_store.url, "agent", "not-the-password")
    with qtbot.waitSignal(dialog.failed, timeout=WAIT_MS) as blocker:
        dialog.attempt()
    assert "user name or password is wrong" in blocker.args[0]
    assert dialog.error_text() == blocker.args[0]
    assert dialog.isVisible() and dialog.session is None
    assert dialog.password_edit.isEnabled() and dialog.login_button.isEnabled()


def test_unreachable_server_is_named(qtbot, runner, ui_settings, tmp_path):
    dialog = _dialog(qtbot, runner, ui_settings, tmp_path)
    url = f"http://127.0.0.1:{_free_port()}"
    _fill(dialog, url, "agent", "demo")
    with qtbot.waitSignal(dialog.failed, timeout=WAIT_MS) as blocker:
        dialog.attempt()
    assert blocker.args[0].startswith(f"Cannot reach the server at {url}")


def test_certificate_failure_is_explained(qtbot, ui_store, runner, ui_settings, tmp_path):
    # TLS to a server that does not speak it: the handshake fails as an untrusted certificate does.
    dialog = _dialog(qtbot, runner, ui_settings, tmp_path)
    _fill(dialog, ui_store.url.replace("http://", "https://"), "agent", "demo")
    with qtbot.waitSignal(dialog.failed, timeout=WAIT_MS) as blocker:
        dialog.attempt()
    assert "certificate is not trusted" in blocker.args[0]


def test_missing_fields_and_plain_http_to_another_host_are_refused_before_sending(qtbot, runner, ui_settings,
                                                                                  tmp_path):
    dialog = _dialog(qtbot, runner, ui_settings, tmp_path)
    _fill(dialog, "", "agent", "demo")
    with qtbot.waitSignal(dialog.failed, timeout=WAIT_MS) as blocker:
        dialog.attempt()
    assert "Enter the server" in blocker.args[0]
    _fill(dialog, "http://desk.example.com", "agent", "demo")
    with qtbot.waitSignal(dialog.failed, timeout=WAIT_MS) as blocker:
        dialog.attempt()
    assert "plain HTTP" in blocker.args[0]
