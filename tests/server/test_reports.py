"""Every report figure against a recomputation in plain Python from the raw rows.

The seed drives the real API over a few simulated days (replies, calls,
customer follow-ups, escalations, resolutions, a reopen, CSAT answers). The
recomputation reads the raw tables and replays each ticket's history with the
core (`compute_clocks`), independently of `clock_runs`, then counts in Python.
Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, timedelta, timezone

import pytest
from conftest import START, empty_tables
from sqlalchemy import select

from desk_app.core.sla import compute_clocks
from desk_app.core.ticket import EventKind, TicketEvent, TicketFacts
from desk_app.server.directory.models import Customer
from desk_app.server.feedback.models import SurveyResponse
from desk_app.server.feedback.tokens import issue_survey_token
from desk_app.server.reports.backlog import age_bucket_label
from desk_app.server.tickets.models import Escalation, ThreadEntry, Ticket, TicketHistoryEvent

PROMISES = ("first_response", "next_response", "periodic_update", "resolution", "tier_budget")
OPEN = ("new", "open", "pending_customer", "pending_third_party", "on_hold")
POLICIES = {
    "shopom": (["order_issues", "returns_refunds", "payment_issues"], ["urgent", "normal"], ["email", "phone", "portal"]),
    "holesalemart": (["orders", "payments", "returns_refunds"], ["high", "normal", "low"], ["portal", "email"]),
}


# -- seeding through the API ----------------------------------------------------------


def seed(store, clock, db, n: int = 26) -> None:
    rng = random.Random(7)
    actions: list[tuple] = []
    for i in range(n):
        created = START + timedelta(hours=4 * i, minutes=rng.randrange(60))
        actions.append((created, i, "create"))
        if rng.random() < 0.85:
            actions.append((created + timedelta(minutes=rng.randrange(5, 900)), i, rng.choice(["reply", "reply", "call"])))
            if rng.random() < 0.5:
                follow = created + timedelta(hours=rng.randrange(16, 30))
                actions.append((follow, i, "customer"))
                actions.append((follow + timedelta(minutes=rng.randrange(10, 600)), i, "reply"))
        if i % 6 == 2:
            actions.append((created + timedelta(hours=rng.randrange(2, 40)), i, "escalate"))
        if rng.random() < 0.6:
            actions.append((created + timedelta(hours=rng.randrange(40, 90)), i, "resolve"))
    actions.append((START + timedelta(days=5), 1, "reopen"))
    actions.append((START + timedelta(days=5, hours=4), 1, "resolve"))
    actions.sort(key=lambda a: (a[0], a[1]))

    tickets: dict[int, dict] = {}
    logged_in = START
    for at, i, what in actions:
        clock.set(at)
        if at - logged_in > timedelta(hours=10):  # sessions last 12 hours: log in again
            store._as.clear()
            logged_in = at
        if what == "create":
            policy = "shopom" if i % 3 else "holesalemart"
            cats, prios, chans = POLICIES[policy]
            agent = "agent" if i % 2 else "agent2"
            t = store.as_(agent).create_ticket(
                policy=policy,
                category=cats[i % len(cats)],
                priority=prios[i % len(prios)],
                channel=chans[i % len(chans)],
                queue_id=store.ids["queue:general"],
                customer={"name": f"Customer {i}", "email": f"c{i}@example.com", "tier": ("standard", "enterprise")[i % 4 == 0]},
            )
            assert store.as_(agent).post(f"/tickets/{t['id']}/take").status_code == 200
            tickets[i] = {"id": t["id"], "actor": agent, "resolved": False}
            continue
        t = tickets[i]
        tid, actor = t["id"], store.as_(t["actor"])
        if what == "reply":
            r = actor.post(f"/tickets/{tid}/entries", {"kind": "public_reply", "body": "We are on it."})
        elif what == "call":
            call = {"number": "+91 98765 43210", "direction": "outbound", "duration_seconds": 120}
            r = actor.post(f"/tickets/{tid}/entries", {"kind": "phone_call", "body": "Called", "call": call})
        elif what == "customer":
            r = actor.post(f"/tickets/{tid}/entries", {"kind": "customer_message", "body": "Any news?"})
        elif what == "escalate":
            if t["resolved"]:
                continue
            r = actor.post(f"/tickets/{tid}/escalate", {"reason": "Needs a specialist"})
            t["actor"] = "manager"
            if i % 12 == 2:
                esc = r.json()["escalation"]
                assert store.specialist.post(f"/tickets/{tid}/escalations/{esc['id']}/acknowledge").status_code == 200
        elif what == "reopen":
            r = store.manager.post(f"/tickets/{tid}/status", {"status": "open"})
            t["resolved"] = False
        else:  # resolve, then the customer may answer the survey
            r = store.manager.post(f"/tickets/{tid}/status", {"status": "resolved"})
            t["resolved"] = True
            with db.write() as session:
                token = issue_survey_token(session, session.get(Ticket, tid), clock.now())
            if i % 4 != 3:
                clock.advance(timedelta(minutes=30))
                answer = {"score": 1 + (i * 7) % 5, "comment": f"Ticket {i}" if i % 2 else None}
                assert store.client.post(f"/api/v1/feedback/{token}", json=answer).status_code == 200
        assert r.status_code in (200, 201), (what, r.text)
    # An automatic escalation (the scheduler's) and a de-escalation, as rows.
    with db.write() as session:
        session.add(
            Escalation(
                ticket_id=tickets[3]["id"], from_tier=1, to_tier=2, direction="up", kind="automatic",
                reason="Tier budget expired", created_at=START + timedelta(days=1, hours=2),
            )
        )
    # Read the reports a little after the last action (and log in afresh).
    clock.set(max(at for at, _, _ in actions) + timedelta(hours=3))
    store._as.clear()


class Seeded:
    def __init__(self, store, db, raw):
        self.store, self.db, self.raw = store, db, raw
        self.manager = store.manager
        self.ids = store.ids


@pytest.fixture(scope="module")
def seeded(backend_app, database, shared_clock, policies):
    """Seeded once per backend for the whole module (the tests only read)."""
    from fastapi.testclient import TestClient
    from store_helpers import Store

    from desk_app.server.auth.service import TokenCache

    empty_tables(database)
    shared_clock.set(START)
    backend_app.state.token_cache = TokenCache()
    backend_app.state.scheduler_hooks.unsubscribe_all()
    with TestClient(backend_app, raise_server_exceptions=False) as client:
        store = Store.create(client, database, shared_clock)
        seed(store, shared_clock, database)
        yield Seeded(store, database, Raw(database, policies, shared_clock.now()))


# -- the recomputation ------------------------------------------------------------------


def percentile_cont(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    pos = p * (len(values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


class Raw:
    """The raw rows, and each ticket's clocks replayed by the core."""

    def __init__(self, db, policies, now):
        self.now = now
        with db.read() as s:
            self.tickets = {t.id: t for t in s.scalars(select(Ticket))}
            tiers = dict(s.execute(select(Customer.id, Customer.tier)).all())
            events = s.scalars(select(TicketHistoryEvent).order_by(TicketHistoryEvent.at, TicketHistoryEvent.id)).all()
            self.events = list(events)
            self.entries = list(s.scalars(select(ThreadEntry)))
            self.escalations = list(s.scalars(select(Escalation)))
            self.surveys = list(s.scalars(select(SurveyResponse)))
        self.customer_tier = {tid: tiers[t.customer_id] for tid, t in self.tickets.items()}
        history = defaultdict(list)
        for e in self.events:
            history[e.ticket_id].append(
                TicketEvent(at=e.at, kind=EventKind(e.kind), status=e.status, tier=e.tier, party=e.party, direction=e.direction)
            )
        self.finished: list[tuple[int, object]] = []
        self.live: list[tuple[int, object]] = []
        for tid, t in self.tickets.items():
            facts = TicketFacts(t.created_at, t.category, t.priority, t.channel, self.customer_tier[tid])
            snap = compute_clocks(policies[t.policy_key], facts, history[tid], now)
            runs = {}
            for c in (*snap.history, *snap.clocks):
                if c.metric not in PROMISES:
                    continue
                if c.state in ("met", "missed"):
                    runs[(c.key, c.started_at)] = c
                else:
                    self.live.append((tid, c))
            self.finished += [(tid, c) for c in runs.values()]

    def group(self, tid: int, by: str | None):
        if by is None:
            return None
        t = self.tickets[tid]
        value = {
            "queue": t.queue_id, "category": t.category, "priority": t.priority, "channel": t.channel,
            "customer_tier": self.customer_tier[tid], "policy": t.policy_key, "agent": t.assignee_id,
        }[by]
        return None if value is None else str(value)


def measure(c) -> str:
    return c.key if c.metric == "tier_budget" else str(c.metric)


def overdue(c, now) -> bool:
    return (c.state in ("running", "warning", "breached") and c.due_at <= now) or (
        c.state == "paused" and c.remaining.total_seconds() < 0
    )


def elapsed(c) -> int:
    return int(c.target.total_seconds()) - int(c.remaining.total_seconds())


def params(start, end, **extra):
    return {"from": start.isoformat(), "to": end.isoformat(), **{k: v for k, v in extra.items() if v is not None}}


PERIOD = (START, START + timedelta(days=7))
NARROW = (START + timedelta(days=1, hours=5), START + timedelta(days=3))


# -- the tests --------------------------------------------------------------------------


@pytest.mark.parametrize("group_by", [None, "queue", "category", "priority", "channel", "customer_tier", "policy", "agent"])
def test_compliance_agrees_with_a_replay_of_every_ticket(seeded, group_by):
    raw = seeded.raw
    for start, end in (PERIOD, NARROW):
        expected = defaultdict(lambda: [0, 0, 0])
        for tid, c in raw.finished:
            if start <= c.stopped_at < end:
                expected[(measure(c), raw.group(tid, group_by))][0 if c.state == "met" else 1] += 1
        for tid, c in raw.live:
            if start <= c.due_at < end and overdue(c, raw.now):
                expected[(measure(c), raw.group(tid, group_by))][2] += 1
        r = seeded.manager.get("/reports/compliance", params=params(start, end, group_by=group_by))
        assert r.status_code == 200, r.text
        body = r.json()
        got = {(row["measure"], row["group"]): [row["met"], row["missed"], row["breached_open"]] for row in body["rows"]}
        assert got == dict(expected)
        for row in body["rows"]:
            assert row["total"] == row["met"] + row["missed"] + row["breached_open"]
            assert row["percent_met"] == pytest.approx(100 * row["met"] / row["total"], abs=0.01)
        overall = Counter()
        for (m, _), v in expected.items():
            overall[m] += v[0] + v[1] + v[2]
        assert {row["measure"]: row["total"] for row in body["overall"]} == dict(overall)
    # The seed exercises what the figures distinguish.
    assert {"met", "missed"} <= {c.state for _, c in raw.finished}
    assert any(overdue(c, raw.now) for _, c in raw.live)
    if group_by == "agent":
        labels = {row["group"]: row["label"] for row in body["rows"] if row["group"]}
        assert set(labels.values()) <= {"Agent", "Agent2", "Manager", "Specialist"}


@pytest.mark.parametrize("trend", ["day", "week"])
def test_compliance_trend_buckets_by_utc_day_and_week(seeded, trend):
    raw = seeded.raw
    start, end = START - timedelta(days=1), START + timedelta(days=9)  # across three weeks

    def bucket(at):
        day = at.astimezone(timezone.utc).date()  # core times carry the calendar's zone
        return (day - timedelta(days=day.weekday()) if trend == "week" else day).isoformat()

    expected = defaultdict(lambda: [0, 0, 0])
    for _, c in raw.finished:
        if start <= c.stopped_at < end:
            expected[(bucket(c.stopped_at), measure(c))][0 if c.state == "met" else 1] += 1
    for _, c in raw.live:
        if start <= c.due_at < end and overdue(c, raw.now):
            expected[(bucket(c.due_at), measure(c))][2] += 1
    body = seeded.manager.get("/reports/compliance", params=params(start, end, trend=trend)).json()
    got = {(p["bucket"], p["measure"]): [p["met"], p["missed"], p["breached_open"]] for p in body["points"]}
    assert got == dict(expected)
    buckets = {date.fromisoformat(b) for b, _ in got}
    assert len(buckets) > (1 if trend == "week" else 4)
    if trend == "week":
        assert {b.weekday() for b in buckets} == {0}


@pytest.mark.parametrize("group_by", [None, "agent", "policy"])
def test_breaches_and_near_breaches_now(seeded, group_by):
    raw = seeded.raw
    now = raw.now
    expected = defaultdict(lambda: [0, 0])
    for tid, c in raw.live:
        key = (measure(c), raw.group(tid, group_by))
        if overdue(c, now):
            expected[key][0] += 1
        elif c.state in ("running", "warning") and c.warn_at is not None and c.warn_at <= now < c.due_at:
            expected[key][1] += 1
    body = seeded.manager.get("/reports/breaches", params={"group_by": group_by} if group_by else {}).json()
    assert {(r["measure"], r["group"]): [r["breached"], r["near_breach"]] for r in body["rows"]} == dict(expected)
    worst = sorted((c.due_at, tid, c.key) for tid, c in raw.live if overdue(c, now))[:50]
    assert [(t["ticket_id"]) for t in body["most_overdue"]] == [tid for _, tid, _ in worst]
    assert all(t["overdue_seconds"] >= 0 for t in body["most_overdue"])


def test_escalations_by_tier_kind_and_time_at_tier(seeded):
    raw = seeded.raw
    start, end = PERIOD
    expected = Counter(
        (e.from_tier, e.to_tier, e.direction, e.kind) for e in raw.escalations if start <= e.created_at < end
    )
    body = seeded.manager.get("/reports/escalations", params=params(start, end)).json()
    assert {(r["from_tier"], r["to_tier"], r["direction"], r["kind"]): r["count"] for r in body["rows"]} == expected
    assert {r["kind"] for r in body["rows"]} >= {"manual", "automatic"}
    tiers = {t["tier"]: t for t in body["tiers"]}
    spent = defaultdict(list)
    for _, c in raw.finished:
        if c.metric == "tier_budget" and start <= c.stopped_at < end:
            spent[int(c.key.split(":")[1])].append(elapsed(c))
    for tier, values in spent.items():
        assert tiers[tier]["runs"] == len(values)
        assert tiers[tier]["median_seconds"] == pytest.approx(percentile_cont(values, 0.5))
        assert tiers[tier]["p90_seconds"] == pytest.approx(percentile_cont(values, 0.9))
        assert tiers[tier]["mean_seconds"] == pytest.approx(sum(values) / len(values))
    waiting = Counter(
        e.to_tier for e in raw.escalations
        if e.direction == "up" and not e.acknowledged and raw.tickets[e.ticket_id].status in OPEN
    )
    assert {t: tiers[t]["waiting"] for t in tiers if tiers[t]["waiting"]} == dict(waiting)
    assert sum(tiers[2][k] for k in ("automatic", "manual", "customer_request")) == tiers[2]["escalated_into"]
    due = sum(
        1 for t in raw.tickets.values()
        if t.status in OPEN and t.sla_escalation_due_at is not None and t.sla_escalation_due_at <= raw.now
    )
    assert body["escalation_due_now"] == due


@pytest.mark.parametrize("trend", ["day", "week"])
def test_backlog_ageing_and_arrivals_vs_resolutions(seeded, trend):
    raw = seeded.raw
    start, end = PERIOD
    policy = "shopom"
    backlog = Counter(
        (age_bucket_label(raw.now - t.created_at), t.status)
        for t in raw.tickets.values() if t.status in OPEN and t.policy_key == policy
    )
    body = seeded.manager.get("/reports/backlog", params=params(start, end, trend=trend, policy=policy)).json()
    assert {(r["age"], r["status"]): r["count"] for r in body["rows"]} == backlog
    assert body["open_total"] == sum(backlog.values()) > 0

    def bucket(at):
        day = at.astimezone(timezone.utc).date()  # core times carry the calendar's zone
        return (day - timedelta(days=day.weekday()) if trend == "week" else day).isoformat()

    flow = defaultdict(Counter)
    for t in raw.tickets.values():
        if t.policy_key == policy and start <= t.created_at < end:
            flow[bucket(t.created_at)]["arrivals"] += 1
    for e in raw.events:
        if (
            e.kind == "status_changed" and e.status in ("resolved", "closed") and start <= e.at < end
            and raw.tickets[e.ticket_id].policy_key == policy
        ):
            flow[bucket(e.at)][e.status] += 1
    got = {p["bucket"]: Counter({k: p[k] for k in ("arrivals", "resolved", "closed") if p[k]}) for p in body["flow"]}
    assert got == dict(flow)


@pytest.mark.parametrize("group_by", [None, "priority", "agent"])
def test_first_response_and_resolution_times_in_business_time(seeded, group_by):
    raw = seeded.raw
    for start, end in (PERIOD, NARROW):
        values = defaultdict(list)
        for tid, c in raw.finished:
            if c.metric in ("first_response", "resolution") and start <= c.stopped_at < end:
                values[(str(c.metric), raw.group(tid, group_by))].append(elapsed(c))
        body = seeded.manager.get("/reports/times", params=params(start, end, group_by=group_by)).json()
        rows = {(r["measure"], r["group"]): r for r in body["rows"]}
        assert set(rows) == set(values)
        for key, vals in values.items():
            assert rows[key]["count"] == len(vals)
            assert rows[key]["median_seconds"] == pytest.approx(percentile_cont(vals, 0.5))
            assert rows[key]["p90_seconds"] == pytest.approx(percentile_cont(vals, 0.9))
            assert rows[key]["mean_seconds"] == pytest.approx(sum(vals) / len(vals))
    assert any(len(v) > 3 for v in values.values())


def test_agent_load_replies_first_response_and_csat(seeded):
    raw = seeded.raw
    start, end = NARROW[0], PERIOD[1]
    expected: dict = defaultdict(lambda: defaultdict(int))
    for t in raw.tickets.values():
        if t.status in OPEN:
            expected[t.assignee_id]["open_tickets"] += 1
    for e in raw.entries:
        if e.kind in ("public_reply", "phone_call") and e.author_id is not None and start <= e.created_at < end:
            expected[e.author_id]["replies" if e.kind == "public_reply" else "calls"] += 1
    firsts = defaultdict(list)
    by_channel = defaultdict(lambda: defaultdict(list))
    for tid, c in raw.finished:
        if c.metric == "first_response" and start <= c.stopped_at < end:
            ticket = raw.tickets[tid]
            firsts[ticket.assignee_id].append(elapsed(c))
            by_channel[ticket.assignee_id][ticket.channel].append(elapsed(c))
    scores = defaultdict(list)
    for s in raw.surveys:
        if s.answered_at is not None and start <= s.answered_at < end:
            scores[s.agent_id].append(s.score)
    body = seeded.manager.get("/reports/agents", params=params(start, end)).json()
    # The unassigned tickets are a row of their own, not one of the agents.
    assert all(r["agent_id"] is not None for r in body["rows"])
    assert body["unassigned"] is not None and body["unassigned"]["agent_id"] is None
    rows = {r["agent_id"]: r for r in body["rows"]} | {None: body["unassigned"]}
    assert set(rows) == set(expected) | set(firsts) | set(scores)
    for agent, row in rows.items():
        for k in ("open_tickets", "replies", "calls"):
            assert row[k] == expected[agent][k], (agent, k)
        assert row["first_responses"] == len(firsts[agent])
        assert row["median_first_response_seconds"] == pytest.approx(percentile_cont(firsts[agent], 0.5))
        # Per channel: a call's 0 s does not hide how long the e-mails waited.
        assert [c["channel"] for c in row["first_response_by_channel"]] == sorted(by_channel[agent])
        for c in row["first_response_by_channel"]:
            values = by_channel[agent][c["channel"]]
            assert c["first_responses"] == len(values), (agent, c["channel"])
            assert c["median_first_response_seconds"] == pytest.approx(percentile_cont(values, 0.5))
        assert row["csat_responses"] == len(scores[agent])
        if scores[agent]:
            assert row["csat_average"] == pytest.approx(sum(scores[agent]) / len(scores[agent]), abs=1e-4)
            happy = sum(1 for s in scores[agent] if s >= 4)
            assert row["csat_percent_satisfied"] == pytest.approx(100 * happy / len(scores[agent]), abs=0.01)
        else:
            assert row["csat_average"] is None
    assert sum(len(v) for v in scores.values()) >= 5
    assert rows[seeded.ids["agent"]]["name"] == "Agent"
    assert sum(len(channels) > 1 for channels in by_channel.values()) >= 2  # agents with several channels


def test_queue_filter_narrows_every_report(seeded):
    """Tickets moved out of the general queue (escalated) disappear from its figures."""
    general = seeded.ids["queue:general"]
    start, end = PERIOD
    all_ = seeded.manager.get("/reports/backlog", params=params(start, end)).json()
    only = seeded.manager.get("/reports/backlog", params=params(start, end, queue=general)).json()
    with seeded.db.read() as s:
        expected = s.query(Ticket).filter(Ticket.queue_id == general, Ticket.status.in_(OPEN)).count()
    assert only["open_total"] == expected < all_["open_total"]
    specialists = seeded.ids["queue:specialists"]
    esc = seeded.manager.get("/reports/escalations", params=params(start, end, queue=specialists)).json()
    assert esc["rows"] and all(r["to_tier"] == 2 for r in esc["rows"] if r["kind"] == "manual")
