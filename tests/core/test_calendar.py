"""Hand-checked vectors for desk_app.core.calendar.

Every expected value below was worked out by hand from the calendar's rules
(half-open local intervals, the "latest instant" rule of `add`, DST handling)
and is written as a literal wall-clock time, never computed by the code under test.
"""

from __future__ import annotations

import copy
import pickle
import threading
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from desk_app.core.calendar import DAY_KEYS, SEARCH_YEARS, BusinessCalendar, NoBusinessTimeError

IST = ZoneInfo("Asia/Kolkata")
WIB = ZoneInfo("Asia/Jakarta")
BER = ZoneInfo("Europe/Berlin")
NYC = ZoneInfo("America/New_York")
UTC = timezone.utc

H = timedelta(hours=1)
M = timedelta(minutes=1)
S = timedelta(seconds=1)


def ist(*args: int) -> datetime:
    return datetime(*args, tzinfo=IST)


def same(actual: datetime, expected: datetime) -> None:
    """Same instant, and expressed in the expected zone (results are in the calendar's zone).

    Timestamps, not ``==``: datetimes sharing a tzinfo compare by wall clock and
    ignore ``fold``, and inter-zone ``==`` is always False inside a repeated hour.
    """
    assert actual.timestamp() == expected.timestamp()
    assert actual.utcoffset() == expected.utcoffset()
    assert actual.tzinfo is expected.tzinfo


# Ooulet-like: Mon-Sat 10-18 IST, Republic Day (Mon 2026-01-26) off.
OOULET = BusinessCalendar(
    tz="Asia/Kolkata",
    hours={day: [("10:00", "18:00")] for day in ("mon", "tue", "wed", "thu", "fri", "sat")},
    holidays=[date(2026, 1, 26)],
)


class TestOpeningAndClosingBoundaries:
    def test_intervals_are_half_open(self):
        assert OOULET.is_open(ist(2026, 1, 19, 10, 0))
        assert OOULET.is_open(ist(2026, 1, 19, 17, 59, 59, 999999))
        assert not OOULET.is_open(ist(2026, 1, 19, 18, 0))
        assert not OOULET.is_open(ist(2026, 1, 19, 9, 59, 59, 999999))
        assert not OOULET.is_open(ist(2026, 1, 25, 12, 0))  # Sunday

    def test_budget_ending_inside_the_day(self):
        same(OOULET.add(ist(2026, 1, 19, 10, 0), 3 * H), ist(2026, 1, 19, 13, 0))

    def test_budget_ending_exactly_at_closing_is_due_at_next_opening(self):
        same(OOULET.add(ist(2026, 1, 19, 10, 0), 8 * H), ist(2026, 1, 20, 10, 0))
        same(OOULET.add(ist(2026, 1, 19, 17, 59, 59), S), ist(2026, 1, 20, 10, 0))
        same(OOULET.add(ist(2026, 1, 19, 17, 59, 59), 2 * S), ist(2026, 1, 20, 10, 0, 1))

    def test_counting_starts_at_next_opening_when_closed(self):
        same(OOULET.add(ist(2026, 1, 19, 7, 0), H), ist(2026, 1, 19, 11, 0))
        same(OOULET.add(ist(2026, 1, 19, 18, 0), H), ist(2026, 1, 20, 11, 0))
        same(OOULET.add(ist(2026, 1, 19, 22, 30), 8 * H), ist(2026, 1, 21, 10, 0))

    def test_add_zero_is_next_open(self):
        same(OOULET.add(ist(2026, 1, 19, 12, 0), timedelta(0)), ist(2026, 1, 19, 12, 0))
        same(OOULET.add(ist(2026, 1, 19, 18, 0), timedelta(0)), ist(2026, 1, 20, 10, 0))
        same(OOULET.next_open(ist(2026, 1, 19, 12, 0)), ist(2026, 1, 19, 12, 0))
        same(OOULET.next_open(ist(2026, 1, 19, 18, 0)), ist(2026, 1, 20, 10, 0))
        # Sunday, then the Monday holiday: Tuesday morning.
        same(OOULET.next_open(ist(2026, 1, 25, 12, 0)), ist(2026, 1, 27, 10, 0))

    def test_weekend_and_holiday_are_skipped(self):
        # Sat 17:00 + 2h: 1h on Saturday, Sunday closed, Monday 26 a holiday, 1h on Tuesday.
        same(OOULET.add(ist(2026, 1, 24, 17, 0), 2 * H), ist(2026, 1, 27, 11, 0))

    def test_between(self):
        fri = ist(2026, 1, 23, 17, 0)
        tue = ist(2026, 1, 27, 11, 0)
        assert OOULET.between(fri, tue) == 10 * H  # 1h Fri + 8h Sat + 1h Tue
        assert OOULET.between(tue, fri) == -10 * H
        assert OOULET.between(fri, fri) == timedelta(0)
        assert OOULET.between(ist(2026, 1, 25, 0, 0), ist(2026, 1, 27, 10, 0)) == timedelta(0)
        assert OOULET.between(ist(2026, 1, 19, 9, 0), ist(2026, 1, 19, 19, 0)) == 8 * H

    def test_microseconds_are_kept(self):
        same(OOULET.add(ist(2026, 1, 19, 10, 0, 0, 250000), H), ist(2026, 1, 19, 11, 0, 0, 250000))
        assert OOULET.between(ist(2026, 1, 19, 10, 0), ist(2026, 1, 19, 10, 0, 0, 7)) == timedelta(microseconds=7)
        same(OOULET.add(ist(2026, 1, 19, 17, 59, 59, 999999), timedelta(microseconds=1)), ist(2026, 1, 20, 10, 0))

    def test_results_are_in_the_calendars_zone_whatever_the_input_zone(self):
        start = datetime(2026, 1, 19, 4, 30, tzinfo=UTC)  # 10:00 IST
        same(OOULET.add(start, H), ist(2026, 1, 19, 11, 0))
        same(OOULET.next_open(start), ist(2026, 1, 19, 10, 0))
        assert OOULET.between(start, ist(2026, 1, 19, 12, 0)) == 2 * H

    def test_year_boundary(self):
        # Thu 2026-12-31 17:00 + 3h: 1h on Thursday, 2h on Fri 2027-01-01.
        same(OOULET.add(ist(2026, 12, 31, 17, 0), 3 * H), ist(2027, 1, 1, 12, 0))
        same(OOULET.add(ist(2026, 12, 31, 17, 0), H), ist(2027, 1, 1, 10, 0))
        assert OOULET.between(ist(2026, 12, 31, 17, 0), ist(2027, 1, 1, 12, 0)) == 3 * H

    def test_between_over_several_years(self):
        # 2025: 313 Mon-Sat days; 2026: 313 Mon-Sat days minus the Republic Day holiday.
        assert OOULET.between(ist(2025, 1, 1), ist(2027, 1, 1)) == (313 + 312) * 8 * H
        # Long budgets land where the count says: 625 days' worth from 2025-01-01 is
        # the last minute of 2026 business time, i.e. the first opening of 2027.
        same(OOULET.add(ist(2025, 1, 1), 625 * 8 * H), ist(2027, 1, 1, 10, 0))


class TestFarFromToday:
    def test_before_the_unix_epoch(self):
        cal = BusinessCalendar(tz="Asia/Kolkata", hours=dict(OOULET.hours))
        # Wed 1969-12-31 17:00 + 2h: 1h on Wednesday, 1h on Thu 1970-01-01.
        same(cal.add(ist(1969, 12, 31, 17, 0), 2 * H), ist(1970, 1, 1, 11, 0))
        assert cal.between(ist(1969, 12, 31, 17, 0), ist(1970, 1, 1, 11, 0)) == 2 * H
        # Mon 1900-01-01 (Kolkata was on local mean time then; the rules are the same).
        same(cal.add(datetime(1900, 1, 1, 17, 0, tzinfo=IST), 2 * H), datetime(1900, 1, 2, 11, 0, tzinfo=IST))

    def test_new_year_in_far_off_zones(self):
        # Kiritimati is UTC+14 and Pago Pago UTC-11: their new years begin far from
        # the UTC one, where the fast lookup by UTC day must hand over correctly.
        for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
            zone = ZoneInfo(name)
            cal = BusinessCalendar(tz=name, hours={day: [("00:00", "01:00"), ("23:00", "24:00")] for day in DAY_KEYS})
            start = datetime(2026, 12, 31, 22, 30, tzinfo=zone)
            same(cal.next_open(start), datetime(2026, 12, 31, 23, 0, tzinfo=zone))
            same(cal.add(start, 90 * M), datetime(2027, 1, 1, 0, 30, tzinfo=zone))
            same(cal.add(start, 2 * H), datetime(2027, 1, 1, 23, 0, tzinfo=zone))
            assert cal.between(start, datetime(2027, 1, 2, 0, 30, tzinfo=zone)) == 3 * H + 30 * M
            assert cal.is_open(datetime(2027, 1, 1, 0, 59, tzinfo=zone))
            assert not cal.is_open(datetime(2027, 1, 1, 1, 0, tzinfo=zone))

    def test_outside_the_supported_years(self):
        with pytest.raises(ValueError, match="outside the supported range"):
            OOULET.add(datetime(1, 1, 3, tzinfo=UTC), H)
        with pytest.raises(ValueError, match="outside the supported range"):
            OOULET.is_open(datetime(9999, 6, 1, tzinfo=UTC))


class TestNegativeDelta:
    def test_counts_backwards(self):
        # Tue 27 10:30 back 1h: 30 min on Tuesday, Monday 26 a holiday, Sunday closed,
        # 30 min on Saturday 24.
        same(OOULET.add(ist(2026, 1, 27, 10, 30), -H), ist(2026, 1, 24, 17, 30))
        same(OOULET.add(ist(2026, 1, 27, 10, 30), -H - M), ist(2026, 1, 24, 17, 29))

    def test_lands_on_the_latest_instant(self):
        # Between Sat 18:00 and Tue 10:00 every instant is 30 min before Tue 10:30;
        # the latest one is the opening.
        same(OOULET.add(ist(2026, 1, 27, 10, 30), -30 * M), ist(2026, 1, 27, 10, 0))

    def test_from_a_closed_instant(self):
        same(OOULET.add(ist(2026, 1, 19, 20, 0), -H), ist(2026, 1, 19, 17, 0))

    def test_round_trip(self):
        t = ist(2026, 1, 27, 10, 30)
        back = OOULET.add(t, -5 * H)
        assert OOULET.between(back, t) == 5 * H
        same(OOULET.add(back, 5 * H), t)


LUNCH = BusinessCalendar(tz="Asia/Kolkata", hours={"mon": [("13:00", "17:00"), ("09:00", "12:00")]})


class TestSeveralIntervalsPerDay:
    def test_hours_are_sorted(self):
        assert LUNCH.hours["mon"] == (("09:00", "12:00"), ("13:00", "17:00"))

    def test_lunch_break(self):
        mon = (2026, 1, 19)
        same(LUNCH.add(ist(*mon, 11, 0), H), ist(*mon, 13, 0))  # exact closing -> next opening
        same(LUNCH.add(ist(*mon, 11, 0), H + M), ist(*mon, 13, 1))
        assert not LUNCH.is_open(ist(*mon, 12, 30))
        same(LUNCH.next_open(ist(*mon, 12, 0)), ist(*mon, 13, 0))
        assert LUNCH.between(ist(*mon, 11, 30), ist(*mon, 13, 30)) == H
        assert LUNCH.between(ist(*mon, 0, 0), ist(*mon, 23, 0)) == 7 * H
        # After Monday's last interval the next opening is a week later.
        same(LUNCH.add(ist(*mon, 16, 0), 2 * H), ist(2026, 1, 26, 10, 0))

    def test_touching_intervals_count_as_one(self):
        cal = BusinessCalendar(tz="UTC", hours={"mon": [("09:00", "12:00"), ("12:00", "15:00")]})
        t = datetime(2026, 1, 19, 11, 0, tzinfo=UTC)
        assert cal.add(t, H) == datetime(2026, 1, 19, 12, 0, tzinfo=UTC)
        assert cal.is_open(datetime(2026, 1, 19, 12, 0, tzinfo=UTC))


class TestMidnight:
    NIGHT = BusinessCalendar(
        tz="Asia/Kolkata",
        hours={"fri": [("20:00", "24:00")], "sat": [("00:00", "02:00")], "sun": [("00:00", "24:00")]},
    )

    def test_24_00_end_joins_the_next_day(self):
        cal = self.NIGHT
        assert cal.hours["fri"] == (("20:00", "24:00"),)
        same(cal.add(ist(2026, 1, 23, 23, 0), 2 * H), ist(2026, 1, 24, 1, 0))
        # Midnight is not a closing here: the next day opens at the same instant.
        same(cal.add(ist(2026, 1, 23, 23, 0), H), ist(2026, 1, 24, 0, 0))
        assert cal.is_open(ist(2026, 1, 24, 0, 0))
        assert cal.between(ist(2026, 1, 23, 0, 0), ist(2026, 1, 24, 12, 0)) == 6 * H

    def test_24_00_end_before_a_closed_day(self):
        cal = self.NIGHT
        # Sunday is open until 24:00, Monday is closed: the next opening is Friday 20:00.
        same(cal.add(ist(2026, 1, 25, 23, 0), H), ist(2026, 1, 30, 20, 0))
        assert not cal.is_open(ist(2026, 1, 26, 0, 0))
        assert cal.is_open(ist(2026, 1, 25, 23, 59, 59))


class TestPartDayHolidays:
    def test_naive_closure_is_read_in_the_calendars_zone(self):
        cal = BusinessCalendar(
            tz="Asia/Kolkata",
            hours=dict(OOULET.hours),
            holidays=[(datetime(2026, 1, 20, 12, 0), datetime(2026, 1, 20, 14, 0))],
        )
        tue = (2026, 1, 20)
        assert not cal.is_open(ist(*tue, 13, 0))
        assert cal.is_open(ist(*tue, 14, 0))
        assert not cal.is_open(ist(*tue, 12, 0))
        same(cal.add(ist(*tue, 11, 0), 2 * H), ist(*tue, 15, 0))
        # The budget runs out when the closure starts: due when it ends.
        same(cal.add(ist(*tue, 11, 0), H), ist(*tue, 14, 0))
        same(cal.next_open(ist(*tue, 12, 30)), ist(*tue, 14, 0))
        assert cal.between(ist(*tue, 10, 0), ist(*tue, 18, 0)) == 6 * H

    def test_aware_closure_is_the_same_instant(self):
        naive = BusinessCalendar(
            tz="Asia/Kolkata",
            hours={"tue": [("10:00", "18:00")]},
            holidays=[(datetime(2026, 1, 20, 12, 0), datetime(2026, 1, 20, 14, 0))],
        )
        aware = BusinessCalendar(
            tz="Asia/Kolkata",
            hours={"tue": [("10:00", "18:00")]},
            holidays=[(datetime(2026, 1, 20, 6, 30, tzinfo=UTC), datetime(2026, 1, 20, 8, 30, tzinfo=UTC))],
        )
        assert naive == aware and hash(naive) == hash(aware)
        assert aware.holidays == ((ist(2026, 1, 20, 12, 0), ist(2026, 1, 20, 14, 0)),)
        assert aware.holidays[0][0].tzinfo is IST

    def test_closure_over_several_days(self):
        cal = BusinessCalendar(
            tz="Asia/Kolkata",
            hours=dict(OOULET.hours),
            holidays=[(datetime(2026, 1, 23, 15, 0), datetime(2026, 1, 27, 12, 0))],
        )
        same(cal.add(ist(2026, 1, 23, 14, 0), 2 * H), ist(2026, 1, 27, 13, 0))
        assert cal.between(ist(2026, 1, 23, 10, 0), ist(2026, 1, 28, 10, 0)) == 5 * H + 6 * H

    def test_closure_over_new_year(self):
        cal = BusinessCalendar.always_open("Asia/Kolkata")
        closed = BusinessCalendar(
            tz="Asia/Kolkata",
            hours=dict(cal.hours),
            holidays=[(datetime(2026, 12, 31, 20, 0), datetime(2027, 1, 1, 8, 0))],
        )
        same(closed.add(ist(2026, 12, 31, 19, 0), 2 * H), ist(2027, 1, 1, 9, 0))
        assert closed.between(ist(2026, 12, 31), ist(2027, 1, 2)) == 36 * H

    def test_whole_day_holiday_and_overlapping_closures(self):
        cal = BusinessCalendar(
            tz="Asia/Kolkata",
            hours={"mon": [("10:00", "18:00")], "tue": [("10:00", "18:00")]},
            holidays=[
                date(2026, 1, 19),
                date(2026, 1, 19),  # a duplicate is harmless
                (datetime(2026, 1, 20, 11, 0), datetime(2026, 1, 20, 13, 0)),
                (datetime(2026, 1, 20, 12, 0), datetime(2026, 1, 20, 14, 0)),
            ],
        )
        assert cal.holidays[0] == date(2026, 1, 19) and len(cal.holidays) == 3
        assert cal.between(ist(2026, 1, 19), ist(2026, 1, 21)) == 5 * H
        same(cal.next_open(ist(2026, 1, 19, 11, 0)), ist(2026, 1, 20, 10, 0))
        same(cal.add(ist(2026, 1, 19, 11, 0), 2 * H), ist(2026, 1, 20, 15, 0))


# Europe/Berlin 2026: spring forward Sun 29 March 02:00 CET -> 03:00 CEST;
# fall back Sun 25 October 03:00 CEST -> 02:00 CET.
def ber(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=BER, fold=fold)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


class TestDaylightSaving:
    def test_spring_forward_gap_inside_an_interval(self):
        cal = BusinessCalendar(tz="Europe/Berlin", hours={"sun": [("01:00", "04:00")]})
        # 01:00 CET is 00:00Z, 04:00 CEST is 02:00Z: two real hours.
        assert cal.between(ber(2026, 3, 29), ber(2026, 3, 30)) == 2 * H
        same(cal.add(ber(2026, 3, 29, 1, 0), H), ber(2026, 3, 29, 3, 0))
        assert cal.add(ber(2026, 3, 29, 1, 0), H) == utc(2026, 3, 29, 1, 0)
        # 1h30 from 01:30 ends at the 04:00 closing: due next Sunday 01:00.
        same(cal.add(ber(2026, 3, 29, 1, 30), 90 * M), ber(2026, 4, 5, 1, 0))
        # The week before has a normal three-hour Sunday.
        assert cal.between(ber(2026, 3, 22), ber(2026, 3, 23)) == 3 * H

    def test_opening_in_the_gap_moves_forward(self):
        cal = BusinessCalendar(tz="Europe/Berlin", hours={"sun": [("02:30", "05:00")]})
        same(cal.next_open(ber(2026, 3, 29, 0, 0)), ber(2026, 3, 29, 3, 30))
        assert cal.between(ber(2026, 3, 29), ber(2026, 3, 30)) == 90 * M

    def test_closing_in_the_gap_moves_forward(self):
        cal = BusinessCalendar(tz="Europe/Berlin", hours={"sun": [("01:00", "02:30")]})
        # [01:00 CET, 02:30 -> 03:30 CEST) = [00:00Z, 01:30Z)
        assert cal.between(ber(2026, 3, 29), ber(2026, 3, 30)) == 90 * M
        assert cal.is_open(ber(2026, 3, 29, 3, 29))
        assert not cal.is_open(ber(2026, 3, 29, 3, 30))

    def test_interval_edges_at_the_gap_edges(self):
        cal = BusinessCalendar(tz="Europe/Berlin", hours={"sun": [("00:00", "02:00"), ("03:00", "06:00")]})
        # 02:00 local does not exist and becomes 03:00 CEST: the two intervals touch.
        assert cal.between(ber(2026, 3, 29), ber(2026, 3, 30)) == 5 * H
        same(cal.add(ber(2026, 3, 29, 1, 0), H), ber(2026, 3, 29, 3, 0))
        assert cal.is_open(ber(2026, 3, 29, 3, 0))

    def test_gap_shift_that_makes_intervals_overlap_counts_their_union(self):
        cal = BusinessCalendar(tz="Europe/Berlin", hours={"sun": [("01:00", "02:30"), ("03:00", "05:00")]})
        # [00:00Z, 01:30Z) and [01:00Z, 03:00Z): union [00:00Z, 03:00Z).
        assert cal.between(ber(2026, 3, 29), ber(2026, 3, 30)) == 3 * H

    def test_interval_wholly_inside_the_gap_is_empty(self):
        cal = BusinessCalendar(tz="Europe/Berlin", hours={"sun": [("02:10", "02:50"), ("10:00", "11:00")]})
        # 02:10 -> 03:10 CEST, 02:50 -> 03:50 CEST: still 40 minutes of real time.
        assert cal.between(ber(2026, 3, 29), ber(2026, 3, 30)) == 100 * M
        same(cal.next_open(ber(2026, 3, 29, 1, 0)), ber(2026, 3, 29, 3, 10))

    def test_fall_back_day_is_longer(self):
        cal = BusinessCalendar(tz="Europe/Berlin", hours={"sun": [("01:00", "04:00")]})
        # 01:00 CEST = 23:00Z (Sat), 04:00 CET = 03:00Z: four real hours.
        assert cal.between(ber(2026, 10, 25), ber(2026, 10, 26)) == 4 * H
        same(cal.add(ber(2026, 10, 25, 1, 0), 2 * H), ber(2026, 10, 25, 2, 0, fold=1))
        assert cal.add(ber(2026, 10, 25, 1, 0), 2 * H).timestamp() == utc(2026, 10, 25, 1, 0).timestamp()
        assert cal.add(ber(2026, 10, 25, 1, 0), 2 * H).fold == 1

    def test_ambiguous_edges_use_the_first_occurrence(self):
        cal = BusinessCalendar(tz="Europe/Berlin", hours={"sun": [("02:30", "03:30")]})
        # 02:30 first occurrence = 02:30 CEST = 00:30Z; 03:30 CET = 02:30Z.
        assert cal.between(ber(2026, 10, 25), ber(2026, 10, 26)) == 2 * H
        same(cal.next_open(ber(2026, 10, 25, 0, 0)), ber(2026, 10, 25, 2, 30))
        assert cal.is_open(ber(2026, 10, 25, 2, 15, fold=1))  # 01:15Z, the second 02:15
        both = BusinessCalendar(tz="Europe/Berlin", hours={"sun": [("02:00", "02:30")]})
        assert both.between(ber(2026, 10, 25), ber(2026, 10, 26)) == 30 * M
        assert both.is_open(utc(2026, 10, 25, 0, 15))
        assert not both.is_open(utc(2026, 10, 25, 1, 15))

    def test_closures_and_holidays_are_local(self):
        cal = BusinessCalendar(
            tz="Europe/Berlin",
            hours={"sun": [("00:00", "24:00")]},
            holidays=[(datetime(2026, 3, 29, 2, 30), datetime(2026, 3, 29, 3, 45))],
        )
        # The naive closure start is in the gap: 02:30 -> 03:30 CEST.
        assert not cal.is_open(ber(2026, 3, 29, 3, 30))
        assert cal.is_open(ber(2026, 3, 29, 3, 29))
        assert cal.between(ber(2026, 3, 29), ber(2026, 3, 30)) == 23 * H - 15 * M
        # An aware closure inside the repeated hour: 02:30 CEST (00:30Z) to the second
        # 02:15, CET (01:15Z). By wall clock it would seem to end before it starts.
        repeated = BusinessCalendar(
            tz="Europe/Berlin",
            hours={"sun": [("00:00", "24:00")]},
            holidays=[(ber(2026, 10, 25, 2, 30), ber(2026, 10, 25, 2, 15, fold=1))],
        )
        assert repeated.between(ber(2026, 10, 25), ber(2026, 10, 26)) == 25 * H - 45 * M
        assert not repeated.is_open(utc(2026, 10, 25, 1, 0))
        off = BusinessCalendar(tz="Europe/Berlin", hours={"sun": [("00:00", "24:00")]}, holidays=[date(2026, 10, 25)])
        assert off.between(ber(2026, 10, 24), ber(2026, 11, 2)) == 24 * H

    def test_new_york_week_across_the_change(self):
        cal = BusinessCalendar(
            tz="America/New_York", hours={day: [("09:00", "17:00")] for day in ("mon", "tue", "wed", "thu", "fri")}
        )
        fri = datetime(2026, 3, 6, 16, 0, tzinfo=NYC)  # EST
        mon = datetime(2026, 3, 9, 10, 0, tzinfo=NYC)  # EDT
        assert cal.between(fri, mon) == 2 * H
        same(cal.add(fri, 2 * H), mon)
        assert cal.add(fri, 2 * H).utcoffset() == timedelta(hours=-4)

    def test_always_open_counts_real_time_across_the_change(self):
        cal = BusinessCalendar.always_open("Europe/Berlin")
        same(cal.add(ber(2026, 3, 28, 12, 0), 24 * H), ber(2026, 3, 29, 13, 0))
        assert cal.between(ber(2026, 10, 25), ber(2026, 10, 26)) == 25 * H


class TestAsianZones:
    def test_jakarta_always_open(self):
        cal = BusinessCalendar.always_open(tz="Asia/Jakarta")
        t = datetime(2026, 2, 1, 21, 15, tzinfo=WIB)
        same(cal.add(t, timedelta(days=5)), datetime(2026, 2, 6, 21, 15, tzinfo=WIB))
        assert cal.between(t, datetime(2026, 2, 6, 21, 15, tzinfo=WIB)) == timedelta(days=5)
        assert cal.is_open(t)
        same(cal.next_open(datetime(2026, 2, 1, 14, 15, tzinfo=UTC)), t)

    def test_jakarta_office_hours(self):
        cal = BusinessCalendar(
            tz="Asia/Jakarta",
            hours={day: [("08:00", "12:00"), ("13:00", "17:00")] for day in ("mon", "tue", "wed", "thu", "fri")},
            holidays=[date(2026, 3, 19), date(2026, 3, 20)],  # a long weekend
        )
        # Wed 18 March 16:00 WIB + 3h: 1h Wednesday, Thu/Fri off, weekend, 08:00-10:00 Monday 23.
        same(cal.add(datetime(2026, 3, 18, 16, 0, tzinfo=WIB), 3 * H), datetime(2026, 3, 23, 10, 0, tzinfo=WIB))
        # 09:00Z is 16:00 WIB.
        assert cal.between(utc(2026, 3, 18, 9, 0), datetime(2026, 3, 23, 10, 0, tzinfo=WIB)) == 3 * H

    def test_kolkata_half_hour_offset(self):
        cal = BusinessCalendar(tz="Asia/Kolkata", hours={"mon": [("10:00", "18:00")]})
        # 04:30Z is exactly 10:00 IST; 04:29:59Z is a second before opening.
        assert cal.is_open(utc(2026, 1, 19, 4, 30))
        assert not cal.is_open(utc(2026, 1, 19, 4, 29, 59))
        same(cal.add(utc(2026, 1, 19, 12, 29), M), ist(2026, 1, 26, 10, 0))


class TestAlwaysOpen:
    def test_is_plain_time_arithmetic(self):
        cal = BusinessCalendar.always_open()
        assert cal.tz_name == "UTC"
        t = utc(2026, 5, 17, 3, 4, 5, 6)
        assert cal.add(t, timedelta(days=400, microseconds=1)) == t + timedelta(days=400, microseconds=1)
        assert cal.add(t, -timedelta(days=400)) == t - timedelta(days=400)
        assert cal.between(t, t + timedelta(days=1000)) == timedelta(days=1000)
        assert cal.next_open(t) == t and cal.is_open(t)

    def test_repr_and_equality(self):
        assert repr(BusinessCalendar.always_open("Asia/Jakarta")) == "BusinessCalendar.always_open(tz='Asia/Jakarta')"
        assert BusinessCalendar.always_open("UTC") == BusinessCalendar(
            "UTC", {day: [("00:00", "24:00")] for day in DAY_KEYS}
        )
        assert BusinessCalendar.always_open("UTC") != BusinessCalendar.always_open("Asia/Jakarta")


class TestAttributes:
    def test_read_only_views(self):
        assert OOULET.tz is IST
        assert OOULET.tz_name == "Asia/Kolkata"
        assert tuple(OOULET.hours) == DAY_KEYS
        assert OOULET.hours["sun"] == ()
        assert OOULET.hours["mon"] == (("10:00", "18:00"),)
        assert OOULET.holidays == (date(2026, 1, 26),)
        with pytest.raises(TypeError):
            OOULET.hours["sun"] = (("10:00", "12:00"),)  # type: ignore[index]
        with pytest.raises(AttributeError):
            OOULET.tz_name = "UTC"  # type: ignore[misc]
        with pytest.raises(AttributeError):
            OOULET._week = ()  # type: ignore[misc]

    def test_seconds_and_time_objects(self):
        cal = BusinessCalendar(tz=ZoneInfo("UTC"), hours={"mon": [(time(9, 0), "9:30:15")]})
        assert cal.hours["mon"] == (("09:00", "09:30:15"),)
        assert cal.between(utc(2026, 1, 19), utc(2026, 1, 20)) == timedelta(minutes=30, seconds=15)

    def test_repr_is_readable(self):
        text = repr(OOULET)
        assert text.startswith("BusinessCalendar(tz='Asia/Kolkata', hours={'mon': [('10:00', '18:00')]")
        assert "'sun'" not in text and "'2026-01-26'" in text
        many = BusinessCalendar("UTC", {"mon": [("09:00", "17:00")]}, [date(2026, 1, d) for d in range(1, 11)])
        assert "... 4 more]" in repr(many)

    def test_equal_calendars_hash_alike_and_pickle(self):
        twin = BusinessCalendar(
            tz="Asia/Kolkata",
            hours={day: (("10:00", "18:00"),) for day in ("sat", "fri", "thu", "wed", "tue", "mon")},
            holidays=[date(2026, 1, 26)],
        )
        assert twin == OOULET and hash(twin) == hash(OOULET)
        assert len({twin, OOULET}) == 1
        assert twin != BusinessCalendar(tz="Asia/Kolkata", hours=dict(OOULET.hours))
        assert pickle.loads(pickle.dumps(OOULET)) == OOULET
        assert copy.deepcopy(OOULET) is OOULET

    def test_shared_between_threads(self):
        # Many threads fill the lazy per-year tables of one calendar at once;
        # each must see exactly what a fresh calendar computes alone.
        shared = BusinessCalendar(tz="Europe/Berlin", hours=dict(OOULET.hours), holidays=[date(2030, 5, 1)])
        starts = [ber(2020 + k % 15, 1 + k % 12, 1 + k % 28, 9 + k % 10, k % 60) for k in range(300)]
        fresh = BusinessCalendar(tz="Europe/Berlin", hours=dict(OOULET.hours), holidays=[date(2030, 5, 1)])
        expected = [(fresh.add(t, 50 * H), fresh.between(t, ber(2031, 1, 1))) for t in starts]
        results: dict[int, list] = {}
        barrier = threading.Barrier(6)

        def work(n: int) -> None:
            barrier.wait()
            results[n] = [(shared.add(t, 50 * H), shared.between(t, ber(2031, 1, 1))) for t in starts]

        threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(results[n] == expected for n in range(6))


class TestErrors:
    @pytest.mark.parametrize(
        ("hours", "message"),
        [
            ({"mon": [("9", "17:00")]}, r"hours\['mon'\] interval 1 .*bad start time '9'"),
            ({"mon": [("09:00", "25:00")]}, r"hours\['mon'\] interval 1 .*bad end time '25:00'"),
            ({"tue": [("10:60", "12:00")]}, r"hours\['tue'\] interval 1 .*bad start time '10:60'"),
            ({"mon": [("09:00", "24:30")]}, r"bad end time '24:30'"),
            ({"mon": [("09:00", "noon")]}, r"bad end time 'noon'"),
            ({"mon": [("09:00", 17)]}, r"end time 17 is not a string"),
            ({"mon": [("24:00", "24:00")]}, r"cannot start at 24:00"),
            ({"wed": [("09:00", "12:00"), ("18:00", "17:00")]}, r"hours\['wed'\] interval 2 .*end must be after start"),
            ({"mon": [("09:00", "09:00")]}, r"end must be after start"),
            ({"fri": [("22:00", "02:00")]}, r"crosses midnight"),
            ({"mon": [("09:00", "12:00"), ("11:00", "13:00")]}, r"hours\['mon'\]: intervals .* overlap"),
            ({"monday": [("09:00", "12:00")]}, r"unknown day 'monday'"),
            ({"mon": [("09:00",)]}, r"expected a \(start, end\) pair"),
            ({"mon": "09:00-17:00"}, r"expected a list of \(start, end\) intervals"),
            ([("09:00", "17:00")], r"hours must be a mapping"),
        ],
    )
    def test_bad_hours(self, hours, message):
        with pytest.raises(ValueError, match=message):
            BusinessCalendar(tz="UTC", hours=hours)

    @pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "", "../etc/passwd", None, 5])
    def test_bad_zone(self, tz):
        with pytest.raises(ValueError, match="zone"):
            BusinessCalendar(tz=tz, hours={})

    @pytest.mark.parametrize(
        ("holiday", "message"),
        [
            (datetime(2026, 1, 1, 0, 0), "not one datetime"),
            ((datetime(2026, 1, 1, 12), datetime(2026, 1, 1, 11)), "must end after it starts"),
            ((datetime(2026, 1, 1, 12), datetime(2026, 1, 1, 12)), "must end after it starts"),
            ((date(2026, 1, 1), date(2026, 1, 2)), "pair of datetimes"),
            ("2026-01-01", "expected a date"),
            ((datetime(2026, 1, 1),), "pair of datetimes"),
        ],
    )
    def test_bad_holidays(self, holiday, message):
        with pytest.raises(ValueError, match=r"holidays\[1\] .*" + message):
            BusinessCalendar(tz="UTC", hours={"mon": [("09:00", "17:00")]}, holidays=[date(2026, 1, 2), holiday])

    def test_naive_datetimes_are_refused(self):
        naive = datetime(2026, 1, 19, 10, 0)
        for call in (
            lambda: OOULET.add(naive, H),
            lambda: OOULET.between(naive, ist(2026, 1, 19)),
            lambda: OOULET.between(ist(2026, 1, 19), naive),
            lambda: OOULET.is_open(naive),
            lambda: OOULET.next_open(naive),
        ):
            with pytest.raises(ValueError, match="aware datetime .*naive 2026-01-19T10:00:00"):
                call()

    def test_wrong_types(self):
        with pytest.raises(TypeError, match="start must be an aware datetime, got date"):
            OOULET.add(date(2026, 1, 19), H)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="delta must be a timedelta, got int"):
            OOULET.add(ist(2026, 1, 19), 3600)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="t must be an aware datetime, got str"):
            OOULET.is_open("2026-01-19T10:00+05:30")  # type: ignore[arg-type]

    def test_holidays_may_be_none(self):
        assert BusinessCalendar("UTC", {"mon": [("09:00", "17:00")]}, None).holidays == ()

    def test_never_open(self):
        cal = BusinessCalendar(tz="UTC", hours={})
        t = utc(2026, 1, 1)
        with pytest.raises(NoBusinessTimeError, match="no opening hours"):
            cal.add(t, H)
        with pytest.raises(NoBusinessTimeError, match="no opening hours"):
            cal.next_open(t)
        assert cal.between(t, utc(2030, 1, 1)) == timedelta(0)
        assert not cal.is_open(t)

    def test_closed_for_longer_than_the_search_bound(self):
        closed = (datetime(2026, 1, 1), datetime(2026 + SEARCH_YEARS + 2, 1, 1))
        cal = BusinessCalendar(tz="UTC", hours={"mon": [("09:00", "17:00")]}, holidays=[closed])
        t = utc(2026, 6, 1)
        with pytest.raises(NoBusinessTimeError, match=f"no business time within {SEARCH_YEARS} years after"):
            cal.add(t, H)
        with pytest.raises(NoBusinessTimeError, match="after"):
            cal.next_open(t)
        with pytest.raises(NoBusinessTimeError, match="before"):
            BusinessCalendar(
                tz="UTC",
                hours={"mon": [("09:00", "17:00")]},
                holidays=[(datetime(1990, 1, 1), datetime(2026, 1, 1))],
            ).add(utc(2025, 6, 1), -H)
        # Is an error for these; still a plain answer for the questions that need no search.
        assert cal.between(t, utc(2030, 1, 1)) == timedelta(0)
        assert not cal.is_open(t)

    def test_closed_for_years_but_within_the_bound(self):
        closed = (datetime(2026, 1, 1), datetime(2026 + SEARCH_YEARS - 2, 1, 1))
        cal = BusinessCalendar(tz="UTC", hours={"mon": [("09:00", "17:00")]}, holidays=[closed])
        # 2034-01-02 is a Monday.
        assert cal.next_open(utc(2026, 6, 1)) == utc(2034, 1, 2, 9, 0)
        assert cal.add(utc(2026, 6, 1), 9 * H) == utc(2034, 1, 9, 10, 0)
