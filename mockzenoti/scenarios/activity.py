"""``Activity``: an organization's days, as the built-in scenarios tell them.

Each center has a day process: at every local opening it plans the day
(``plan_day``) under the scenario's ``Profile`` and puts the day's stories
on the agenda: class sessions with their bookings, appointment bookings,
guests registering, sales, hires. Stories (``story_*`` modules) are
processes that call world operations at the right moments and check the
state before each step, since other stories may have changed it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from mockzenoti.factory import draws
from mockzenoti.model import Center, GuestMembership
from mockzenoti.scenarios.profiles import Profile
from mockzenoti.timefmt import MINUTE_TICKS, TICKS_PER_SECOND, at_local, local_date
from mockzenoti.world import Process, World

__all__ = ["Activity", "count", "once"]

QUARTER = 15 * MINUTE_TICKS


def count(rate: float, rng: random.Random) -> int:
    """A whole number of occurrences averaging ``rate``."""
    whole = int(rate)
    return whole + (1 if rng.random() < rate - whole else 0)


def once(action: Callable[[], object]) -> Process:
    """A process that does ``action`` when it starts, and nothing more."""
    action()
    yield from ()


class Activity:
    """The day-to-day life of ``world`` under ``profile``: ``start()`` puts it on the agenda."""

    def __init__(self, world: World, profile: Profile) -> None:
        self.world = world
        self.profile = profile
        self.rng = world.rng
        # False: staff edits touch only staff hired during the stream (a swarm's shards
        # share the fixed setup, and only one of them may edit a setup employee)
        self.setup_staff_edits = True
        # memberships with guest passes, per center: members who may bring a visitor
        self.members: dict[str, list[GuestMembership]] = {c.id: [] for c in world.centers}
        self._hours: dict[tuple[str, date], tuple[int, int]] = {}

    def start(self, centers: Sequence[Center] | None = None) -> None:
        """Schedule each center's days from the world's first day on (only ``centers``, if given).

        A Locust user plays one center of the organization (``mockzenoti.swarm``).
        """
        for center in self.world.centers if centers is None else centers:
            self.world.agenda.spawn(self.world.start, self._days(center))

    def natural_end(self) -> int:
        """Closing time of the last natural day across centers, plus time for feedback."""
        last = self.world.first_day + timedelta(days=self.profile.days - 1)
        closes = max(at_local(last, c.closes_minute, c.tz) for c in self.world.centers)
        return closes + 6 * 60 * MINUTE_TICKS

    # -- time helpers -----------------------------------------------------------------

    def between(self, low: int, high: int) -> int:
        """A whole-second instant in [low, high) (``low`` when the span is empty)."""
        span = (high - low) // TICKS_PER_SECOND
        return low + (int(self.rng.random() * span) * TICKS_PER_SECOND if span > 0 else 0)

    def hours(self, center: Center, day: date) -> tuple[int, int]:
        """The instants ``center`` opens and closes on local ``day`` (remembered a while)."""
        key = (center.id, day)
        found = self._hours.get(key)
        if found is None:
            if len(self._hours) > 256:
                self._hours.clear()
            found = self._hours[key] = (
                at_local(day, center.opens_minute, center.tz),
                at_local(day, center.closes_minute, center.tz),
            )
        return found

    def slot(self, low: int, high: int, opens: int) -> int:
        """A quarter-hour mark (counted from ``opens``) in [low, high], or ``low`` rounded up."""
        first = opens + -(-(low - opens) // QUARTER) * QUARTER
        slots = (high - first) // QUARTER + 1
        return first + draws.below(self.rng, slots) * QUARTER if slots > 0 else first

    def day_moment(self, center: Center, day: date, *, room: int = 60) -> int:
        """A business-hours instant of ``center`` on ``day``, ``room`` minutes before closing."""
        opens, closes = self.hours(center, day)
        return self.between(opens, closes - room * MINUTE_TICKS)

    def later(self, center: Center, days: int) -> int:
        """A business-hours instant ``days`` local days after now (0: later today, if open)."""
        now = self.world.now
        day = local_date(now, center.tz) + timedelta(days=days)
        moment = self.day_moment(center, day)
        return moment if moment > now else self.day_moment(center, day + timedelta(days=1))

    def open_between(self, center: Center, low: int, high: int) -> int | None:
        """A business-hours instant of ``center`` in [low, high), or None if it is closed then."""
        first, last = local_date(low, center.tz), local_date(high, center.tz)
        days = (last - first).days
        start = draws.randint(self.rng, 0, days) if days > 0 else 0
        for k in range(days + 1):
            day = first + timedelta(days=(start + k) % (days + 1))
            opens, closes = self.hours(center, day)
            opens, closes = max(low, opens), min(high, closes)
            if opens < closes:
                return self.between(opens, closes)
        return None

    def gap(self) -> int:
        """Days between two steps of a sale's story."""
        low, high = self.profile.sales_gap
        return self.rng.randint(low, high)

    # -- days -------------------------------------------------------------------------

    def _days(self, center: Center) -> Process:
        day = self.world.first_day
        while True:
            opens, closes = self.hours(center, day)
            yield opens
            self.plan_day(center, day, opens, closes)
            day += timedelta(days=1)

    def plan_day(self, center: Center, day: date, opens: int, closes: int) -> None:
        """Put the stories of ``center``'s local ``day`` on the agenda."""
        from mockzenoti.scenarios import (
            story_appointments,
            story_classes,
            story_people,
            story_sales,
        )

        world, rng, p = self.world, self.rng, self.profile
        spawn = world.agenda.spawn
        kind = center.kind
        for _ in range(count(world.sizes.sessions(kind) * p.classes, rng)):
            offering = rng.choice(center.classes)
            latest = closes - offering.template.minutes * MINUTE_TICKS
            earliest = opens + 60 * MINUTE_TICKS
            if latest > earliest:
                start = self.slot(earliest, latest, opens)
                publish = opens + rng.randrange(30) * MINUTE_TICKS
                spawn(publish, story_classes.session(self, center, start, offering))
        for _ in range(count(world.sizes.appointments(kind) * p.appointments, rng)):
            booked = self.between(opens, closes - 90 * MINUTE_TICKS)
            if rng.random() < p.same_day and booked + 90 * MINUTE_TICKS < closes:
                start = self.slot(booked + 30 * MINUTE_TICKS, closes - 60 * MINUTE_TICKS, opens)
            else:
                ahead_opens, ahead_closes = self.hours(
                    center, day + timedelta(days=rng.randint(1, 14))
                )
                start = self.slot(ahead_opens, ahead_closes - 60 * MINUTE_TICKS, ahead_opens)
            spawn(booked, story_appointments.group(self, center, start))
        stories: list[tuple[str, Callable[[Activity, Center], Process]]] = [
            ("walk_ins", story_people.guest),
            ("returning_edits", story_people.returning_edit),
            ("hires", story_people.hire),
            ("staff_updates", story_people.staff_update),
            ("memberships", story_sales.membership),
            ("packages", story_sales.package),
        ]
        for rate, story in stories:
            for _ in range(count(p.rate(rate, kind), rng)):
                spawn(self.between(opens, closes - 30 * MINUTE_TICKS), story(self, center))
