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
