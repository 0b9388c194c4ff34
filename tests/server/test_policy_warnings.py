"""Issue 17: a calendar whose holiday list runs out is a visible warning, never a silent "open".

Seed 001 §1.1.2 (Ooulet): "Weekends and Public Holidays: Limited support available via email."
The Mon-Sat support calendar closes on national holidays only as far as its list goes.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from desk_app.server.cli import main as cli_main
from desk_app.server.core.clock import ManualClock
from desk_app.server.core.settings import DatabaseSettings, Settings, StorageSettings

#: Six weeks before the end of Ooulet's 2027 holiday list.
LATE_2027 = datetime(2027, 11, 20, 6, 0, tzinfo=timezone.utc)
#: Today (December 2026): the 2027 list is shipped, nothing runs out within 60 days.
DECEMBER_2026 = datetime(2026, 12, 20, 6, 0, tzinfo=timezone.utc)


def test_get_policies_exposes_the_holiday_warnings(store, clock):
    clock.set(DECEMBER_2026)
    body = store.manager.get("/policies").json()
    assert all(p["calendar_warnings"] == [] for p in body["policies"])

    clock.set(LATE_2027)
    store._as.clear()  # a year on, the December session has expired: log in again
    body = store.manager.get("/policies").json()
    by_key = {p["key"]: p["calendar_warnings"] for p in body["policies"]}
    assert [w["calendar"] for w in by_key["ooulet"]] == ["support"]
    warning = by_key["ooulet"][0]
    assert (warning["through"], warning["days_left"]) == ("2027-12-31", 41)
    assert "later holidays would count as open time" in warning["message"]
    assert all(by_key[k] == [] for k in by_key if k != "ooulet")  # no list, nothing runs out


def test_the_store_logs_the_warning_at_start(database, policies, tmp_path, caplog):
    from desk_app.server.app import create_app

    settings = Settings(database=DatabaseSettings(url=database.url), storage=StorageSettings(data_dir=tmp_path))
    with caplog.at_level(logging.WARNING, logger="desk.server"):
        create_app(settings, database=database, clock=ManualClock(LATE_2027), policies=policies, listen=False)
    lines = [r.getMessage() for r in caplog.records if "holiday list" in r.getMessage()]
    assert len(lines) == 1 and "policy 'ooulet'" in lines[0] and "2027-12-31 (in 41 days)" in lines[0]


def test_policies_check_command(capsys):
    assert cli_main(["policies", "check", "--at", DECEMBER_2026.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "5 policies load" in out and "warning" not in out
    assert cli_main(["policies", "check", "--at", "2028-01-05"]) == 1
    out = capsys.readouterr().out
    assert "warning: policy 'ooulet': the holiday list of calendar 'support'" in out and "ran out on 2027-12-31" in out
