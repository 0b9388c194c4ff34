"""The README's main command (`./desk demo`) as of issue 2: a report of the live
SLA state of sample tickets under every shipped policy."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from desk_app.cli import main
from desk_app.core.policy_loader import load_shipped_policies

AT = "2026-11-23T11:30:00+05:30"  # a Monday morning in India


def test_demo_reports_every_shipped_policy(capsys):
    assert main(["demo", "--at", AT]) == 0
    out = capsys.readouterr().out
    for policy in load_shipped_policies().values():
        assert f"[{policy.key}]" in out
    # The sample tickets show every kind of state somewhere.
    for state in ("running", "paused", "breached", "met"):
        assert re.search(rf"\b{state}\b", out), state
    assert "-> escalation due to tier 2" in out
    assert "evidence:" in out  # Shopee's dispute windows


def test_demo_is_a_pure_function_of_the_instant(capsys):
    main(["demo", "--at", AT])
    first = capsys.readouterr().out
    main(["demo", "--at", AT])
    assert capsys.readouterr().out == first


def test_demo_rejects_a_naive_instant(capsys):
    try:
        main(["demo", "--at", "2026-11-23T11:30"])
    except SystemExit as exit_:
        assert exit_.code == 2
    assert "has no UTC offset" in capsys.readouterr().err


def test_demo_names_a_broken_policy_file(tmp_path, capsys):
    broken = tmp_path / "broken.toml"
    broken.write_text('[policy]\nkey = "x"\nnmae = "typo"\n')
    assert main(["demo", "--policy", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "broken.toml" in err


def test_demo_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "desk_app.cli", "demo", "--at", AT],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        check=True,
    )
    assert "[shopee]" in result.stdout
