"""The status bar's sync area: connection state, changes waiting in the outbox, last sync time.

Fed with `SyncStatus` values (from `SessionSignals.status`, already on the UI
thread). The state is shown as an icon and a word, never as colour alone;
the tooltip says why the client is offline, as the services put it.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QLocale, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desk_app.services.events import Connection, SyncStatus
from desk_app.ui.theme import icon

__all__ = ["SyncStatusWidget"]

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
        moment = QDateTime.fromSecsSinceEpoch(int(when.timestamp())).toLocalTime()
        today = QDateTime.currentDateTime().date()
        locale = QLocale()
        if moment.date() == today:
            shown = locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
        else:
            shown = locale.toString(moment, QLocale.FormatType.ShortFormat)
        return self.tr("Last sync {time}").format(time=shown)
