"""Files only the store's own user may read: the SQLite database, attachment blobs.

Customer data lives in them, so they are created 0600 and their directories
0700, whatever the process umask (a shared machine's default makes them 0644).
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` and any missing parents as 0700 (existing directories are left as they are)."""
    path = Path(path).expanduser()
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue
        os.chmod(directory, PRIVATE_DIR)  # mkdir's mode is masked by the umask
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty as 0600 if it does not exist (its directory as 0700)."""
    path = Path(path).expanduser()
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return path
    os.close(fd)
    os.chmod(path, PRIVATE_FILE)
    return path
