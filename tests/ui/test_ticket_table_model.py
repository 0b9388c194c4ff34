"""The queue table: data-side order and filter, precise change signals, what each cell shows."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from desk_app.core.sla import Clock, ClockState
from desk_app.core.ticket import Status
from desk_app.ui.queue.queue_rows import (
    RESET_BATCH,
    QueueRow,
    QueueRows,
    QueueRowsError,
    RowFilter,
    SortField,
    next_clock_fields,
)
from desk_app.ui.queue.ticket_table_model import CLOCK_STATE_ROLE, TICKET_ID_ROLE, Column, TicketTableModel
from queue_row_factories import NOW, make_row

RUNNING, WARNING, BREACHED, PAUSED = ClockState.RUNNING, ClockState.WARNING, ClockState.BREACHED, ClockState.PAUSED


def ids(model: TicketTableModel) -> list[int]:
    return [model.data(model.index(r, 0), TICKET_ID_ROLE) for r in range(model.rowCount())]


class Spy:
    """Records the model's change signals, in order."""

    def __init__(self, model: TicketTableModel) -> None:
        self.events: list[tuple] = []
        model.dataChanged.connect(lambda a, b, roles=(): self.events.append(("changed", a.row(), a.column(), b.row(), b.column())))
        model.rowsInserted.connect(lambda parent, first, last: self.events.append(("inserted", first, last)))
        model.rowsRemoved.connect(lambda parent, first, last: self.events.append(("removed", first, last)))
        model.rowsMoved.connect(lambda p, start, end, d, row: self.events.append(("moved", start, end, row)))
        model.layoutChanged.connect(lambda *a: self.events.append(("layout",)))
        model.modelReset.connect(lambda: self.events.append(("reset",)))


@pytest.fixture
def model(qapp):
    rows = QueueRows.from_rows(
        [
            make_row(1, priority_rank=2, next_due=NOW + 600),
            make_row(2, priority_rank=0, next_due=NOW + 9_000, priority="urgent"),
            make_row(3, priority_rank=2, next_due=NOW + 300),
            make_row(4, priority_rank=2, next_due=None, next_state=None, warn_at=None, next_clock=None),
            make_row(5, priority_rank=2, next_due=NOW + 100, next_state=PAUSED, paused_reason="pending_customer"),
            make_row(6, priority_rank=2, next_due=NOW + 600),  # same due as 1, arrived later
        ]
    )
    m = TicketTableModel(rows, now=lambda: NOW)
    QAbstractItemModelTester(m, QAbstractItemModelTester.FailureReportingMode.Fatal)
    return m


# -- order -------------------------------------------------------------------------------


def test_default_order_is_most_urgent_first_by_the_clock(model):
    # Issue 13: the clock ranks before the priority. Running clocks by due (1 and 6 share a
    # due time and a priority: first come, first served), the urgent 2 due in 2.5 h after them;
    # then the paused one, then the ticket with no live clock.
    assert ids(model) == [3, 1, 6, 2, 5, 4]
    assert model.sort_column() == Column.DUE  # the header shows the order there


def test_breached_first_most_overdue_first_priority_breaks_ties(qapp):
    rows = QueueRows.from_rows([
        make_row(1, priority_rank=0, priority="high", next_due=NOW + 2 * 86_400),  # high, two days left
        make_row(2, priority_rank=2, next_due=NOW - 16, next_state=BREACHED),  # normal, breached 16 s ago
        make_row(3, priority_rank=2, next_due=NOW - 3_600, next_state=BREACHED),  # breached an hour ago
        make_row(4, priority_rank=2, next_due=NOW + 600),
        make_row(5, priority_rank=0, priority="high", next_due=NOW + 600),  # the same due as 4: high first
    ])
    assert rows.ticket_ids() == [3, 2, 5, 4, 1]


def test_arrival_ordered_channels_take_no_priority_tie_break(qapp):
    def queue(arrival: bool) -> list[int]:
        rows = QueueRows.from_rows([
            make_row(1, priority_rank=2, channel="Twitter", policy="shopee", next_due=NOW + 600, created_at=NOW - 60),
            make_row(2, priority_rank=0, channel="Twitter", policy="shopee", next_due=NOW + 600, created_at=NOW - 30),
            make_row(3, priority_rank=0, channel="E-mail", policy="shopee", next_due=NOW + 600, created_at=NOW - 10),
        ])
        rows.set_arrival_classes({("shopee", "Twitter")} if arrival else set())
        rows.sort()
        order = rows.ticket_ids()
        rows.upsert([make_row(4, priority_rank=0, channel="Twitter", policy="shopee", next_due=NOW + 600,
                              created_at=NOW)])
        return order + [rows.ticket_ids().index(4)]

    # Priority order: the high-priority mention (2) would jump the earlier one (1).
    assert queue(False) == [2, 3, 1, 2]
    # Arrival order for Twitter: 1 came first; a later mention lines up behind, whatever its priority.
    assert queue(True) == [1, 2, 3, 3]


def test_sorting_by_due_and_back_to_the_default(model):
    model.sort(Column.DUE, Qt.SortOrder.AscendingOrder)  # the default, as its indicator shows it
    assert ids(model) == [3, 1, 6, 2, 5, 4]
    model.sort(Column.DUE, Qt.SortOrder.DescendingOrder)
    assert ids(model) == [2, 1, 6, 3, 5, 4]  # ties stay first come first served; no clock stays last
    model.sort(-1)
    assert ids(model) == [3, 1, 6, 2, 5, 4]
    assert model.sort_column() == Column.DUE


def test_a_sort_carries_the_selection_along(model):
    row_of_6 = ids(model).index(6)
    kept = QPersistentModelIndex(model.index(row_of_6, Column.SUBJECT))
    model.sort(Column.DUE, Qt.SortOrder.DescendingOrder)
    assert kept.isValid() and kept.column() == Column.SUBJECT
    assert model.data(model.index(kept.row(), 0), TICKET_ID_ROLE) == 6


def test_the_model_passes_qt_model_checks(qtmodeltester, model):
    qtmodeltester.check(model)


# A reference for every order, written from the rules in queue_rows' docstring.
STATUS_ORDER = list(Status)


def _group(r: QueueRow) -> int:
    return 2 if r.next_state is None else (1 if r.next_state == PAUSED else 0)


def reference_order(rows: list[QueueRow], field: SortField, descending: bool) -> list[int]:
    out = sorted(rows, key=lambda r: (r.created_at, r.ticket_id))
    if field is SortField.URGENCY:
        out.sort(key=lambda r: (_group(r), r.next_due or 0, r.priority_rank))
        return [r.ticket_id for r in out]
    if field is SortField.ARRIVAL:
        return [r.ticket_id for r in (out[::-1] if descending else out)]
    text = lambda v: (v.casefold(), v)  # noqa: E731
    primary = {
        SortField.NUMBER: lambda r: r.number.casefold(),
        SortField.SUBJECT: lambda r: r.subject.casefold(),
        SortField.CUSTOMER: lambda r: text(r.customer_name),
        SortField.CATEGORY: lambda r: text(r.category),
        SortField.CHANNEL: lambda r: text(r.channel),
        SortField.POLICY: lambda r: text(r.policy),
        SortField.PRIORITY: lambda r: r.priority_rank,
        SortField.TIER: lambda r: r.tier_level,
        SortField.STATUS: lambda r: (STATUS_ORDER.index(Status(r.status)), r.status),
        SortField.ASSIGNEE: lambda r: text(r.assignee or ""),
        SortField.DUE: lambda r: r.next_due or 0,
    }[field]
    out.sort(key=primary, reverse=descending)  # stable both ways: ties keep arrival order
    if field is SortField.DUE:
        out.sort(key=_group)
    if field is SortField.ASSIGNEE:
        out.sort(key=lambda r: r.assignee is None)
    return [r.ticket_id for r in out]


@st.composite
def queue_rows(draw, min_size=0, max_size=25):
    ticket_ids = draw(st.lists(st.integers(1, 200), min_size=min_size, max_size=max_size, unique=True))
    return [draw(row_for(i)) for i in ticket_ids]


@st.composite
def row_for(draw, ticket_id: int):
    state = draw(st.sampled_from([None, RUNNING, WARNING, BREACHED, PAUSED]))
    due = None if state is None else NOW + draw(st.sampled_from([-600, 0, 60, 600, 86_400]))
    return make_row(
        ticket_id,
        number=draw(st.sampled_from(["SHP-000010", "shp-000010", "OOU-000002", "SHP-000009"])),
        subject=draw(st.sampled_from(["Refund", "refund", "Été", "ete", "Zahlung", ""])),
        customer_name=draw(st.sampled_from(["Ana", "ana", "Budi", "Çelik"])),
        category=draw(st.sampled_from(["Refund", "Delivery", "delivery"])),
        channel=draw(st.sampled_from(["email", "phone", "chat"])),
        policy=draw(st.sampled_from(["shopom", "ooulet", "pandorana"])),
        priority_rank=draw(st.integers(0, 3)),
        tier_level=draw(st.integers(1, 3)),
        status=draw(st.sampled_from([s.value for s in Status])),
        assignee=draw(st.sampled_from([None, "Ana", "ana", "Rizky"])),
        created_at=NOW - draw(st.sampled_from([0, 10, 20])),  # many ties: arrival falls back to the id
        next_due=due,
        next_state=state,
        warn_at=None if due is None else due - 30,
    )


ORDERS = [(f, d) for f in SortField for d in (False, True) if not (f is SortField.URGENCY and d)]
order_params = pytest.mark.parametrize(("field", "descending"), ORDERS, ids=[f"{f.value}-{'desc' if d else 'asc'}" for f, d in ORDERS])


@order_params
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=queue_rows())
def test_every_order_matches_the_reference(rows, field, descending):
    q = QueueRows.from_rows(rows)
    q.sort(field, descending=descending)
    expected = reference_order(rows, field, descending)
    assert q.ticket_ids() == expected


def test_an_order_whose_key_does_not_fit_in_64_bits_is_still_right(monkeypatch):
    # Extreme but valid ranges (priority rank 0..32767, due times 2**40 apart):
    # the packed default-order key would need 66 bits, so the sort takes its other path.
    rows = [
        make_row(
            i,
            priority_rank=(0, 32_767, 5)[i % 3],
            next_due=(1, (1 << 40) - 1, None)[i % 3] if i % 5 else 0,
            next_state=None if (i % 5 and i % 3 == 2) else (PAUSED if i % 7 == 0 else RUNNING),
            warn_at=None,
            created_at=NOW - i % 4,
        )
        for i in range(1, 130)
    ]
    q = QueueRows.from_rows(rows)
    import numpy

    calls = []
    real = numpy.lexsort
    monkeypatch.setattr(numpy, "lexsort", lambda keys: calls.append(len(keys)) or real(keys))
    q.sort(SortField.DUE)
    q.sort(SortField.URGENCY)
    assert calls == [4]  # only the default order needed it: payload + three components
    assert q.ticket_ids() == reference_order(rows, SortField.URGENCY, False)


class ReplayListener:
    """Applies the reported steps to a plain list: it must end up equal to the real order."""

    def __init__(self, shown: list[int], rows: QueueRows) -> None:
        self.shown = shown
        self.rows = rows
        self.pending = None
        self.resets = 0

    def rows_about_to_be_inserted(self, first, last):
        self.pending = ("insert", first)

    def rows_inserted(self):
        _, first = self.pending
        self.shown.insert(first, self.rows.ticket_id(first))

    def rows_about_to_be_removed(self, first, last):
        assert first == last
        del self.shown[first]

    def rows_removed(self):
        pass

    def row_about_to_be_moved(self, source, destination):
        assert source != destination
        self.shown.insert(destination, self.shown.pop(source))

    def row_moved(self):
        pass

    def row_changed(self, row, fields):
        assert fields
        assert self.shown[row] == self.rows.ticket_id(row)

    def reset_about_to_begin(self):
        self.resets += 1

    def reset_done(self):
        self.shown[:] = self.rows.ticket_ids()


@order_params
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    start=queue_rows(),
    statuses=st.one_of(st.none(), st.sets(st.sampled_from([s.value for s in Status]), min_size=1)),
)
def test_incremental_changes_report_steps_that_rebuild_the_same_order(data, start, field, descending, statuses):
    row_filter = RowFilter(statuses=frozenset(statuses) if statuses is not None else None)
    q = QueueRows.from_rows(start, row_filter=row_filter)
    q.sort(field, descending=descending)
    current = {r.ticket_id: r for r in start}
    shown = q.ticket_ids()
    listener = ReplayListener(shown, q)
    for _ in range(data.draw(st.integers(1, 6))):
        if current and data.draw(st.booleans()):
            gone = data.draw(st.lists(st.sampled_from(sorted(current)), max_size=3, unique=True))
            q.remove(gone + [9_999], listener)  # an unknown id is ignored
            for ticket_id in gone:
                del current[ticket_id]
        else:
            changed = data.draw(st.lists(st.integers(1, 220), min_size=1, max_size=4, unique=True))
            batch = [data.draw(row_for(i)) for i in changed]
            q.upsert(batch, listener)
            current.update((r.ticket_id, r) for r in batch)
        assert listener.shown == q.ticket_ids()
        visible = [r for r in current.values() if statuses is None or r.status in statuses]
        assert q.ticket_ids() == reference_order(visible, q.sort_field, q.descending)
        assert q.total == len(current)
    for ticket_id, row in current.items():
        assert ticket_id in q
        shown_at = q.display_row_of(ticket_id)
        if shown_at is not None:
            assert q.row(shown_at) == row


# -- incremental changes through the model -------------------------------------------------


def test_a_status_change_repaints_only_that_cell(model):
    spy = Spy(model)
    row_of_3 = ids(model).index(3)
    model.upsert_rows([make_row(3, priority_rank=2, next_due=NOW + 300, status="pending_customer")])
    assert spy.events == [("changed", row_of_3, Column.STATUS, row_of_3, Column.STATUS)]
    assert model.data(model.index(row_of_3, Column.STATUS)) == "Waiting on customer"


def test_status_and_sla_changes_repaint_two_cells_and_move_the_row(model):
    spy = Spy(model)
    assert ids(model) == [3, 1, 6, 2, 5, 4]
    # Ticket 1 now falls due first: it moves above 3.
    model.upsert_rows([make_row(1, priority_rank=2, next_due=NOW + 200, status="new")])
    assert ids(model) == [1, 3, 6, 2, 5, 4]
    assert spy.events == [
        ("moved", 1, 1, 0),
        ("changed", 0, Column.STATUS, 0, Column.STATUS),
        ("changed", 0, Column.DUE, 0, Column.DUE),
    ]


def test_moving_a_row_down(model):
    spy = Spy(model)
    # No live clock any more, and the least urgent priority of those without one: last.
    model.upsert_rows([make_row(3, priority_rank=3, next_due=None, next_state=None, warn_at=None, next_clock=None)])
    assert ids(model) == [1, 6, 2, 5, 4, 3]
    # Qt's destination counts rows before the move: the end of a 6-row table is 6.
    assert spy.events[0] == ("moved", 0, 0, 6)


def test_an_unchanged_row_reports_nothing(model):
    spy = Spy(model)
    model.upsert_rows([make_row(3, priority_rank=2, next_due=NOW + 300)])
    assert spy.events == []


def test_new_and_removed_tickets_insert_and_remove_single_rows(model):
    spy = Spy(model)
    model.upsert_rows([make_row(7, priority_rank=1)])  # due in an hour: after 3, 1 and 6, before 2
    assert ids(model) == [3, 1, 6, 7, 2, 5, 4]
    assert model.remove_tickets([3, 99]) == [3]
    assert ids(model) == [1, 6, 7, 2, 5, 4]
    assert spy.events == [("inserted", 3, 3), ("removed", 0, 0)]


def test_a_row_leaving_the_filter_is_removed_and_one_entering_is_inserted(model):
    model.set_filter(RowFilter(statuses=frozenset({"open"})))
    assert ids(model) == [3, 1, 6, 2, 5, 4]
    spy = Spy(model)
    model.upsert_rows([make_row(1, priority_rank=2, next_due=NOW + 600, status="resolved")])
    model.upsert_rows([make_row(8, status="resolved")])  # held, not shown
    model.upsert_rows([make_row(8, status="open", priority_rank=0, next_due=NOW + 1)])
    assert ids(model) == [8, 3, 6, 2, 5, 4]
    assert spy.events == [("removed", 1, 1), ("inserted", 0, 0)]
    assert model.queue_rows().total == 7


def test_the_text_filter_searches_number_subject_and_customer(qapp):
    rows = QueueRows.from_rows(
        [
            make_row(1, subject="Paket belum sampai"),
            make_row(2, customer_name="PT Maju Jaya"),
            make_row(3, number="OOU-000777"),
        ]
    )
    model = TicketTableModel(rows, now=lambda: NOW)
    for text, expected in [("BELUM", [1]), ("maju", [2]), ("oou-0007", [3]), ("", [1, 2, 3]), ("nothing", [])]:
        model.set_filter(RowFilter(text=text))
        assert sorted(ids(model)) == expected


def test_a_big_batch_is_one_reset(model):
    spy = Spy(model)
    model.upsert_rows([make_row(100 + i) for i in range(RESET_BATCH + 1)])
    assert spy.events == [("reset",)]
    assert model.rowCount() == 6 + RESET_BATCH + 1
    assert ids(model) == model.queue_rows().ticket_ids()
    spy.events.clear()
    model.remove_tickets(range(100, 100 + RESET_BATCH + 1))
    assert spy.events == [("reset",)]
    assert ids(model) == [3, 1, 6, 2, 5, 4]


def test_bad_input_is_refused_whole_and_changes_nothing(model):
    spy = Spy(model)
    before = ids(model)
    good, bad = make_row(9), make_row(10, next_state="met")
    with pytest.raises(QueueRowsError, match=r"row 1, field 'next_state'"):
        model.upsert_rows([good, bad])
    with pytest.raises(QueueRowsError, match=r"row 0, field 'created_at'.*whole number"):
        model.upsert_rows([make_row(9, created_at="yesterday")])
    with pytest.raises(QueueRowsError, match="appears twice"):
        model.upsert_rows([make_row(9), make_row(9)])
    with pytest.raises(QueueRowsError, match=r"field 'next_due': a next clock state needs its due time"):
        model.upsert_rows([make_row(9, next_due=None)])
    with pytest.raises(QueueRowsError, match=r"field 'subject': expected text"):
        model.upsert_rows([make_row(9, subject=None)])
    assert ids(model) == before and spy.events == [] and 9 not in model.queue_rows()


def test_hundreds_of_distinct_values_widen_the_stored_codes(model):
    # Codes start one byte wide; the 257th distinct category needs two.
    batch = [make_row(1_000 + i, category=f"Category {i:03d}") for i in range(RESET_BATCH + 50)]
    model.upsert_rows(batch)  # the batch path
    model.upsert_rows([make_row(2_000 + i, category=f"Late category {i}") for i in range(30)])  # one by one
    model.sort(Column.CATEGORY, Qt.SortOrder.DescendingOrder)
    shown = [model.data(model.index(r, Column.CATEGORY)) for r in range(model.rowCount())]
    expected = sorted(
        [r.category for r in batch] + [f"Late category {i}" for i in range(30)] + ["Damaged item"] * 6,
        key=lambda v: (v.casefold(), v),
        reverse=True,
    )
    assert shown == expected
    assert model.queue_rows().column("category").dtype.itemsize == 2


def test_whole_columns_are_checked_too():
    columns = {f.name: [getattr(make_row(i), f.name) for i in (1, 2)] for f in dataclasses.fields(QueueRow)}
    with pytest.raises(QueueRowsError, match="appears twice"):
        QueueRows.from_columns({**columns, "ticket_id": [5, 5]})
    with pytest.raises(QueueRowsError, match="has 1 values, ticket_id has 2"):
        QueueRows.from_columns({**columns, "subject": ["only one"]})
    with pytest.raises(QueueRowsError, match="missing"):
        QueueRows.from_columns({k: v for k, v in columns.items() if k != "status"})
    with pytest.raises(QueueRowsError, match="unknown field"):
        QueueRows.from_columns({**columns, "colour": ["red", "blue"]})
    rows = QueueRows.from_columns({k: v for k, v in columns.items() if k not in ("assignee", "remaining")})
    assert rows.row(0).assignee is None and len(rows) == 2


# -- what the cells show ---------------------------------------------------------------------


def cell(model, ticket_id, column, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(model.row_of_ticket(ticket_id), column), role)


def test_cells_show_the_ticket(model, qapp):
    model.upsert_rows([make_row(3, priority_rank=2, next_due=NOW + 300, assignee="Rizky", customer_tier="enterprise", priority_label="Normal")])
    assert cell(model, 3, Column.NUMBER) == "SHP-000003"
    assert cell(model, 3, Column.SUBJECT) == "Order 3 arrived damaged"
    assert cell(model, 3, Column.CUSTOMER) == "Dewi Lestari"
    assert cell(model, 3, Column.PRIORITY) == "Normal"
    assert cell(model, 2, Column.PRIORITY) == "urgent"  # no label: the key
    assert cell(model, 3, Column.STATUS) == "Open"
    assert cell(model, 3, Column.TIER) == "Tier 1"
    assert cell(model, 3, Column.ASSIGNEE) == "Rizky"
    assert cell(model, 1, Column.ASSIGNEE) == "Unassigned"
    assert cell(model, 3, Column.DUE, Qt.ItemDataRole.UserRole) == NOW + 300
    assert cell(model, 3, Column.STATUS, Qt.ItemDataRole.UserRole) == "open"
    assert cell(model, 3, Column.SUBJECT, TICKET_ID_ROLE) == 3
    # The tier badge: an icon, and words for screen readers and tooltips.
    assert not cell(model, 3, Column.CUSTOMER, Qt.ItemDataRole.DecorationRole).isNull()
    assert cell(model, 1, Column.CUSTOMER, Qt.ItemDataRole.DecorationRole) is None  # standard: no badge
    assert "Enterprise customer" in cell(model, 3, Column.CUSTOMER, Qt.ItemDataRole.ToolTipRole)
    assert "Enterprise customer" in cell(model, 3, Column.CUSTOMER, Qt.ItemDataRole.AccessibleTextRole)
    assert model.headerData(Column.DUE, Qt.Orientation.Horizontal) == "Next SLA due"


def test_countdown_text_for_each_state(qapp):
    rows = QueueRows.from_rows(
        [
            make_row(1, next_due=NOW + 2 * 3600 + 14 * 60 + 59, warn_at=None),
            make_row(2, next_due=NOW - 35 * 60, next_state=BREACHED),
            make_row(3, next_due=NOW + 100, next_state=PAUSED, paused_reason="pending_customer", remaining=5_400),
            make_row(4, next_due=None, next_state=None, warn_at=None),
            make_row(5, next_due=NOW + 3 * 86_400 + 4 * 3600, warn_at=None),
            make_row(6, next_due=NOW + 45, warn_at=NOW - 10),
        ]
    )
    model = TicketTableModel(rows, now=lambda: NOW)
    assert cell(model, 1, Column.DUE) == "2h 14m"
    assert cell(model, 2, Column.DUE) == "-35m"
    assert cell(model, 3, Column.DUE) == "paused"
    assert cell(model, 4, Column.DUE) == "\u2014"
    assert cell(model, 5, Column.DUE) == "3d 4h"
    assert cell(model, 6, Column.DUE) == "45s"
    assert cell(model, 6, Column.DUE, CLOCK_STATE_ROLE) is WARNING


def test_state_is_never_shown_by_colour_alone(qapp):
    rows = QueueRows.from_rows(
        [
            make_row(1, next_due=NOW + 600, warn_at=NOW + 300),
            make_row(2, next_due=NOW + 600, warn_at=NOW - 1),
            make_row(3, next_due=NOW - 1, next_state=BREACHED),
            make_row(4, next_due=NOW + 600, next_state=PAUSED, paused_reason="on_hold"),
        ]
    )
    model = TicketTableModel(rows, now=lambda: NOW)
    states = [cell(model, t, Column.DUE, CLOCK_STATE_ROLE) for t in (1, 2, 3, 4)]
    assert states == [RUNNING, WARNING, BREACHED, PAUSED]
    icons = [cell(model, t, Column.DUE, Qt.ItemDataRole.DecorationRole) for t in (1, 2, 3, 4)]
    images = [icon.pixmap(16, 16).toImage() for icon in icons]
    # Each state has an icon of its own (different shapes, not just tints)...
    alpha = [[img.pixelColor(x, y).alpha() > 0 for x in range(16) for y in range(16)] for img in images]
    assert len({tuple(a) for a in alpha}) == 4
    # ...words for screen readers, and breaches are bold.
    spoken = [cell(model, t, Column.DUE, Qt.ItemDataRole.AccessibleTextRole) for t in (1, 2, 3, 4)]
    assert [s.split(":")[0] for s in spoken] == ["Running", "Warning", "Breached", "Paused"]
    assert cell(model, 3, Column.DUE, Qt.ItemDataRole.FontRole).bold()
    assert cell(model, 1, Column.DUE, Qt.ItemDataRole.FontRole) is None
    colours = {cell(model, t, Column.DUE, Qt.ItemDataRole.ForegroundRole).color().name() for t in (2, 3, 4)}
    assert len(colours) == 3


def test_the_countdown_tooltip_explains_the_clock(qapp):
    rows = QueueRows.from_rows(
        [
            make_row(1, next_due=NOW + 5_400, warn_at=NOW + 3_600, next_clock="tier_budget:1", remaining=3_000),
            make_row(2, next_due=NOW + 600, next_state=PAUSED, paused_reason="pending_customer", remaining=5_400),
        ]
    )
    model = TicketTableModel(rows, now=lambda: NOW)
    tip = cell(model, 1, Column.DUE, Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Running: Tier 1 budget")
    local_due = datetime.fromtimestamp(NOW + 5_400).astimezone()
    assert "(in 1h 30m)" in tip and f"{local_due:%M}" in tip
    assert "Warning from:" in tip and "50m" in tip  # 3,000 s of business time left
    paused = cell(model, 2, Column.DUE, Qt.ItemDataRole.ToolTipRole)
    assert paused.startswith("Paused: First response")
    assert "Paused: waiting on the customer" in paused and "1h 30m" in paused


def test_next_clock_fields_take_the_most_urgent_live_clock():
    start = datetime(2027, 1, 15, 8, 0, tzinfo=timezone.utc)

    def clock(key, state, due_minutes, **kw):
        return Clock(
            key=key,
            metric="first_response",
            target=timedelta(hours=1),
            calendar="support",
            started_at=start,
            due_at=start + timedelta(minutes=due_minutes, microseconds=kw.pop("micro", 0)),
            warn_at=None,
            remaining=timedelta(minutes=due_minutes, seconds=-0.5),
            state=state,
            **kw,
        )

    met = clock("first_response", ClockState.MET, 1, stopped_at=start)
    paused = clock("resolution", PAUSED, 5, paused_reason="on_hold")
    running = clock("next_response", RUNNING, 30, micro=1)
    fields = next_clock_fields([met, paused, running])
    assert fields["next_clock"] == "next_response" and fields["next_state"] is RUNNING
    # Rounded up: a row never shows a breach before the core does.
    assert fields["next_due"] == int((start + timedelta(minutes=30)).timestamp()) + 1
    assert fields["remaining"] == 30 * 60 - 1
    assert next_clock_fields([met])["next_due"] is None
    row = make_row(1, **next_clock_fields([paused]))
    assert row.paused_reason == "on_hold" and row.next_state is PAUSED


def test_a_released_queue_is_empty_and_usable():
    rows = QueueRows.from_rows([make_row(i, subject=f"Subject {i}") for i in range(1, 70_000, 7)])
    rows.release()
    assert len(rows) == 0 and rows.total == 0 and rows.ticket_ids() == []
    rows.upsert([make_row(3), make_row(1)])
    assert rows.ticket_ids() == [1, 3] and rows.row(1).subject == "Order 3 arrived damaged"


def test_the_rows_a_model_stops_showing_are_released_off_the_ui_thread(qtbot, model):
    previous = model.queue_rows()
    assert previous.total == 6
    model.set_rows(QueueRows.from_rows([make_row(42)]))
    assert ids(model) == [42]
    qtbot.waitUntil(lambda: previous.total == 0, timeout=10_000)
    model.set_rows(model.queue_rows())  # the same rows again: kept, not released
    assert ids(model) == [42]


def test_text_spanning_several_blocks_reads_sorts_and_filters(qapp):
    # 70,000 rows: the text columns take two blocks.
    rows = QueueRows.from_columns(
        {
            f: [getattr(make_row(1), f)] * 70_000
            for f in ("customer_name", "customer_tier", "category", "priority", "priority_rank", "channel", "status", "tier_level", "policy", "created_at")
        }
        | {"ticket_id": list(range(1, 70_001)), "number": [f"N-{i:06d}" for i in range(1, 70_001)],
           "subject": [f"Subject {i}" for i in range(1, 70_001)]}
    )
    assert rows.decode("number", 69_999) == "N-070000"
    rows.sort(SortField.NUMBER, descending=True)
    assert rows.ticket_ids()[:2] == [70_000, 69_999]
    rows.set_filter(RowFilter(text="subject 6553"))  # 65530..65539 sit on both sides of row 65,536
    assert sorted(rows.ticket_ids()) == [6553, *range(65_530, 65_540)]
    assert rows.display_row_of(65_539) is not None
    rows.remove(range(1, 1_000))
    assert rows.total == 69_001 and rows.decode("number", rows.physical(0)).startswith("N-")


def test_an_empty_queue(qapp):
    model = TicketTableModel(now=lambda: NOW)
    assert model.rowCount() == 0
    model.emit_countdown_changed(0, 10)  # nothing to repaint, no error
    assert model.data(model.index(0, 0)) is None
    model.upsert_rows([make_row(1)])
    assert ids(model) == [1]
    assert model.rowCount(model.index(0, 0)) == 0 and model.columnCount(QModelIndex()) == len(Column)


def test_a_language_change_reaches_headers_and_countdowns(qapp, qtbot):
    from PySide6.QtCore import QCoreApplication, QTranslator

    class Indonesian(QTranslator):
        words = {"Next SLA due": "Tenggat SLA berikutnya", "{hours}h {minutes}m": "{hours}j {minutes}m", "Open": "Terbuka"}

        def translate(self, context, source, disambiguation=None, n=-1):
            return self.words.get(source, "")

    model = TicketTableModel(QueueRows.from_rows([make_row(1, next_due=NOW + 2 * 3600 + 14 * 60)]), now=lambda: NOW)
    assert cell(model, 1, Column.DUE) == "2h 14m"
    translator = Indonesian()
    QCoreApplication.installTranslator(translator)
    try:
        with qtbot.waitSignal(model.headerDataChanged):
            model.retranslate()
        assert model.headerData(Column.DUE, Qt.Orientation.Horizontal) == "Tenggat SLA berikutnya"
        assert cell(model, 1, Column.DUE) == "2j 14m"
        assert cell(model, 1, Column.STATUS) == "Terbuka"
    finally:
        QCoreApplication.removeTranslator(translator)
        model.retranslate()
    assert cell(model, 1, Column.DUE) == "2h 14m"


ALL_ROLES = [int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.UserRole, TICKET_ID_ROLE, CLOCK_STATE_ROLE,
)]


def test_multi_data_answers_every_role_as_data_does(model):
    """What a delegate reads in one call per cell equals what `data` says role by role."""
    from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan

    def as_comparable(value):
        return value.cacheKey() if hasattr(value, "cacheKey") else value

    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in ALL_ROLES:
                role_data = QModelRoleData(role)
                role_data.setData("stale")  # a reused span: a role without an answer is cleared
                model.multiData(index, QModelRoleDataSpan(role_data))
                assert as_comparable(role_data.data()) == as_comparable(model.data(index, role)), (row, column, role)
    assert model.flags(model.index(0, 0)) == (
        Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren)


def test_a_repaint_asks_each_cell_once_and_draws_what_data_would(model, qapp):
    """A paint reads each cell through `multiData` (one call into Python per cell, not one per
    role), and draws exactly what a model answering role by role through `data` draws."""
    from PySide6.QtCore import QAbstractTableModel
    from PySide6.QtWidgets import QTableView

    class RoleByRole(TicketTableModel):
        def multiData(self, index, span):  # Qt's own: data() once per role
            QAbstractTableModel.multiData(self, index, span)

    class Counting(TicketTableModel):
        data_calls = 0

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            Counting.data_calls += 1
            return super().data(index, role)

    def render(m):
        view = QTableView()
        view.setModel(m)
        view.resize(1200, 320)
        view.selectRow(1)
        image = view.grab().toImage()
        view.deleteLater()
        return image

    rows = model.queue_rows()
    by_role, counting = RoleByRole(rows, now=lambda: NOW), Counting(rows, now=lambda: NOW)
    assert render(by_role) == render(model)
    Counting.data_calls = 0
    render(counting)
    assert Counting.data_calls == 0
