"""Reports: who may read them, and clear errors for bad parameters (nothing here needs data)."""

from __future__ import annotations

import pytest

REPORTS = ["/reports/compliance", "/reports/breaches", "/reports/escalations", "/reports/backlog", "/reports/times", "/reports/agents"]


@pytest.mark.parametrize("path", REPORTS)
def test_only_managers_and_admins_read_reports(store, path):
    for user in ("agent", "specialist"):
        r = store.as_(user).get(path)
        assert r.status_code == 403, (user, r.text)
        assert r.json()["code"] == "forbidden"
    assert store.client.get("/api/v1" + path).status_code == 401
    for user in ("manager", "admin"):
        r = store.as_(user).get(path)
        assert r.status_code == 200, (user, r.text)
        assert r.json()["period"]["end"] is not None


def test_empty_store_gives_empty_figures(store):
    body = store.manager.get("/reports/compliance").json()
    assert body["rows"] == [] and body["overall"] == [] and body["points"] == []
    assert store.manager.get("/reports/backlog").json()["open_total"] == 0
    assert store.manager.get("/reports/agents").json()["rows"] == []


def test_default_period_is_the_last_30_days(store, clock):
    period = store.manager.get("/reports/times").json()["period"]
    assert period["end"].startswith(clock.now().date().isoformat())
    assert period["start"].startswith("2026-01-31")  # START is 2026-03-02


@pytest.mark.parametrize(
    "params, field, words",
    [
        ({"from": "2026-03-05", "to": "2026-03-01"}, "from", "must be before"),
        ({"from": "2026-03-05", "to": "2026-03-05"}, "from", "must be before"),
        ({"from": "2020-01-01", "to": "2026-03-01"}, "from", "at most"),
        ({"group_by": "colour"}, "group_by", "use one of: queue, category"),
        ({"trend": "hour"}, "trend", "use one of: day, week"),
        ({"policy": "nope"}, "policy", "known policies: holesalemart"),
        ({"queue": 987654}, "queue", "No queue with id 987654"),
    ],
)
def test_bad_parameters_are_clear_422s(store, params, field, words):
    path = "/reports/backlog" if "trend" in params else "/reports/compliance"
    r = store.manager.get(path, params=params)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "validation_error" and words in body["message"]
    assert body["errors"][0]["field"] == field


@pytest.mark.parametrize("params", [{"from": "yesterday"}, {"queue": "general"}, {"to": "2026-13-01"}])
def test_malformed_values_are_422_not_500(store, params):
    r = store.manager.get("/reports/agents", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["message"]


def test_naive_times_are_utc_and_dates_are_midnight(store):
    r = store.manager.get("/reports/backlog", params={"from": "2026-03-01", "to": "2026-03-02T12:00:00"})
    assert r.status_code == 200, r.text
    assert r.json()["period"]["start"].startswith("2026-03-01T00:00:00")
    assert r.json()["period"]["end"].startswith("2026-03-02T12:00:00")
