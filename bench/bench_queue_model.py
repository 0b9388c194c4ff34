"""Queue table model: a million tickets in TicketTableModel, against Qt's stock models.

    ./desk bench bench_queue_model [--rows N] [--baseline-rows N] [--repeat R] [--seed S]

Targets (issue 6): with 1,000,000 rows, a model reset under 50 ms, a sort by
the "next SLA due" column under 300 ms, and the process under 400 MB.

What is timed, all on the UI thread, with a real QTableView (offscreen, 1400x800,
shown) attached to the model. Each line gives the model's call alone (the
view reacts to the model's signals synchronously inside it) and the call plus
the event processing that follows, where the view repaints its screenful: that
repaint costs the same at any N, and is also timed on its own.

  reset      `model.set_rows(rows)`. Building `QueueRows` from the cache's
             columns happens on the cache worker in the app, so it is reported
             on its own line ("build"), not in the reset.
  sort       `model.sort(Column.DUE, order)` (the header click); ascending and
             descending alternate so that each run really sorts (ascending is
             the default order, most urgent first: the due time, the priority
             breaking ties). Other columns are timed once for information.
  upsert     a sync reporting "2 tickets changed: status, sla", and back.
  tick       one countdown tick (dataChanged for the visible countdown cells).
  data()     DisplayRole reads of random cells, per call, at N rows and at
             N/100 rows: O(1) means the two match.

Memory: VmRSS of the process after importing everything and creating the
QApplication, then after building the rows, the model and the view with the
input columns freed and `release_freed_memory()` called (as the cache worker
does after a full load; the figure before that call is shown too); and the
peak (VmHWM), which includes the input lists.

The UI thread during a full load: `QueueRows.from_columns` for N rows runs on
a worker thread while the UI thread's event loop runs a 1 ms timer; the
longest gap between its ticks is compared with the same event loop while the
worker runs plain Python bytecode (the GIL changes hands every 5 ms) and while
it sleeps. On a busy machine all three include waiting for a CPU.

Baselines, measured in the same run after ours:
  python sort     `sorted(range(N), key=keys.__getitem__)` over precomputed int
                  keys: the fastest pure-Python way, i.e. the case for numpy.
  proxy sort      QSortFilterProxyModel over our model, sorting by the due
                  column, at --baseline-rows, extrapolated to N by n log n.
  standard model  QStandardItemModel with the same ten columns at
                  --baseline-rows: build time and memory extrapolated linearly,
                  its sort by n log n.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import random
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import PySide6  # noqa: E402
from PySide6.QtCore import QEvent, QEventLoop, QObject, QSortFilterProxyModel, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QStandardItem, QStandardItemModel  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from desk_app.core.sla import ClockState  # noqa: E402
from desk_app.ui.countdown import CountdownClock, visible_rows  # noqa: E402
from desk_app.ui.queue.queue_rows import QueueRow, QueueRows, release_freed_memory  # noqa: E402
from desk_app.ui.queue.ticket_table_model import Column, TicketTableModel  # noqa: E402

NOW = 1_800_000_000

POLICIES = [("shopom", "SHP"), ("ooulet", "OOU"), ("holesalemart", "HSM"), ("pandorana", "PND"), ("shopee_id", "SPI")]
CATEGORIES = [
    "Refund", "Return", "Damaged item", "Missing item", "Late delivery", "Payment failed", "Double charge",
    "Voucher", "Account access", "Seller dispute", "Order change", "Cancellation", "Warranty", "Invoice",
    "Pengembalian dana", "Paket belum sampai", "Barang rusak", "Pembayaran gagal", "Akun", "Lainnya",
]
PRIORITIES = [("urgent", 0), ("high", 1), ("normal", 2), ("low", 3)]
CHANNELS = ["email", "phone", "chat", "web_form", "social"]
STATUSES = ["new", "open", "open", "open", "pending_customer", "pending_third_party", "on_hold"]
WORDS = (
    "refund order late package damaged missing payment failed card wallet courier return item wrong size "
    "colour seller dispute voucher invoice account password charged twice tracking number pesanan belum "
    "sampai barang rusak pembayaran gagal dana kembali kurir alamat salah"
).split()
FIRST = ["Dewi", "Budi", "Ana", "Rizky", "Siti", "Agus", "Maria", "John", "Priya", "Chen", "Ahmad", "Lina", "Omar", "Sara", "Tomas", "Yuki"]
LAST = ["Lestari", "Santoso", "Wijaya", "Pratama", "Smith", "Kumar", "Garcia", "Tanaka", "Nguyen", "Okafor", "Rossi", "Muller"]


def rss_mb() -> tuple[float, float]:
    """(VmRSS, VmHWM) of this process in MB."""
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, amount, _ = line.split()
                values[key] = int(amount) / 1024
    return values["VmRSS:"], values["VmHWM:"]


def make_columns(n: int, seed: int) -> dict[str, list]:
    """N tickets as a cache query would return them: plain Python lists, one per field.

    Subjects are 3-9 random words (mostly distinct, 20-60 characters), one
    customer per five tickets, 500 agents, a fifth of tickets unassigned; clock
    states 60% running or warning, 10% breached, 10% paused, 10% without a clock.
    """
    rng = np.random.default_rng(seed)

    def pick(options: list, size: int = n, weights=None) -> list:
        p = None if weights is None else np.asarray(weights, dtype=float) / sum(weights)
        return [options[i] for i in rng.choice(len(options), size=size, p=p)]

    customers = [f"{a} {b} {i}" for i, (a, b) in enumerate(zip(pick(FIRST, max(1, n // 5)), pick(LAST, max(1, n // 5))))]
    agents = [f"{a} {b[0]}. ({i})" for i, (a, b) in enumerate(zip(pick(FIRST, 500), pick(LAST, 500)))]
    policy_index = rng.integers(0, len(POLICIES), n)
    sequence = np.zeros(n, dtype=np.int64)
    for p in range(len(POLICIES)):
        where = np.flatnonzero(policy_index == p)
        sequence[where] = np.arange(1, len(where) + 1)
    word_count = rng.integers(3, 10, n).tolist()
    words = rng.integers(0, len(WORDS), (n, 9)).tolist()
    priority_index = rng.choice(len(PRIORITIES), size=n, p=[0.05, 0.2, 0.6, 0.15])
    roll = rng.random(n)
    due = (NOW + rng.integers(-3 * 86_400, 5 * 86_400, n)).tolist()
    left = rng.integers(-7_200, 86_400, n).tolist()
    clock_keys = pick(["first_response", "next_response", "resolution", "tier_budget:1", "tier_budget:2"])
    states = [
        None if r < 0.1 else ClockState.PAUSED if r < 0.2 else ClockState.BREACHED if r < 0.3
        else ClockState.WARNING if r < 0.4 else ClockState.RUNNING
        for r in roll.tolist()
    ]
    live = [s is not None for s in states]
    assigned = (rng.random(n) >= 0.2).tolist()
    return {
        "ticket_id": (rng.permutation(n) + 1).tolist(),
        "number": [f"{POLICIES[p][1]}-{q:06d}" for p, q in zip(policy_index.tolist(), sequence.tolist())],
        "subject": [" ".join(WORDS[j] for j in w[:k]).capitalize() for w, k in zip(words, word_count)],
        "customer_name": pick(customers),
        "customer_tier": pick(["standard", "startup", "enterprise"], weights=(85, 10, 5)),
        "category": pick(CATEGORIES),
        "priority": [PRIORITIES[i][0] for i in priority_index.tolist()],
        "priority_rank": [PRIORITIES[i][1] for i in priority_index.tolist()],
        "channel": pick(CHANNELS),
        "status": pick(STATUSES),
        "tier_level": pick([1, 2, 3], weights=(80, 15, 5)),
        "policy": [POLICIES[p][0] for p in policy_index.tolist()],
        "created_at": (NOW - rng.integers(0, 90 * 86_400, n)).tolist(),
        "assignee": [a if keep else None for a, keep in zip(pick(agents), assigned)],
        "priority_label": [PRIORITIES[i][0].capitalize() for i in priority_index.tolist()],
        "next_due": [d if ok else None for d, ok in zip(due, live)],
        "next_state": states,
        "warn_at": [d - 1_800 if ok else None for d, ok in zip(due, live)],
        "next_clock": [k if ok else None for k, ok in zip(clock_keys, live)],
        "paused_reason": ["pending_customer" if s is ClockState.PAUSED else None for s in states],
        "remaining": [r if ok else None for r, ok in zip(left, live)],
    }


class PaintCounter(QObject):
    """Counts paint events of the widget it watches."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def timed(fn, app: QApplication, painted: PaintCounter | None = None) -> tuple[float, float]:
    """(the call alone, the call until the view has painted the result once)."""
    app.processEvents()
    before = painted.count if painted is not None else 0
    t0 = time.perf_counter()
    fn()
    t1 = time.perf_counter()
    while painted is not None and painted.count == before and time.perf_counter() - t1 < 2:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    return t1 - t0, time.perf_counter() - t0


def both(samples: list[tuple[float, float]]) -> str:
    """"median / max" of the call alone, then of the call plus repaint."""
    alone = [a for a, _ in samples]
    painted = [b for _, b in samples]
    return (
        f"{ms(statistics.median(alone))} / {ms(max(alone))} | "
        f"{ms(statistics.median(painted))} / {ms(max(painted))}"
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def make_view(model) -> QTableView:
    view = QTableView()
    view.verticalHeader().hide()  # row numbers mean nothing in a ticket queue
    view.setModel(model)
    view.resize(1400, 800)
    view.show()
    return view


def ui_gaps_while(app: QApplication, work) -> tuple[float, float, float]:
    """Runs `work()` on a worker thread while the UI thread's event loop runs a
    1 ms timer: (longest gap, 99th percentile gap, seconds the work took)."""
    beats: list[float] = []
    done: list[float] = []
    probe = QTimer()
    probe.setTimerType(Qt.TimerType.PreciseTimer)
    probe.setInterval(1)
    probe.timeout.connect(lambda: beats.append(time.perf_counter()))
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(10)
    check.timeout.connect(lambda: loop.quit() if done else None)

    def run() -> None:
        t0 = time.perf_counter()
        work()
        done.append(time.perf_counter() - t0)

    probe.start()
    check.start()
    beats.append(time.perf_counter())
    worker = threading.Thread(target=run)
    worker.start()
    loop.exec()
    worker.join()
    probe.stop()
    check.stop()
    gaps = sorted(b - a for a, b in zip(beats, beats[1:]))
    return gaps[-1], gaps[int(len(gaps) * 0.99)], done[0]


def data_cost(model: TicketTableModel, calls: int, seed: int) -> float:
    rng = random.Random(seed)
    rows = model.rowCount()
    indexes = [model.index(rng.randrange(rows), rng.randrange(len(Column))) for _ in range(calls)]
    data = model.data
    t0 = time.perf_counter()
    for index in indexes:
        data(index)
    return (time.perf_counter() - t0) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    n, nb = args.rows, args.baseline_rows

    app = QApplication.instance() or QApplication([])
    print(f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    gc.collect()
    rss_start, _ = rss_mb()

    t0 = time.perf_counter()
    columns = make_columns(n, args.seed)
    print(f"generated {n:,} rows of input in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    rows = QueueRows.from_columns(columns)
    build = time.perf_counter() - t0
    del columns
    gc.collect()

    model = TicketTableModel(rows, now=lambda: NOW)
    view = make_view(model)
    app.processEvents()
    rss_untrimmed, _ = rss_mb()
    t0 = time.perf_counter()
    trimmed = release_freed_memory()  # as the cache worker does after a full load
    trim_time = time.perf_counter() - t0
    rss_after, peak = rss_mb()

    # The view handles a reset synchronously, inside endResetModel, and repaints
    # the screenful on the next pass of the event loop.
    painted = PaintCounter(view.viewport())
    resets = [timed(lambda: model.set_rows(rows), app, painted) for _ in range(args.repeat)]
    repaints = [timed(view.viewport().repaint, app)[0] for _ in range(args.repeat)]
    sorts = []
    for i in range(args.repeat):
        # Descending first: ascending is the default order, which the rows have at the start.
        order = Qt.SortOrder.DescendingOrder if i % 2 == 0 else Qt.SortOrder.AscendingOrder
        sorts.append(timed(lambda: model.sort(Column.DUE, order), app, painted))
    others = {}
    for label, column in [
        ("priority", Column.PRIORITY),
        ("default (most urgent first)", -1),  # after another order, so that it really sorts
        ("status", Column.STATUS),
        ("customer", Column.CUSTOMER),
        ("assignee", Column.ASSIGNEE),
        ("number (text)", Column.NUMBER),
        ("subject (text)", Column.SUBJECT),
    ]:
        others[label] = timed(lambda: model.sort(column, Qt.SortOrder.AscendingOrder), app)[0]
    model.sort(-1)
    app.processEvents()

    # A sync reports two tickets changed (status, sla): the rows shown at 10 and 500,000.
    changed = [model.queue_row(10), model.queue_row(len(rows) // 2)]
    updated = [
        QueueRow(**{**{f: getattr(r, f) for f in QueueRow.__slots__}, "status": "pending_customer", "next_due": r.next_due + 7_200 if r.next_due else None})
        for r in changed
    ]
    upserts = []
    for _ in range(args.repeat):
        upserts.append(timed(lambda: model.upsert_rows(updated), app, painted))
        upserts.append(timed(lambda: model.upsert_rows(changed), app, painted))

    clock = CountdownClock(now=lambda: NOW + 1)
    clock.watch(view)
    ticks = [timed(clock.tick, app, painted) for _ in range(args.repeat)]

    small = TicketTableModel(QueueRows.from_columns(make_columns(max(1, n // 100), args.seed)), now=lambda: NOW)
    costs_big, costs_small = [], []
    for attempt in range(3):  # interleaved, best of three: the machine's noise is larger than the effect
        costs_big.append(data_cost(model, 100_000, args.seed + attempt))
        costs_small.append(data_cost(small, 100_000, args.seed + attempt))
    per_call_big, per_call_small = min(costs_big), min(costs_small)
    rss_end, peak = rss_mb()

    # -- baselines ---------------------------------------------------------------------
    # The same key our sort packs (clock group, due, arrival position), as Python ints.
    state, due = rows.column("next_state"), rows.column("next_due")
    group = np.where(state < 0, 2, np.where(state == 3, 1, 0)).astype(np.int64)
    present = due != np.iinfo(np.int64).max
    due = np.where(present, due - (int(due[present].min()) if present.any() else 0), 0)
    arrival = np.empty(len(due), dtype=np.int64)
    arrival[rows.column("created_at").argsort(kind="stable")] = np.arange(len(due))
    keys = ((((group << 40) | due) << 21) | arrival).tolist()
    t0 = time.perf_counter()
    sorted(range(len(keys)), key=keys.__getitem__)
    python_sort = time.perf_counter() - t0
    del keys

    def n_log_n(t: float, small_n: int) -> float:
        return t * (n * math.log2(n)) / (small_n * math.log2(small_n))

    base_rows = QueueRows.from_columns(make_columns(nb, args.seed + 1))
    base_model = TicketTableModel(base_rows, now=lambda: NOW)
    base_view = make_view(base_model)
    app.processEvents()
    base_model.sort(Column.PRIORITY)  # ascending due is the default order the rows start in
    ours_small = timed(lambda: base_model.sort(Column.DUE, Qt.SortOrder.AscendingOrder), app)[0]
    base_model.sort(-1)
    base_view.close()
    del base_view
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(base_model)
    proxy.setSortRole(Qt.ItemDataRole.UserRole)
    proxy_view = make_view(proxy)
    proxy_sort = timed(lambda: proxy.sort(Column.DUE, Qt.SortOrder.AscendingOrder), app)[0]
    proxy_view.close()
    del proxy_view, proxy

    gc.collect()
    rss_before_std, _ = rss_mb()
    t0 = time.perf_counter()
    std = QStandardItemModel(nb, len(Column))
    for r in range(nb):
        phys = base_rows.physical(r)
        for c in range(len(Column)):
            item = QStandardItem(base_model._display[c](phys))
            if c == Column.DUE:
                item.setData(base_rows.decode("next_due", phys) or 0, Qt.ItemDataRole.UserRole)
            std.setItem(r, c, item)
    std_build = time.perf_counter() - t0
    std_view = make_view(std)
    app.processEvents()
    rss_std, _ = rss_mb()
    std.setSortRole(Qt.ItemDataRole.UserRole)
    std_sort = timed(lambda: std.sort(Column.DUE, Qt.SortOrder.AscendingOrder), app)[0]
    std_view.close()

    # -- the UI thread while a full load is built on the cache worker ------------------
    del std_view, std, base_model, base_rows
    gc.collect()
    columns = make_columns(n, args.seed + 2)
    build_gap = ui_gaps_while(app, lambda: QueueRows.from_columns(columns))
    del columns
    gc.collect()

    def python_busy() -> None:
        end = time.perf_counter() + build_gap[2]
        count = 0
        while time.perf_counter() < end:
            count += 1

    busy_gap = ui_gaps_while(app, python_busy)
    idle_gap = ui_gaps_while(app, lambda: time.sleep(build_gap[2]))

    # -- report ------------------------------------------------------------------------
    mem = rss_after - rss_start
    sort_median = statistics.median(a for a, _ in sorts)
    reset_median = statistics.median(a for a, _ in resets)
    print()
    print(f"| {n:,} rows | the model's call: median / max of {args.repeat} | with the view's repaint: median / max | target |")
    print("| --- | --- | --- | --- |")
    print(f"| model reset (`set_rows`) | {both(resets)} | < 50 ms |")
    print(f"| sort by next SLA due (header click) | {both(sorts)} | < 300 ms |")
    print(f"| upsert 2 changed tickets (status, sla: a move + 2 dataChanged) | {both(upserts)} | |")
    print(f"| countdown tick (visible rows of one column) | {both(ticks)} | |")
    print(f"| ... its dataChanged range | rows {visible_rows(view, Column.DUE)}, column {int(Column.DUE)} only | | |")
    print(f"| repaint of the screenful alone (1400x800, {view.rowAt(view.viewport().height() - 1) + 1} rows) "
          f"| | {ms(statistics.median(repaints))} / {ms(max(repaints))} | |")
    print()
    print("| measure | value | target |")
    print("| --- | --- | --- |")
    print(f"| process RSS after rows + model + view | {rss_after:,.0f} MB ({mem:,.0f} MB over the {rss_start:,.0f} MB start) | < 400 MB |")
    print(f"| ... the same before `release_freed_memory()` ({'trimmed' if trimmed else 'nothing to trim'}, {ms(trim_time)}) | {rss_untrimmed:,.0f} MB | |")
    print(f"| process RSS at the end / peak (incl. input lists) | {rss_end:,.0f} MB / {peak:,.0f} MB | |")
    print(f"| build QueueRows from the cache's columns (worker thread) | {build:.2f} s | |")
    for label, seconds in others.items():
        print(f"| sort by {label} (the model's call) | {ms(seconds)} | |")
    print(f"| data() per call (best of 3), {n:,} rows / {max(1, n // 100):,} rows | {per_call_big * 1e6:.1f} us / {per_call_small * 1e6:.1f} us | |")
    print()
    print("| baseline (same run) | measured | extrapolated to N | ours |")
    print("| --- | --- | --- | --- |")
    print(f"| pure-Python sorted() over precomputed int keys, {n:,} rows | {ms(python_sort)} | | {ms(sort_median)} |")
    print(f"| QSortFilterProxyModel sort by due, {nb:,} rows | {ms(proxy_sort)} | {n_log_n(proxy_sort, nb):,.0f} s | {ms(ours_small)} at {nb:,} rows |")
    print(f"| QStandardItemModel build, {nb:,} rows | {std_build:.2f} s | {std_build * n / nb:,.0f} s | build {build:.2f} s + reset {ms(reset_median)} |")
    print(f"| QStandardItemModel memory, {nb:,} rows | {rss_std - rss_before_std:,.0f} MB | {(rss_std - rss_before_std) * n / nb:,.0f} MB | {mem:,.0f} MB |")
    print(f"| QStandardItemModel sort by due, {nb:,} rows | {ms(std_sort)} | {ms(n_log_n(std_sort, nb))} | {ms(sort_median)} |")
    print()
    print("| UI thread (1 ms timer) while a worker thread... | longest gap | 99th percentile |")
    print("| --- | --- | --- |")
    print(f"| builds QueueRows from {n:,} rows of columns ({build_gap[2]:.1f} s) | {ms(build_gap[0])} | {ms(build_gap[1])} |")
    print(f"| baseline: runs plain Python bytecode as long | {ms(busy_gap[0])} | {ms(busy_gap[1])} |")
    print(f"| baseline: sleeps as long | {ms(idle_gap[0])} | {ms(idle_gap[1])} |")
    view.close()
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
