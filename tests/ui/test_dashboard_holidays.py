"""Issue 17: a holiday list that runs out is a banner on the managers' dashboard, never a silent "open".

Seed 001 §1.1.2 (Ooulet): "Weekends and Public Holidays: Limited support available via email." Its
support calendar closes on national holidays only as far as the shipped list goes (through 2027).
"""

from __future__ import annotations

from datetime import datetime, timezone

from desk_app.ui.dashboard import DashboardView
from live_store import *  # noqa: F401,F403 - the store's fixtures
from window_signals import window_signals

LATE_2027 = datetime(2027, 11, 20, 6, 0, tzinfo=timezone.utc)  # 41 days before the list ends
DECEMBER_2026 = datetime(2026, 12, 20, 6, 0, tzinfo=timezone.utc)


def _view(qtbot, session, runner, now) -> DashboardView:
    view = DashboardView(session, runner, now=lambda: now, signals=window_signals(session))
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.show()
    return view


def test_the_dashboard_warns_when_a_holiday_list_runs_out(qtbot, live, sync_ops):
    live.clock.set(LATE_2027)
    view = _view(qtbot, live.session("manager"), sync_ops, LATE_2027)
    qtbot.waitUntil(lambda: view.holiday_banner.isVisible(), timeout=5000)
    text = view.holiday_banner.text()
    assert text.startswith("Ooulet: the holiday list of \u201cSupport hours")
    assert "(in 41 days)" in text and "would count as open time" in text
    assert text.count("\n") == 0  # only Ooulet keeps a holiday list


def test_no_banner_while_the_list_reaches_far_enough(qtbot, live, sync_ops):
    live.clock.set(DECEMBER_2026)
    view = _view(qtbot, live.session("manager"), sync_ops, DECEMBER_2026)
    qtbot.waitUntil(lambda: view._reference_loaded, timeout=5000)
    assert not view.holiday_banner.isVisible() and view.holiday_banner.text() == ""
