"""Business calendars: when a team (or a channel) is open, and arithmetic in business time.

A `BusinessCalendar` is a weekly schedule of opening intervals in the local
wall-clock time of one IANA zone, minus holidays (whole local dates) and
closures (spans between two datetimes). Opening intervals are half-open,
``[start, end)``.

The semantics follow the biz library that Zammad uses:

* ``add(t, d)`` counts from ``t`` when open, else from the next opening, and
  returns the *latest* instant at which the elapsed business time equals ``d``.
  A budget that runs out exactly at closing time is therefore due at the next
  opening. ``add(t, timedelta(0))`` is ``next_open(t)``. A negative ``d`` counts
  backwards under the same rule: the result ``x`` is the latest instant with
  ``between(x, t) == -d``.
* ``between(a, b)`` is the business time in ``[a, b)``, negative when ``b < a``.
* DST: a local time that does not exist (spring forward) is read with the offset
  in force before the gap, which moves it forward by the gap (02:30 becomes
  03:30; biz adds one hour, the same for every gap but Lord Howe's 30 minutes);
  an ambiguous one (fall back) is its first occurrence. Where that makes two
  intervals overlap in real time, the open time is their union.

Every result is an aware datetime in the calendar's zone; inputs must be aware.
For each local year (built lazily, on first use) the calendar keeps the year's
open intervals as sorted arrays with prefix sums of business time, so `add`,
`between`, `is_open` and `next_open` are a dict lookup and one or two binary
searches, exact to the microsecond.

Calendars are immutable, hashable and safe to share between threads.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, timezone
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DAY_KEYS", "SEARCH_YEARS", "BusinessCalendar", "NoBusinessTimeError"]

#: The keys of ``hours``, Monday first (``date.weekday()`` order).
DAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

#: How many consecutive years without any open time `add` and `next_open`
#: search before giving up with `NoBusinessTimeError`.
SEARCH_YEARS = 10

_US = 1_000_000  # microseconds per second
_DAY_SECONDS = 86_400
_DAY_US = _DAY_SECONDS * _US
_ONE_US = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_ZERO = timedelta(0)
# One year of margin at both ends of what datetime can hold, so that no table
# entry ever overflows.
_MIN_YEAR, _MAX_YEAR = 2, 9998
_ONE_DAY = timedelta(days=1)
_SENTINEL = timedelta.max
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


class NoBusinessTimeError(ValueError):
    """The calendar has no open time where some was needed (never open, or closed for years)."""


class _Year(NamedTuple):
    """The open intervals of one local year, as timedeltas since the Unix epoch.

    ``starts[i]``/``ends[i]`` bound the i-th interval (sorted, disjoint, not
    touching, non-empty); ``cum[i]`` is the business time before interval i, so
    ``cum[count]`` is the year's total. ``lo``/``hi`` bound the local year itself.
    """

    lo: timedelta
    hi: timedelta
    starts: list[timedelta]
    ends: list[timedelta]
    cum: list[timedelta]
    total: timedelta
    count: int
    year: int
    #: ``cum[i] - starts[i]``: an open instant x sits at business position ``x + offsets[i]``.
    offsets: list[timedelta]
    #: ``starts[i] - cum[i]`` after the epoch, as a UTC wall clock tagged with the
    #: calendar's zone: position p in interval i is the instant ``origins[i] + p``
    #: (ready for ``zone.fromutc``).
    origins: list[datetime]
    #: The same origin as a local wall clock, for intervals in which the UTC
    #: offset never changes and no repeated wall time comes round a second time:
    #: there ``local_origins[i] + p`` is already the local answer. None for the
    #: others (intervals on the day of a DST change, or across one).
    local_origins: list[datetime | None]
    #: ``by_business_day[d]`` is the interval at business position ``d`` days
    #: (``bisect_right(cum, timedelta(days=d)) - 1``): a position p lies in an
    #: interval between ``by_business_day[p.days]`` and ``by_business_day[p.days + 1]``.
    by_business_day: list[int]


def _hot_by_day(table: _Year) -> dict[int, tuple]:
    """What `BusinessCalendar.add` needs for an instant on each UTC day wholly inside the year.

    Keys are days since the epoch, ``(t - epoch).days``. `starts` gets a sentinel so that an instant after the last interval needs
    no bounds check, and the intervals that can hold an instant are narrowed
    to those ending during its day, so that the binary search is short.
    """
    starts = table.starts + [_SENTINEL]
    ends = table.ends
    shared = (starts, ends, table.cum, table.total, table.offsets, table.by_business_day, table.local_origins)
    shared += (table.origins,)
    entries = {}
    first_day, end_day = -(-table.lo // _ONE_DAY), table.hi // _ONE_DAY
    last = bisect_right(ends, _ONE_DAY * first_day)
    for day in range(first_day, end_day):
        first, last = last, bisect_right(ends, _ONE_DAY * (day + 1), last)
        entries[day] = (*shared, first, last)
    return entries


def _year_table(
    year: int,
    lo: int,
    hi: int,
    intervals: list[tuple[int, int]],
    steady: list[tuple[int, int | None]],
    epoch_here: datetime,
) -> _Year:
    """Build a `_Year` from epoch microseconds; `steady` as `_local_origins` takes it."""
    starts = [timedelta(0, 0, s) for s, _ in intervals]
    cum = [_ZERO]
    total = 0
    for s, e in intervals:
        total += e - s
        cum.append(timedelta(0, 0, total))
    return _Year(
        timedelta(0, 0, lo),
        timedelta(0, 0, hi),
        starts,
        [timedelta(0, 0, e) for _, e in intervals],
        cum,
        cum[-1],
        len(intervals),
        year,
        [c - s for s, c in zip(starts, cum)],
        [epoch_here + (s - c) for s, c in zip(starts, cum)],
        _local_origins(intervals, cum, steady, hi, epoch_here),
        [bisect_right(cum, _ONE_DAY * d) - 1 for d in range(total // _DAY_US + 2)],
    )


def _local_origins(
    intervals: list[tuple[int, int]],
    cum: list[timedelta],
    steady: list[tuple[int, int | None]],
    hi: int,
    epoch_here: datetime,
) -> list[datetime | None]:
    """`_Year.local_origins`.

    `steady` cuts the year into consecutive spans, each given as (start, UTC
    offset): the offset in force throughout, or None for local days in which it
    changes. An interval wholly inside a span with an offset never meets a DST
    change nor the second occurrence of a repeated wall time (both happen on
    the local day of the change), so its wall clock is its UTC time plus that
    offset, and fold=0 reads it back as the same instant.
    """
    bounds = [start for start, _ in steady] + [hi]
    origins: list[datetime | None] = []
    for (s, e), c in zip(intervals, cum):
        k = bisect_right(bounds, s) - 1
        offset = steady[k][1]
        if offset is None or e > bounds[k + 1]:
            origins.append(None)
        else:
            origins.append(epoch_here + timedelta(0, 0, s + offset) - c)
    return origins


def _format_seconds(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}" if s == 0 else f"{h:02d}:{m:02d}:{s:02d}"


def _parse_time(value: object, *, where: str, which: str) -> int:
    """Seconds since local midnight; "24:00" (86400) is accepted and checked by the caller."""
    if isinstance(value, time):
        if value.tzinfo is not None or value.microsecond:
            raise ValueError(f"{where}: {which} time {value!r} must be a plain wall-clock time in whole seconds")
        return value.hour * 3600 + value.minute * 60 + value.second
    if not isinstance(value, str):
        raise ValueError(f"{where}: {which} time {value!r} is not a string like '09:30'")
    match = _TIME_RE.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"{where}: bad {which} time {value!r} (expected 'HH:MM' or 'HH:MM:SS')")
    h, m, s = int(match[1]), int(match[2]), int(match[3] or 0)
    if m > 59 or s > 59 or h > 24 or (h == 24 and (m or s)):
        raise ValueError(f"{where}: bad {which} time {value!r} (must be between 00:00 and 24:00)")
    return h * 3600 + m * 60 + s


def _parse_hours(hours: Mapping[str, Iterable]) -> tuple[tuple[tuple[int, int], ...], ...]:
    if not isinstance(hours, Mapping):
        raise ValueError(f"hours must be a mapping of day keys {', '.join(DAY_KEYS)} to intervals, got {hours!r}")
    week: list[tuple[tuple[int, int], ...]] = [() for _ in DAY_KEYS]
    for day, intervals in hours.items():
        if day not in DAY_KEYS:
            raise ValueError(f"hours: unknown day {day!r} (expected one of {', '.join(DAY_KEYS)})")
        if isinstance(intervals, (str, bytes)) or not isinstance(intervals, Iterable):
            raise ValueError(f"hours[{day!r}]: expected a list of (start, end) intervals, got {intervals!r}")
        parsed: list[tuple[int, int, object]] = []
        for number, interval in enumerate(intervals, 1):
            where = f"hours[{day!r}] interval {number} {interval!r}"
            if isinstance(interval, (str, bytes)) or not isinstance(interval, Iterable):
                raise ValueError(f"{where}: expected a (start, end) pair")
            pair = tuple(interval)
            if len(pair) != 2:
                raise ValueError(f"{where}: expected a (start, end) pair")
            start = _parse_time(pair[0], where=where, which="start")
            end = _parse_time(pair[1], where=where, which="end")
            if start >= _DAY_SECONDS:
                raise ValueError(f"{where}: an interval cannot start at 24:00")
            if end <= start:
                raise ValueError(
                    f"{where}: end must be after start (split an interval that crosses midnight "
                    f"into two, ending the first at '24:00')"
                )
            parsed.append((start, end, interval))
        parsed.sort(key=lambda p: (p[0], p[1]))
        for (s1, e1, i1), (s2, _e2, i2) in zip(parsed, parsed[1:]):
            if s2 < e1:
                raise ValueError(f"hours[{day!r}]: intervals {i1!r} and {i2!r} overlap")
        week[DAY_KEYS.index(day)] = tuple((s, e) for s, e, _ in parsed)
    return tuple(week)


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of intervals: sorted, disjoint, touching ones joined, empty ones dropped."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(intervals):
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _subtract(intervals: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`intervals` minus `holes`; both sorted and disjoint."""
    if not holes:
        return intervals
    out: list[tuple[int, int]] = []
    k = 0
    for s, e in intervals:
        while k < len(holes) and holes[k][1] <= s:
            k += 1
        j = k
        while s < e and j < len(holes) and holes[j][0] < e:
            hs, he = holes[j]
            if hs > s:
                out.append((s, hs))
            s = max(s, he)
            j += 1
        if s < e:
            out.append((s, e))
    return out


class BusinessCalendar:
    """Opening hours in one time zone, minus holidays; see the module docstring for the rules.

    >>> cal = BusinessCalendar(tz="Asia/Kolkata", hours={"mon": [("10:00", "18:00")]})
    """

    __slots__ = (
        "_tz",
        "_tz_name",
        "_week",
        "_hours",
        "_dates",
        "_closures",
        "_closure_spans",
        "_holidays",
        "_never_open",
        "_key",
        "_hash",
        "_years",
        "_by_day",
        "_hot",
        "_lock",
        "_fromutc",
        "_epoch_here",
    )

    def __init__(
        self,
        tz: str | ZoneInfo,
        hours: Mapping[str, Iterable],
        holidays: Iterable[date | tuple[datetime, datetime]] | None = (),
    ) -> None:
        zone = self._zone(tz)
        week = _parse_hours(hours)
        dates, closures = self._parse_holidays(() if holidays is None else holidays, zone)
        spans = _merge([((a - _EPOCH) // _ONE_US, (b - _EPOCH) // _ONE_US) for a, b in closures])
        set_ = object.__setattr__
        set_(self, "_tz", zone)
        set_(self, "_tz_name", zone.key)
        set_(self, "_week", week)
        set_(
            self,
            "_hours",
            MappingProxyType(
                {
                    day: tuple((_format_seconds(s), _format_seconds(e)) for s, e in week[i])
                    for i, day in enumerate(DAY_KEYS)
                }
            ),
        )
        set_(self, "_dates", frozenset(dates))
        set_(self, "_closures", tuple(closures))
        set_(self, "_closure_spans", spans)
        set_(self, "_holidays", tuple(sorted(set(dates))) + tuple(closures))
        set_(self, "_never_open", not any(week))
        key = (zone.key, week, frozenset(dates), tuple(spans))
        set_(self, "_key", key)
        set_(self, "_hash", hash(key))
        set_(self, "_years", {})
        set_(self, "_by_day", {})
        set_(self, "_hot", {})
        set_(self, "_lock", threading.Lock())
        set_(self, "_fromutc", zone.fromutc)
        # The epoch's UTC wall clock, tagged with our zone: adding a timedelta and
        # calling zone.fromutc gives that instant in local time (fold included).
        set_(self, "_epoch_here", datetime(1970, 1, 1, tzinfo=zone))

    @classmethod
    def always_open(cls, tz: str | ZoneInfo = "UTC") -> BusinessCalendar:
        """Open around the clock, every day (24/7 support)."""
        return cls(tz=tz, hours={day: [("00:00", "24:00")] for day in DAY_KEYS})

    # -- construction helpers ------------------------------------------------------------

    @staticmethod
    def _zone(tz: str | ZoneInfo) -> ZoneInfo:
        if isinstance(tz, ZoneInfo):
            if tz.key is None:
                raise ValueError("tz must be a named IANA zone such as 'Asia/Kolkata'")
            return tz
        if not isinstance(tz, str) or not tz:
            raise ValueError(f"tz must be an IANA zone name such as 'Asia/Kolkata', got {tz!r}")
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ValueError(f"unknown time zone {tz!r} (expected an IANA name such as 'Asia/Kolkata')") from exc

    @staticmethod
    def _parse_holidays(holidays: Iterable, zone: ZoneInfo) -> tuple[list[date], list[tuple[datetime, datetime]]]:
        if isinstance(holidays, (str, bytes)) or not isinstance(holidays, Iterable):
            raise ValueError(f"holidays must be a list of dates and (start, end) pairs, got {holidays!r}")
        dates: list[date] = []
        closures: list[tuple[datetime, datetime]] = []
        for index, item in enumerate(holidays):
            where = f"holidays[{index}] {item!r}"
            if isinstance(item, datetime):
                raise ValueError(f"{where}: a holiday is a date or a (start, end) pair of datetimes, not one datetime")
            if isinstance(item, date):
                dates.append(item)
                continue
            if isinstance(item, (str, bytes)) or not isinstance(item, Iterable):
                raise ValueError(f"{where}: expected a date or a (start, end) pair of datetimes")
            pair = tuple(item)
            if len(pair) != 2 or not all(isinstance(x, datetime) for x in pair):
                raise ValueError(f"{where}: expected a date or a (start, end) pair of datetimes")
            start, end = (
                # Naive ends are local wall-clock times: fold=0 moves a nonexistent
                # time forward and picks the first of an ambiguous pair. The trip
                # through UTC writes a moved time as the wall clock it became.
                (x.replace(tzinfo=zone, fold=0) if x.tzinfo is None or x.utcoffset() is None else x)
                .astimezone(timezone.utc)
                .astimezone(zone)
                for x in pair
            )
            # Compare instants: datetimes sharing a tzinfo compare by wall clock.
            if end - _EPOCH <= start - _EPOCH:
                raise ValueError(f"{where}: the closure must end after it starts")
            closures.append((start, end))
        closures.sort(key=lambda pair: (pair[0] - _EPOCH, pair[1] - _EPOCH))
        return dates, closures

    # -- read-only attributes ------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        """The calendar's zone; results of `add` and `next_open` are in it."""
        return self._tz

    @property
    def tz_name(self) -> str:
        return self._tz_name

    @property
    def hours(self) -> Mapping[str, tuple[tuple[str, str], ...]]:
        """Every day key (mon..sun) to its sorted intervals, e.g. ``(("10:00", "18:00"),)``; closed days are empty."""
        return self._hours

    @property
    def holidays(self) -> tuple[date | tuple[datetime, datetime], ...]:
        """Whole-day holidays (sorted, distinct), then closures as aware datetimes in `tz` (sorted)."""
        return self._holidays

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BusinessCalendar):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return self._hash

    def __reduce__(self):
        return (type(self), (self._tz_name, dict(self._hours), self._holidays))

    def __copy__(self) -> BusinessCalendar:
        return self

    def __deepcopy__(self, memo: dict) -> BusinessCalendar:
        return self

    def __repr__(self) -> str:
        if self == BusinessCalendar.always_open(self._tz_name):
            return f"BusinessCalendar.always_open(tz={self._tz_name!r})"
        hours = ", ".join(f"{day!r}: {list(ivs)!r}" for day, ivs in self._hours.items() if ivs)
        shown = [
            h.isoformat() if isinstance(h, date) else (h[0].isoformat(), h[1].isoformat()) for h in self._holidays[:6]
        ]
        more = len(self._holidays) - len(shown)
        holidays = repr(shown)[:-1] + (f", ... {more} more]" if more else "]")
        return f"BusinessCalendar(tz={self._tz_name!r}, hours={{{hours}}}, holidays={holidays})"

    # -- the per-year tables -------------------------------------------------------------

    def _local_us(self, ordinal: int, seconds: int) -> int:
        """Epoch microseconds of a local wall-clock time (fold=0: gaps forward, ambiguity first)."""
        wall = datetime.fromordinal(ordinal)
        if seconds:
            wall += timedelta(0, seconds)
        offset = self._tz.utcoffset(wall)  # of a naive time read as local, fold=0
        return (ordinal - _EPOCH_ORDINAL) * _DAY_US + seconds * _US - offset // _ONE_US

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is not None:
            return table
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            raise ValueError(f"date outside the supported range (years {_MIN_YEAR} to {_MAX_YEAR})")
        with self._lock:
            table = self._years.get(year)
            if table is None:
                table = self._build(year)
                # UTC days wholly inside the local year point at its table: the
                # hot path finds a table with one dict lookup on `(t - epoch).days`.
                by_day = self._by_day
                hot = self._hot
                for day in range(-(-table.lo // _ONE_DAY), table.hi // _ONE_DAY):
                    by_day[day] = table
                hot.update(_hot_by_day(table))
                self._years[year] = table
        return table

    def _build(self, year: int) -> _Year:
        first = date(year, 1, 1).toordinal()
        last = date(year, 12, 31).toordinal()
        week = self._week
        dates = self._dates
        local = self._local_us
        raw: list[tuple[int, int]] = []
        steady: list[tuple[int, int | None]] = []  # see _local_origins
        lo = midnight = local(first, 0)
        for ordinal in range(first, last + 1):
            next_midnight = local(ordinal + 1, 0)
            wall = (ordinal - _EPOCH_ORDINAL) * _DAY_US  # local midnight as if the zone were UTC
            offset = wall - midnight
            # Same offset at both midnights: no change of offset during the day
            # (no zone changes twice within days), so plain arithmetic is exact.
            same = wall + _DAY_US - next_midnight == offset
            if not steady or steady[-1][1] != (offset if same else None):
                steady.append((midnight, offset if same else None))
            intervals = week[(ordinal - 1) % 7]  # ordinal 1 (0001-01-01) is a Monday
            if intervals and not (dates and date.fromordinal(ordinal) in dates):
                if same:
                    for s, e in intervals:
                        raw.append((wall + s * _US - offset, wall + e * _US - offset))
                else:
                    for s, e in intervals:
                        raw.append((local(ordinal, s), local(ordinal, e)))
            midnight = next_midnight
        hi = midnight
        # Clip to the year so that years partition the time line.
        intervals = [(max(s, lo), min(e, hi)) for s, e in _merge(raw)]
        holes = [(s, e) for s, e in self._closure_spans if e > lo and s < hi]
        kept = [(s, e) for s, e in _subtract(intervals, holes) if e > s]
        return _year_table(year, lo, hi, kept, steady, self._epoch_here)

    def _year_at(self, x: timedelta) -> _Year:
        """The table of the local year holding the instant ``_EPOCH + x``."""
        table = self._year(min(_MAX_YEAR, max(_MIN_YEAR, 1970 + x.days * 400 // 146_097)))
        while x < table.lo:
            table = self._year(table.year - 1)
        while x >= table.hi:
            table = self._year(table.year + 1)
        return table

    def _locate(self, table: _Year, target: timedelta, origin: datetime) -> timedelta:
        """The latest instant whose business-time position, counted from the start of `table`'s year, is `target`."""
        empty_run = 0
        while target < _ZERO:
            table = self._year(table.year - 1)
            target += table.total
            empty_run = empty_run + 1 if not table.count else 0
            if empty_run > SEARCH_YEARS:
                raise NoBusinessTimeError(
                    f"no business time within {SEARCH_YEARS} years before {origin.isoformat()} "
                    f"in the {self._tz_name} calendar"
                )
        while target >= table.total:
            target -= table.total
            table = self._year(table.year + 1)
            empty_run = empty_run + 1 if not table.count else 0
            if empty_run > SEARCH_YEARS:
                raise NoBusinessTimeError(
                    f"no business time within {SEARCH_YEARS} years after {origin.isoformat()} "
                    f"in the {self._tz_name} calendar"
                )
        cum = table.cum
        j = bisect_right(cum, target) - 1
        return table.starts[j] + (target - cum[j])

    def _position(self, x: timedelta) -> tuple[_Year, timedelta]:
        """The table holding ``_EPOCH + x`` and the business time from its year's start to that instant."""
        table = self._by_day.get(x.days)
        if table is None:
            table = self._year_at(x)
        i = bisect_right(table.ends, x)
        if i < table.count and table.starts[i] < x:
            return table, table.cum[i] + (x - table.starts[i])
        return table, table.cum[i]

    # -- conversions at the edges ----------------------------------------------------------

    @staticmethod
    def _bad_instant(value: object, name: str) -> Exception:
        if isinstance(value, datetime):
            return ValueError(f"{name} must be an aware datetime (with a time zone); got naive {value.isoformat()}")
        return TypeError(f"{name} must be an aware datetime, got {type(value).__name__} {value!r}")

    def _to_datetime(self, x: timedelta) -> datetime:
        try:
            return self._fromutc(self._epoch_here + x)
        except OverflowError:
            raise ValueError("result outside the supported date range") from None

    def _no_hours(self) -> NoBusinessTimeError:
        return NoBusinessTimeError(f"the {self._tz_name} calendar has no opening hours")

    # -- public arithmetic ---------------------------------------------------------------
    #
    # Instants are handled as timedeltas since the Unix epoch: subtracting the
    # epoch, comparing, adding and converting back (ZoneInfo.fromutc) all run in
    # C, exactly to the microsecond.

    def add(self, start: datetime, delta: timedelta) -> datetime:
        """The latest instant at which `delta` of business time has elapsed since `start`.

        Counting starts at `start` if open, else at the next opening; a budget that
        ends exactly at a closing is due at the next opening, and a zero `delta`
        gives `next_open(start)`. A negative `delta` counts backwards: the result
        `x` is the latest instant with ``between(x, start) == -delta``.
        Raises `NoBusinessTimeError` when there is no open time to count on.
        """
        try:
            x = start - _EPOCH
        except TypeError:
            raise self._bad_instant(start, "start") from None
        # The hot path (see _hot_by_day): one dict lookup by UTC day, two short
        # binary searches, exact timedelta arithmetic in C, and no zone lookup
        # for intervals without a DST change. Anything else (a year not built
        # yet, a day astride the local new year, a budget that leaves the year)
        # takes `_add`.
        try:
            hot = self._hot[x.days]
        except KeyError:
            return self._add(start, x, delta)
        starts, ends, cum, total, offsets, by_business_day, local_origins, origins, first, last = hot
        i = bisect_right(ends, x, first, last)
        try:
            target = (x + offsets[i] if starts[i] < x else cum[i]) + delta
            inside = _ZERO <= target < total
        except TypeError:
            raise self._bad_delta(delta) from None
        if not inside:
            return self._add(start, x, delta)
        d = target.days
        j = bisect_right(cum, target, by_business_day[d], by_business_day[d + 1] + 1) - 1
        local = local_origins[j]
        if local is not None:
            return local + target  # wall-clock arithmetic: exact inside such an interval
        return self._fromutc(origins[j] + target)

    def _add(self, start: datetime, x: timedelta, delta: timedelta) -> datetime:
        """`add` for any instant, on timedeltas only."""
        if not isinstance(delta, timedelta):
            raise self._bad_delta(delta)
        if self._never_open:
            raise self._no_hours()
        table, position = self._position(x)
        return self._to_datetime(self._locate(table, position + delta, start))

    @staticmethod
    def _bad_delta(delta: object) -> TypeError:
        return TypeError(f"delta must be a timedelta, got {type(delta).__name__} {delta!r}")

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Business time in ``[a, b)``; negative (``-between(b, a)``) when ``b < a``."""
        try:
            xa = a - _EPOCH
        except TypeError:
            raise self._bad_instant(a, "a") from None
        try:
            xb = b - _EPOCH
        except TypeError:
            raise self._bad_instant(b, "b") from None
        if xa == xb or self._never_open:
            return _ZERO
        if xb < xa:
            return -self._between(xb, xa)
        return self._between(xa, xb)

    def _between(self, xa: timedelta, xb: timedelta) -> timedelta:
        ta, pa = self._position(xa)
        tb, pb = self._position(xb)
        total = pb - pa
        for year in range(ta.year, tb.year):
            total += self._year(year).total
        return total

    def is_open(self, t: datetime) -> bool:
        """Whether `t` falls inside an opening interval (half-open: at closing time it is closed)."""
        try:
            x = t - _EPOCH
        except TypeError:
            raise self._bad_instant(t, "t") from None
        if self._never_open:
            return False
        table = self._by_day.get(x.days)
        if table is None:
            table = self._year_at(x)
        i = bisect_right(table.ends, x)
        return i < table.count and table.starts[i] <= x

    def transitions(self, start: datetime, end: datetime) -> list[datetime]:
        """Every instant in ``[start, end]`` at which the calendar opens or closes, sorted.

        Holidays, closures and DST changes are taken into account. An interval
        running across a local new year also yields that new year's midnight
        (the per-year tables meet there), which is harmless to callers that
        only sample the instants.
        """
        try:
            xa, xb = start - _EPOCH, end - _EPOCH
        except TypeError:
            raise self._bad_instant(start if not isinstance(start, datetime) else end, "start/end") from None
        if self._never_open or xb < xa:
            return []
        out: list[timedelta] = []
        table = self._year_at(xa)
        while table.lo <= xb:
            for s, e in zip(table.starts, table.ends):
                out.extend(x for x in (s, e) if xa <= x <= xb)
            if table.year >= _MAX_YEAR:
                break
            table = self._year(table.year + 1)
        return [self._to_datetime(x) for x in sorted(out)]

    def next_open(self, t: datetime) -> datetime:
        """`t` itself (in the calendar's zone) when open, else the next opening.

        Raises `NoBusinessTimeError` when the calendar never opens again within
        `SEARCH_YEARS` years.
        """
        try:
            x = t - _EPOCH
        except TypeError:
            raise self._bad_instant(t, "t") from None
        if self._never_open:
            raise self._no_hours()
        table = self._by_day.get(x.days)
        if table is None:
            table = self._year_at(x)
        i = bisect_right(table.ends, x)
        if i < table.count:
            return self._to_datetime(max(x, table.starts[i]))
        return self._to_datetime(self._locate(table, table.total, t))
