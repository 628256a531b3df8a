"""``Activity``: an organization's days, as the built-in scenarios tell them.

Each center has a day process. At each local midnight it plans:

- the visits of the day ``horizon`` days ahead (how many: the day's share of
  the week's demand, ``rhythm.WEEKDAY_DEMAND``; when: the kind's busy hours,
  ``rhythm.HOUR_DEMAND``), each booked when its guest books it: online at
  any hour days ahead, at the front desk in opening hours, or walking in;
- the class sessions of the day ``publish_days`` ahead, published that day
  and booked more and more as they come closer;
- the day's other stories: guests registering, edits, sales, hires.

A closed day has none of them. When the stream starts, the visits and
sessions of the coming days are planned at once: bookings that would have
been made before the stream are made in its first hours instead (the
stream starts mid-life). Stories (``story_*`` modules) are processes that
call world operations at the right moments and check the state before each
step, since other stories may have changed it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from mockzenoti.factory import draws
from mockzenoti.factory.bookings import NO_UTM
from mockzenoti.model import Center, GuestMembership
from mockzenoti.scenarios import rhythm
from mockzenoti.scenarios.profiles import Profile
from mockzenoti.timefmt import DAY_TICKS, MINUTE_TICKS, TICKS_PER_SECOND, at_local, local_date
from mockzenoti.world import Process, World

__all__ = ["Activity", "count", "once"]

QUARTER = 15 * MINUTE_TICKS
_UNKNOWN = object()
HOUR = 60 * MINUTE_TICKS
MIN = MINUTE_TICKS


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
        self._hours: dict[tuple[str, date], tuple[int, int] | None] = {}
        self._slots: dict[tuple[str, int, int, int], rhythm.Weights] = {}
        self._factors: dict[str, tuple[float, ...]] = {}
        self._offsets: dict[tuple[str, date], int] = {}
        self._days_of: dict[tuple[str, int], date] = {}
        self._leads = rhythm.lead_days(profile.horizon)

    def start(self, centers: Sequence[Center] | None = None) -> None:
        """Schedule each center's days from the world's first day on (only ``centers``, if given).

        A Locust user plays one center of the organization (``mockzenoti.swarm``).
        """
        for center in self.world.centers if centers is None else centers:
            self.world.agenda.spawn(self.world.start, self._days(center))

    def natural_end(self) -> int:
        """Closing time of the last natural day across centers, plus time for feedback."""
        last = self.world.first_day + timedelta(days=self.profile.days - 1)
        closes = max(
            (self.open_hours(c, last) or (0, at_local(last, c.closes_minute, c.tz)))[1]
            for c in self.world.centers
        )
        return closes + 6 * 60 * MINUTE_TICKS

    # -- time helpers -----------------------------------------------------------------

    def between(self, low: int, high: int) -> int:
        """A whole-second instant in [low, high) (``low`` when the span is empty)."""
        span = (high - low) // TICKS_PER_SECOND
        return low + (int(self.rng.random() * span) * TICKS_PER_SECOND if span > 0 else 0)

    def open_hours(self, center: Center, day: date) -> tuple[int, int] | None:
        """The instants ``center`` opens and closes on local ``day``; None when it is closed."""
        key = (center.id, day)
        found = self._hours.get(key, _UNKNOWN)
        if found is not _UNKNOWN:
            return found  # type: ignore[return-value]
        if len(self._hours) > 512:
            self._hours.clear()
        hours = center.hours_on(day.weekday())
        made = self._hours[key] = (
            None
            if hours is None
            else (at_local(day, hours[0], center.tz), at_local(day, hours[1], center.tz))
        )
        return made

    def open_day(self, center: Center, day: date) -> tuple[date, int, int]:
        """The first day from ``day`` on that ``center`` is open, with its opening hours."""
        for k in range(8):
            found = self.open_hours(center, day + timedelta(days=k))
            if found is not None:
                return day + timedelta(days=k), found[0], found[1]
        raise ValueError(f"center {center.name} is never open")

    def slot(self, low: int, high: int, opens: int) -> int:
        """A quarter-hour mark (counted from ``opens``) in [low, high], or ``low`` rounded up."""
        first = opens + -(-(low - opens) // QUARTER) * QUARTER
        slots = (high - first) // QUARTER + 1
        return first + draws.below(self.rng, slots) * QUARTER if slots > 0 else first

    def busy_slot(self, center: Center, day: date, opens: int, latest: int) -> int:
        """A quarter-hour start in [opens, latest] on ``day``, weighted by the kind's busy hours."""
        weekday = day.weekday()
        hours = center.hours_on(weekday)
        opens_minute = hours[0] if hours is not None else center.opens_minute
        last = (latest - opens) // MIN
        key = (center.id, weekday, opens_minute, last)
        weights = self._slots.get(key)
        if weights is None:
            curve = rhythm.HOUR_DEMAND[center.kind][1 if weekday >= 5 else 0]
            offsets = list(range(0, max(last, 0) + 1, 15))
            weights = rhythm.Weights(
                offsets, [curve[((opens_minute + m) // 60) % 24] for m in offsets]
            )
            self._slots[key] = weights
        return opens + weights.draw(self.rng) * MIN

    def day_factor(self, center: Center, day: date) -> float:
        """``day``'s share of a week's demand at ``center``, times 7 (0 when it is closed).

        The week's total stays the world's rate times seven: busy days take
        what a closed day does not.
        """
        factors = self._factors.get(center.id)
        if factors is None:
            demand = rhythm.WEEKDAY_DEMAND[center.kind]
            week = [demand[d] if center.hours_on(d) is not None else 0.0 for d in range(7)]
            total = sum(week) or 1.0
            factors = self._factors[center.id] = tuple(7 * w / total for w in week)
        return factors[day.weekday()]

    def day_moment(self, center: Center, day: date, *, room: int = 60) -> int:
        """A business-hours instant on ``day`` (or the next open day), ``room`` min from closing."""
        _, opens, closes = self.open_day(center, day)
        return self.between(opens, closes - room * MINUTE_TICKS)

    def later(self, center: Center, days: int) -> int:
        """A business-hours instant ``days`` local days after now (0: later today, if open)."""
        now = self.world.now
        day = self.day_of(now, center.tz) + timedelta(days=days)
        moment = self.day_moment(center, day)
        return moment if moment > now else self.day_moment(center, day + timedelta(days=1))

    def open_between(self, center: Center, low: int, high: int) -> int | None:
        """A business-hours instant of ``center`` in [low, high), or None if it is closed then."""
        first, last = self.day_of(low, center.tz), self.day_of(high, center.tz)
        days = (last - first).days
        start = draws.randint(self.rng, 0, days) if days > 0 else 0
        for k in range(days + 1):
            day = first + timedelta(days=(start + k) % (days + 1))
            hours = self.open_hours(center, day)
            if hours is None:
                continue
            opens, closes = max(low, hours[0]), min(high, hours[1])
            if opens < closes:
                return self.between(opens, closes)
        return None

    def day_of(self, ticks: int, tz: str) -> date:
        """The local date at ``ticks`` in zone ``tz`` (``timefmt.local_date``, remembered).

        Remembered per quarter hour: every zone's offset, and every change of it,
        falls on a quarter hour, so one date holds for the whole quarter.
        """
        key = (tz, ticks // QUARTER)
        found = self._days_of.get(key)
        if found is None:
            if len(self._days_of) > 4096:
                self._days_of.clear()
            found = self._days_of[key] = local_date(ticks, tz)
        return found

    def offset(self, tz: str, day: date) -> int:
        """Zone ``tz``'s offset from UTC on ``day`` (ticks; positive east of Greenwich)."""
        key = (tz, day)
        found = self._offsets.get(key)
        if found is None:
            if len(self._offsets) > 512:
                self._offsets.clear()
            found = self._offsets[key] = at_local(day, 0, "UTC") - at_local(day, 0, tz)
        return found

    def online_moment(self, midnight: int, high: int) -> int:
        """An instant from local ``midnight`` on, before ``high``, when a guest books online.

        At any hour, mostly in the evening (``rhythm.ONLINE_HOURS``).
        """
        hours = (high - midnight) // HOUR
        if hours < 1:
            return self.between(midnight, high)
        rng = self.rng
        hour = rhythm.ONLINE_HOUR.draw_first(rng, hours)
        return midnight + hour * HOUR + draws.below(rng, 3600) * TICKS_PER_SECOND

    def gap(self) -> int:
        """Days between two steps of a sale's story."""
        low, high = self.profile.sales_gap
        return self.rng.randint(low, high)

    # -- days -------------------------------------------------------------------------

    def _days(self, center: Center) -> Process:
        p = self.profile
        day = self.world.first_day
        for ahead in range(p.horizon + 1):  # the visits already booked when the stream starts
            self.plan_visits(center, day + timedelta(days=ahead))
        for ahead in range(p.publish_days + 1):
            self.plan_sessions(center, day + timedelta(days=ahead))
        while True:
            hours = self.open_hours(center, day)
            if hours is not None:
                self.plan_day(center, day, *hours)
            day += timedelta(days=1)
            yield at_local(day, 0, center.tz)
            self.plan_visits(center, day + timedelta(days=p.horizon))
            self.plan_sessions(center, day + timedelta(days=p.publish_days))

    def plan_visits(self, center: Center, day: date) -> None:
        """The visits of ``center`` on local ``day``, each put on the agenda when it is booked."""
        from mockzenoti.scenarios import story_appointments

        hours = self.open_hours(center, day)
        if hours is None:
            return
        world, rng = self.world, self.rng
        opens, closes = hours
        rate = world.sizes.appointments(center.kind) * self.profile.appointments
        for _ in range(count(rate * self.day_factor(center, day), rng)):
            start = self.busy_slot(center, day, opens, closes - 60 * MIN)
            booked, utm = self._booking(center, day, start, opens)
            if booked is not None:
                world.agenda.spawn(booked, story_appointments.group(self, center, start, utm))

    def _booking(
        self, center: Center, day: date, start: int, opens: int
    ) -> tuple[int | None, tuple[str, str]]:
        """When a visit starting at ``start`` is booked, and its UTM values.

        Walking in: minutes before the start. Online (the widget's UTMs): at any
        hour, the same day or days ahead. At the front desk: in opening hours.
        A booking that would have come before the stream comes in its first hours.
        """
        world, rng, p = self.world, self.rng, self.profile
        now = world.now
        r = rng.random()
        if r < p.walk_in_visits and start - opens >= 10 * MIN:  # walks in, during opening hours
            booked, utm = max(opens, start - draws.randint(rng, 5, 40) * MIN), NO_UTM
        else:
            online = rng.random() < p.online
            utm = world.factory.online_utm() if online else NO_UTM
            booked = self._ahead(center, day, start, opens, online)
        if booked < now:  # the stream began after this booking: it comes now instead
            if start - now < 20 * MIN:
                return None, utm
            if utm is NO_UTM:  # the front desk books while the center is open
                return self.open_between(center, now, start - 10 * MIN), utm
            booked = self.between(now, start - 10 * MIN)
        return booked, utm

    def _ahead(self, center: Center, day: date, start: int, opens: int, online: bool) -> int:
        """A booking made online (any hour) or at the desk (opening hours), days or hours ahead."""
        rng, tz = self.rng, center.tz
        if rng.random() < self.profile.same_day and start - opens > 40 * MIN:
            if online:
                return self.online_moment(at_local(day, 0, tz), start - 30 * MIN)
            return self.between(opens, start - 30 * MIN)
        back = day - timedelta(days=self._leads.draw(rng))
        if online:
            midnight = at_local(back, 0, tz)
            return self.online_moment(midnight, midnight + DAY_TICKS)
        for k in range(7):  # the desk books on a day the center is open
            hours = self.open_hours(center, back - timedelta(days=k))
            if hours is not None:
                return self.between(hours[0], hours[1])
        return start - 60 * MIN

    def plan_sessions(self, center: Center, day: date) -> None:
        """The class sessions of ``center`` on local ``day``, each published ahead."""
        from mockzenoti.scenarios import story_classes

        hours = self.open_hours(center, day)
        if hours is None:
            return
        world, rng, p = self.world, self.rng, self.profile
        opens, closes = hours
        rate = world.sizes.sessions(center.kind) * p.classes
        now = world.now
        for _ in range(count(rate * self.day_factor(center, day), rng)):
            offering = rng.choice(center.classes)
            latest = closes - offering.template.minutes * MIN
            # published the same day: at opening, so the first classes start an hour later
            earliest = opens + 60 * MIN if p.publish_days == 0 else opens
            if latest <= earliest:
                continue
            start = self.busy_slot(center, day, earliest, latest)
            publish: int | None = self._publication(center, day, opens)
            if publish is not None and publish < now:  # published when the stream had begun
                publish = self.open_between(center, now, start - 30 * MIN)
            if publish is not None and publish < start - 30 * MIN:
                world.agenda.spawn(publish, story_classes.session(self, center, start, offering))

    def _publication(self, center: Center, day: date, opens: int) -> int:
        """When a session of ``day`` is published: ``publish_days`` before, in opening hours."""
        days = self.profile.publish_days
        if days == 0:
            return opens + self.rng.randrange(30) * MIN
        for k in range(7):  # by the staff, on a day the center is open
            hours = self.open_hours(center, day - timedelta(days=days + k))
            if hours is not None:
                return self.between(hours[0], hours[1] - 30 * MIN)
        return opens

    def class_booking_times(self, center: Center, low: int, high: int, count: int) -> list[int]:
        """When ``count`` guests book a class open for booking in [low, high): near its start."""
        rng = self.rng
        window = high - low
        if window <= 0:
            return [low] * count
        offset = self.offset(center.tz, self.day_of(high, center.tz))
        found = []
        for _ in range(count):
            moment = high - rhythm.class_lead(rng, window)
            for _ in range(2):  # bookings through the app, mostly by day
                if rng.random() < rhythm.hour_weight((moment + offset) // HOUR % 24):
                    break
                moment = high - rhythm.class_lead(rng, window)
            found.append(max(low, moment))
        return found

    def plan_day(self, center: Center, day: date, opens: int, closes: int) -> None:
        """Put the day's other stories of ``center`` on the agenda (registrations, sales ...)."""
        from mockzenoti.scenarios import story_people, story_sales

        world, rng, p = self.world, self.rng, self.profile
        spawn = world.agenda.spawn
        kind = center.kind
        factor = self.day_factor(center, day)
        stories: list[tuple[str, Callable[[Activity, Center], Process]]] = [
            ("walk_ins", story_people.guest),
            ("returning_edits", story_people.returning_edit),
            ("hires", story_people.hire),
            ("staff_updates", story_people.staff_update),
            ("memberships", story_sales.membership),
            ("packages", story_sales.package),
        ]
        low = max(opens, world.now)
        for rate, story in stories:
            for _ in range(count(p.rate(rate, kind) * factor, rng)):
                spawn(self.between(low, closes - 30 * MINUTE_TICKS), story(self, center))
