"""The composer: a public reply or an internal note, canned responses, drafts that are never lost.

Every edit is kept: a short debounce after the last keystroke the text is
saved as the ticket's draft for that mode (on the cache lane, so typing never
waits on the disk), and at once when the agent switches mode or ticket or the
panel hides. Reopening the ticket, even after a restart, brings the text
back. Sending hands the text to the outbox, which deletes the draft in the
same transaction; a send the server refuses comes back into the draft
(`restore_text`).

Keyboard: Alt+R / Alt+N choose reply / note, Alt+C the canned responses,
Ctrl+Enter sends.

The mode belongs to the ticket: another ticket opens in reply mode (or in
note mode when all it has is a note draft), never in the mode the last
ticket was left in. Note mode looks different: the editor takes the note
cards' amber tint (light and dark palettes alike) and a label above it says
that only staff read it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desk_app.core.ticket import EntryKind
from desk_app.services.session import DeskSession
from desk_app.ui.accessibility import label_field, plain_label
from desk_app.ui.operations import drafts
from desk_app.ui.ops import OpRunner
from desk_app.ui.sla_display import is_dark

__all__ = ["Composer"]

REPLY = EntryKind.PUBLIC_REPLY.value
NOTE = EntryKind.INTERNAL_NOTE.value

#: (light, dark) editor background and badge colours in note mode: the note cards' amber.
NOTE_TINT = {"base": ("#fef7e0", "#3a3320"), "badge": ("#f2d675", "#806c2a"), "badge_text": ("#3d3000", "#fff4cc")}


def note_colour(part: str, dark: bool) -> QColor:
    return QColor(NOTE_TINT[part][1 if dark else 0])


class Composer(QWidget):
    #: (kind, text): the agent pressed Send.
    send_requested = Signal(str, str)
    #: Whether the agent is typing a public reply (for presence).
    composing_changed = Signal(bool)

    SAVE_DELAY_MS = 400

    def __init__(self, session: DeskSession, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.ticket_id: int | None = None
        self._texts: dict[str, str] = {REPLY: "", NOTE: ""}
        self._dirty: set[str] = set()
        self._loading = False
        self._composing = False
        self._fill: Callable[[str], str] = lambda body: body

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 10)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.reply_mode = QRadioButton(self.tr("&Reply to customer"), self)
        self.note_mode = QRadioButton(self.tr("Internal &note"), self)
        self.reply_mode.setChecked(True)
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.reply_mode)
        self.modes.addButton(self.note_mode)
        self.modes.buttonToggled.connect(self._mode_toggled)
        top.addWidget(self.reply_mode)
        top.addWidget(self.note_mode)
        top.addStretch(1)
        self.canned_label = QLabel(self.tr("&Canned response:"), self)
        self.canned = QComboBox(self)
        self.canned.setMinimumContentsLength(18)
        self.canned.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        label_field(self.canned_label, self.canned)  # named for its purpose, not its current item
        self.canned.activated.connect(self._insert_canned)
        top.addWidget(self.canned_label)
        top.addWidget(self.canned)
        layout.addLayout(top)

        self.note_badge = QLabel(self.tr("Internal note \u2014 only staff see this, the customer does not"), self)
        self.note_badge.setObjectName("noteBadge")
        self.note_badge.setAutoFillBackground(True)
        self.note_badge.setContentsMargins(8, 2, 8, 2)
        font = self.note_badge.font()
        font.setBold(True)
        self.note_badge.setFont(font)
        self.note_badge.hide()
        layout.addWidget(self.note_badge)

        self.editor = QPlainTextEdit(self)
        self.editor.setTabChangesFocus(True)  # Tab leaves the editor: keyboard users are never trapped
        # Three lines at least: on a 720-pixel screen the conversation above keeps its share.
        self.editor.setMinimumHeight(3 * self.editor.fontMetrics().lineSpacing() + 14)
        self.editor.textChanged.connect(self._edited)
        layout.addWidget(self.editor)

        bottom = QHBoxLayout()
        self.hint = QLabel(self)
        self.hint.setObjectName("composerHint")
        bottom.addWidget(self.hint, 1)
        self.send = QPushButton(self)
        self.send.setDefault(False)
        self.send.clicked.connect(self.request_send)
        bottom.addWidget(self.send)
        layout.addLayout(bottom)
        # Ctrl+Enter in the editor sends (an event filter: it works whatever window is active).
        self.editor.installEventFilter(self)

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(self.SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush_drafts)
        self._update_mode_texts()
        self._set_editor("")  # also makes PySide build QTextCursor's enums now, not on the first ticket
        self.setEnabled(False)

    # -- mode ---------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return NOTE if self.note_mode.isChecked() else REPLY

    def set_mode(self, kind: str) -> None:
        (self.note_mode if kind == NOTE else self.reply_mode).setChecked(True)

    def _mode_toggled(self, button, checked: bool) -> None:
        if not checked:
            return
        self._loading = True
        self.editor.setPlainText(self._texts[self.kind])
        self._loading = False
        self.editor.moveCursor(QTextCursor.MoveOperation.End)
        self._update_mode_texts()
        self._update_composing()

    def _update_mode_texts(self) -> None:
        self._show_mode_look()
        self.editor.setAccessibleName(plain_label((self.note_mode if self.kind == NOTE else self.reply_mode).text()))
        if self.kind == NOTE:
            self.send.setText(self.tr("Add note"))  # Ctrl+Enter; Alt+N picks the mode
            self.hint.setText(self.tr("Only staff see internal notes. Ctrl+Enter adds it."))
            self.editor.setPlaceholderText(self.tr("Write an internal note for your colleagues\u2026"))
        else:
            self.send.setText(self.tr("&Send reply"))
            self.hint.setText(self.tr("The customer receives this reply. Ctrl+Enter sends it."))
            self.editor.setPlaceholderText(self.tr("Write your reply to the customer\u2026"))
        self.editor.setAccessibleName(self.tr("Internal note") if self.kind == NOTE else self.tr("Reply to customer"))

    def _show_mode_look(self) -> None:
        """Note mode: the editor tinted like a note card and the badge shown; reply mode: the palette's own."""
        note = self.kind == NOTE
        dark = is_dark(self.palette())
        if note:
            editor = QPalette(self.palette())
            for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
                editor.setColor(group, QPalette.ColorRole.Base, note_colour("base", dark))
            self.editor.setPalette(editor)
            badge = QPalette(self.palette())
            badge.setColor(QPalette.ColorRole.Window, note_colour("badge", dark))
            badge.setColor(QPalette.ColorRole.WindowText, note_colour("badge_text", dark))
            self.note_badge.setPalette(badge)
        else:
            self.editor.setPalette(QPalette())  # inherit the application's again
        self.note_badge.setVisible(note)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and hasattr(
                self, "note_badge"):
            self._show_mode_look()  # light <-> dark while in note mode: the tint follows

    # -- the ticket ---------------------------------------------------------------------

    def set_canned(self, responses: list[tuple[str, str, str]], fill: Callable[[str], str]) -> None:
        """The policy's canned responses (key, title, body) and how to fill their placeholders."""
        self._fill = fill
        self.canned.clear()
        # The resting item is what a screen reader says the box is (on Linux Qt names a combo box by its item).
        self.canned.addItem(self.tr("Insert a canned response\u2026") if responses
                            else self.tr("No canned responses for this policy"), None)
        for key, title, body in responses:
            self.canned.addItem(title, body)
        self.canned.setEnabled(bool(responses))

    def _insert_canned(self, index: int) -> None:
        body = self.canned.itemData(index)
        if not body:
            return
        self.editor.insertPlainText(self._fill(body))
        self.canned.setCurrentIndex(0)
        self.editor.setFocus()

    def show_ticket(self, ticket_id: int | None, *, load_drafts: bool = True) -> None:
        """Switch to another ticket: keep what was typed here, bring back that ticket's drafts
        (now, or with `load_drafts()` when the caller starts its reads later)."""
        self.flush_drafts()
        self.ticket_id = ticket_id
        self._texts = {REPLY: "", NOTE: ""}
        self.set_mode(REPLY)  # the mode is the ticket's: a note meant for the last one is not carried over
        self._set_editor("")
        self.setEnabled(ticket_id is not None)
        if load_drafts:
            self.load_drafts()

    def load_drafts(self) -> None:
        """Read the ticket's saved drafts (cache lane); what was typed meanwhile is kept."""
        ticket_id = self.ticket_id
        if ticket_id is None:
            return
        drafts.load_drafts(parent=self, runner=self.runner, session=self.session, ticket_id=ticket_id,
                           kinds=(REPLY, NOTE)).success(
            lambda texts: self._drafts_loaded(ticket_id, texts)).run_in_background()

    def follow_ticket(self, ticket_id: int) -> None:
        """A ticket created offline got its real id: what is typed now belongs to that id."""
        self.ticket_id = ticket_id
        self._dirty |= {kind for kind, text in self._texts.items() if text}
        self.flush_drafts()

    def _drafts_loaded(self, ticket_id: int, texts: dict[str, str]) -> None:
        if ticket_id != self.ticket_id:
            return
        for kind, text in texts.items():
            if kind not in self._dirty and not self._texts[kind]:
                self._texts[kind] = text
        if not texts[REPLY] and texts[NOTE]:
            self.set_mode(NOTE)
        self._set_editor(self._texts[self.kind])

    def _set_editor(self, text: str) -> None:
        self._loading = True
        self.editor.setPlainText(text)
        self._loading = False
        self.editor.moveCursor(QTextCursor.MoveOperation.End)
        self._update_composing()

    # -- drafts -------------------------------------------------------------------------

    def _edited(self) -> None:
        if self._loading or self.ticket_id is None:
            return
        self._texts[self.kind] = self.editor.toPlainText()
        self._dirty.add(self.kind)
        self._save_timer.start()
        self._update_composing()

    def flush_drafts(self) -> None:
        """Save the texts typed since the last save now (on the cache lane)."""
        self._save_timer.stop()
        if self.ticket_id is None or not self._dirty:
            return
        texts = {kind: self._texts[kind] for kind in self._dirty}
        self._dirty = set()
        drafts.save_drafts(parent=self, runner=self.runner, session=self.session, ticket_id=self.ticket_id,
                           texts=texts).run_in_background()

    def restore_text(self, kind: str, text: str) -> None:
        """A refused send: put its text back (after what is being typed, if anything)."""
        if kind not in self._texts or not text:
            return
        current = self._texts[kind]
        if text.strip() in current:
            return
        self._texts[kind] = (current.rstrip() + "\n\n" + text) if current.strip() else text
        self._dirty.add(kind)
        if kind == self.kind:
            self._set_editor(self._texts[kind])
        self.flush_drafts()

    def text(self, kind: str | None = None) -> str:
        return self._texts[kind or self.kind]

    # -- sending ------------------------------------------------------------------------

    def request_send(self) -> None:
        text = self.editor.toPlainText()
        if self.ticket_id is None or not text.strip():
            self.hint.setText(self.tr("Nothing to send: write something first."))
            return
        self.flush_drafts()  # if the send is refused locally, the text is still on disk
        self.send_requested.emit(self.kind, text)

    def sent(self, kind: str) -> None:
        """The outbox took the text (and deleted its draft): clear that mode."""
        self._texts[kind] = ""
        self._dirty.discard(kind)
        if kind == self.kind:
            self._set_editor("")

    def _update_composing(self) -> None:
        composing = self.ticket_id is not None and self.kind == REPLY and bool(self.editor.toPlainText().strip())
        if composing != self._composing:
            self._composing = composing
            self.composing_changed.emit(composing)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if (watched is self.editor and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.request_send()
            return True
        return super().eventFilter(watched, event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.flush_drafts()
        super().hideEvent(event)
