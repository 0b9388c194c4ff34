"""Content-addressed blob storage for attachments.

A blob is named by the SHA-256 of its bytes, never by anything a sender
supplied: the file name a customer gave is kept only as display text
(`display_filename`), so "../../etc/passwd.png" can never become a path.
Identical files are stored once.

Two stores, chosen by `StorageSettings.blob_store`:

* "database" (default): bytes in the `blobs` table. Server instances stay
  stateless apart from the database, as several instances behind one load
  balancer require.
* "directory": files under `<data_dir>/blobs/ab/cd/<sha256>`, written to a
  temporary file and renamed into place (atomic), for single-instance
  deployments with large attachments.

The intake rules (which types, how many, how large; `upload.UploadRules`) are checked
before `put`; this module only stores what it is given and reads it back,
verifying the digest on the way out.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from desk_app.server.attachments.models import Attachment, Blob
from desk_app.server.core.files import private_dir

_UNSAFE = re.compile(r"[^\w .()+,-]", re.UNICODE)


def display_filename(name: str | None, *, fallback: str = "attachment") -> str:
    """A harmless label from a sender's file name: no directories, no control characters."""
    if not name:
        return fallback
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    return (name or fallback)[:200]


class BlobIntegrityError(RuntimeError):
    pass


class BlobStore:
    def __init__(self, kind: str, data_dir: Path | None = None) -> None:
        if kind not in ("database", "directory"):
            raise ValueError(f"unknown blob store {kind!r} (database or directory)")
        if kind == "directory" and data_dir is None:
            raise ValueError("the directory blob store needs a data directory")
        self.kind = kind
        self.root = (data_dir / "blobs") if data_dir is not None else None

    def _path(self, digest: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise ValueError("not a SHA-256 digest")
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, session: Session, data: bytes, media_type: str, now: datetime) -> str:
        """Store bytes (once) in the caller's transaction; returns the digest."""
        digest = hashlib.sha256(data).hexdigest()
        if session.get(Blob, digest) is not None:
            return digest
        if self.kind == "directory":
            path = self._path(digest)
            if not path.exists():
                private_dir(path.parent)  # 0700: customer files
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
                try:
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(data)
                        handle.flush()
                        os.fsync(handle.fileno())
                    os.replace(tmp, path)
                except BaseException:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
                    raise
        session.add(
            Blob(
                sha256=digest,
                size=len(data),
                media_type=media_type,
                storage=self.kind,
                data=data if self.kind == "database" else None,
                created_at=now,
            )
        )
        session.flush()  # the blob row must exist before an attachment names it
        return digest

    def read(self, session: Session, digest: str) -> bytes:
        blob = session.get(Blob, digest)
        if blob is None:
            raise KeyError(digest)
        data = blob.data if blob.storage == "database" else self._path(digest).read_bytes()
        if data is None or hashlib.sha256(data).hexdigest() != digest:
            raise BlobIntegrityError(f"blob {digest} is damaged")
        return data

    def attach(
        self,
        session: Session,
        *,
        ticket_id: int,
        data: bytes,
        media_type: str,
        filename: str | None,
        now: datetime,
        entry_id: int | None = None,
        uploaded_by_id: int | None = None,
    ) -> Attachment:
        digest = self.put(session, data, media_type, now)
        attachment = Attachment(
            ticket_id=ticket_id,
            entry_id=entry_id,
            blob_sha256=digest,
            filename=display_filename(filename),
            media_type=media_type,
            size=len(data),
            created_at=now,
            uploaded_by_id=uploaded_by_id,
        )
        session.add(attachment)
        session.flush()
        return attachment
