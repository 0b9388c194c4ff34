"""Where opened attachments are written: one private folder per running session, removed after it.

    files = AttachmentFiles()            # under the system's temp folder, per OS user
    path = files.new_path("label.png")   # <root>/session-<id>/<n>/label.png (any thread)
    files.remove()                       # at logout / exit; also run by atexit

Opening an attachment downloads it to a file the system viewer can open. The
files belong to the session: `remove()` deletes its folder when the panel
goes (logout, role switch, closing the window) and, failing that, when the
interpreter exits. A run that crashed leaves its folder behind;
`remove_stale()` (run at start, off the UI thread) deletes every session folder
whose owner is gone. Ownership is a `QLockFile` in each folder, held while the
session runs: Qt's lock knows a dead owner (process id, host, application) and
lets the next `tryLock` take it over, on every platform.

A viewer may still hold a file open at logout (Windows refuses to delete it):
the folder then stays until the next start removes it as stale.
"""

from __future__ import annotations

import atexit
import getpass
import os
import shutil
import tempfile
import threading
import uuid
from pathlib import Path

from PySide6.QtCore import QLockFile

__all__ = ["AttachmentFiles", "default_root"]

_LOCK = ".owner.lock"
_PREFIX = "session-"


def default_root() -> Path:
    """A folder under the temp folder that is this OS user's (other users' sessions are not ours)."""
    try:
        who = str(os.getuid())
    except AttributeError:  # Windows: the temp folder is per user already
        who = getpass.getuser()
    return Path(tempfile.gettempdir()) / f"desk-attachments-{who}"


class AttachmentFiles:
    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.folder = self.root / f"{_PREFIX}{uuid.uuid4().hex[:12]}"
        self._lock: QLockFile | None = None
        self._count = 0
        self._mutex = threading.Lock()
        self._removed = False
        atexit.register(self.remove)

    def _ensure(self) -> Path:
        """The session's folder, made (and locked) on first use."""
        if self._lock is None:
            lock = QLockFile(str(self.folder / _LOCK))
            lock.setStaleLockTime(0)  # stale only when its owner is gone, however long it ran
            for _attempt in range(3):  # another app's `remove_stale` may take a folder not locked yet
                self.folder.mkdir(parents=True, exist_ok=True)
                if lock.tryLock(0):
                    break
            else:
                raise OSError(f"cannot lock {self.folder}: {lock.error().name}")
            for folder in (self.root, self.folder):
                try:
                    folder.chmod(0o700)  # attachments are customers' data: this user only
                except OSError:
                    pass
            self._lock = lock
            self._removed = False
        return self.folder

    def new_path(self, filename: str) -> Path:
        """A fresh path for `filename` (a safe base name) in the session's folder; thread-safe."""
        with self._mutex:
            folder = self._ensure()
            self._count += 1
            target = folder / str(self._count)
        target.mkdir()
        return target / filename

    def remove(self) -> None:
        """Delete the session's folder and everything in it (idempotent)."""
        with self._mutex:
            if self._removed:
                return
            self._removed = True
            lock, self._lock = self._lock, None
            if lock is not None:
                lock.unlock()
            shutil.rmtree(self.folder, ignore_errors=True)

    def remove_stale(self) -> list[Path]:
        """Delete the folders of sessions whose process is gone (a crash); returns them."""
        removed = []
        try:
            candidates = [p for p in self.root.iterdir() if p.is_dir() and p.name.startswith(_PREFIX)]
        except OSError:
            return removed
        for folder in candidates:
            if folder == self.folder:
                continue
            lock = QLockFile(str(folder / _LOCK))
            lock.setStaleLockTime(0)
            if lock.tryLock(0):  # nobody holds it: no lock at all, or its owner died
                lock.unlock()
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        return removed
