"""Strict reading of policy values: typed getters that know their key path.

`Reader` turns TOML values into Python ones (durations, sizes, time intervals,
references to defined names) and raises `PolicyError` naming the file, the
dotted key path and the reason; `Table` reads one TOML table and, when closed,
rejects any key nobody asked for, so typos are never silently ignored.
`desk_app.core.policy_loader` builds a `Policy` on top of these.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, NoReturn

from desk_app.core.policy import PolicyError

__all__ = ["KEY_RE", "MISSING", "Reader", "Table", "join", "listing", "suggest", "type_name"]

KEY_RE = re.compile(r"[a-z][a-z0-9_]*")
_DURATION_RE = re.compile(r"(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?")
_SIZE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(B|KB|MB|KiB|MiB)")
_SIZE_UNITS = {"B": 1, "KB": 1000, "MB": 1000**2, "KiB": 1024, "MiB": 1024**2}
_INTERVAL_RE = re.compile(r"(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})")
MISSING = object()


def join(base: str, name: str) -> str:
    if not KEY_RE.fullmatch(name) and not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        name = f'"{name}"'
    return f"{base}.{name}" if base else name


def type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def listing(choices) -> str:
    return ", ".join(sorted(choices)) or "none"


class Reader:
    """Typed access to values at a key path of one file; every failure is a PolicyError."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, key: str, reason: str) -> NoReturn:
        raise PolicyError(self.path, key, reason)

    def table(self, key: str, value: object) -> Table:
        if not isinstance(value, dict):
            self.fail(key, f"expected a table, got {type_name(value)}")
        return Table(self, key, value)

    def string(self, key: str, value: object, *, empty: bool = False) -> str:
        if not isinstance(value, str):
            self.fail(key, f"expected a string, got {type_name(value)}")
        if not empty and not value.strip():
            self.fail(key, "must not be empty")
        return value

    def identifier(self, key: str, value: object) -> str:
        text = self.string(key, value)
        if not KEY_RE.fullmatch(text):
            self.fail(key, f"{text!r} is not a key (lower-case letters, digits and '_', starting with a letter)")
        return text

    def boolean(self, key: str, value: object) -> bool:
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {type_name(value)}")
        return value

    def integer(self, key: str, value: object, *, minimum: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"expected an integer, got {type_name(value)}")
        if minimum is not None and value < minimum:
            self.fail(key, f"must be at least {minimum}, got {value}")
        return value

    def number(self, key: str, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(key, f"expected a number, got {type_name(value)}")
        return float(value)

    def array(self, key: str, value: object) -> list:
        if not isinstance(value, list):
            self.fail(key, f"expected a list, got {type_name(value)}")
        return value

    def strings(self, key: str, value: object, *, identifiers: bool = False, unique: bool = True) -> list[str]:
        items = self.array(key, value)
        out: list[str] = []
        for i, item in enumerate(items):
            sub = f"{key}[{i}]"
            text = self.identifier(sub, item) if identifiers else self.string(sub, item)
            if unique and text in out:
                self.fail(sub, f"{text!r} is listed twice")
            out.append(text)
        return out

    def duration(self, key: str, value: object, *, zero: bool = False) -> timedelta:
        if not isinstance(value, str):
            self.fail(key, f"expected a duration string such as \"24h\", \"2h30m\" or \"3d\", got {type_name(value)}")
        text = value.strip()
        match = _DURATION_RE.fullmatch(text)
        if not text or match is None or not any(match.groups()):
            self.fail(
                key,
                f"bad duration {value!r}: write whole numbers with units d, h, m, s in that order, "
                f"e.g. \"24h\", \"2h30m\", \"3d\", \"45m\"",
            )
        d, h, m, s = (int(g) if g else 0 for g in match.groups())
        result = timedelta(days=d, hours=h, minutes=m, seconds=s)
        if result <= timedelta(0) and not (zero and result == timedelta(0)):
            self.fail(key, f"bad duration {value!r}: must be longer than zero")
        return result

    def size(self, key: str, value: object) -> int:
        if not isinstance(value, str):
            self.fail(key, f"expected a size string such as \"4.5 MiB\", got {type_name(value)}")
        match = _SIZE_RE.fullmatch(value.strip())
        if match is None:
            self.fail(key, f"bad size {value!r}: write a number and one of B, KB, MB, KiB, MiB, e.g. \"4.5 MiB\"")
        amount = round(float(match[1]) * _SIZE_UNITS[match[2]])
        if amount <= 0:
            self.fail(key, f"bad size {value!r}: must be larger than zero")
        return amount

    def reference(self, key: str, value: object, known, what: str) -> str:
        text = self.string(key, value)
        if text not in known:
            self.fail(key, f"unknown {what} {text!r} (defined: {listing(known)}){suggest(text, known)}")
        return text

    def references(self, key: str, value: object, known, what: str) -> frozenset[str]:
        items = self.array(key, value)
        if not items:
            self.fail(key, f"an empty list selects nothing (leave the key out to match any {what})")
        out: list[str] = []
        for i, item in enumerate(items):
            text = self.reference(f"{key}[{i}]", item, known, what)
            if text in out:
                self.fail(f"{key}[{i}]", f"{text!r} is listed twice")
            out.append(text)
        return frozenset(out)

    def keyed(self, key: str, value: object) -> dict[str, object]:
        """A table of named entries (``[channels.email]``): checks every name is a key."""
        table = self.table(key, value).rest()
        for name in table:
            if not KEY_RE.fullmatch(name):
                self.fail(join(key, name), f"{name!r} is not a key (lower-case letters, digits and '_', starting with a letter)")
        return table

    def interval(self, key: str, value: object) -> tuple[int, int, str, str]:
        if not isinstance(value, str):
            self.fail(key, f"expected an interval string such as \"10:00-18:00\", got {type_name(value)}")
        match = _INTERVAL_RE.fullmatch(value.strip())
        if match is None:
            self.fail(key, f"bad time interval {value!r} (expected \"HH:MM-HH:MM\", e.g. \"10:00-18:00\")")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        for h, m, which in ((h1, m1, "start"), (h2, m2, "end")):
            if m > 59 or h > 24 or (h == 24 and m):
                self.fail(key, f"bad {which} time in {value!r} (times run from 00:00 to 24:00)")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start >= 24 * 60:
            self.fail(key, f"bad time interval {value!r}: cannot start at 24:00")
        if end <= start:
            self.fail(
                key,
                f"bad time interval {value!r}: the end must be after the start "
                f"(split a span across midnight into two, the first ending at 24:00)",
            )
        return start, end, f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"


class Table:
    """One TOML table being read: typed getters by key, and a check that no key is left unread."""

    __slots__ = ("loader", "key", "data", "seen")

    def __init__(self, loader: Reader, key: str, data: dict) -> None:
        self.loader = loader
        self.key = key
        self.data = data
        self.seen: set[str] = set()

    def sub(self, name: str) -> str:
        return join(self.key, name)

    def fail(self, name: str, reason: str) -> NoReturn:
        self.loader.fail(self.sub(name), reason)

    def get(self, name: str, *, required: bool = False, default: Any = MISSING) -> Any:
        self.seen.add(name)
        if name in self.data:
            return self.data[name]
        if required or default is MISSING:
            self.loader.fail(self.sub(name), "missing (required)")
        return default

    def _typed(
        self, name: str, convert: Callable[[str, object], Any], required: bool, default: Any, *, parse_default: bool = False
    ) -> Any:
        self.seen.add(name)
        if name not in self.data:
            if required:
                self.loader.fail(self.sub(name), "missing (required)")
            if parse_default and default is not None:
                return convert(self.sub(name), default)
            return default
        return convert(self.sub(name), self.data[name])

    def string(self, name: str, *, required: bool = False, default: Any = None) -> Any:
        # Optional texts may be empty; a required one must say something.
        return self._typed(name, lambda k, v: self.loader.string(k, v, empty=not required), required, default)

    def identifier(self, name: str, *, required: bool = False, default: Any = None) -> Any:
        self.seen.add(name)
        if name not in self.data:
            if required:
                self.loader.fail(self.sub(name), "missing (required)")
            return default
        return self.loader.identifier(self.sub(name), self.data[name])

    def boolean(self, name: str, *, required: bool = False, default: Any = None) -> Any:
        return self._typed(name, self.loader.boolean, required, default)

    def integer(self, name: str, *, required: bool = False, default: Any = None, minimum: int | None = None) -> Any:
        return self._typed(name, lambda k, v: self.loader.integer(k, v, minimum=minimum), required, default)

    def duration(self, name: str, *, required: bool = False, default: Any = None, zero: bool = False) -> Any:
        return self._typed(
            name, lambda k, v: self.loader.duration(k, v, zero=zero), required, default, parse_default=True
        )

    def size(self, name: str, *, required: bool = False, default: Any = None) -> Any:
        return self._typed(name, self.loader.size, required, default)

    def strings(self, name: str, *, required: bool = False, default: Any = None, identifiers: bool = False) -> Any:
        return self._typed(name, lambda k, v: self.loader.strings(k, v, identifiers=identifiers), required, default)

    def array(self, name: str, *, required: bool = False, default: Any = None) -> Any:
        return self._typed(name, self.loader.array, required, default)

    def table(self, name: str, *, required: bool = False, default: Any = MISSING) -> Any:
        self.seen.add(name)
        if name not in self.data:
            if required or default is MISSING:
                self.loader.fail(self.sub(name), "missing (required)")
            return default if default is None else Table(self.loader, self.sub(name), default)
        return self.loader.table(self.sub(name), self.data[name])

    def choice(self, name: str, choices, *, required: bool = False, default: Any = None) -> Any:
        def convert(key: str, value: object) -> str:
            text = self.loader.string(key, value)
            if text not in choices:
                self.loader.fail(key, f"{text!r} is not one of: {listing(choices)}{suggest(text, choices)}")
            return text

        return self._typed(name, convert, required, default)

    def reference(self, name: str, known, what: str, *, required: bool = False, default: Any = None) -> Any:
        return self._typed(name, lambda k, v: self.loader.reference(k, v, known, what), required, default)

    def rest(self) -> dict[str, object]:
        """Every entry, for tables whose keys are names (days, channels, metrics)."""
        self.seen.update(self.data)
        return dict(self.data)

    def close(self) -> None:
        for name in self.data:
            if name not in self.seen:
                expected = sorted(self.seen)
                self.loader.fail(
                    self.sub(name),
                    f"unknown key {name!r}{suggest(name, expected)} (keys here: {listing(expected)})",
                )


