"""`python -m desk_app.cli`: the commands behind ./desk."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from desk_app.core.policy import PolicyError
from desk_app.core.policy_loader import load_policy, load_shipped_policies
from desk_app.demo import render_report


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no UTC offset (e.g. 2026-11-20T10:00+05:30)")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="desk", description="Desk command line")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="show the live SLA state of sample tickets under each policy")
    demo.add_argument("--at", type=_instant, help="the instant to show instead of now (ISO 8601 with offset)")
    demo.add_argument("--policy", action="append", metavar="FILE", help="a policy file (default: the shipped ones)")
    args = parser.parse_args(argv)

    now = args.at or datetime.now(UTC)
    try:
        policies = [load_policy(p) for p in args.policy] if args.policy else list(load_shipped_policies().values())
    except PolicyError as error:
        print(f"desk: {error}", file=sys.stderr)
        return 2
    for line in render_report(policies, now):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
