"""Calendar arithmetic in a center's zone, on simulated ticks.

Business days, local midnights and month arithmetic happen in the center's
real IANA zone (daylight saving included); results are ticks (UTC instants).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from mockzenoti.timefmt import TICKS_PER_SECOND, from_datetime, to_datetime, zone

__all__ = [
    "DAY_TICKS",
    "MINUTE_TICKS",
    "add_local_days",
    "add_months",
    "at_local",
    "local_date",
    "local_midnight",
    "local_minute",
    "next_local_midnight",
]

MINUTE_TICKS = 60 * TICKS_PER_SECOND
DAY_TICKS = 1440 * MINUTE_TICKS


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
