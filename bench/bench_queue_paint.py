"""Queue repaint: one screenful of the queue table, alone and while a worker thread runs Python.

    ./desk bench bench_queue_paint [--rows-visible N] [--repeat R] [--rounds K]

A real QTableView (offscreen) over TicketTableModel shows N rows (default 30,
a 1080p screen); `viewport().repaint()` paints every visible cell, as after a
model reset, a sort or a window resize. Timed on the UI thread, median of R
repaints, in two situations:

  idle     nothing else runs;
  busy     a worker thread of the same process runs plain Python bytecode,
           as the cache and sync workers do while a ticket is read or a page
           parsed (the interpreter lock changes hands every 2 ms, the
           switch interval desk-app sets).

Two models, alternated K rounds in the same run:

  multiData   the model as shipped: Qt's delegate asks each cell's seven
              roles in one call into Python (`TicketTableModel.multiData`),
              and the item flags come from Qt;
  role by role  the baseline: the same model with Qt's own `multiData`,
              which calls `data()` once per role, and a `flags()` answered
              in Python, as before session 4.

Each call from Qt into Python takes the interpreter lock; while a worker
holds it, each one waits, so the number of calls per repaint is what a busy
worker stretches.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QAbstractTableModel, Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView  # noqa: E402

from bench_queue_model import NOW, make_columns  # noqa: E402
from desk_app.ui.app import SWITCH_INTERVAL  # noqa: E402
from desk_app.ui.queue.queue_rows import QueueRows  # noqa: E402
from desk_app.ui.queue.ticket_table_model import TicketTableModel  # noqa: E402


class RoleByRole(TicketTableModel):
    """The baseline: Qt's multiData (one `data()` call per role) and flags from Python."""

    def multiData(self, index, span):  # noqa: N802 - Qt's name
        QAbstractTableModel.multiData(self, index, span)

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren


def make_view(model_type: type[TicketTableModel], rows: int) -> QTableView:
    model = model_type(QueueRows.from_columns(make_columns(rows * 2, 7)), now=lambda: NOW)
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(30)
    view.resize(1600, 30 * rows + view.horizontalHeader().height() + 4)
    view.show()
    QApplication.processEvents()
    return view


def repaint_ms(view: QTableView, repeat: int) -> float:
    viewport = view.viewport()
    for _ in range(3):
        viewport.repaint()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        viewport.repaint()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


class Busy:
    """A worker thread running Python bytecode until stopped."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        total = 0
        while not self._stop.is_set():
            for i in range(2_000):
                total += i * i

    def __enter__(self) -> Busy:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows-visible", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    QApplication([])
    sys.setswitchinterval(SWITCH_INTERVAL)
    views = {"multiData": make_view(TicketTableModel, args.rows_visible),
             "role by role": make_view(RoleByRole, args.rows_visible)}
    cells = args.rows_visible * views["multiData"].model().columnCount()
    results: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for name, view in views.items():
            results.setdefault((name, "idle"), []).append(repaint_ms(view, args.repeat))
            with Busy():
                results.setdefault((name, "busy"), []).append(repaint_ms(view, args.repeat))
    load = os.getloadavg()[0]
    print(f"# queue repaint, {args.rows_visible} rows x {cells // args.rows_visible} columns = {cells} cells; "
          f"median of {args.repeat} repaints per round, {args.rounds} rounds; load average {load:.1f}")
    print("| model | worker | repaint (ms), per round | median |")
    print("|---|---|---|---|")
    for (name, situation), values in results.items():
        rounds = " / ".join(f"{v:.1f}" for v in values)
        print(f"| {name} | {situation} | {rounds} | **{statistics.median(values):.1f}** |")


if __name__ == "__main__":
    main()
