"""Propagation latency and write cost, this tree against a baseline tree, alternating in one run.

    ./desk bench bench_propagation_ab --baseline /tmp/baseline [--rounds 3] [--writes 300]
        [--scenarios service-sqlite,service-postgres,sqlite1,pg1,pg2] [--profile DIR]

The baseline is another checkout of the project (e.g. `git archive <rev> |
tar -x -C /tmp/baseline`). Every measurement runs in a child process whose
code, server processes included, comes from one tree; rounds alternate
baseline / this tree, scenario by scenario, so both see the same machine load.

service-sqlite, service-postgres: the write transaction alone, in-process (no HTTP): a
note through the ticket service, statements sent, CPU and wall time per note.
Other scenarios, per tree: the latency of `bench_store_propagation.py` (a note
written through instance A -> the event parsed by an SSE client of instance B,
which is A with one instance; 20 writes to warm up first) and the server CPU
it cost per write (every server process of the scenario, over the timed
writes alone: the write, the NOTIFY, the SSE delivery).
`--profile DIR` runs py-spy on every server process of the current tree and
leaves each process's samples there (py-spy's raw
collapsed stacks: one line per stack, `flamegraph.pl` draws them).

The PostgreSQL database is `desk_bench_ab` (dropped and created afresh), so a
run does not disturb other benchmarks using `desk_bench`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIOS = {"sqlite1": ("sqlite", 1), "pg1": ("postgres", 1), "pg2": ("postgres", 2)}
#: Also accepted in --scenarios: service-sqlite, service-postgres (the write transaction alone, in-process).
DATABASE = "desk_bench_ab"


def child(root: Path, scenario: str, writes: int, profile: str | None) -> None:
    """Runs with `root`'s code: one scenario, one JSON line on stdout."""
    sys.path[:0] = [str(root), str(root / "bench")]
    import signal

    import bench_store_common as common

    random.seed(7)
    backend, instances = SCENARIOS[scenario]
    with tempfile.TemporaryDirectory() as tmp:
        url = _fresh_url(common, backend, Path(tmp))
        common.prepare(url, users=("writer", "reader")).dispose()
        servers = [common.ServerProcess(url) for _ in range(instances)]
        spies = []
        try:
            for s in servers:
                s.wait_ready()

            def start_profiling() -> None:
                for i, s in enumerate(servers):
                    out = Path(profile) / f"{scenario}-{i}.txt"
                    spies.append(subprocess.Popen(
                        [str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(s.proc.pid), "-o", str(out),
                         "-r", "200", "--nonblocking", "-f", "raw"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    ))

            lat, rtt, ack, cpu = latency(servers, writes, start_profiling if profile else None)
        finally:
            for spy in spies:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
            for s in servers:
                s.stop()
    print(json.dumps({"lat": lat, "rtt": rtt, "ack": ack, "cpu_ms": cpu}))


def latency(servers, writes: int, before_timing=None) -> tuple[dict, dict, dict, float]:
    """`bench_store_propagation.measure_latency`, with the servers' CPU time over the writes alone."""
    import time

    from bench_store_common import login, percentiles
    from bench_store_propagation import TICKET, TICKETS, Listener, Writer

    write_base, read_base = servers[0].base, servers[-1].base
    writer = Writer(write_base, login(write_base, "writer"))
    tickets = [writer.post("/tickets", TICKET)["id"] for _ in range(TICKETS)]
    listener = Listener(read_base, login(read_base, "reader"))
    time.sleep(0.5)
    seq = writer.get("/sync/changes?since=0&limit=10000")["cursor"]
    for i in range(20):  # warm up: first statements compiled, connections opened
        writer.post(f"/tickets/{tickets[i % TICKETS]}/entries", {"kind": "internal_note", "body": f"warm {i}"})
        seq += 1
        listener.wait_for(seq)
    latencies, round_trips, after_ack = [], [], []
    if before_timing is not None:
        before_timing()
        time.sleep(0.5)
    cpu0 = sum(s.cpu_seconds() for s in servers)
    for i in range(writes):
        time.sleep(random.uniform(0.005, 0.02))
        t0 = time.perf_counter()
        writer.post(f"/tickets/{tickets[i % TICKETS]}/entries", {"kind": "internal_note", "body": f"probe {i}"})
        t1 = time.perf_counter()
        seq += 1
        received = listener.wait_for(seq)
        latencies.append((received - t0) * 1000)
        round_trips.append((t1 - t0) * 1000)
        after_ack.append((received - t1) * 1000)
    cpu = (sum(s.cpu_seconds() for s in servers) - cpu0) * 1000 / writes
    listener.close()
    return percentiles(latencies), percentiles(round_trips), percentiles(after_ack), cpu


def service_alone(root: Path, backend: str, writes: int) -> None:
    """The write transaction in-process (no HTTP): statements, CPU and wall time per note."""
    sys.path[:0] = [str(root), str(root / "bench")]
    import time
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import event

    import bench_store_common as common
    from bench_store_propagation import TICKET
    from desk_app.server.auth.models import Role
    from desk_app.server.auth.service import Principal
    from desk_app.server.core.settings import DatabaseSettings, Settings, StorageSettings
    from desk_app.server.policies.registry import PolicyRegistry
    # `service.Ctx`, not `write.Ctx`: the baseline tree may predate tickets.write (service imports Ctx).
    from desk_app.server.tickets import service
    from desk_app.server.tickets.schemas import EntryIn, TicketCreateIn

    with tempfile.TemporaryDirectory() as tmp:
        db = common.prepare(_fresh_url(common, backend, Path(tmp)), users=("writer",))
        policies = PolicyRegistry.load()
        settings = Settings(database=DatabaseSettings(url=db.url), storage=StorageSettings(data_dir=Path(tmp)))
        principal = Principal(1, "writer", "Writer", Role.MANAGER)
        statements = [0]
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
        start = datetime.now(timezone.utc)
        tickets = []
        for _ in range(40):
            with db.write() as session:
                ctx = service.Ctx(session, start, principal, policies, settings, address="127.0.0.1")
                tickets.append(service.create_ticket(ctx, TicketCreateIn(**TICKET)).id)

        def notes(count: int, offset: int) -> None:
            for i in range(count):
                with db.write() as session:
                    # A second apart, as on a desk: the running clocks' rows change with every note.
                    ctx = service.Ctx(session, start + timedelta(seconds=offset + i), principal, policies, settings,
                                      address="127.0.0.1")
                    service.add_entry(ctx, tickets[i % 40], None, EntryIn(kind="internal_note", body=f"n{i}"))

        notes(80, 0)
        statements[0] = 0
        cpu, wall = time.process_time(), time.perf_counter()
        notes(writes, 1000)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        db.dispose()
    print(json.dumps({"statements": statements[0] / writes, "cpu_ms": cpu * 1000 / writes,
                      "wall_ms": wall * 1000 / writes}))


def _fresh_url(common, backend: str, tmp: Path) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from desk_app.server.core.db import Database

    if backend == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    base = Database(common.postgres_base_url()).url
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return make_url(base).set(database=DATABASE).render_as_string(hide_password=False)


def run_child(root: Path, scenario: str, writes: int, profile: str | None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    mode = "--service" if scenario.startswith("service-") else "--child"
    cmd = [sys.executable, str(HERE / "bench_propagation_ab.py"), mode, str(root), scenario, "--writes", str(writes)]
    if profile:
        cmd += ["--profile", profile]
    out = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{root} {scenario} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--scenarios", default="service-sqlite,service-postgres,sqlite1,pg1,pg2")
    parser.add_argument("--profile", default=None)
    parser.add_argument("--child", nargs=2, metavar=("ROOT", "SCENARIO"))
    parser.add_argument("--service", nargs=2, metavar=("ROOT", "SCENARIO"))
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1], args.writes, args.profile)
        return
    if args.service:
        service_alone(Path(args.service[0]), args.service[1].removeprefix("service-"), args.writes)
        return
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    trees = ([("baseline", args.baseline.resolve())] if args.baseline else []) + [("this tree", HERE.parent)]
    rows, service_rows = [], []
    for rnd in range(1, args.rounds + 1):
        for scenario in args.scenarios.split(","):
            for name, root in trees:
                load = os.getloadavg()[0]
                r = run_child(root, scenario, args.writes, args.profile if name == "this tree" else None)
                if scenario.startswith("service-"):
                    row = (f"| {scenario[8:]} | {rnd} | {name} | {load:.1f} | {r['statements']:.1f} "
                           f"| {r['cpu_ms']:.2f} | {r['wall_ms']:.2f} |")
                    print(row, flush=True)
                    service_rows.append(row)
                    continue
                lat = r["lat"]
                row = (
                    f"| {scenario} | {rnd} | {name} | {load:.1f} | {r['cpu_ms']:.1f} | {lat['p50']:.1f} | "
                    f"**{lat['p95']:.1f}** | {lat['p99']:.1f} | {r['rtt']['p95']:.1f} | {r['ack']['p95']:.1f} |"
                )
                print(row, flush=True)
                rows.append(row)
    print(f"\nload average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}; {os.cpu_count()} cores\n")
    print("| setup | round | code | load (1 min) | server CPU per write (ms) | p50 | p95 | p99 "
          "| p95 write round trip | p95 answer -> event |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(sorted(rows, key=lambda r: (r.split("|")[1], r.split("|")[3]))))
    if service_rows:
        print("\nThe write transaction alone, in-process (statements, CPU ms and wall ms per note):\n")
        print("| backend | round | code | load (1 min) | statements | CPU | wall |")
        print("|---|---|---|---|---|---|---|")
        print("\n".join(sorted(service_rows, key=lambda r: (r.split("|")[1], r.split("|")[3]))))


if __name__ == "__main__":
    main()
