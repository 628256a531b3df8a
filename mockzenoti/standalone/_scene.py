"""``Scene``: the small seeded fragment of an organization standalone events come from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from mockzenoti.factory import EntityFactory
from mockzenoti.model import Center, Guest, Organization
from mockzenoti.timefmt import (
    DAY_TICKS,
    MINUTE_TICKS,
    TICKS_PER_SECOND,
    at_local,
    local_date,
    local_minute,
)

__all__ = ["Builder", "Built", "Scene"]

# What a builder returns: the event's data and its entity keys, most specific first.
Built = tuple[dict[str, Any], tuple[str, ...]]


@dataclass(slots=True)
class Scene:
    """One center of one organization, and helpers to place entities in time around it."""

    factory: EntityFactory
    org: Organization
    center: Center

    def seconds_before(self, t: int, low: int, high: int) -> int:
        """An instant between ``high`` and ``low`` seconds before ``t``."""
        return t - self.factory.rng.randrange(low, high) * TICKS_PER_SECOND

    def days_before(self, t: int, low: int, high: int) -> int:
        """An instant ``low`` to ``high`` days before ``t``, at some second of the day."""
        rng = self.factory.rng
        return t - rng.randrange(low, high) * DAY_TICKS - rng.randrange(86_400) * TICKS_PER_SECOND

    def slot(self, t: int, low_days: int, high_days: int, minutes: int = 60) -> int:
        """A quarter-hour start ``low_days``..``high_days`` after ``t``'s local day.

        The start lies within business hours with room for ``minutes``.
        """
        rng = self.factory.rng
        c = self.center
        day = local_date(t, c.tz) + timedelta(days=rng.randrange(low_days, high_days + 1))
        last = max(c.opens_minute, c.closes_minute - minutes)
        minute = c.opens_minute + rng.randrange(0, (last - c.opens_minute) // 15 + 1) * 15
        start = at_local(day, minute, c.tz)
        while low_days == 0 and start <= t:  # today: only slots still ahead
            start += 15 * MINUTE_TICKS
        if local_minute(start, c.tz) + minutes > c.closes_minute or local_date(start, c.tz) > day:
            # no room left today: the same slot tomorrow
            start = at_local(day + timedelta(days=1), minute, c.tz)
        return start

    def slot_before(self, t: int, minutes: int, low: int, high: int) -> int:
        """A business-hours start for ``minutes`` of service ending low-high min before ``t``.

        Starts fall on 5-minute marks; a start that would fall outside the
        center's hours moves to a business-hours slot of the previous day.
        """
        rng = self.factory.rng
        c = self.center
        start = t - (rng.randrange(low, high) + minutes) * MINUTE_TICKS
        start -= start % (5 * MINUTE_TICKS)
        minute = local_minute(start, c.tz)
        if c.opens_minute <= minute and minute + minutes <= c.closes_minute:
            return start
        day = local_date(start, c.tz) - timedelta(days=1 if minute < c.opens_minute else 0)
        if day >= local_date(t, c.tz):
            day = local_date(t, c.tz) - timedelta(days=1)
        latest = max(c.opens_minute, c.closes_minute - minutes)
        slot = c.opens_minute + rng.randrange((latest - c.opens_minute) // 15 + 1) * 15
        return at_local(day, slot, c.tz)

    def guest(self, t: int, *, low_days: int = 1, high_days: int = 700) -> Guest:
        """A guest registered ``low_days``..``high_days`` before ``t``."""
        return self.factory.guest(self.center, self.days_before(t, low_days, high_days))

    def new_guest(self, t: int) -> Guest:
        """A guest registered a second or two before ``t``."""
        return self.factory.guest(self.center, self.seconds_before(t, 1, 3))


Builder = Callable[[Scene, int], Built]
