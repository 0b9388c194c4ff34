"""The dashboard's pure parts: headline figures, number formats, filters, chart buckets (no server)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from desk_app.ui.dashboard.charts import _ticks, bucket_dates
from desk_app.ui.dashboard.figures import (
    compliance_totals,
    csat_totals,
    format_duration,
    format_percent,
    measure_label,
)
from desk_app.services.reports import ReportFilters, dimension_filter, queue_query


@pytest.mark.parametrize("seconds, text", [(None, "—"), (0, "0 s"), (59.4, "59 s"), (60, "1 min"),
                                           (3599, "59 min"), (3600, "1 h 00 min"), (5 * 3600 + 7 * 60, "5 h 07 min"),
                                           (2 * 86400 + 4 * 3600 + 59, "2 d 4 h")])
def test_durations_read_naturally(qapp, seconds, text):
    assert format_duration(seconds) == text


def test_measure_labels(qapp):
    assert measure_label("first_response") == "First response"
    assert measure_label("tier_budget:2") == "Tier 2 budget"
    assert measure_label("something_new") == "something_new"


def test_compliance_totals_add_every_measure(qapp):
    rows = [{"met": 3, "total": 4}, {"met": 0, "total": 1}, {"met": 6, "total": 7}]
    assert compliance_totals(rows) == (9, 12, 75.0)
    assert compliance_totals([]) == (0, 0, None)
    assert format_percent(None) == "—"


def test_csat_is_weighted_by_answers(qapp):
    rows = [
        {"csat_responses": 3, "csat_average": 5.0, "csat_percent_satisfied": 100.0},
        {"csat_responses": 1, "csat_average": 1.0, "csat_percent_satisfied": 0.0},
        {"csat_responses": 0, "csat_average": None, "csat_percent_satisfied": None},
    ]
    assert csat_totals(rows) == (4, 4.0, 75.0)  # not (5 + 1) / 2
    assert csat_totals(rows[2:]) == (0, None, None)


def test_filters_make_the_query_and_refuse_nonsense():
    now = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
    f = ReportFilters(days=7, queue_id=3, policy="shopom")
    assert f.params(now) == {"from": "2026-03-03T12:00:00", "queue": 3, "policy": "shopom"}
    assert ReportFilters().params(now) == {"from": "2026-02-08T12:00:00"}
    assert f.queue_filter(statuses=["open"], tier=None) == {"queue_id": 3, "policy": "shopom", "statuses": ["open"]}
    for bad in ({"days": 0}, {"trend": "hour"}, {"group_by": "colour"}):
        with pytest.raises(ValueError):
            ReportFilters(**bad)


def test_dimension_filters_and_queue_queries():
    assert dimension_filter("agent", None) == {"unassigned": True}
    assert dimension_filter("agent", "4") == {"assignee_id": 4}
    assert dimension_filter("queue", "2") == {"queue_id": 2}
    assert dimension_filter("category", "refunds") == {"category": "refunds"}
    assert dimension_filter("queue", None) == {}
    q = queue_query({"statuses": ["open"], "tier": 2, "sla_state": "warning"}, now=100.0)
    assert q.statuses == ("open",) and q.tier == 2 and q.due_before == 100.0 + 7200
    assert queue_query({"unassigned": True}, now=0).unassigned


def test_chart_buckets_cover_the_period_without_gaps():
    start = datetime(2026, 3, 4, 15, 0, tzinfo=timezone.utc)  # a Wednesday
    end = datetime(2026, 3, 17, 0, 0, tzinfo=timezone.utc)  # exclusive: the 16th is the last day
    days = bucket_dates(start, end, "day")
    assert days[0] == date(2026, 3, 4) and days[-1] == date(2026, 3, 16) and len(days) == 13
    weeks = bucket_dates(start, end, "week")
    assert weeks == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]


@pytest.mark.parametrize("buckets", [1, 2, 5, 7, 9, 13, 30, 31, 90])
def test_axis_ticks_land_on_buckets(buckets):
    ticks, span = _ticks(buckets)
    assert 2 <= ticks <= 7 and span >= buckets
    assert (span - 1) % (ticks - 1) == 0
