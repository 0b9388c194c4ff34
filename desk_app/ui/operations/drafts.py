"""The composer's drafts, kept in the local cache per ticket and kind (cache lane)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QObject

from desk_app.services.session import DeskSession
from desk_app.ui.ops import CACHE, Op, OpRunner

__all__ = ["load_drafts", "save_drafts"]


def load_drafts(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int,
                kinds: Iterable[str]) -> Op[dict[str, str]]:
    """{kind: saved text ("" when none)}."""
    store, kinds = session.cache.outbox, tuple(kinds)

    def load(_):
        return {kind: (d.body if (d := store.load_draft(ticket_id, kind)) else "") for kind in kinds}

    return Op(parent, load, lane=CACHE, label="load drafts", runner=runner)


def save_drafts(*, parent: QObject, runner: OpRunner, session: DeskSession, ticket_id: int,
                texts: Mapping[str, str]) -> Op[None]:
    store, texts = session.cache.outbox, dict(texts)

    def save(_):
        for kind, text in texts.items():
            store.save_draft(ticket_id, text, kind)

    return Op(parent, save, lane=CACHE, label="save draft", runner=runner)
