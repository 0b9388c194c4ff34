"""Property tests for desk_app.core.calendar, against an independent slow reference.

The reference below shares no code with the implementation: it walks local
dates one by one, resolves each local wall-clock time to UTC by trying the
offsets in force a day before and a day after (instead of relying on
``fold``), builds the open intervals as UTC datetimes, and answers every
question by a plain linear scan. Random calendars (several intervals per day,
"24:00" ends, whole-day holidays, naive and aware closures) in zones with and
without DST (including a 30-minute DST shift and one at midnight) are checked
around DST changes and New Year.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from desk_app.core.calendar import DAY_KEYS, BusinessCalendar, NoBusinessTimeError

UTC = timezone.utc
DAY = timedelta(days=1)

# Deterministic and quick: the same examples on every run, no example database.
PROPERTY = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

ZONES = [
    "UTC",
    "Asia/Kolkata",
    "Asia/Jakarta",
    "Europe/Berlin",  # DST at 02:00/03:00 local
    "America/New_York",  # DST at 02:00 local
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "America/Santiago",  # DST changes at local midnight
]
# Days near which something happens: DST changes in the zones above, New Year, a quiet day.
ANCHORS = [
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 4, 5),
    date(2026, 9, 6),
    date(2026, 10, 4),
    date(2026, 10, 25),
    date(2026, 11, 1),
    date(2026, 12, 31),
    date(2026, 6, 15),
]


# -- the reference -----------------------------------------------------------------------


def ref_local_to_utc(wall: datetime, zone: ZoneInfo) -> datetime:
    """UTC of a naive local time: first occurrence if ambiguous, offset-before-the-gap if missing."""
    before = (wall - DAY).replace(tzinfo=zone).utcoffset()
    after = (wall + DAY).replace(tzinfo=zone).utcoffset()
    candidates = sorted(
        {
            wall - offset
            for offset in (before, after)
            if (wall - offset).replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None) == wall
        }
    )
    if candidates:
        return candidates[0].replace(tzinfo=UTC)
    return (wall - before).replace(tzinfo=UTC)


class Reference:
    def __init__(self, tz: str, hours: dict, holidays: list) -> None:
        self.zone = ZoneInfo(tz)
        self.hours = hours
        self.dates = {h for h in holidays if not isinstance(h, tuple)}
        self.closures = []
        for start, end in (h for h in holidays if isinstance(h, tuple)):
            self.closures.append(
                (
                    ref_local_to_utc(start, self.zone) if start.tzinfo is None else start.astimezone(UTC),
                    ref_local_to_utc(end, self.zone) if end.tzinfo is None else end.astimezone(UTC),
                )
            )

    def _wall(self, day: date, text: str) -> datetime:
        h, m = (int(x) for x in text.split(":"))
        return datetime(day.year, day.month, day.day) + timedelta(hours=h, minutes=m)

    def intervals(self, first: date, last: date) -> list[tuple[datetime, datetime]]:
        """The open intervals that come from local dates first..last, as UTC, merged."""
        raw = []
        day = first
        while day <= last:
            if day not in self.dates:
                for start, end in self.hours.get(DAY_KEYS[day.weekday()], []):
                    s = ref_local_to_utc(self._wall(day, start), self.zone)
                    e = ref_local_to_utc(self._wall(day, end), self.zone)
                    if e > s:
                        raw.append((s, e))
            day += DAY
        # Remove the closures from each interval, one closure at a time.
        for cs, ce in self.closures:
            cut = []
            for s, e in raw:
                if ce <= s or cs >= e:
                    cut.append((s, e))
                else:
                    if s < cs:
                        cut.append((s, cs))
                    if ce < e:
                        cut.append((ce, e))
            raw = cut
        merged: list[list[datetime]] = []
        for s, e in sorted(raw):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        return [(s, e) for s, e in merged]

    def local_date(self, t: datetime) -> date:
        return t.astimezone(self.zone).date()

    def between(self, a: datetime, b: datetime) -> timedelta:
        if b < a:
            return -self.between(b, a)
        total = timedelta(0)
        for s, e in self.intervals(self.local_date(a) - 2 * DAY, self.local_date(b) + 2 * DAY):
            lo, hi = max(s, a), min(e, b)
            if hi > lo:
                total += hi - lo
        return total

    def is_open(self, t: datetime) -> bool:
        day = self.local_date(t)
        return any(s <= t < e for s, e in self.intervals(day - 2 * DAY, day + 2 * DAY))

    def add(self, t: datetime, d: timedelta) -> datetime | None:
        """Forward walk; None when no answer within ~3 years."""
        span = 16
        while span <= 1200:
            first = self.local_date(t) - 2 * DAY
            last = first + span * DAY
            # Only answers well before the window's end are final (a later
            # interval might still merge with the last one).
            trusted = ref_local_to_utc(datetime.combine(last - 2 * DAY, datetime.min.time()), self.zone)
            left = d
            for s, e in self.intervals(first, last):
                if e <= t:
                    continue
                s = max(s, t)
                if left < e - s:  # "<": a budget ending exactly at a closing goes on to the next opening
                    answer = s + left
                    if answer < trusted:
                        return answer
                    break
                left -= e - s
            span *= 3
        return None

    def subtract(self, t: datetime, d: timedelta) -> datetime | None:
        """Backward walk: the latest x with between(x, t) == d, for d > 0."""
        span = 16
        while span <= 1200:
            last = self.local_date(t) + 2 * DAY
            first = last - span * DAY
            trusted = ref_local_to_utc(datetime.combine(first + 2 * DAY, datetime.min.time()), self.zone)
            left = d
            intervals = [iv for iv in self.intervals(first, last) if iv[0] < t]
            for s, e in reversed(intervals):
                e = min(e, t)
                # "<=": when the budget is used up exactly at s, between(x, t) stays
                # equal for x from the previous closing up to s; s is the latest.
                if left <= e - s:
                    answer = e - left
                    if answer > trusted:
                        return answer
                    break
                left -= e - s
            span *= 3
        return None


# -- strategies --------------------------------------------------------------------------

def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def day_intervals(points: list[int], step: int) -> list[tuple[str, str]]:
    """Pairs of consecutive distinct points (in `step` minutes) as intervals; 1440 is "24:00"."""
    minutes = sorted({p * step for p in points})
    return [(clock(minutes[i]), clock(minutes[i + 1])) for i in range(0, len(minutes) - 1, 2)]


@st.composite
def calendars(draw):
    tz = draw(st.sampled_from(ZONES))
    anchor = draw(st.sampled_from(ANCHORS))
    step = draw(st.sampled_from([15, 5]))  # quarter hours, or odd five-minute marks
    week = draw(st.lists(st.lists(st.integers(0, 1440 // step), max_size=6), min_size=7, max_size=7))
    hours = {day: day_intervals(points, step) for day, points in zip(DAY_KEYS, week) if points}
    holidays: list = [anchor + k * DAY for k in draw(st.lists(st.integers(-8, 8), max_size=4, unique=True))]
    for _ in range(draw(st.integers(0, 3))):
        offset = timedelta(minutes=draw(st.integers(-8 * 1440, 8 * 1440)))
        start = datetime.combine(anchor, datetime.min.time()) + offset
        end = start + timedelta(minutes=draw(st.integers(1, 3 * 1440)))
        if draw(st.booleans()):  # aware closure, given in UTC
            start, end = start.replace(tzinfo=UTC), end.replace(tzinfo=UTC)
        holidays.append((start, end))
    return tz, anchor, hours, holidays


def instants(anchor: date):
    base = datetime.combine(anchor, datetime.min.time(), tzinfo=UTC)
    seconds = st.integers(-9 * 86400, 9 * 86400)
    micros = st.one_of(st.just(0), st.integers(0, 999_999))
    return st.builds(lambda s, us: base + timedelta(seconds=s, microseconds=us), seconds, micros)


durations = st.one_of(
    st.integers(0, 3 * 86400).map(lambda s: timedelta(seconds=s)),
    st.integers(0, 96).map(lambda q: timedelta(minutes=15 * q)),
    st.integers(0, 10**11).map(lambda us: timedelta(microseconds=us)),
)
positive_durations = st.one_of(
    st.integers(1, 3 * 86400).map(lambda s: timedelta(seconds=s)),
    st.integers(1, 96).map(lambda q: timedelta(minutes=15 * q)),
    st.integers(1, 10**11).map(lambda us: timedelta(microseconds=us)),
)


@st.composite
def cases(draw, n_instants: int = 1):
    tz, anchor, hours, holidays = draw(calendars())
    cal = BusinessCalendar(tz=tz, hours=hours, holidays=holidays)
    ts = [draw(instants(anchor)) for _ in range(n_instants)]
    # Feed some instants in the calendar's own zone: the instant is what counts.
    ts = [t.astimezone(cal.tz) if draw(st.booleans()) else t for t in ts]
    return cal, Reference(tz, hours, holidays), ts


def has_hours(cal: BusinessCalendar) -> bool:
    return any(cal.hours.values())


def instant(t: datetime) -> datetime:
    return t.astimezone(UTC)


# -- against the reference -----------------------------------------------------------------


@PROPERTY
@given(cases(2))
def test_between_and_is_open_match_the_reference(case):
    cal, ref, (a, b) = case
    assert cal.between(a, b) == ref.between(instant(a), instant(b))
    assert cal.is_open(a) == ref.is_open(instant(a))
    assert cal.is_open(b) == ref.is_open(instant(b))


@PROPERTY
@given(cases(1), durations)
def test_add_and_next_open_match_the_reference(case, delta):
    cal, ref, (t,) = case
    expected = ref.add(instant(t), delta)
    expected_open = ref.add(instant(t), timedelta(0))
    if not has_hours(cal):
        assert expected is None
        return
    assume(expected is not None)
    result = cal.add(t, delta)
    assert instant(result) == expected
    assert result.tzinfo is cal.tz
    assert instant(cal.next_open(t)) == expected_open


@PROPERTY
@given(cases(1), st.one_of(durations, positive_durations.map(lambda d: -d)))
def test_fast_path_of_add_agrees_with_the_general_one(case, delta):
    # White-box on purpose: `add` answers most calls from per-day shortcuts
    # (narrowed searches, local-time origins); `_add` is the plain algorithm.
    cal, _ref, (t,) = case
    assume(has_hours(cal))
    fast = cal.add(t, delta)
    slow = cal._add(t, t - datetime(1970, 1, 1, tzinfo=UTC), delta)
    assert instant(fast) == instant(slow)
    assert (fast.replace(tzinfo=None), fast.fold, fast.tzinfo) == (slow.replace(tzinfo=None), slow.fold, slow.tzinfo)


@PROPERTY
@given(cases(1), positive_durations)
def test_negative_add_matches_the_reference(case, delta):
    cal, ref, (t,) = case
    assume(has_hours(cal))
    expected = ref.subtract(instant(t), delta)
    assume(expected is not None)
    assert instant(cal.add(t, -delta)) == expected


@PROPERTY
@given(cases(0))
def test_a_calendar_without_hours_has_no_business_time(case):
    cal, _ref, _ = case
    if has_hours(cal):
        return
    t = datetime(2026, 5, 1, tzinfo=UTC)
    try:
        cal.add(t, timedelta(hours=1))
    except NoBusinessTimeError:
        pass
    else:
        raise AssertionError("add on a never-open calendar must raise")
    assert cal.between(t, t + 30 * DAY) == timedelta(0)


# -- algebraic properties --------------------------------------------------------------------


@PROPERTY
@given(cases(1), durations)
def test_between_undoes_add(case, delta):
    cal, _ref, (a,) = case
    assume(has_hours(cal))
    end = cal.add(a, delta)
    assert cal.between(a, end) == delta
    if cal.is_open(a):
        assert instant(cal.add(a, timedelta(0))) == instant(a)


@PROPERTY
@given(cases(1), positive_durations)
def test_negative_add_round_trips(case, delta):
    cal, _ref, (a,) = case
    assume(has_hours(cal))
    back = cal.add(a, -delta)
    assert instant(back) <= instant(a)
    assert cal.between(back, a) == delta
    assert instant(cal.add(back, delta)) == instant(cal.next_open(a))


@PROPERTY
@given(cases(2), durations, durations)
def test_add_is_monotonic_in_start_and_delta(case, d1, d2):
    cal, _ref, (a1, a2) = case
    assume(has_hours(cal))
    a1, a2 = sorted((a1, a2))
    d1, d2 = sorted((d1, d2))
    assert instant(cal.add(a1, d1)) <= instant(cal.add(a2, d1))
    assert instant(cal.add(a1, d1)) <= instant(cal.add(a1, d2))
    assert instant(cal.next_open(a1)) <= instant(cal.next_open(a2))


@PROPERTY
@given(cases(3))
def test_between_is_additive_and_antisymmetric(case):
    cal, _ref, (a, b, c) = case
    assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)
    assert cal.between(a, b) == -cal.between(b, a)
    assert cal.between(a, a) == timedelta(0)
    lo, hi = sorted((a, b))
    assert timedelta(0) <= cal.between(lo, hi) <= hi - lo


@PROPERTY
@given(st.sampled_from(ZONES), st.sampled_from(ANCHORS).flatmap(instants), durations)
def test_always_open_is_elapsed_time(tz, t, delta):
    cal = BusinessCalendar.always_open(tz)
    assert instant(cal.add(t, delta)) == t + delta
    assert instant(cal.add(t, -delta)) == t - delta
    assert cal.between(t, t + delta) == delta
    assert cal.is_open(t)
