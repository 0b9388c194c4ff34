"""The login dialog: server URL, user, password, "remember me".

Logging in runs on the network lane; the dialog stays responsive and says
what went wrong in words an agent can act on: a wrong password, a server
that cannot be reached, a certificate that is not trusted, too many
attempts. "Remember me" keeps the password in the OS keychain (never in
settings); without a usable keychain the box is disabled and says why.
The server URL and user name (not secrets) are remembered in the settings.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desk_app.services.credentials import CredentialStore
from desk_app.services.errors import (
    CertificateError,
    Offline,
    RateLimited,
    ServiceError,
    WrongCredentials,
)
from desk_app.services.session import DeskSession
from desk_app.ui.operations.session import log_in
from desk_app.ui.ops import Op, OpRunner
from desk_app.ui.settings import DeskSettings, Keys

__all__ = ["LoginDialog", "login_error_text"]


def login_error_text(error: BaseException, server_url: str) -> str:
    """What to tell the agent when logging in failed."""
    if isinstance(error, WrongCredentials):
        return QCoreApplication.translate("LoginDialog", "The user name or password is wrong. Check them and try again.")
    if isinstance(error, CertificateError):
        return QCoreApplication.translate("LoginDialog", "The server's certificate is not trusted, so the connection was not made. "
                  "Check the server address, or ask your administrator for the certificate. ({detail})").format(
            detail=error.message)
    if isinstance(error, Offline):
        return QCoreApplication.translate("LoginDialog", "Cannot reach the server at {url}. Check the address and your network connection. "
                  "({detail})").format(url=server_url, detail=error.message)
    if isinstance(error, RateLimited):
        wait = int(error.retry_after or 60)
        return QCoreApplication.translate("LoginDialog", "Too many failed attempts. Wait {seconds} seconds, then try again.").format(seconds=wait)
    if isinstance(error, ValueError):
        return str(error)
    if isinstance(error, ServiceError):
        return QCoreApplication.translate("LoginDialog", "The server refused the login: {detail}").format(detail=str(error))
    return QCoreApplication.translate("LoginDialog", "Logging in failed unexpectedly: {detail}").format(detail=str(error) or type(error).__name__)


class LoginDialog(QDialog):
    #: The login worked: the new (not yet started) session.
    logged_in = Signal(object)
    #: A login attempt failed: the message shown.
    failed = Signal(str)

    def __init__(self, runner: OpRunner, settings: DeskSettings, *, credentials: CredentialStore | None = None,
                 session_options: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Log in to Desk"))
        self.setMinimumWidth(440)
        self._runner = runner
        self._settings = settings
        self._credentials = credentials
        self._options = dict(session_options or {})
        self._op: Op | None = None
        self.session: DeskSession | None = None

        title = QLabel(self.tr("Log in to Desk"), self)
        title.setObjectName("PanelTitle")
        intro = QLabel(self.tr("Enter the address of your support server and your account."), self)
        intro.setWordWrap(True)
        self.server_edit = QLineEdit(settings.get(Keys.SERVER_URL), self)
        self.server_edit.setPlaceholderText("https://desk.example.com")
        self.user_edit = QLineEdit(settings.get(Keys.USERNAME), self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_box = QCheckBox(self.tr("Remember me on this computer"), self)
        notice = credentials.notice() if credentials is not None else None
        if credentials is None or not credentials.available:
            self.remember_box.setEnabled(False)
            self.remember_box.setToolTip(notice or self.tr("No secure keychain is available on this computer."))
        else:
            self.remember_box.setChecked(settings.get(Keys.REMEMBER))
            self.remember_box.setToolTip(self.tr("Keeps your password in the system keychain"))
        self.message = QLabel(self)
        self.message.setObjectName("LoginMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setStyleSheet("color: #c62828;")
        self.message.hide()

        form = QFormLayout()
        form.setSpacing(10)
        form.addRow(self.tr("&Server:"), self.server_edit)
        form.addRow(self.tr("&User name:"), self.user_edit)
        form.addRow(self.tr("&Password:"), self.password_edit)
        form.addRow("", self.remember_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.login_button = self.buttons.addButton(self.tr("&Log in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.login_button.setDefault(True)
        self.buttons.accepted.connect(self.attempt)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for edit in (self.server_edit, self.user_edit):
            if not edit.text():
                edit.setFocus()
                break
        else:
            self.password_edit.setFocus()

    @property
    def busy(self) -> bool:
        return self._op is not None and not self._op.is_finished

    def attempt(self) -> None:
        """Log in with what the fields hold (in the background)."""
        if self.busy:
            return
        url = self.server_edit.text().strip()
        user = self.user_edit.text().strip()
        password = self.password_edit.text()
        if not url or not user or not password:
            self._fail(self.tr("Enter the server, your user name and your password."))
            return
        remember = self.remember_box.isChecked() and self.remember_box.isEnabled()
        credentials, options = self._credentials, self._options
        self._set_busy(True)
        self.message.setStyleSheet("")
        self.message.setText(self.tr("Logging in…"))
        self.message.show()

        self._op = log_in(parent=self, runner=self._runner, url=url, username=user, password=password,
                          remember=remember, credentials=credentials, options=options)
        self._op.success(lambda session: self._succeeded(session, url, user, remember))
        self._op.failure(lambda error: self._fail(login_error_text(error, url)))
        self._op.run_in_background()

    def _succeeded(self, session: DeskSession, url: str, user: str, remember: bool) -> None:
        self._set_busy(False)
        self.session = session
        self._settings.set(Keys.SERVER_URL, session.server_url)
        self._settings.set(Keys.USERNAME, user)
        self._settings.set(Keys.REMEMBER, remember)
        self.password_edit.clear()
        self.message.hide()
        self.logged_in.emit(session)
        self.accept()

    def _fail(self, text: str) -> None:
        self._set_busy(False)
        self.message.setStyleSheet("color: #c62828;")
        self.message.setText(text)
        self.message.show()
        self.password_edit.selectAll()
        self.password_edit.setFocus()
        self.failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.server_edit, self.user_edit, self.password_edit, self.login_button):
            widget.setEnabled(not busy)

    def error_text(self) -> str:
        return "" if self.message.isHidden() else self.message.text()
