"""What the scheduler does to one claimed ticket whose due moment has come.

`process_ticket` replays the ticket's SLA history at `now` and acts on what
is due, each action exactly once:

* a clock turned to warning or breached: one system event (the change carries
  it as `data.entry`; the version is not bumped);
* a tier budget ran out: an "escalation due" system event; `finish` creates
  the escalation-due record itself (see `tickets.dues.reconcile`);
* the record stayed unhandled past its grace period (and the ticket is not
  paused): automatic escalation, with a system event saying so;
* a party's evidence window lapsed without documents: both parties are told
  (`evidence_lapsed`), and once no window is open the case moves on to the
  decision (or up a tier, per `on_lapse`);
* a third party let its response time lapse: the platform takes the case back;
* an emergency mode came on or went off for the ticket's policy: a notice
  event, and a `delayed` mail where the mode says customers are told.

Idempotency: each action inserts its key into `ticket_actions` in the same
transaction as the action (escalations close their record instead), so a
replay after a crash is either a first run or a no-op, and the ticket row is
locked by the caller, so two instances never act on the same ticket at once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from desk_app.core.escalation import BUDGET_EXPIRED
from desk_app.core.sla import ClockState, SlaSnapshot, compute_clocks
from desk_app.core.ticket import DONE_STATUSES, Status
from desk_app.server.core.types import iso
from desk_app.server.directory.models import Customer
from desk_app.server.notifications.outbox import enqueue
from desk_app.server.policies.models import PolicyModeSpan
from desk_app.server.tickets import escalations, sla_authority
from desk_app.server.tickets.disputes import mail_both, window_for
from desk_app.server.tickets.models import OPEN, SOURCE_BUDGET, EscalationDueRecord, Ticket, TicketAction
from desk_app.server.tickets.write import Ctx, add_system_entry, finish, placement, set_status

log = logging.getLogger("desk.server.scheduler")

_ACTIONS = TicketAction.__table__
_ALERTS = (ClockState.WARNING, ClockState.BREACHED)
_WAITING = frozenset({Status.PENDING_CUSTOMER, Status.PENDING_THIRD_PARTY, Status.ON_HOLD})


def clock_label(key: str) -> str:
    base, _, arg = key.partition(":")
    if base == "tier_budget":
        return f"Tier {arg} time budget"
    if base == "evidence":
        return f"Evidence window ({arg})"
    if base == "third_party":
        return f"Third-party response ({arg})"
    return base.replace("_", " ").capitalize()


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def notify(ctx: Ctx, ticket: Ticket, trigger: str, dedupe_key: str, data: dict[str, Any]) -> bool:
    """Queue a customer mail in this transaction (the outbox; False when not promised)."""
    return enqueue(
        ctx.session, ticket=ticket, trigger=trigger, now=ctx.now, dedupe_key=dedupe_key, data=data,
        policies=ctx.policies, settings=ctx.settings,
    )


class _Run:
    """One ticket's pass: the actions already taken, and the snapshot as of now."""

    def __init__(self, ctx: Ctx, ticket: Ticket) -> None:
        self.ctx = ctx
        self.ticket = ticket
        self.policy = ctx.policies.require(ticket.policy_key)
        self.done: set[str] = set(
            ctx.session.connection().execute(select(_ACTIONS.c.key).where(_ACTIONS.c.ticket_id == ticket.id)).scalars()
        )
        self.taken: list[str] = []
        self.snap = self.replay()

    def replay(self) -> SlaSnapshot:
        session, ticket, now = self.ctx.session, self.ticket, self.ctx.now
        session.flush()
        tier = session.get(Customer, ticket.customer_id).tier
        with session.no_autoflush:
            return compute_clocks(
                self.policy,
                sla_authority.facts_for(ticket, tier),
                sla_authority.history(session, ticket.id),
                now,
                sla_authority.mode_spans(session, self.policy.key, now) if self.policy.modes else (),
            )

    def mark(self, key: str) -> None:
        self.ctx.session.connection().execute(
            insert(_ACTIONS).values(ticket_id=self.ticket.id, key=key, at=self.ctx.now)
        )
        self.done.add(key)
        self.taken.append(key)

    def system_change(self, kind: str, code: str, body: str, data: dict[str, Any], *, bump: bool = False) -> None:
        ctx, ticket = self.ctx, self.ticket
        entry = add_system_entry(ctx, ticket, code, body, data)
        finish(
            ctx,
            ticket,
            kind=kind,
            fields=["sla", "thread"],
            prev=placement(ticket),
            audit_action=kind,
            before=None,
            after={"event": code, **{k: v for k, v in data.items() if k != "clocks"}},
            entry=entry,
            bump_version=bump,
        )

    # -- the actions ----------------------------------------------------------------

    def alerts(self) -> None:
        lines, clocks, breached = [], [], False
        for clock in self.snap.clocks:
            if clock.state not in _ALERTS:
                continue
            if clock.state is ClockState.BREACHED and clock.metric in ("evidence", "tier_budget"):
                continue  # their own actions below say more than "breached"
            key = f"sla:{clock.key}:{iso(clock.started_at)}:{clock.state}"
            if key in self.done:
                continue
            self.mark(key)
            breached |= clock.state is ClockState.BREACHED
            verb = "breached (was due" if clock.state is ClockState.BREACHED else "warning (due"
            lines.append(f"{clock_label(clock.key)} {verb} {_when(clock.due_at)})")
            clocks.append({"clock": clock.key, "state": str(clock.state), "due_at": iso(clock.due_at)})
        if lines:
            code = "sla_breached" if breached else "sla_warning"
            self.system_change("sla.changed", code, "SLA " + "; ".join(lines), {"clocks": clocks})

    def escalation_prompt(self) -> None:
        due = self.snap.escalation
        if due is None or due.reason != BUDGET_EXPIRED:
            return
        key = f"escalation_due:{due.from_tier}:{iso(self.snap.tier_entered_at)}"
        if key in self.done:
            return
        self.mark(key)
        keep = " or keep it with a note" if self.policy.escalation.allow_keep else ""
        self.system_change(
            "escalation_due.created",
            "escalation_due",
            f"{clock_label(f'tier_budget:{due.from_tier}')} ran out: escalate to {due.to_tier_name}{keep}. "
            f"If nobody acts it moves up by itself at {_when(due.auto_escalate_at)}.",
            {"from_tier": due.from_tier, "to_tier": due.to_tier, "auto_at": iso(due.auto_escalate_at)},
        )

    def auto_escalation(self) -> None:
        due = self.snap.escalation
        if due is None or due.auto_escalate_at > self.ctx.now:
            return
        budget = next((c for c in self.snap.clocks if c.key == f"tier_budget:{due.from_tier}"), None)
        if budget is not None and budget.state is ClockState.PAUSED:
            return  # nobody can be expected to act on a paused ticket
        record_id = self.ctx.session.connection().execute(
            select(EscalationDueRecord.__table__.c.id).where(
                EscalationDueRecord.__table__.c.ticket_id == self.ticket.id,
                EscalationDueRecord.__table__.c.state == OPEN,
                EscalationDueRecord.__table__.c.stay_started_at == self.snap.tier_entered_at,
            )
        ).scalar()
        if record_id is None:
            return  # handled meanwhile (or never created: the next finish creates it)
        escalations.auto_escalate(self.ctx, self.ticket, record_id)
        self.taken.append(f"auto_escalated:{record_id}")
        self.snap = self.replay()

    def evidence_lapses(self) -> None:
        spec = window_for(self.policy, self.ticket.category)
        if spec is None:
            return
        lapsed = [
            c for c in self.snap.clocks if c.metric == "evidence" and c.state is ClockState.BREACHED
            and f"evidence_lapsed:{c.key}:{iso(c.started_at)}" not in self.done
        ]
        for clock in lapsed:
            party = clock.key.partition(":")[2]
            key = f"evidence_lapsed:{clock.key}:{iso(clock.started_at)}"
            self.mark(key)
            still_open = [
                c.key.partition(":")[2] for c in self.snap.clocks
                if c.metric == "evidence" and c.state in (ClockState.RUNNING, ClockState.WARNING)
            ]
            data = {"party": party, "window": spec.key, "on_lapse": spec.on_lapse, "waiting_for": still_open,
                    "parties": list(spec.parties)}
            # Both parties are told: the customer, and the counterparty where its address is known.
            mail_both(self.ctx, self.ticket, "evidence_lapsed", f"evidence_lapsed:{self.ticket.id}:{key}", data)
            if still_open:
                body = (f"The {party}'s window for documents closed without documents. "
                        f"Still waiting for: {', '.join(still_open)}.")
                self.system_change("evidence.lapsed", "evidence_lapsed", body, data)
            elif spec.on_lapse == "escalate":
                self.system_change("evidence.lapsed", "evidence_lapsed",
                                   f"The {party}'s window for documents closed without documents.", data)
                target = self.policy.next_tier(self.ticket.tier)
                if target is not None:
                    escalations.move_tier(
                        self.ctx, self.ticket, self.policy, target.level, direction="up", kind="automatic",
                        reason=f"the {party}'s evidence window lapsed",
                    )
            else:
                self._to_decision(party, data)
        if lapsed:
            self.snap = self.replay()

    def _to_decision(self, party: str, data: dict[str, Any]) -> None:
        ctx, ticket = self.ctx, self.ticket
        prev, old = placement(ticket), ticket.status
        if ticket.status in _WAITING:
            set_status(ctx, ticket, Status.OPEN, why="evidence window lapsed", cause="evidence_lapsed")
        entry = add_system_entry(
            ctx, ticket, "evidence_lapsed",
            f"The {party}'s window for documents closed without documents: the case moves on to the decision "
            "on the evidence at hand.", {**data, "next_step": "decision"},
        )
        finish(ctx, ticket, kind="evidence.lapsed", fields=["status", "sla", "thread"], prev=prev,
               audit_action="evidence.lapsed", before={"status": old}, after={"status": ticket.status, **data},
               entry=entry, bump_version=ticket.status != old)

    def third_party_lapses(self) -> None:
        if self.ticket.status != Status.PENDING_THIRD_PARTY:
            return
        for clock in self.snap.clocks:
            if clock.metric != "third_party" or clock.state is not ClockState.BREACHED:
                continue
            key = f"third_party_lapsed:{clock.key}:{iso(clock.started_at)}"
            if key in self.done:
                continue
            self.mark(key)
            who = clock.key.partition(":")[2]
            label = self.policy.third_parties[who].label if who in self.policy.third_parties else who
            ctx, ticket = self.ctx, self.ticket
            prev = placement(ticket)
            set_status(ctx, ticket, Status.OPEN, why=f"{label} did not answer in time; we take the case over",
                       cause="third_party_lapsed")
            entry = add_system_entry(ctx, ticket, "third_party_lapsed",
                                  f"{label} let the response time lapse: the case is back with the team.",
                                  {"third_party": who})
            finish(ctx, ticket, kind="third_party.lapsed", fields=["status", "sla", "thread"], prev=prev,
                   audit_action="third_party.lapsed", before={"status": Status.PENDING_THIRD_PARTY},
                   after={"status": ticket.status, "third_party": who}, entry=entry)
            self.snap = self.replay()
            return

    def modes(self) -> None:
        if not self.policy.modes or self.ticket.status in DONE_STATUSES:
            return
        spans = self.ctx.session.execute(
            select(PolicyModeSpan).where(PolicyModeSpan.policy_key == self.policy.key,
                                         PolicyModeSpan.start_at <= self.ctx.now).order_by(PolicyModeSpan.id)
        ).scalars().all()
        for span in spans:
            spec = self.policy.modes.get(span.mode)
            if spec is None:
                continue
            on_key, off_key = f"mode_on:{span.id}", f"mode_off:{span.id}"
            ended = span.end_at is not None and span.end_at <= self.ctx.now
            data = {"mode": span.mode, "label": spec.label, "span_id": span.id}
            if not ended and on_key not in self.done:
                self.mark(on_key)
                if spec.notify_customers:
                    notify(self.ctx, self.ticket, "delayed", f"delayed:{self.ticket.id}:{span.id}",
                           {**data, "notice": spec.notice})
                self.system_change("mode.notice", "mode_on", f"{spec.label}: {spec.notice or 'mode on'}", data)
            elif ended and on_key in self.done and off_key not in self.done:
                self.mark(off_key)
                self.system_change("mode.notice", "mode_off", f"{spec.label} has ended; normal service times apply.",
                                   data)

    def refresh(self) -> None:
        """Nothing to act on: store the clocks as of now (a new change only if a state moved)."""
        old = sla_authority_states(self.ticket.snapshot)
        new = {c.key: str(c.state) for c in self.snap.clocks}
        if old != new:
            finish(self.ctx, self.ticket, kind="sla.changed", fields=["sla"], prev=placement(self.ticket),
                   audit_action="sla.changed", before={"clocks": old}, after={"clocks": new}, bump_version=False)
            return
        tier = self.ctx.session.get(Customer, self.ticket.customer_id).tier
        sla_authority.recompute(self.ctx.session, self.ticket, self.policy, tier, self.ctx.now)


def sla_authority_states(snapshot: str) -> dict[str, str]:
    import orjson

    data = orjson.loads(snapshot or "{}")
    return {c["key"]: c["state"] for c in (data.get("sla") or {}).get("clocks", [])}


def process_ticket(ctx: Ctx, ticket: Ticket) -> list[str]:
    """Act on everything due for this (locked) ticket at `ctx.now`; the keys of the actions taken."""
    run = _Run(ctx, ticket)
    run.alerts()
    run.escalation_prompt()
    run.auto_escalation()
    run.evidence_lapses()
    run.third_party_lapses()
    run.modes()
    if not run.taken:
        run.refresh()
    return run.taken


__all__ = ["SOURCE_BUDGET", "clock_label", "notify", "process_ticket"]
