"""The desktop client's settings, declared once (after Picard's options.py).

Everything the window remembers between runs lives in one `QSettings`:
window geometry and state, splitter positions, the queue table's columns
(order, widths, hidden ones, sort), the last queue opened, the last server
and user name, the language. Secrets never live here: tokens and remembered
passwords go to the OS keychain (`desk_app.services.credentials`).

Tests pass their own `QSettings` (an INI file in a temporary directory), so
nothing touches the real user's settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

__all__ = ["APPLICATION", "DeskSettings", "Key", "Keys", "ORGANIZATION"]

ORGANIZATION = "Desk"
APPLICATION = "desk-app"


@dataclass(frozen=True, slots=True)
class Key:
    name: str
    default: Any
    kind: type


class Keys:
    """Every settings key, with its default and type."""

    WINDOW_GEOMETRY = Key("window/geometry", None, QByteArray)
    WINDOW_STATE = Key("window/state", None, QByteArray)
    MAIN_SPLITTER = Key("window/main_splitter", None, QByteArray)
    WORK_SPLITTER = Key("window/work_splitter", None, QByteArray)
    TABLE_HEADER = Key("queue_table/header", None, QByteArray)
    HIDDEN_COLUMNS = Key("queue_table/hidden_columns", "", str)
    LAST_QUEUE = Key("queue/last", "", str)
    SERVER_URL = Key("login/server_url", "", str)
    USERNAME = Key("login/username", "", str)
    REMEMBER = Key("login/remember", False, bool)
    #: The language chosen in View > Language ("": the system's); `--lang` overrides it for one run.
    LANGUAGE = Key("ui/language", "", str)


class DeskSettings:
    """Typed access to the keys above over one `QSettings`."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings(ORGANIZATION, APPLICATION)

    def get(self, key: Key) -> Any:
        value = self.store.value(key.name, key.default)
        if value is None:
            return key.default
        if key.kind is bool:
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
        if key.kind is str:
            return str(value)
        if key.kind is QByteArray:
            return value if isinstance(value, QByteArray) else None
        return value

    def set(self, key: Key, value: Any) -> None:
        if value is None:
            self.store.remove(key.name)
        else:
            self.store.setValue(key.name, value)

    def hidden_columns(self) -> set[int]:
        text = self.get(Keys.HIDDEN_COLUMNS)
        return {int(part) for part in text.split(",") if part.strip().isdigit()}

    def set_hidden_columns(self, columns: set[int]) -> None:
        self.set(Keys.HIDDEN_COLUMNS, ",".join(str(c) for c in sorted(columns)))

    def sync(self) -> None:
        self.store.sync()
