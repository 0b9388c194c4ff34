"""Coming back after an outage, and a change reaching another agent's window (issue 13, item 16).

    ./desk bench bench_reconnect [--baseline DIR] [--rounds 2] [--downtime 30] [--writes 30] [--offline-ops 50]

Per tree (this one, and a baseline checkout such as `git archive <rev> | tar -x -C DIR`),
in a child process whose code all comes from that tree, alternating round by round:

* a real `desk-server serve` on SQLite (loopback, a fixed port), 200 tickets;
* a writer: a `DeskSession` (sync engine, outbox, presence) as the agent's app
  makes it, changing tickets through `session.actions` (recorded, sent by the outbox);
* a reader: another agent's app, a `DeskSession` and its `MainWindow` (Qt offscreen,
  the threaded op runner, `make_application` as `desk-app` sets it up), on "All tickets".

Measured, all in seconds or milliseconds from a clock in the child:
  1. propagation, steady: `--writes` subject changes, each from the writer's action to
     (a) the reader's cache holding it, (b) the reader's queue row showing it;
  2. an outage: the server is killed (as by a crash or a lost network), the writer records
     `--offline-ops` notes and a subject change, the server stays away `--downtime` s and
     is started again on the same port. From the first moment it answers /healthz
     (polled every 10 ms): each client live again (its status ONLINE: caught up, stream
     open), the writer's first queued change confirmed and its outbox empty, and the
     reader's window showing the change made offline (queued last); then one more
     change, from the writer's action to the reader's row.
Checked: the store holds each offline note exactly once, in order.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The store processes a child started (killed if it fails half-way).
_SERVERS: list[subprocess.Popen] = []


def child(root: Path, downtime: float, writes: int, offline_ops: int) -> None:
    """Runs with `root`'s code; prints one JSON line."""
    sys.path[:0] = [str(root), str(root / "bench")]
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import httpx

    import bench_store_common as common
    from PySide6.QtCore import QSettings

    from desk_app.services.events import Connection
    from desk_app.services.session import DeskSession
    from desk_app.ui.app import make_application
    from desk_app.ui.main_window import MainWindow
    from desk_app.ui.ops import OpRunner, set_op_runner
    from desk_app.ui.settings import DeskSettings
    from desk_app.ui.queue.ticket_table_model import Column

    tmp = Path(tempfile.mkdtemp(prefix="desk-bench-reconnect-"))
    url = common.fresh_database("sqlite", tmp)
    db = common.prepare(url, users=("writer", "reader"))
    common.fill_tickets(db, 200)
    db.dispose()
    port = common.free_port()
    base = f"http://127.0.0.1:{port}"

    def serve() -> subprocess.Popen:
        _SERVERS.append(subprocess.Popen(
            [sys.executable, "-m", "desk_app.server.cli", "serve", "--port", str(port), "--log-level", "warning",
             "--no-scheduler", "--no-rollups"],
            env={**os.environ, "DESK_DATABASE_URL": url, "PYTHONPATH": str(root)}, cwd=root,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        return _SERVERS[-1]

    def answering() -> bool:
        try:
            return httpx.get(base + "/healthz", timeout=0.5).status_code == 200
        except httpx.HTTPError:
            return False

    server = serve()
    while not answering():
        time.sleep(0.01)
    app = make_application([sys.argv[0]])
    runner = OpRunner(parent=app)
    set_op_runner(runner)
    writer = DeskSession.login(base, "writer", common.PASSWORD, data_dir=tmp / "writer")
    reader = DeskSession.login(base, "reader", common.PASSWORD, data_dir=tmp / "reader")
    settings = DeskSettings(QSettings(str(tmp / "reader.ini"), QSettings.Format.IniFormat))
    window = MainWindow(reader, runner, settings, remember_layout=False)
    writer.start()
    reader.start()
    window.show()

    def spin_until(predicate, timeout: float = 120.0) -> float | None:
        """Run the reader's event loop until `predicate()`; the moment it held (None: timed out)."""
        deadline = time.monotonic() + timeout
        while True:
            app.processEvents()
            if predicate():
                return time.monotonic()
            if time.monotonic() > deadline:
                return None
            time.sleep(0.0005)

    def online(session) -> bool:
        return session.status.connection is Connection.ONLINE

    assert spin_until(lambda: window.is_filled and online(writer)), "the first sync did not finish"
    window.pages.setCurrentIndex(0)  # the workspace (a manager's window opens on the dashboard)
    window.sidebar.select_queue("all")
    model = window.queue_view.model_
    assert spin_until(lambda: model.rowCount() >= 200 and runner.is_idle)
    target = model.ticket_id(0)

    def subject_shown() -> str | None:
        row = model.row_of_ticket(target)
        return None if row is None else model.index(row, int(Column.SUBJECT)).data()

    def change_and_watch(subject: str) -> tuple[float, float]:
        started = time.monotonic()
        writer.actions.update(target, subject=subject)
        cached = spin_until(lambda: (reader.cache.ticket(target) or {}).get("subject") == subject, 30)
        shown = spin_until(lambda: subject_shown() == subject, 30)
        assert cached and shown, f"the change {subject!r} did not arrive"
        return (cached - started) * 1000, (shown - started) * 1000

    steady_cache, steady_row = [], []
    for i in range(writes + 3):
        spin_until(lambda: False, 0.3)  # a person's pace: the window is idle between changes
        cached, shown = change_and_watch(f"Parcel delayed, probe {i}")
        if i >= 3:  # the first ones warm up connections and statements
            steady_cache.append(cached)
            steady_row.append(shown)

    # The outage.
    sent_before = writer.outbox.sent
    server.kill()
    server.wait()
    assert spin_until(lambda: not online(writer) and not online(reader), 60), "the clients did not notice"
    notes = [f"Offline note {i}" for i in range(offline_ops)]
    for note in notes:
        writer.actions.add_note(target, note)
    offline_subject = "Parcel delayed (changed while the server was away)"
    writer.actions.update(target, subject=offline_subject)
    spin_until(lambda: False, downtime)
    server = serve()
    back: dict[str, float] = {}

    def poll() -> None:
        while not answering():
            time.sleep(0.01)
        back["at"] = time.monotonic()

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    marks: dict[str, float] = {}
    checks = {
        "writer_online": lambda: online(writer),
        "reader_online": lambda: online(reader),
        "outbox_started": lambda: writer.outbox.sent > sent_before,
        "outbox_drained": lambda: writer.cache.outbox.size() == 0,
        "offline_change_shown": lambda: subject_shown() == offline_subject,
    }

    def all_marked() -> bool:
        now = time.monotonic()
        for name, check in checks.items():
            if name not in marks and check():
                marks[name] = now
        return len(marks) == len(checks)

    assert spin_until(all_marked, 180), f"not back after the outage: {marks}"
    poller.join(30)
    after = {name: round(at - back["at"], 3) for name, at in marks.items()}
    _, after_row = change_and_watch("Parcel delayed, first change after the outage")

    thread = httpx.get(f"{base}/api/v1/tickets/{target}", timeout=10,
                       headers={"Authorization": f"Bearer {common.login(base, 'writer')}"}).json()["thread"]
    offline = [e["body"] for e in thread if e["kind"] == "internal_note" and e["body"].startswith("Offline note")]
    assert offline == notes, "each offline note once, in order"

    window.shut_down()
    writer.stop()
    reader.stop()
    runner.shutdown(wait=False)
    server.kill()
    server.wait()
    shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps({
        "load": os.getloadavg()[0],
        "steady_cache": _stats(steady_cache),
        "steady_row": _stats(steady_row),
        "after_outage_s": after,
        "first_change_after_ms": after_row,
    }))
    os._exit(0)  # leave the Qt objects and the workers' daemon threads to the OS


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"n": len(ordered), "p50": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)], "max": ordered[-1]}


def run_child(root: Path, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, str(HERE / "bench_reconnect.py"), "--child", str(root), "--downtime", str(args.downtime),
           "--writes", str(args.writes), "--offline-ops", str(args.offline_ops)]
    out = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": str(root)}, cwd=root, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{root} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--downtime", type=float, default=30.0, help="seconds the server stays away")
    parser.add_argument("--writes", type=int, default=30, help="changes timed while the server answers")
    parser.add_argument("--offline-ops", type=int, default=50, help="notes recorded while the server is away")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        try:
            child(args.child.resolve(), args.downtime, args.writes, args.offline_ops)
        except BaseException:
            for server in _SERVERS:
                server.kill()
            raise
        return
    sys.path.insert(0, str(HERE))
    from bench_store_common import machine

    trees = [("now", HERE.parent)]
    if args.baseline is not None:
        trees.insert(0, ("before", args.baseline.resolve()))
    print(f"machine: {machine()}")
    print(f"outage: {args.downtime:g} s; {args.offline_ops} notes and a subject change recorded meanwhile; "
          f"{args.writes} timed changes while the server answers")
    print("| round | code | load | writer live again (s) | reader live again (s) | first queued change sent (s) "
          "| outbox drained (s) | offline change in the other window (s) | next change -> other window (ms) "
          "| steady: other cache p50 / p95 (ms) | steady: other window p50 / p95 / max (ms) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for round_no in range(1, args.rounds + 1):
        for name, root in trees:
            r = run_child(root, args)
            a, c, w = r["after_outage_s"], r["steady_cache"], r["steady_row"]
            print(f"| {round_no} | {name} | {r['load']:.1f} | {a['writer_online']:.2f} | {a['reader_online']:.2f} "
                  f"| {a['outbox_started']:.2f} | {a['outbox_drained']:.2f} | {a['offline_change_shown']:.2f} "
                  f"| {r['first_change_after_ms']:.0f} "
                  f"| {c['p50']:.0f} / {c['p95']:.0f} | {w['p50']:.0f} / {w['p95']:.0f} / {w['max']:.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()
