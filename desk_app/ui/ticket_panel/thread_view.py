"""A ticket's thread, in order, each kind of entry with a look of its own.

Customer messages sit on the left on a neutral card; the agents' public
replies on the right, tinted; internal notes on a yellow card marked
"Internal note" (never sent to the customer); phone calls with their
direction, duration and number; system events as a small centred line.
Not colour alone: every card names its kind in its caption.
Entries not yet sent are marked "Sending...". A long thread is built in
slices, newest first (`ThreadView`). Attachments are buttons on the
entry they came with (`attachment_requested` hands them to the panel, which
downloads them on the network lane).

Corrections: an entry is never edited or deleted; its author corrects it
with a new internal note that names it (`corrects_entry_id`). Entries are
numbered in thread order; a correction's caption says which entry it
corrects ("Correction of entry 3"), and the corrected card says where its
correction is. The agent's own entries carry a "Correct..." button
(`correct_requested`: the panel asks for the correction).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from desk_app.core.ticket import EntryKind
from desk_app.ui.reference import TicketLabels
from desk_app.ui.sla_display import is_dark
from desk_app.ui.ticket_panel.event_text import event_text, local_time

__all__ = ["EntryCard", "ThreadView", "correctable"]

# (light, dark) card backgrounds and borders per kind.
_LOOKS = {
    EntryKind.CUSTOMER_MESSAGE: (("#ffffff", "#d5dae1"), ("#262a30", "#3d434c")),
    EntryKind.PUBLIC_REPLY: (("#e8f0fe", "#aecbfa"), ("#1e2a3d", "#35548a")),
    EntryKind.INTERNAL_NOTE: (("#fef7e0", "#f2d675"), ("#3a3320", "#806c2a")),
    EntryKind.PHONE_CALL: (("#e6f4ea", "#a8dab5"), ("#1f3326", "#3d7a50")),
}


def _muted(dark: bool) -> QColor:
    return QColor("#9aa0a6" if dark else "#5f6368")


def _tint(label: QLabel, colour: QColor) -> None:
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, colour)
    label.setPalette(palette)


def call_length(seconds: int | None) -> str:
    """"4:05", "1:02:03": a call's length as phones show it."""
    hours, rest = divmod(max(0, int(seconds or 0)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def size_text(size: int | None) -> str:
    return QLocale().formattedDataSize(int(size or 0))


def correctable(entry: dict[str, Any], user_id: int | None) -> bool:
    """Whether `user_id` may correct `entry`: their own, recorded by the server, not a system event."""
    return (user_id is not None and entry.get("author_id") == user_id and (entry.get("id") or 0) > 0
            and not entry.get("pending") and entry.get("kind") != EntryKind.SYSTEM_EVENT)


class EntryCard(QFrame):
    attachment_requested = Signal(dict)
    #: The agent asked to correct this entry (their own).
    correct_requested = Signal(dict)

    def __init__(self, entry: dict[str, Any], attachments: list[dict[str, Any]], parent: QWidget | None = None,
                 *, customer_name: str = "", position: int | None = None, corrects: int | None = None,
                 corrected_in: tuple[int, ...] = (), can_correct: bool = False) -> None:
        """`position`: the entry's number in the thread; `corrects`: the number of the entry this one
        corrects; `corrected_in`: the numbers of its corrections; `can_correct`: offer "Correct..."."""
        super().__init__(parent)
        self.entry = entry
        self.customer_name = customer_name
        self.position = position
        self.corrects = corrects
        self.corrected_in = corrected_in
        self.correct_button: QPushButton | None = None
        kind = entry.get("kind")
        self.kind = kind
        self.setObjectName(f"entry_{kind}")
        self.dark = is_dark(self.palette())
        layout = QVBoxLayout(self)
        if kind == EntryKind.SYSTEM_EVENT:
            layout.setContentsMargins(4, 2, 4, 2)
            # In the agent's words and time zone (`event_text`), not the store's log sentence.
            parts = [event_text(entry), entry.get("author_name") or "", local_time(entry.get("created_at"))]
            text = QLabel(" \u00b7 ".join(p for p in parts if p), self)
            text.setTextFormat(Qt.TextFormat.PlainText)  # reasons typed by people are never markup
            text.setObjectName("systemEvent")
            text.setAlignment(Qt.AlignmentFlag.AlignCenter)
            text.setWordWrap(True)
            font = text.font()
            font.setItalic(True)
            font.setPointSizeF(font.pointSizeF() * 0.9)
            text.setFont(font)
            _tint(text, _muted(self.dark))
            layout.addWidget(text)
            self.caption = text
            return
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.caption = QLabel(self._caption(entry), self)
        self.caption.setObjectName("entryCaption")
        font = self.caption.font()
        font.setBold(True)
        self.caption.setFont(font)
        top.addWidget(self.caption)
        top.addStretch(1)
        when = QLabel(local_time(entry.get("created_at")), self)
        if position is not None:  # the number corrections refer to
            when.setText(f"#{position} \u00b7 {when.text()}")
        when.setObjectName("entryTime")
        _tint(when, _muted(self.dark))
        if entry.get("pending"):
            when.setText(self.tr("Sending\u2026"))
            when.setToolTip(self.tr("Saved on this computer; it is sent when the server is reachable."))
        top.addWidget(when)
        if can_correct:
            self.correct_button = QPushButton(self.tr("Correct\u2026"), self)
            self.correct_button.setObjectName("correctButton")
            self.correct_button.setFlat(True)
            self.correct_button.setToolTip(self.tr("Add a correction of this entry (the entry itself stays)"))
            self.correct_button.setAccessibleName(self.tr("Correct entry {n}").format(n=position or ""))
            self.correct_button.clicked.connect(lambda: self.correct_requested.emit(self.entry))
            top.addWidget(self.correct_button)
        layout.addLayout(top)
        if corrected_in:
            marker = QLabel(self.tr("Corrected in entry {numbers}").format(
                numbers=", ".join(str(n) for n in corrected_in)), self)
            marker.setObjectName("correctedMarker")
            marker_font = marker.font()
            marker_font.setItalic(True)
            marker.setFont(marker_font)
            _tint(marker, _muted(self.dark))
            layout.addWidget(marker)
        if kind == EntryKind.PHONE_CALL:
            call = entry.get("call") or {}
            parts = [TicketLabels.direction(call.get("direction")), call_length(call.get("duration_seconds"))]
            if call.get("number"):
                parts.append(call["number"])
            detail = QLabel(" \u00b7 ".join(parts), self)
            detail.setObjectName("callDetail")
            layout.addWidget(detail)
        body_text = entry.get("body") or ""
        if body_text:
            body = QLabel(body_text, self)
            body.setObjectName("entryBody")
            body.setWordWrap(True)
            body.setTextFormat(Qt.TextFormat.PlainText)  # customers' text is never interpreted as markup
            body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                         | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            layout.addWidget(body)
        for attachment in attachments:
            button = QPushButton(f"{attachment['filename']} ({size_text(attachment.get('size'))})", self)
            button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon))
            button.setObjectName("attachmentButton")
            button.setToolTip(self.tr("Download and open {name}").format(name=attachment["filename"]))
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, a=attachment: self.attachment_requested.emit(a))
            layout.addWidget(button)
        self.setAccessibleName(self.caption.text())

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        looks = _LOOKS.get(self.kind)
        if looks is not None:
            background, border = looks[1 if self.dark else 0]
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen = QPen(QColor(border), 1)
            if self.kind == EntryKind.INTERNAL_NOTE:
                pen.setStyle(Qt.PenStyle.DashLine)  # a note is marked by more than its colour
            painter.setPen(pen)
            painter.setBrush(QColor(background))
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
            painter.end()
        super().paintEvent(event)

    @staticmethod
    def kind_name(kind: str | None) -> str:
        """"phone call", "internal note": an entry's kind in words."""
        names = {EntryKind.CUSTOMER_MESSAGE: QCoreApplication.translate("EntryCard", "customer message"),
                 EntryKind.PUBLIC_REPLY: QCoreApplication.translate("EntryCard", "reply"),
                 EntryKind.INTERNAL_NOTE: QCoreApplication.translate("EntryCard", "internal note"),
                 EntryKind.PHONE_CALL: QCoreApplication.translate("EntryCard", "phone call")}
        return names.get(kind, QCoreApplication.translate("EntryCard", "entry"))

    def _caption(self, entry: dict[str, Any]) -> str:
        author = entry.get("author_name") or ""
        kind = entry.get("kind")
        if kind == EntryKind.CUSTOMER_MESSAGE:
            customer = self.customer_name or self.tr("The customer")
            if entry.get("author_id"):  # staff wrote down what the customer sent another way
                return self.tr("{customer} wrote (logged by {author})").format(customer=customer, author=author)
            return self.tr("{customer} wrote").format(customer=customer)
        if kind == EntryKind.PUBLIC_REPLY:
            return self.tr("{author} replied").format(author=author)
        if kind == EntryKind.INTERNAL_NOTE:
            if entry.get("corrects_entry_id"):
                if self.corrects is not None:
                    return self.tr("Correction of entry {n} by {author}").format(n=self.corrects, author=author)
                return self.tr("Correction of an earlier entry by {author}").format(author=author)
            return self.tr("Internal note by {author}").format(author=author)
        if kind == EntryKind.PHONE_CALL:
            return self.tr("Phone call logged by {author}").format(author=author)
        return author


class ThreadView(QScrollArea):
    """The conversation, newest at the bottom, kept scrolled to the end unless the agent scrolls up.

    A long thread is built in slices: the newest `FIRST_SLICE` cards at once (what
    the agent sees), the older ones `SLICE` at a time from a zero-timer, each slice
    inserted above the others while the view stays where it is. Showing another
    thread drops the slices not built yet. `cards` holds the cards built so far,
    in thread order; `pending` says how many older ones are still to come.
    """

    attachment_requested = Signal(dict)
    #: The agent asked to correct one of their entries (the entry's JSON).
    correct_requested = Signal(dict)

    #: Cards built at once when a thread is shown: the newest, which fill the view.
    FIRST_SLICE = 6
    #: Older cards built per turn of the event loop after that.
    SLICE = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrow keys / PgUp / PgDn scroll the thread
        self.setAccessibleName(self.tr("Conversation"))
        self.cards: list[EntryCard] = []
        self.rows: list[QWidget] = []
        #: Whose entries get "Correct..." (the signed-in user; None: nobody's).
        self.user_id: int | None = None
        self._positions: dict[int, int] = {}  # entry id -> its number in the thread
        self._corrections: dict[int, tuple[int, ...]] = {}  # entry id -> the numbers of its corrections
        self._signature: tuple | None = None  # what the cards show (or will, once the slices are built)
        self._pending: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []  # older entries, oldest first
        self._customer_name = ""
        #: (row, its top minus the scroll value) the agent scrolled to; None: the end of the thread.
        self._anchor: tuple[QWidget, int] | None = None
        self._content = QWidget(self)
        self._layout = QVBoxLayout(self._content)
        self._layout.setContentsMargins(12, 8, 12, 8)
        self._layout.setSpacing(8)
        self._layout.addStretch(1)
        self.setWidget(self._content)
        self.notice = QLabel(self._content)
        self.notice.setObjectName("threadNotice")
        _tint(self.notice, _muted(is_dark(self.palette())))
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.hide()
        self._layout.insertWidget(0, self.notice)
        self._slice_timer = QTimer(self)
        self._slice_timer.setSingleShot(True)
        self._slice_timer.setInterval(0)
        self._slice_timer.timeout.connect(self._build_slice)
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._keep_position)
        bar.valueChanged.connect(self._scrolled)
        self._keeping = False

    @property
    def pending(self) -> int:
        """Older cards not built yet."""
        return len(self._pending)

    def show_thread(self, entries: list[dict[str, Any]], attachments: list[dict[str, Any]] | None = None, *,
                    complete: bool = True, loading: bool = False, customer_name: str = "",
                    offline: bool = False) -> None:
        """Show `entries` in order. When the cards shown are the start of them (new entries
        arrived, nothing else changed), only the new ones are added: no rebuild, no flicker.

        `complete`: the cache holds the whole thread; else a notice says what is missing:
        `loading` (it is being fetched), or `offline` (it cannot be now: the server is out of reach)."""
        by_entry: dict[int | None, list[dict[str, Any]]] = {}
        for attachment in attachments or ():
            by_entry.setdefault(attachment.get("entry_id"), []).append(attachment)
        known = {e.get("id") for e in entries}
        loose = [a for key, items in by_entry.items() if key is None or key not in known for a in items]
        own = [by_entry.get(e.get("id"), []) + (loose if n == 0 else []) for n, e in enumerate(entries)]
        positions = {e["id"]: n for n, e in enumerate(entries, 1) if e.get("id") is not None}
        corrections: dict[int, tuple[int, ...]] = {}
        for n, e in enumerate(entries, 1):
            if e.get("corrects_entry_id") in positions:
                corrections[e["corrects_entry_id"]] = (*corrections.get(e["corrects_entry_id"], ()), n)
        self._positions, self._corrections = positions, corrections
        # A card shows its corrections: a newly corrected entry's card is rebuilt (rare).
        keys = [(e.get("id"), bool(e.get("pending")), e.get("body"), tuple(a["id"] for a in own[n]),
                 corrections.get(e.get("id"), ())) for n, e in enumerate(entries)]
        signature = ((customer_name, self.user_id), tuple(keys))
        shown = self._signature
        if shown is not None and shown[0] == signature[0] and keys[:len(shown[1])] == list(shown[1]):
            start = len(shown[1])  # the shown cards stay as they are (and the slices still to build)
        else:
            start = max(0, len(entries) - self.FIRST_SLICE)
            self._clear()
            self._pending = list(zip(entries[:start], own[:start]))
            if self._pending:
                self._slice_timer.start()
        self._signature = signature
        self._customer_name = customer_name
        for entry, attached in zip(entries[start:], own[start:]):
            self._add_row(self._make_card(entry, attached))
        if start < len(entries):
            self._fit_content()
        if offline and not entries:
            self.notice.setText(self.tr("This conversation is not on this computer yet; "
                                        "it will load when you are back online."))
        elif loading:
            self.notice.setText(self.tr("Loading the conversation\u2026"))
        elif not complete:
            self.notice.setText(self.tr("Part of the conversation is not on this computer yet; "
                                        "it appears when the server is reachable."))
        self.notice.setVisible(loading or not complete or (offline and not entries))
        if start < len(entries):
            self.scroll_to_end()

    def _clear(self) -> None:
        self._slice_timer.stop()
        self._anchor = None
        self._pending = []
        for row in self.rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.cards = []
        self.rows = []

    def _make_card(self, entry: dict[str, Any], attachments: list[dict[str, Any]]) -> EntryCard:
        entry_id = entry.get("id")
        card = EntryCard(entry, attachments, self._content, customer_name=self._customer_name,
                         position=self._positions.get(entry_id),
                         corrects=self._positions.get(entry.get("corrects_entry_id")),
                         corrected_in=self._corrections.get(entry_id, ()),
                         can_correct=correctable(entry, self.user_id))
        card.attachment_requested.connect(self.attachment_requested)
        card.correct_requested.connect(self.correct_requested)
        return card

    def _build_slice(self) -> None:
        """The next older slice, above the cards built so far; the view keeps its place from the end."""
        chunk, self._pending = self._pending[-self.SLICE:], self._pending[:-self.SLICE]
        for offset, (entry, attached) in enumerate(chunk):
            self._add_row(self._make_card(entry, attached), at=offset)
        self._fit_content()
        if self._pending:
            self._slice_timer.start()

    def _fit_content(self) -> None:
        # QScrollArea resizes its widget one layout pass late when rows are inserted into a
        # shown one: the cards are squeezed meanwhile and the end moves twice. Sized now, once.
        self._layout.activate()
        self.setWidgetResizable(True)  # re-fits the widget to its height for the width

    def _add_row(self, card: EntryCard, *, at: int | None = None) -> None:
        # Customers on the left, agents' replies on the right: indent the other side.
        row = QWidget(self._content)
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        if card.kind == EntryKind.PUBLIC_REPLY:
            box.addSpacing(56)
        box.addWidget(card, 1)
        if card.kind == EntryKind.CUSTOMER_MESSAGE:
            box.addSpacing(56)
        row.show()  # laid out in the next pass (a child is otherwise shown one event later)
        if at is None:  # after the last card (before the stretch)
            self._layout.insertWidget(self._layout.count() - 1, row)
            self.cards.append(card)
            self.rows.append(row)
        else:  # the notice is the layout's first item
            self._layout.insertWidget(1 + at, row)
            self.cards.insert(at, card)
            self.rows.insert(at, row)

    def scroll_to_end(self) -> None:
        """To the newest entry, now and once the new cards are laid out."""
        self._anchor = None
        self._keep_position()

    def _keep_position(self, *_range: int) -> None:
        # The content grew or shrank (cards laid out, an older slice above, a resize): the end,
        # or the row the agent was reading, stays where it was in the view.
        bar = self.verticalScrollBar()
        anchor = self._anchor
        value = bar.maximum() if anchor is None else anchor[0].y() - anchor[1]
        self._keeping = True
        try:
            bar.setValue(value)
        finally:
            self._keeping = False

    def _scrolled(self, value: int) -> None:
        if self._keeping:
            return
        # The agent scrolled (or focus moved to a card): remember the first row in view.
        if value >= self.verticalScrollBar().maximum():
            self._anchor = None
            return
        row = next((r for r in self.rows if r.isVisible() and r.geometry().bottom() >= value), None)
        self._anchor = None if row is None else (row, row.y() - value)

    def kinds(self) -> list[str]:
        return [card.kind for card in self.cards]
