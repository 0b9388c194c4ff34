import os
from pathlib import Path

# Real widgets, no screen: every UI test runs on Qt's offscreen platform. Its screens are
# tests/ui/screens.json's: a 1920x1080 primary screen (where windows open), and a 1366x768 and a
# 1280x720 one beside it for the small-screen tests (`screen_sized`). The offscreen platform
# orders its screens by name and makes the first the primary one: hence "main-..." and "thin-...".
SCREENS = Path(__file__).with_name("screens.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREENS}"

import pytest  # noqa: E402


@pytest.fixture
def sync_ops(qapp):
    """Background operations run at once on the test's thread (Picard's FakeThreadPool).

    Yields the installed `OpRunner`; errors that reach no failure callback are
    collected in `sync_ops.error_reporter.errors` instead of popping up a box.
    """
    from desk_app.ui.ops import CollectingReporter, synchronous_ops

    with synchronous_ops(error_reporter=CollectingReporter()) as runner:
        yield runner


@pytest.fixture
def screen_sized(qapp):
    """The screen of that size ("1280x720"), or a skip where the platform has none (a real display)."""
    def find(size: str):
        width, height = (int(n) for n in size.split("x"))
        for screen in qapp.screens():
            if (screen.geometry().width(), screen.geometry().height()) == (width, height):
                return screen
        pytest.skip(f"no {size} screen on this display (the offscreen platform has one: tests/ui/screens.json)")
    return find
@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item):
    """Delete the widgets qtbot has just closed, before the test's fixtures (its runner) go.

    pytest-qt closes them with deleteLater(), which `processEvents()` never carries out:
    a closed widget then lived on, and its timer (the business-hours indicator's, every
    30 s) fired in a later test and asked a runner that had been shut down.
    """
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)



@pytest.fixture(autouse=True)
def _unhook_window_signals():
    """The bridges `window_signals` made for the test are unhooked after it."""
    yield
    from window_signals import unhook_all

    unhook_all()
