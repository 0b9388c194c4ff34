"""Once the workspace is filled, what it is built from stays out of the collector's full passes."""

from __future__ import annotations

import gc

from window_helpers import *  # noqa: F403


def test_a_filled_window_keeps_its_objects_out_of_full_collections_until_it_closes(windows):
    gc.unfreeze()
    tracked_before = len(gc.get_objects())
    window = windows("agent")

    kept_out = gc.get_freeze_count()
    assert kept_out >= tracked_before  # everything alive when it filled, the window's own objects too
    assert len(gc.get_objects()) < kept_out / 10  # a full pass now walks only what came after

    windows.close(window)
    assert gc.get_freeze_count() == 0  # handed back: what became garbage with the window can be freed
