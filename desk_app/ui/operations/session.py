"""Logging in and out, resuming a saved session, the demo store: all on the network lane."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from desk_app.services.credentials import CredentialStore
from desk_app.services.session import DeskSession
from desk_app.ui.ops import NETWORK, Op, OpRunner

__all__ = ["log_in", "log_in_again", "log_in_demo_user", "log_out", "resume_session", "start_demo_store",
           "stop_session"]


def log_in(*, parent: QObject, runner: OpRunner, url: str, username: str, password: str, remember: bool,
           credentials: CredentialStore | None, options: dict[str, Any]) -> Op[DeskSession]:
    """The login dialog's "Log in": a new session (the password kept when `remember`)."""
    return Op(parent, lambda _: DeskSession.login(url, username, password, remember=remember,
                                                  credentials=credentials, **options),
              lane=NETWORK, label="login", runner=runner)


def log_in_demo_user(*, parent: QObject, runner: OpRunner, url: str, username: str, password: str,
                     options: dict[str, Any]) -> Op[DeskSession]:
    return Op(parent, lambda _: DeskSession.login(url, username, password, **options), lane=NETWORK,
              label="demo_login", runner=runner)


def resume_session(*, parent: QObject, runner: OpRunner, server: str, username: str,
                   credentials: CredentialStore, options: dict[str, Any]) -> Op[DeskSession]:
    """Start with the remembered password (fails with `LoginRequired` when there is none)."""
    return Op(parent, lambda _: DeskSession.resume(server, username, credentials=credentials, **options),
              lane=NETWORK, label="resume", runner=runner)


def log_in_again(*, parent: QObject, runner: OpRunner, session: DeskSession, password: str) -> Op[Any]:
    """The store ended the session: the same session, with a new token."""
    return Op(parent, lambda _: session.relogin(password), label="relogin", runner=runner)


def log_out(*, parent: QObject, runner: OpRunner, session: DeskSession) -> Op[Any]:
    return Op(parent, lambda _: session.logout(), lane=NETWORK, label="logout", runner=runner)


def stop_session(*, parent: QObject, runner: OpRunner, session: DeskSession | None) -> Op[None]:
    return Op(parent, lambda _: session.stop() if session else None, lane=NETWORK, label="stop_session",
              runner=runner)


def start_demo_store(*, parent: QObject, runner: OpRunner, store: Any) -> Op[str]:
    """The embedded demo store (`DemoStore.start()`): its URL once it answers."""
    return Op(parent, lambda _: store.start(), lane=NETWORK, label="start_demo_store", runner=runner)
