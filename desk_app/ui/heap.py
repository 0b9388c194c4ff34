"""Keep the garbage collector's full passes off the UI thread's back.

Now and then CPython's cyclic collector walks every object it tracks (a
"generation 2" pass), on whichever thread happened to allocate, holding the
interpreter lock: every other thread, the UI thread included, waits until it
is done. Once the workspace is up, nearly everything in the heap (modules, Qt
wrappers, widgets, reference data) lives as long as the window. `settle`
moves it to the collector's permanent generation, so later full passes walk
only what was made since: a process holding 900,000 tracked objects (the
test suite's, after a few hundred tests) spent 0.5-0.9 s per full pass, long
enough to freeze the window in the middle of a click. `release` hands the
objects back to the collector when the window goes, so whatever of them
became garbage (a logged-out session's widgets) is still freed.
"""

from __future__ import annotations

import gc

__all__ = ["release", "settle"]


def settle() -> None:
    """Take the objects alive now out of the collector's full passes.

    Constant time (the collector's lists are spliced). Do not count what it
    kept out here: `gc.get_freeze_count` walks every one of those objects,
    100 ms for a million of them.
    """
    gc.freeze()


def release() -> None:
    """Give the objects `settle` kept out back to the collector (at the window's shut-down)."""
    gc.unfreeze()
