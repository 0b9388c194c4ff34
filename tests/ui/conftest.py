import os

# Real widgets, no screen: every UI test runs on Qt's offscreen platform.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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
