"""Realistic demo tickets across the five shipped policies.

The demo history is played through the same ticket service the API uses,
with the clock set to each step's time (over the last ten days), so every
ticket carries a true SLA history: messages, calls, pauses, escalations,
resolutions, and breaches at various stages. A final pass recomputes clocks
as of now, so tickets whose deadlines passed since show as breached.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from desk_app.core.ticket import Status
from desk_app.server.auth.models import Role, User
from desk_app.server.auth.service import Principal, create_user
from desk_app.server.core.db import Database
from desk_app.server.core.settings import Settings
from desk_app.server.directory.models import Customer, Queue
from desk_app.server.feedback.service import submit as submit_survey
from desk_app.server.feedback.tokens import issue_survey_token
from desk_app.server.policies.registry import PolicyRegistry
from desk_app.server.scheduler import refresh_due_clocks
from desk_app.server.tickets import escalations, service, write
from desk_app.server.tickets.models import Ticket
from desk_app.server.tickets.schemas import EntryIn, TicketCreateIn

DEMO_PASSWORD = "demo"
DEMO_USERS = (
    ("agent", Role.AGENT, "Ava Agent"),
    ("specialist", Role.SPECIALIST, "Sam Specialist"),
    ("manager", Role.MANAGER, "Maya Manager"),
    ("admin", Role.ADMIN, "Adi Admin"),
)

CUSTOMERS = [
    ("Asha Rao", "asha.rao@example.in", "+91 98450 11223", "standard"),
    ("Rohan Mehta", "rohan.mehta@example.in", "+91 99001 22334", "startup"),
    ("Priya Nair", "priya.nair@example.in", "+91 98860 33445", "enterprise"),
    ("Vikram Singh", "vikram.singh@example.in", "+91 97400 44556", "standard"),
    ("Emily Carter", "emily.carter@example.com", "+1 415 555 0142", "standard"),
    ("Lucas Moreau", "lucas.moreau@example.fr", "+33 6 12 34 56 78", "startup"),
    ("Budi Santoso", "budi.santoso@example.id", "+62 812 3456 7890", "standard"),
    ("Siti Rahayu", "siti.rahayu@example.id", "+62 813 9876 5432", "standard"),
    ("Dewi Lestari", "dewi.lestari@example.id", "+62 811 2233 4455", "standard"),
    ("Kenji Tanaka", "kenji.tanaka@example.jp", "+81 90 1234 5678", "enterprise"),
    ("Grace Okafor", "grace.okafor@example.ng", "+234 803 555 0199", "standard"),
    ("Mateo García", "mateo.garcia@example.es", "+34 612 345 678", "standard"),
]

#: Per policy: (subject, first message, category preference) samples.
STORIES: dict[str, list[tuple[str, str]]] = {
    "shopom": [
        ("Order not delivered after 9 days", "My order was due last Tuesday and tracking has not moved since."),
        ("Please cancel my order before dispatch", "I ordered the wrong size, please cancel order before it ships."),
        ("Refund not received for returned shoes", "I returned the shoes two weeks ago and still no refund."),
        ("Cannot log in after password reset", "The reset link says expired every time I use it."),
        ("Charged twice for one order", "My card shows two charges for the same order."),
        ("Is this phone dual-SIM?", "The product page does not say whether the phone supports two SIMs."),
    ],
    "ooulet": [
        ("Payout for March not received", "Our store payout for March has not reached our bank account."),
        ("App crashes when uploading listings", "The seller app crashes every time we upload more than 10 photos."),
        ("Checkout down for all our customers", "Since 10:05 no customer can pay on our store. This is critical."),
        ("Help setting up shipping zones", "We are new and need help configuring shipping zones."),
        ("Shopify integration stopped syncing", "Inventory no longer syncs from our Shopify store since yesterday."),
        ("Refund a cancelled subscription", "I cancelled within the trial and was still charged."),
    ],
    "holesalemart": [
        ("Bulk order arrived incomplete", "We received 40 of the 50 cartons on our wholesale order."),
        ("Invoice shows wrong GST number", "Please correct the GST number on our last invoice."),
        ("Return damaged pallet", "One pallet arrived damaged; we would like to return it."),
        ("Update company account address", "Our warehouse moved; please update the delivery address."),
        ("Minimum order quantity question", "What is the minimum order for the steel bottles?"),
    ],
    "pandorana": [
        ("Bracelet clasp broke after a week", "The clasp of my charm bracelet broke after one week of wearing it."),
        ("Where is my order?", "The tracking number you sent me does not work."),
        ("Exchange ring for a smaller size", "The ring is too big; can I exchange it for size 52?"),
        ("Refund for cancelled order", "I cancelled my order the same day but have not been refunded."),
        ("Gift recommendation for my mother", "Could you recommend a necklace for my mother's 60th birthday?"),
        ("Complaint about rude store staff", "I want to complain about how I was treated in your store."),
    ],
    "shopee": [
        ("Pesanan belum diterima", "Pesanan saya sudah 10 hari belum sampai, status masih dikemas."),
        ("Tidak ada nomor resi", "Penjual sudah kirim tapi tidak ada nomor resi di aplikasi."),
        ("Pengembalian barang cacat", "Barang yang saya terima rusak, saya ingin mengembalikan barang."),
        ("Cara mengubah alamat pengiriman", "Bagaimana cara mengubah alamat pengiriman untuk pesanan baru?"),
        ("Saldo ShopeePay tidak masuk", "Saya sudah top up tapi saldo ShopeePay tidak bertambah."),
    ],
}

REPLIES = {
    "id": [
        "Terima kasih telah menghubungi kami. Kami sedang memeriksa pesanan Anda.",
        "Mohon kirimkan foto barang dan nomor pesanan agar kami dapat membantu.",
        "Kami telah menghubungi penjual dan menunggu tanggapan mereka.",
    ],
    "en": [
        "Thanks for reaching out. I am looking into this for you now.",
        "Could you send a photo and your order number so we can help?",
        "I have contacted the seller and will update you as soon as they reply.",
    ],
}


@dataclass
class _Op:
    at: datetime
    order: int
    kind: str
    ticket: str
    data: dict


def _principal(user: User) -> Principal:
    return Principal(user.id, user.username, user.display_name, Role(user.role))


def _ensure_users(db: Database, now: datetime) -> tuple[dict[str, User], list[str]]:
    users: dict[str, User] = {}
    created: list[str] = []
    with db.write() as session:
        for username, role, name in DEMO_USERS:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                user = create_user(
                    session, username=username, password=DEMO_PASSWORD, role=role, now=now, display_name=name
                )
                created.append(username)
            users[username] = user
    return users, created


def _ensure_queues(db: Database, policies: PolicyRegistry) -> None:
    with db.write() as session:
        existing = set(session.scalars(select(Queue.key)))
        for key in sorted(policies):
            qkey = f"{key}-tier1"
            if qkey not in existing:
                session.add(Queue(key=qkey, name=f"{policies[key].name}", tier=1, private=False, policy_key=key,
                                  description=f"First-line queue for {policies[key].name}"))
        if "specialists" not in existing:
            session.add(Queue(key="specialists", name="Specialists (Tier 2)", tier=2, private=True, policy_key=None,
                              description="Escalated tickets for senior support"))
        if "management" not in existing:
            session.add(Queue(key="management", name="Management (Tier 3)", tier=3, private=True, policy_key=None,
                              description="Tickets escalated to managers"))


def _customers(db: Database, now: datetime) -> list[int]:
    ids = []
    with db.write() as session:
        for name, email, phone, tier in CUSTOMERS:
            customer = session.scalar(select(Customer).where(Customer.email == email))
            if customer is None:
                digits = "".join(ch for ch in phone if ch.isdigit())
                customer = Customer(name=name, email=email, phone="+" + digits, tier=tier, conduct_flag=False,
                                    created_at=now - timedelta(days=30))
                session.add(customer)
                session.flush()
            ids.append(customer.id)
    return ids


def _plan(policies: PolicyRegistry, per_policy: int, rng: random.Random, now: datetime, customers: list[int]):
    """Each ticket's story as timed operations; the stories cover every stage."""
    ops: list[_Op] = []
    n = 0
    for key in sorted(policies):
        policy = policies[key]
        stories = STORIES.get(key) or [("Question about my order", "Please help me with my order.")]
        lang = policy.notifications.language if policy.notifications.language in REPLIES else "en"
        categories = list(policy.categories)
        priorities = [p.key for p in policy.priorities]
        channels = list(policy.channels)
        for i in range(per_policy):
            n += 1
            name = f"{key}-{i}"
            subject, message = stories[i % len(stories)]
            category = categories[(i * 7 + 3) % len(categories)]
            priority = priorities[0] if i % 4 == 1 else priorities[-1]
            channel = channels[i % len(channels)]
            tier = "enterprise" if i % 5 == 2 else "standard"
            created = now - timedelta(minutes=rng.randint(20, 9 * 24 * 60))
            stage = i % 8
            ops.append(_Op(created, n * 100, "create", name, {
                "policy": key, "subject": subject, "message": message, "category": category,
                "priority": priority, "channel": channel, "customer_id": customers[(i + n) % len(customers)],
                "tier": tier,
            }))
            t = created
            step = 0

            def later(minutes_lo: int, minutes_hi: int) -> datetime:
                nonlocal t
                t = min(t + timedelta(minutes=rng.randint(minutes_lo, minutes_hi)), now - timedelta(minutes=1))
                return t

            def add(kind: str, **data) -> None:
                nonlocal step
                step += 1
                ops.append(_Op(later(*data.pop("gap", (10, 240))), n * 100 + step, kind, name, data))

            if stage == 0:
                pass  # brand new, nobody has answered yet (clocks running or breached)
            elif stage == 1:
                add("take", who="agent")
                add("reply", who="agent", body=REPLIES[lang][0])
            elif stage == 2:
                add("take", who="agent")
                add("reply", who="agent", body=REPLIES[lang][1])
                add("status", who="agent", status=Status.PENDING_CUSTOMER)  # paused, waiting on the customer
            elif stage == 3:
                add("call", who="agent", direction="inbound", duration=rng.randint(120, 900),
                    body="Customer called about the delay; promised an update by email.")
                add("note", who="agent", body="Checked the courier portal: parcel stuck at the hub.")
                add("status", who="agent", status=Status.PENDING_THIRD_PARTY)
            elif stage == 4:
                add("take", who="agent")
                add("reply", who="agent", body=REPLIES[lang][0])
                add("escalate", who="agent", reason="Needs a refund above the agent limit.", gap=(30, 600))
            elif stage == 5:
                add("reply", who="agent", body=REPLIES[lang][2])
                add("escalate", who="agent", reason="Technical fault confirmed; needs the technical team.")
                add("ack", who="specialist")
                add("take", who="specialist")
                add("escalate", who="specialist", reason="Customer threatens legal action; manager decision.")
            elif stage == 6:
                add("take", who="agent")
                add("reply", who="agent", body=REPLIES[lang][0])
                add("status", who="agent", status=Status.RESOLVED)
                # The resolution mail's survey, answered (no random draw: the rest of the plan stays as it was).
                add("survey", score=SURVEY_SCORES[n % len(SURVEY_SCORES)], gap=(5, 60),
                    comment=SURVEY_COMMENTS[n % len(SURVEY_COMMENTS)])
                add("customer", body="Thank you, it arrived today.", gap=(60, 600))
                add("status", who="agent", status=Status.CLOSED)
            else:
                add("take", who="agent")
                add("reply", who="agent", body=REPLIES[lang][1])
                add("status", who="agent", status=Status.RESOLVED)
                add("survey", score=2, comment="The problem came back the next day.", gap=(5, 60))
                add("customer", body="It is still not working, please help again.", gap=(120, 1440))
    ops.sort(key=lambda op: (op.at, op.order))
    return ops


#: Survey answers of the resolved demo tickets (CSAT on the manager's dashboard).
SURVEY_SCORES = (5, 4, 5, 3, 4, 5)
SURVEY_COMMENTS = (None, "Quick and friendly.", None, "Took a while, but sorted.", None, "Thanks!")


#: Minutes from now at which the live tickets' next deadline falls (warning, breach, budget).
LIVE_MINUTES = (1, 2, 3, 5, 8)


def _offset_to(policy, clock_key: str, attr: str, now: datetime) -> timedelta:
    """How long after creation a fresh ticket's clock reaches its warning/due time (24/7 calendars)."""
    from desk_app.core.sla import compute_clocks
    from desk_app.core.ticket import EventKind, TicketEvent, TicketFacts

    facts = TicketFacts(created_at=now, category="order_issues", priority="normal", channel="email")
    snap = compute_clocks(policy, facts, [TicketEvent(at=now, kind=EventKind.CREATED, status="new", tier=1)], now)
    clock = next(c for c in snap.clocks if c.key == clock_key)
    return getattr(clock, attr) - now


def _seed_live(db, policies, settings, principals, customers, now) -> int:
    """Shopom tickets (a 24/7 calendar) created so that deadlines fall a few minutes after now.

    Two warnings, a first-response breach and two Tier 1 budgets running out
    (escalation prompts for the agent who owns them), relative to the real now.
    """
    policy = policies["shopom"]
    plan = [
        ("first_response", "warn_at", "Tracking stuck for a week", False),
        ("first_response", "due_at", "Wrong item delivered", False),
        ("tier_budget:1", "due_at", "Refund promised but not received", True),
        ("first_response", "warn_at", "Coupon not applied at checkout", False),
        ("tier_budget:1", "due_at", "Seller not responding about warranty", True),
    ]
    for i, ((key, attr, subject, owned), minutes) in enumerate(zip(plan, LIVE_MINUTES)):
        created = now + timedelta(minutes=minutes) - _offset_to(policy, key, attr, now)
        with db.write() as session:
            ctx = write.Ctx(session, created, principals["agent"], policies, settings, "seed-demo")
            ticket = service.create_ticket(ctx, TicketCreateIn(
                policy="shopom", subject=subject, category="order_issues", priority="normal", channel="email",
                customer_id=customers[i % len(customers)], order_id=f"LIVE-{1000 + i}",
                message=EntryIn(kind="customer_message", body=subject + ". Please help."),
            ))
            if owned:
                # Answered, and owned by the agent: the budget prompt goes to them.
                service.take(ctx, ticket.id, None)
                service.add_entry(ctx, ticket.id, None, EntryIn(kind="public_reply", body=REPLIES["en"][0]))
    return len(plan)


def seed_demo(
    db: Database, policies: PolicyRegistry, settings: Settings, *, tickets_per_policy: int = 12, seed: int = 7,
    now: datetime | None = None,
) -> str:
    now = now or datetime.now(timezone.utc)
    rng = random.Random(seed)
    users, created_users = _ensure_users(db, now - timedelta(days=30))
    _ensure_queues(db, policies)
    customers = _customers(db, now)
    principals = {name: _principal(u) for name, u in users.items()}
    ticket_ids: dict[str, int] = {}
    for op in _plan(policies, tickets_per_policy, rng, now, customers):
        who = principals[op.data.get("who", "agent")]
        with db.write() as session:
            ctx = write.Ctx(session, op.at, who, policies, settings, "seed-demo")
            tid = ticket_ids.get(op.ticket)
            d = op.data
            if op.kind == "create":
                body = TicketCreateIn(
                    policy=d["policy"], subject=d["subject"], category=d["category"], priority=d["priority"],
                    channel=d["channel"], customer_id=d["customer_id"], order_id=f"ORD-{rng.randint(100000, 999999)}",
                    message=EntryIn(kind="customer_message", body=d["message"]),
                )
                ticket_ids[op.ticket] = service.create_ticket(ctx, body).id
            elif op.kind == "take":
                service.take(ctx, tid, None)
            elif op.kind == "reply":
                service.add_entry(ctx, tid, None, EntryIn(kind="public_reply", body=d["body"]))
            elif op.kind == "note":
                service.add_entry(ctx, tid, None, EntryIn(kind="internal_note", body=d["body"]))
            elif op.kind == "customer":
                service.add_entry(ctx, tid, None, EntryIn(kind="customer_message", body=d["body"]))
            elif op.kind == "call":
                customer = session.get(Customer, session.get(Ticket, tid).customer_id)
                service.add_entry(ctx, tid, None, EntryIn(
                    kind="phone_call", body=d["body"],
                    call={"number": customer.phone or "+10000000000", "direction": d["direction"],
                          "duration_seconds": d["duration"]},
                ))
            elif op.kind == "status":
                service.change_status(ctx, tid, None, d["status"], None)
            elif op.kind == "escalate":
                escalations.escalate(ctx, tid, None, d["reason"], None)
            elif op.kind == "survey":
                token = issue_survey_token(session, session.get(Ticket, tid), op.at)
                customer_ctx = write.Ctx(session, op.at, None, policies, settings, "seed-demo")
                submit_survey(customer_ctx, token, d["score"], d.get("comment"))
            elif op.kind == "ack":
                esc = write.latest_escalation(session, tid)
                if esc is not None and not esc.acknowledged:
                    escalations.acknowledge_escalation(ctx, tid, esc.id, None)
    live = _seed_live(db, policies, settings, principals, customers, now) if "shopom" in policies else 0
    # Deadlines that passed since each ticket's last event: the scheduler's pass as of now.
    while refresh_due_clocks(db, policies, settings, now, limit=500):
        pass
    with db.read() as session:
        states = session.execute(select(Ticket.sla_state)).scalars().all()
    breached = sum(1 for s in states if s == "breached")
    warning = sum(1 for s in states if s == "warning")
    lines = [
        f"Seeded {len(ticket_ids)} demo tickets across {len(policies)} policies "
        f"({breached} breached, {warning} warning, the rest running, paused or done).",
    ]
    if live:
        lines.append(f"Plus {live} Shopom tickets that fall due live: warnings, breaches and escalation prompts within "
                     f"{LIVE_MINUTES[-1]} minutes of now (keep the server running).")
    if created_users:
        lines.append(
            "Demo users " + ", ".join(created_users) + f" were created, each with the password {DEMO_PASSWORD!r}."
        )
    else:
        lines.append(f"The demo users agent, specialist, manager and admin already existed (password {DEMO_PASSWORD!r}).")
    lines.append("Log in as agent / demo (Tier 1), specialist / demo, manager / demo or admin / demo.")
    return "\n".join(lines)
