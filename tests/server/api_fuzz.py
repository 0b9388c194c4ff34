"""Run schemathesis, as an admin, over every operation of a store served on loopback.

Shared by the bounded suite test (tests/server/test_api_fuzz.py) and the longer
run (bench/fuzz_api.py). Every operation gets `examples` generated cases that
fit its schema and as many that do not; a case fails on any 5xx or a response
outside the schema (status code, body shape). Routes under /auth other than
login get a fresh session per case, so a generated logout never ends the
admin's. Live streams (text/event-stream) are skipped: a stream never ends,
so there is no response to judge (tests/server/test_server_sse.py covers them).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import requests

API = "/api/v1"


@dataclass
class FuzzReport:
    operations: int = 0
    cases: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _login(base: str, username: str, password: str) -> str:
    r = requests.post(base + API + "/auth/login", json={"username": username, "password": password}, timeout=30)
    r.raise_for_status()
    return r.json()["token"]


def fuzz_store(base: str, username: str, password: str, *, examples: int, seed: int = 19) -> FuzzReport:
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, seed as hypothesis_seed, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    schema = schemathesis.openapi.from_url(base + "/openapi.json")
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance]
    token = _login(base, username, password)
    session = requests.Session()
    report = FuzzReport()
    started = time.perf_counter()
    # The login route last: its generated failed logins exhaust the address's login budget,
    # which the fresh sessions for logout need.
    operations = sorted((r.ok() for r in schema.get_all_operations()), key=lambda o: o.path.endswith("/auth/login"))
    for operation in operations:
        answers = operation.definition.raw.get("responses", {}).get("200", {}).get("content", {})
        if "text/event-stream" in answers or operation.path.endswith("/events"):
            report.skipped.append(f"{operation.method.upper()} {operation.path} (a live stream: it never ends)")
            continue
        report.operations += 1
        has_input = bool(operation.definition.raw.get("parameters") or operation.definition.raw.get("requestBody"))
        # A logout ends the session it is sent with: it gets a fresh one per case (and fewer
        # cases, as logins are rate-limited per address).
        own_session = operation.path.endswith("/auth/logout")
        modes = [schemathesis.GenerationMode.POSITIVE] + ([schemathesis.GenerationMode.NEGATIVE] if has_input else [])
        for mode in modes:

            @hypothesis_seed(seed)
            @settings(max_examples=min(examples, 5) if own_session else examples, deadline=None, database=None, derandomize=False,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case) -> None:
                report.cases += 1
                bearer = _login(base, username, password) if own_session else token
                case.call_and_validate(base_url=base, session=session, headers={"Authorization": f"Bearer {bearer}"},
                                       checks=checks, timeout=30)

            try:
                run()
            except KeyboardInterrupt:
                raise
            except BaseException as failure:  # noqa: BLE001 - hypothesis raises groups; collect them all
                report.failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {str(failure)[:1500]}")
    report.seconds = time.perf_counter() - started
    return report
