"""Issue 19 item 16: every id bounded; the outside fuzzer finds no 5xx and nothing outside the schema."""

from __future__ import annotations

import pytest

from api_fuzz import fuzz_store
from desk_app.server.core.validation import MAX_ID
from store_helpers import PASSWORD
from test_http_limits import guarded_server


@pytest.mark.parametrize("queue", [str(MAX_ID + 1), "-1", "0", "9" * 40])
@pytest.mark.parametrize("report", ["compliance", "breaches", "escalations", "backlog", "times", "agents"])
def test_report_queue_ids_are_bounded(store, report, queue):
    r = store.manager.get(f"/reports/{report}", params={"queue": queue})
    assert r.status_code == 422, r.text  # before: 500 for ids past a 64-bit integer
    assert r.json()["errors"][0]["field"] == "query:queue"


@pytest.mark.parametrize("when", ["0001-01-01T11:07:19Z", "9999-12-31T23:59:59Z"])
def test_report_periods_out_of_range_are_refused(store, when):
    for param in ("from", "to"):
        r = store.manager.get("/reports/backlog", params={param: when})
        assert r.status_code == 422, r.text  # found by the fuzzer: 500 (date arithmetic overflowed)


def test_every_integer_parameter_is_bounded(app):
    loose = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                for alternative in parameter["schema"].get("anyOf", [parameter["schema"]]):
                    if alternative.get("type") == "integer" and not {"minimum", "maximum"} <= set(alternative):
                        loose.append(f"{method.upper()} {path} {parameter['name']}")
    assert loose == []


def test_fuzzer_as_admin_finds_no_server_error(app, settings, store, db):
    if db.is_postgres:
        pytest.skip("the bounded fuzz runs on SQLite in the suite; bench/fuzz_api.py runs both, longer")
    with guarded_server(app, settings) as (host, port):
        report = fuzz_store(f"http://{host}:{port}", "admin", PASSWORD, examples=4)
    assert report.operations >= 50
    assert report.failures == [], "\n\n".join(report.failures)
