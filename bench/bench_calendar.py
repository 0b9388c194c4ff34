"""Business calendar: `BusinessCalendar.add` against the businesstimedelta package.

    ./desk bench bench_calendar [--calls N] [--baseline-calls N] [--holidays-as set|list]

Both sides get the same calendar (Mon-Fri 09:00-18:00 in Asia/Kolkata, with
public holidays) and the same (start, budget) pairs, timed in the same process,
interleaved round by round so that both see the same machine load. Starts are
random minutes over 2026-2027 given as UTC datetimes (as the ticket store keeps
them); budgets are random minutes from one minute to 45 business hours (five
9-hour days), the range of the shipped policies' targets (2 h to 72 h).

Our calendar builds its per-year tables lazily, once per calendar and year.
The script builds them with a warm-up and reports that one-off cost on its own
line, then gives two ratios: per call with the tables built ("steady"), and
with the building charged to the 100,000 timed calls ("cold"). The warm-up
also runs businesstimedelta on a few calls, untimed, to be even-handed.

The two libraries differ on purpose in one case: when a budget runs out exactly
at closing time businesstimedelta answers the closing instant, we answer the
next opening (the biz/Zammad rule). The check therefore requires every
compared answer to be equal, or ours to be ``cal.next_open(theirs)`` with
theirs a closing instant that ends the budget, and counts the latter.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock

import businesstimedelta
import pytz

from desk_app.core.calendar import BusinessCalendar

ZONE = "Asia/Kolkata"
OPEN, CLOSE = clock(9), clock(18)
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
# National holidays plus a few festival days; businesstimedelta looks at most
# five years ahead for the next holiday (and fails past the last one), so the
# list runs to 2035.
HOLIDAYS = sorted(
    {date(year, month, day) for year in range(2026, 2036) for month, day in [(1, 26), (8, 15), (10, 2), (12, 25)]}
    | {date(2026, 3, 4), date(2026, 3, 21), date(2026, 11, 9), date(2027, 3, 22), date(2027, 10, 29)}
)


def make_inputs(n: int, seed: int) -> list[tuple[datetime, timedelta]]:
    rng = random.Random(seed)
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    two_years = 2 * 365 * 24 * 60
    return [
        (base + timedelta(minutes=rng.randrange(two_years)), timedelta(minutes=rng.randint(1, 45 * 60)))
        for _ in range(n)
    ]


def ours() -> BusinessCalendar:
    return BusinessCalendar(tz=ZONE, hours={day: [("09:00", "18:00")] for day in WORKDAYS}, holidays=HOLIDAYS)


def theirs(holidays) -> businesstimedelta.Rule:
    tz = pytz.timezone(ZONE)
    workday = businesstimedelta.WorkDayRule(start_time=OPEN, end_time=CLOSE, working_days=[0, 1, 2, 3, 4], tz=tz)
    return businesstimedelta.Rules([workday, businesstimedelta.HolidayRule(holidays, tz=tz)])


# Timed loops discard the answers (as timeit does): keeping 100,000 datetimes
# alive would time the allocator as much as the calendars. The answers are
# computed again, untimed, for the check. Each loop records wall time and the
# process's CPU time; on a shared machine the CPU time is the steadier measure
# of the work done (the wall clock also counts time spent waiting for a core).


def time_ours(add, inputs) -> tuple[float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    for start, delta in inputs:
        add(start, delta)
    return time.perf_counter() - w0, time.process_time() - c0


def time_theirs(rule, inputs) -> tuple[float, float]:
    BusinessTimeDelta = businesstimedelta.BusinessTimeDelta
    w0, c0 = time.perf_counter(), time.process_time()
    for start, delta in inputs:
        start + BusinessTimeDelta(rule, timedelta=delta)
    return time.perf_counter() - w0, time.process_time() - c0


def race(add, rule, inputs, n_base: int, rounds: int):
    """Time both sides interleaved, round by round on the same slice of inputs.

    When businesstimedelta gets fewer calls, each round gives it the first
    calls of the slice ours gets in full. Returns ([wall, cpu] ours,
    [wall, cpu] theirs, the inputs theirs got).
    """
    size = -(-len(inputs) // rounds)
    share = n_base / len(inputs)
    mine, other = [0.0, 0.0], [0.0, 0.0]
    baseline_inputs = []
    gc.collect()
    gc.disable()
    try:
        for r in range(rounds):
            chunk = inputs[r * size : (r + 1) * size]
            theirs_chunk = chunk[: round(share * (r + 1) * size) - round(share * r * size)]
            baseline_inputs += theirs_chunk
            for side in ("theirs", "ours") if r % 2 else ("ours", "theirs"):
                wall, cpu = time_ours(add, chunk) if side == "ours" else time_theirs(rule, theirs_chunk)
                totals = mine if side == "ours" else other
                totals[0] += wall
                totals[1] += cpu
    finally:
        gc.enable()
    return mine, other, baseline_inputs


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = f", load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{cpu}, {os.cpu_count()} cores{load}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def check(cal: BusinessCalendar, inputs, mine, other) -> int:
    """Every answer must be theirs, or (exact closing) the opening after theirs; returns how many differ."""
    differ = 0
    for (start, delta), a, b in zip(inputs, mine, other):
        if a != b:
            differ += 1
            if not (a == cal.next_open(b) and not cal.is_open(b) and cal.between(start, b) == delta):
                sys.exit(
                    f"MISMATCH start={start.isoformat()} delta={delta}: ours={a.isoformat()} theirs={b.isoformat()}"
                )
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=100_000, help="add() calls for our calendar (default 100000)")
    parser.add_argument(
        "--baseline-calls",
        type=int,
        default=None,
        help="calls for businesstimedelta: a subset of the same inputs spread over all rounds, "
        "compared per call (default: all of them)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rounds", type=int, default=100, help="interleaved rounds (default 100)")
    parser.add_argument("--check", type=int, default=10_000, help="answers compared between the two (default 10000)")
    parser.add_argument(
        "--holidays-as",
        choices=["set", "list"],
        default="set",
        help="container handed to businesstimedelta's HolidayRule: 'set' is its fastest (default), "
        "'list' is what its README shows",
    )
    args = parser.parse_args()

    inputs = make_inputs(args.calls, args.seed)
    n_base = min(args.baseline_calls or args.calls, args.calls)
    holidays = set(HOLIDAYS) if args.holidays_as == "set" else list(HOLIDAYS)
    rule = theirs(holidays)

    print(f"machine:  {machine()}")
    print(f"calendar: Mon-Fri 09:00-18:00 {ZONE}, {len(HOLIDAYS)} holidays; budgets 1 min .. 45 business hours")
    print(f"inputs:   {args.calls} (start, budget) pairs, seed {args.seed}; {args.rounds} interleaved rounds")

    # Warm-up on other inputs: ours builds its year tables (timed, reported), theirs runs a little.
    warm = make_inputs(1000, args.seed + 2)
    cal = ours()
    build_wall, build_cpu = time_ours(cal.add, warm)
    time_theirs(rule, warm[:50])

    t_ours, t_theirs, base_inputs = race(cal.add, rule, inputs, n_base, args.rounds)
    n_base = len(base_inputs)

    checked = random.Random(args.seed + 1).sample(base_inputs, min(args.check, n_base))
    fresh = ours()
    answers = [fresh.add(start, delta) for start, delta in checked]
    baseline = [start + businesstimedelta.BusinessTimeDelta(rule, timedelta=delta) for start, delta in checked]
    differ = check(fresh, checked, answers, baseline)
    print(
        f"check:    {len(checked)} sampled answers compared: {len(checked) - differ} identical, {differ} "
        f"exact-closing budgets (theirs: the closing instant, ours: the next opening)"
    )
    print(
        f"warm-up:  ours built its year tables during {len(warm)} first calls: "
        f"{build_cpu * 1e3:.1f} ms CPU ({build_wall * 1e3:.1f} ms wall), once per calendar and year"
    )
    note = "" if n_base == args.calls else "  (a subset of the same inputs)"
    print("                       calls     wall s    cpu s  us/call (cpu)")
    print(f"ours:              {args.calls:>9} {t_ours[0]:10.3f} {t_ours[1]:8.3f} {t_ours[1] / args.calls * 1e6:10.2f}")
    print(
        f"businesstimedelta: {n_base:>9} {t_theirs[0]:10.3f} {t_theirs[1]:8.3f} {t_theirs[1] / n_base * 1e6:10.2f}"
        f"  [holidays as {args.holidays_as}]{note}"
    )
    theirs_cpu, theirs_wall = t_theirs[1] / n_base, t_theirs[0] / n_base
    steady = theirs_cpu / (t_ours[1] / args.calls)
    cold = theirs_cpu / ((t_ours[1] + build_cpu) / args.calls)
    steady_wall = theirs_wall / (t_ours[0] / args.calls)
    print(
        f"ratio:    ours is {steady:.0f}x faster per add() call by CPU time, steady "
        f"({steady_wall:.0f}x by wall time); {cold:.0f}x with the table building charged to these calls"
    )


if __name__ == "__main__":
    main()
