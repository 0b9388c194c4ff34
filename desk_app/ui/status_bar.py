"""The status bar's sync area: connection state, changes waiting in the outbox, last sync time.

Fed with `SyncStatus` values (from `SessionSignals.status`, already on the UI
thread). The state is shown as an icon and a word, never as colour alone;
the tooltip says why the client is offline, as the services put it.

`OfflineBanner` says the same across the top of the window while the server
does not answer: a status-bar word at the bottom corner is easy to miss, and
an agent who does not know they are offline cannot tell a customer why a
colleague does not see their note yet.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QLocale, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desk_app.services.events import Connection, SyncStatus
from desk_app.ui.theme import icon
from desk_app.ui.ticket_panel.banners import Banner

__all__ = ["OfflineBanner", "SyncStatusWidget"]

_ICONS = {
    Connection.ONLINE: ("online", "#16a34a"),
    Connection.SYNCING: ("sync", "#2563eb"),
    Connection.CONNECTING: ("sync", "#6b7280"),
    Connection.OFFLINE: ("offline", "#dc2626"),
    Connection.AUTH_EXPIRED: ("offline", "#d97706"),
    Connection.STOPPED: ("offline", "#6b7280"),
}


class SyncStatusWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._status: SyncStatus | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.state_icon = QLabel(self)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("ConnectionState")
        self.outbox_label = QLabel(self)
        self.outbox_label.setObjectName("OutboxCount")
        self.sync_label = QLabel(self)
        self.sync_label.setObjectName("LastSync")
        for label in (self.outbox_label, self.sync_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        state = QHBoxLayout()
        state.setSpacing(4)
        state.addWidget(self.state_icon)
        state.addWidget(self.state_label)
        layout.addLayout(state)
        layout.addWidget(self.outbox_label)
        layout.addWidget(self.sync_label)
        self.show_status(SyncStatus(Connection.CONNECTING))

    @property
    def status(self) -> SyncStatus | None:
        return self._status

    def connection_text(self, connection: Connection) -> str:
        texts = {
            Connection.CONNECTING: self.tr("Connecting…"),
            Connection.SYNCING: self.tr("Syncing…"),
            Connection.ONLINE: self.tr("Online"),
            Connection.OFFLINE: self.tr("Offline"),
            Connection.AUTH_EXPIRED: self.tr("Login expired"),
            Connection.STOPPED: self.tr("Stopped"),
        }
        return texts[connection]

    def show_status(self, status: SyncStatus) -> None:
        self._status = status
        name, colour = _ICONS[status.connection]
        self.state_icon.setPixmap(icon(name, colour).pixmap(12, 12))
        text = self.connection_text(status.connection)
        if status.connection is Connection.SYNCING and status.bootstrap_loaded:
            text = self.tr("Syncing… {count} tickets").format(count=QLocale().toString(status.bootstrap_loaded))
        self.state_label.setText(text)
        tip = status.detail or text
        self.state_label.setToolTip(tip)
        self.state_icon.setToolTip(tip)
        if status.outbox_size:
            self.outbox_label.setText(self.tr("%n change(s) waiting to be sent", "", status.outbox_size))
        else:
            self.outbox_label.setText(self.tr("All changes sent"))
        self.outbox_label.setToolTip(self.tr("Changes made here that the server has not confirmed yet"))
        self.sync_label.setText(self._last_sync_text(status.last_sync_at))

    def _last_sync_text(self, when: datetime | None) -> str:
        if when is None:
            return self.tr("Not synced yet")
        return self.tr("Last sync {time}").format(time=local_time_text(when))


def local_time_text(when: datetime) -> str:
    """The time in the user's locale (with the date when it is not today)."""
    moment = QDateTime.fromSecsSinceEpoch(int(when.timestamp())).toLocalTime()
    locale = QLocale()
    if moment.date() == QDateTime.currentDateTime().date():
        return locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    return locale.toString(moment, QLocale.FormatType.ShortFormat)


class OfflineBanner(Banner):
    """Across the top of the window while the server does not answer; hidden otherwise."""

    #: "Try now": cut the wait before the next attempt short.
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("warning", parent)
        self.symbol.setPixmap(icon("offline", "#b45309").pixmap(20, 20))
        self.retry_button = self.add_button(self.tr("Try now"), self.retry_requested.emit)
        self.retry_button.setAccessibleName(self.tr("Try to reach the server now"))

    def show_status(self, status: SyncStatus) -> None:
        if status.connection is not Connection.OFFLINE:
            self.show_message(None)
            return
        if status.offline_since is not None:
            text = self.tr("You are offline since {time}: the server is not answering.").format(
                time=local_time_text(status.offline_since))
        else:
            text = self.tr("You are offline: the server is not answering.")
        text += " " + self.tr("Your work is kept on this computer and sent as soon as the server answers again.")
        if status.outbox_size:
            text += " " + self.tr("%n change(s) waiting to be sent.", "", status.outbox_size)
        self.show_message(text)
        self.setToolTip(status.detail or "")
