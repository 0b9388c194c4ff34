"""`desk-server` on a temporary SQLite file: init, create-user, seed-demo, serve's refusal."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from desk_app.server.auth.models import User
from desk_app.server.auth.passwords import verify_password
from desk_app.server.cli import main
from desk_app.server.core.db import Database
from desk_app.server.feedback.models import SurveyResponse
from desk_app.server.sync.models import Change
from desk_app.server.tickets.models import Escalation, ThreadEntry, Ticket


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'cli' / 'desk.sqlite3'}"


def test_init_is_idempotent_and_creates_the_data_directory(url, tmp_path, capsys):
    assert main(["init", "--db", url]) == 0
    assert "from schema empty to" in capsys.readouterr().out
    assert (tmp_path / "cli" / "desk.sqlite3").exists()
    assert main(["--db", url, "init"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_database_url_from_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DESK_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    assert main(["init"]) == 0
    assert (tmp_path / "env.sqlite3").exists()


def test_default_database_is_in_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("DESK_DATABASE_URL", raising=False)
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path / "data"))
    assert main(["init"]) == 0
    assert (tmp_path / "data" / "desk.sqlite3").exists()


def test_create_user(url, capsys):
    assert main(["create-user", "--db", url, "--username", "x", "--password", "p", "--role", "agent"]) == 2
    assert "desk-server init" in capsys.readouterr().err
    main(["init", "--db", url])
    args = ["create-user", "--db", url, "--username", "Lena", "--password", "pw-1", "--role", "specialist"]
    assert main(args) == 0
    assert "Created specialist 'lena'" in capsys.readouterr().out
    assert main(args) == 1
    assert "already taken" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["create-user", "--db", url, "--username", "y", "--password", "p", "--role", "boss"])
    db = Database(url)
    with db.read() as session:
        user = session.scalar(select(User).where(User.username == "lena"))
    db.dispose()
    assert user.role == "specialist" and verify_password(user.password_hash, "pw-1")


def test_seed_demo(url, capsys):
    main(["init", "--db", url])
    assert main(["seed-demo", "--db", url, "--per-policy", "8"]) == 0
    out = capsys.readouterr().out
    assert "Seeded 40 demo tickets across 5 policies" in out
    assert "password 'demo'" in out and "agent" in out and "admin" in out
    db = Database(url)
    with db.read() as session:
        users = {u.username: u for u in session.scalars(select(User))}
        assert set(users) >= {"agent", "specialist", "manager", "admin"}
        assert all(verify_password(users[n].password_hash, "demo") for n in ("agent", "admin"))
        tickets = session.scalars(select(Ticket)).all()
        assert {t.policy_key for t in tickets} == {"shopom", "ooulet", "holesalemart", "pandorana", "shopee"}
        kinds = set(session.scalars(select(ThreadEntry.kind)))
        assert {"customer_message", "public_reply", "internal_note", "phone_call", "system_event"} <= kinds
        statuses = {t.status for t in tickets}
        assert {"new", "open", "pending_customer", "pending_third_party", "closed"} <= statuses
        assert {t.tier for t in tickets} == {1, 2, 3}
        assert session.scalar(select(func.count()).select_from(Escalation)) > 0
        # Resolved tickets' surveys were answered: the dashboard's CSAT has figures.
        scores = session.scalars(select(SurveyResponse.score).where(SurveyResponse.answered_at.is_not(None))).all()
        assert scores and all(1 <= s <= 5 for s in scores)
        states = {t.sla_state for t in tickets}
        assert "breached" in states and ("paused" in states or "running" in states)
        # Clocks were recomputed as of now: nothing is left waiting on a past deadline.
        now = datetime.now(timezone.utc)
        assert all(t.sla_next_change_at is None or t.sla_next_change_at > now for t in tickets)
        seqs = session.scalars(select(Change.seq).order_by(Change.seq)).all()
        assert seqs == list(range(1, len(seqs) + 1))
    db.dispose()
    # Seeding again reuses the demo users and says so.
    assert main(["seed-demo", "--db", url, "--per-policy", "1"]) == 0
    assert "already existed" in capsys.readouterr().out


def test_serve_refuses_an_uninitialised_database(url, capsys):
    assert main(["serve", "--db", url, "--port", "0"]) == 2
    assert "desk-server init" in capsys.readouterr().err


def test_unsupported_url(capsys):
    assert main(["init", "--db", "mysql://x@y/z"]) == 2
    assert "unsupported database URL" in capsys.readouterr().err
