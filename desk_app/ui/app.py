"""`desk-app`: the desktop client's entry point.

    desk-app [--server URL] [--user NAME] [--screenshot FILE] [--lang CODE] [--theme system|light|dark]
    desk-app demo [--role agent|specialist|manager] [--screenshot FILE] [--data-dir DIR] [--lang CODE]

The first form logs in to a server (with the keychain's stored login when
there is one, else through the login dialog). `demo` starts the central store
embedded (SQLite in DIR or a temporary directory, seeded with tickets under
all five policies), logs in as the demo user of that role and opens the
workspace; Demo > Switch role looks through another role's eyes.

`--screenshot FILE` starts as usual, waits until the first sync has filled
the window (queue rows and counts shown), writes a PNG of the main window
(`--size WxH`, default 1440x900) and exits 0 (1 when that did not happen
within `--timeout` seconds). It works on the offscreen platform
(QT_QPA_PLATFORM=offscreen).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desk_app.services.credentials import CredentialStore
from desk_app.services.session import DeskSession, LoginRequired
from desk_app.ui import i18n, qt_runtime, theme
from desk_app.demo import DEMO_PASSWORD, DEMO_ROLES, DemoStore, DemoStoreError
from desk_app.ui.login_dialog import LoginDialog, login_error_text
from desk_app.ui.main_window import MainWindow
from desk_app.ui.operations.session import log_in_demo_user, log_out, resume_session, start_demo_store, stop_session
from desk_app.ui.ops import OpRunner, set_op_runner
from desk_app.ui.settings import APPLICATION, ORGANIZATION, DeskSettings, Keys

log = logging.getLogger("desk.ui.app")

__all__ = ["DeskController", "build_parser", "main", "run_language"]


def build_parser(demo: bool) -> argparse.ArgumentParser:
    if demo:
        parser = argparse.ArgumentParser(prog="desk-app demo",
                                         description="Run Desk against an embedded, seeded demo store.")
        parser.add_argument("--role", choices=DEMO_ROLES, default="agent", help="whose workspace to open (default agent)")
        parser.add_argument("--data-dir", type=Path, help="keep the demo store here (default: a temporary directory)")
    else:
        parser = argparse.ArgumentParser(prog="desk-app", description="Desk, the agent desktop.",
                                         epilog="`desk-app demo --help`: the demo with an embedded store.")
        parser.add_argument("--server", help="the server's address (default: the last one used)")
        parser.add_argument("--user", help="the user name (default: the last one used)")
        parser.add_argument("--data-dir", type=Path, help="where the local cache lives")
    parser.add_argument("--screenshot", type=Path, metavar="FILE",
                        help="write a PNG of the window once the first sync filled it, then exit")
    parser.add_argument("--timeout", type=float, default=90.0, help="with --screenshot: give up after this many seconds")
    parser.add_argument("--size", type=_size, default=None, metavar="WxH",
                        help="with --screenshot: the window's size, e.g. 1366x768 (default 1440x900, "
                             "whatever the screen: the offscreen platform's is 800x800)")
    parser.add_argument("--lang", help="language code for this run, e.g. id (not saved; default: the one chosen "
                                       "in View > Language, else the system's)")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default="system")
    return parser


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1366x768, got {text!r}") from None
    if width < 320 or height < 240:
        raise argparse.ArgumentTypeError(f"{text} is smaller than any screen Desk supports")
    return width, height


#: The window's size in a screenshot unless --size says otherwise.
SCREENSHOT_SIZE = (1440, 900)


class DeskController(QObject):
    """Owns the session, the window and (in the demo) the embedded store; drives the flow."""

    def __init__(self, app: QApplication, runner: OpRunner, settings: DeskSettings, args: argparse.Namespace, *,
                 store: DemoStore | None = None, credentials: CredentialStore | None = None,
                 session_options: dict[str, Any] | None = None) -> None:
        super().__init__(app)
        self.app = app
        self.runner = runner
        self.settings = settings
        self.args = args
        self.demo = store is not None
        self.credentials = credentials
        self.session_options = dict(session_options or {})
        self.store = store
        self.session: DeskSession | None = None
        self.window: MainWindow | None = None
        self.exit_code = 0
        self._splash: QLabel | None = None

    # -- starting -------------------------------------------------------------------------

    def start(self) -> None:
        if self.args.screenshot is not None:
            QTimer.singleShot(int(self.args.timeout * 1000), self._screenshot_timed_out)
        if self.demo:
            self._show_splash(self.tr("Starting the demo store…"))
            store = self.store
            start_demo_store(parent=self, runner=self.runner, store=store).success(
                lambda _url: self._demo_login(self.args.role)).failure(self._fatal).run_in_background()
            return
        if self.args.data_dir is not None:
            self.session_options["data_dir"] = self.args.data_dir
        server = self.args.server or self.settings.get(Keys.SERVER_URL)
        user = self.args.user or self.settings.get(Keys.USERNAME)
        if server and user and self.credentials is not None and self.credentials.available:
            credentials, options = self.credentials, self.session_options
            resume_session(parent=self, runner=self.runner, server=server, username=user, credentials=credentials,
                           options=options).success(self._open).failure(
                lambda error: self._ask_login(server, user, error)).run_in_background()
        else:
            self._ask_login(server, user, None)

    def _ask_login(self, server: str, user: str, error: BaseException | None) -> None:
        if error is not None and not isinstance(error, LoginRequired):
            log.info("resuming the stored login failed: %s", error)
        if server:
            self.settings.set(Keys.SERVER_URL, server)
        if user:
            self.settings.set(Keys.USERNAME, user)
        dialog = LoginDialog(self.runner, self.settings, credentials=self.credentials,
                             session_options=self.session_options)
        dialog.logged_in.connect(self._open)
        dialog.rejected.connect(lambda: self._quit(0 if self.args.screenshot is None else 1))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self._login_dialog = dialog

    def _demo_login(self, role: str) -> None:
        assert self.store is not None
        self._show_splash(self.tr("Logging in as the demo {role}…").format(role=role))
        url, options = self.store.url, {**self.session_options, "data_dir": self.store.client_dir}
        log_in_demo_user(parent=self, runner=self.runner, url=url, username=role, password=DEMO_PASSWORD,
                         options=options).success(self._open).failure(self._fatal).run_in_background()

    def _open(self, session: DeskSession) -> None:
        self._close_splash()
        self.session = session
        # A screenshot shows the default layout, whatever an earlier run left in the settings.
        window = MainWindow(session, self.runner, self.settings, demo_roles=DEMO_ROLES if self.demo else (),
                            remember_layout=self.args.screenshot is None)
        window.role_switch_requested.connect(self.switch_role)
        window.logout_requested.connect(self.logout)
        window.closed.connect(self._window_closed)
        if self.args.screenshot is not None:
            window.filled.connect(self._take_screenshot)
            # The size asked for, as a window of that size on a screen that size shows it.
            window.setWindowState(Qt.WindowState.WindowNoState)
            window.resize(*(getattr(self.args, "size", None) or SCREENSHOT_SIZE))
        self.window = window
        session.start()
        window.show()

    # -- switching and leaving ------------------------------------------------------------

    def switch_role(self, role: str) -> None:
        """Demo: stop this session (off the UI thread), log in as `role`, open its window."""
        old_window, old_session = self.window, self.session
        self.window = self.session = None
        if old_window is not None:
            old_window.closed.disconnect(self._window_closed)
            old_window.close()
            old_window.deleteLater()
        self._show_splash(self.tr("Switching to the demo {role}…").format(role=role))
        stop_session(parent=self, runner=self.runner, session=old_session).success(
            lambda _r: self._demo_login(role)).failure(self._fatal).run_in_background()

    def logout(self) -> None:
        window, session = self.window, self.session
        self.window = self.session = None
        if window is not None:
            window.closed.disconnect(self._window_closed)
            window.close()
            window.deleteLater()
        if session is None:
            return
        server, user = session.server_url, session.user["username"]
        log_out(parent=self, runner=self.runner, session=session).success(
            lambda _r: self._ask_login(server, user, None)).failure(
            lambda _e: self._ask_login(server, user, None)).run_in_background()

    def _window_closed(self) -> None:
        self._quit(self.exit_code)

    def _quit(self, code: int) -> None:
        self.exit_code = code
        self.app.exit(code)

    def shut_down(self) -> None:
        """After the event loop: stop the session's workers and the demo store."""
        if self.window is not None:
            self.window.shut_down()
        if self.session is not None:
            try:
                self.session.stop()
            except Exception:  # noqa: BLE001 - leaving anyway
                log.exception("stopping the session failed")
        if self.store is not None:
            self.store.close()

    def _fatal(self, error: BaseException) -> None:
        self._close_splash()
        if isinstance(error, DemoStoreError):
            text = str(error)
        else:
            text = login_error_text(error, self.store.url if self.store and self.store.running else "")
        print(f"desk-app: {text}", file=sys.stderr)
        if self.args.screenshot is None and QApplication.instance() is not None:
            QMessageBox.critical(None, self.tr("Desk"), text)
        self._quit(1)

    # -- screenshot -----------------------------------------------------------------------

    def _take_screenshot(self) -> None:
        window = self.window
        if window is None:
            return
        window.queue_view.select_row(0)
        window.queue_view.setFocus()
        self._waited = self._quiet = 0
        self._grab_when_idle()

    def _grab_when_idle(self) -> None:
        """Grab once no operation has been running for a few checks in a row (the ticket panel's
        reads and fetches chain: one op's result starts the next), or after ~10 s regardless."""
        if self.window is None:
            return
        self._quiet = self._quiet + 1 if self.runner.is_idle else 0
        self._waited += 1
        if self._quiet < 4 and self._waited < 200:
            QTimer.singleShot(50, self._grab_when_idle)
            return
        QTimer.singleShot(100, self._grab)  # let the last results paint

    def _grab(self) -> None:
        window, path = self.window, self.args.screenshot
        if window is None or path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(path), "PNG"):
            print(f"desk-app: could not write {path}", file=sys.stderr)
            self.exit_code = 1
        else:
            print(f"desk-app: wrote {path}")
            self.exit_code = 0
        window.closed.disconnect(self._window_closed)
        window.close()
        self._quit(self.exit_code)

    def _screenshot_timed_out(self) -> None:
        print(f"desk-app: the window was not filled within {self.args.timeout:g} s; no screenshot", file=sys.stderr)
        self._quit(1)

    # -- splash ---------------------------------------------------------------------------

    def _show_splash(self, text: str) -> None:
        if self._splash is None:
            self._splash = QLabel()
            self._splash.setWindowTitle(self.tr("Desk"))
            self._splash.setMinimumSize(360, 120)
            self._splash.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._splash.setMargin(24)
        self._splash.setText(text)
        self._splash.show()

    def _close_splash(self) -> None:
        if self._splash is not None:
            self._splash.close()
            self._splash.deleteLater()
            self._splash = None


#: How often (seconds) a thread holding the interpreter must offer it to another. Python's
#: default is 5 ms; the sync, outbox and cache workers parse and write in Python, and with a
#: shorter interval the UI thread gets its turn sooner (tests/ui/test_ui_thread_stall.py).
SWITCH_INTERVAL = 0.002


def make_application(argv: Sequence[str], *, lang: str | None = None, theme_name: str = "system") -> QApplication:
    sys.setswitchinterval(SWITCH_INTERVAL)
    app = QApplication.instance() or QApplication(list(argv))
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Desk")
    app.setDesktopFileName("io.github.desk.DeskApp")
    i18n.install_translations(lang, app=app)
    theme.apply_theme(app, theme_name)
    return app


def run_language(args: argparse.Namespace, settings: DeskSettings) -> str | None:
    """The language of this run: `--lang` (this run only: never saved), else the one chosen in
    View > Language (`Keys.LANGUAGE`), else None (the system's)."""
    return args.lang or settings.get(Keys.LANGUAGE) or None


def main(argv: Sequence[str] | None = None, *, settings_factory: Callable[[], QSettings] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    demo = bool(argv) and argv[0] == "demo"
    args = build_parser(demo).parse_args(argv[1:] if demo else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    problem = qt_runtime.window_problem()  # Qt would abort the process at QApplication(...)
    if problem is not None:
        print(f"desk-app: {problem}", file=sys.stderr)
        if not demo or args.screenshot is not None:
            return 1
        print("desk-app: showing the demo's SLA text report instead (./desk demo --text shows it directly).",
              file=sys.stderr)
        from desk_app.cli import main as text_report

        return text_report(["demo"])
    store = DemoStore(args.data_dir) if demo else None
    if settings_factory is not None:
        settings = DeskSettings(settings_factory())
    elif store is not None:  # the demo keeps its own settings: the user's stay untouched
        settings = DeskSettings(QSettings(str(store.data_dir / "desk-app.ini"), QSettings.Format.IniFormat))
    else:
        settings = DeskSettings(QSettings(ORGANIZATION, APPLICATION))
    app = make_application([sys.argv[0]], lang=run_language(args, settings), theme_name=args.theme)
    runner = OpRunner(parent=app)
    previous = set_op_runner(runner)
    credentials = None if demo else CredentialStore()
    controller = DeskController(app, runner, settings, args, store=store, credentials=credentials)
    QTimer.singleShot(0, controller.start)
    try:
        code = app.exec()
    finally:
        controller.shut_down()
        settings.sync()
        runner.shutdown(wait=False)
        set_op_runner(previous)
    return code if code else controller.exit_code


if __name__ == "__main__":
    sys.exit(main())
