"""Zenoti's datetime forms, and the simulated time they are written from.

Simulated time is an ``int`` of .NET ticks (100 ns) since the Unix epoch, UTC.
Three written forms appear in Zenoti's payloads:

- the envelope's ``event_timestamp``: UTC with ``Z`` and a .NET fraction of up
  to 7 digits, trailing zeros dropped (``2022-03-22T12:39:20.6984376Z``,
  ``2022-03-22T12:36:45.390915Z``);
- datetimes inside ``data``: no offset, no fraction (``2024-07-25T09:15:00``);
- the empty date ``0001-01-01T00:00:00``.

Durations as people write them (``parse_seconds``) have one grammar for every
option and file: ``500ms``, ``1.5s``, ``1m30s``, ``2h``, ``3d``.

Calendar arithmetic in a center's zone (business days, local midnights,
months) happens in the center's real IANA zone, daylight saving included;
its results are ticks (UTC instants) too.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "DAY_TICKS",
    "EMPTY_DATE",
    "MINUTE_TICKS",
    "TICKS_PER_SECOND",
    "add_local_days",
    "add_months",
    "at_local",
    "dotnet_utc",
    "from_datetime",
    "local_date",
    "local_midnight",
    "local_minute",
    "local_naive",
    "naive",
    "next_local_midnight",
    "parse_dotnet_utc",
    "parse_seconds",
    "to_datetime",
    "utc_second",
    "zone",
]

TICKS_PER_SECOND = 10_000_000
MINUTE_TICKS = 60 * TICKS_PER_SECOND
DAY_TICKS = 1440 * MINUTE_TICKS
EMPTY_DATE = "0001-01-01T00:00:00"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DURATION_PART = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|d|h|m|s)\s*", re.IGNORECASE)
_BARE_SECONDS = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DOTNET_UTC = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?Z$")


def dotnet_utc(ticks: int) -> str:
    """Write ``ticks`` as Zenoti's envelope ``event_timestamp``.

    >>> dotnet_utc(16479516006984376)
    '2022-03-22T12:20:00.6984376Z'
    >>> dotnet_utc(16479516000000000)
    '2022-03-22T12:20:00Z'
    """
    seconds, frac = divmod(ticks, TICKS_PER_SECOND)
    head = utc_second(seconds)
    if not frac:
        return head + "Z"
    return f"{head}.{f'{frac:07d}'.rstrip('0')}Z"


def utc_second(seconds: int) -> str:
    """The UTC wall time of unix second ``seconds``, naive: ``2022-03-22T12:20:00``.

    >>> utc_second(1647951600)
    '2022-03-22T12:20:00'
    """
    # Every event's envelope is stamped: tables of the day's minutes and seconds and a
    # dict of dates write it about three times faster than formatting time.gmtime().
    day = seconds // 86_400
    date = _DATES.get(day) or _utc_date(day)
    return f"{date}{_HOUR_MINUTE[seconds // 60 % 1440]}{_SECOND[seconds % 60]}"


_HOUR_MINUTE = [f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
_SECOND = [f"{s:02d}" for s in range(60)]
_DATES: dict[int, str] = {}  # day since the epoch -> its YYYY-MM-DDT, a few thousand at most


def _utc_date(day: int) -> str:
    """``YYYY-MM-DDT`` of the ``day``-th day since the Unix epoch (remembered in ``_DATES``)."""
    if len(_DATES) >= 4096:
        _DATES.clear()
    t = time.gmtime(day * 86_400)
    date = _DATES[day] = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
    return date


def parse_dotnet_utc(text: str) -> int:
    """Read an envelope ``event_timestamp`` back into ticks (exact)."""
    m = _DOTNET_UTC.match(text)
    if m is None:
        raise ValueError(f"not a Zenoti event_timestamp: {text!r}")
    y, mo, d, h, mi, s, frac = m.groups()
    dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=UTC)
    whole = (dt - _EPOCH) // timedelta(seconds=1)
    return whole * TICKS_PER_SECOND + int((frac or "0").ljust(7, "0"))


def to_datetime(ticks: int) -> datetime:
    """An aware UTC datetime for ``ticks`` (microsecond precision)."""
    return _EPOCH + timedelta(microseconds=ticks // 10)


def from_datetime(dt: datetime) -> int:
    """Ticks for an aware datetime (naive datetimes are refused)."""
    if dt.tzinfo is None:
        raise ValueError("a naive datetime has no defined instant; attach a zone")
    delta = dt - _EPOCH
    return (delta // timedelta(microseconds=1)) * 10


def naive(dt: datetime) -> str:
    """Write a datetime as ``data`` does: no offset, no fraction."""
    return (
        f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}"
    )


@cache
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (cached); raises ``ZoneInfoNotFoundError`` if unknown."""
    return ZoneInfo(name)


def local_naive(ticks: int, tz_name: str) -> str:
    """The wall-clock time in zone ``tz_name`` at instant ``ticks``, written naive."""
    return naive(to_datetime(ticks).astimezone(zone(tz_name)))


def parse_seconds(text: str, *, field: str = "duration", bare: bool = False) -> float:
    """The seconds of a duration: ``500ms``, ``1.5s``, ``1m30s``, ``2h``, ``3d``.

    One or more parts, each a number and a unit (``ms``, ``s``, ``m``, ``h``,
    ``d``; any case; spaces allowed). With ``bare``, a number alone is seconds
    (``--timeout 10``). Anything else raises ``ConfigError`` naming ``field``;
    whether 0 is allowed is the caller's to say.
    """
    from mockzenoti.errors import ConfigError

    if not isinstance(text, str):
        raise ConfigError(f"a duration is a text such as 1m30s (got {text!r})", field=field)
    if bare and (m := _BARE_SECONDS.fullmatch(text)) is not None:
        return float(m.group(1))
    pos, seconds = 0, 0.0
    while pos < len(text):
        m = _DURATION_PART.match(text, pos)
        if m is None:
            break
        seconds += float(m.group(1)) * _UNIT_SECONDS[m.group(2).lower()]
        pos = m.end()
    if pos == 0 or pos < len(text):
        raise ConfigError(
            f"{text!r} is not a duration; write e.g. 500ms, 1.5s, 1m30s, 2h or 3d", field=field
        )
    return seconds


# -- calendar arithmetic in a zone ----------------------------------------------------


def local_date(ticks: int, tz: str) -> date:
    """The calendar date in zone ``tz`` at instant ``ticks``."""
    # Whole seconds are enough: zone offsets and their changes fall on whole seconds.
    return datetime.fromtimestamp(ticks // TICKS_PER_SECOND, zone(tz)).date()


def local_minute(ticks: int, tz: str) -> int:
    """Minutes after local midnight in zone ``tz`` at instant ``ticks``."""
    local = to_datetime(ticks).astimezone(zone(tz))
    return local.hour * 60 + local.minute


@lru_cache(maxsize=4096)
def at_local(day: date, minute: int, tz: str) -> int:
    """The instant of wall-clock ``minute`` (after midnight) on ``day`` in zone ``tz``.

    Wall times skipped by a daylight-saving jump resolve forward, as ``zoneinfo`` does.
    """
    wall = datetime(day.year, day.month, day.day, tzinfo=zone(tz)) + timedelta(minutes=minute)
    # Normalise through UTC so that a non-existent wall time lands on a real instant.
    return from_datetime(wall.astimezone(zone("UTC")))


def local_midnight(ticks: int, tz: str) -> int:
    """The instant the local day containing ``ticks`` began in zone ``tz``."""
    return at_local(local_date(ticks, tz), 0, tz)


def next_local_midnight(ticks: int, tz: str) -> int:
    """The instant the next local day after ``ticks`` begins in zone ``tz``."""
    return at_local(local_date(ticks, tz) + timedelta(days=1), 0, tz)


def add_local_days(ticks: int, days: int, tz: str) -> int:
    """The instant at the same local wall time ``days`` calendar days after ``ticks``.

    Unlike adding ``days * DAY_TICKS`` this keeps the wall time across a
    daylight-saving change.
    """
    local = to_datetime(ticks).astimezone(zone(tz))
    minute = local.hour * 60 + local.minute
    rest = ticks - at_local(local.date(), minute, tz)  # seconds and ticks within the minute
    return at_local(local.date() + timedelta(days=days), minute, tz) + rest


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover
