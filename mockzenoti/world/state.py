"""``WorldState``: a seeded organization, its clock, its guest pool and its event outlet.

The state of a world, and nothing that changes it: the operations that do
(``ops_*`` modules, one per domain) are functions of this state, and
``World`` lists them as its methods. Every event goes through ``emit``: it
is enveloped at the world's current instant by the world's one
``EventStream`` and queued in ``pending`` with, when truth is recorded, the
truth records of the entities it changed (computed now, applied when the
event is handed out). A ``journal`` (the REST sandbox's, ``mockzenoti.rest``)
is told of every event with the entities it changed, at the same instant.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, Protocol

from mockzenoti.catalog import Catalog, CatalogEntry, load_catalog
from mockzenoti.envelope import EventStream
from mockzenoti.event import Event
from mockzenoti.factory import EntityFactory
from mockzenoti.model import Center, Guest
from mockzenoti.timefmt import DAY_TICKS, at_local, dotnet_utc
from mockzenoti.vocab import CENTER_KINDS, CenterKind
from mockzenoti.world.agenda import Agenda
from mockzenoti.world.build import CenterPin, build_organization, describe
from mockzenoti.world.pool import GuestPool
from mockzenoti.world.records import Record, record
from mockzenoti.world.sizes import WorldSizes

__all__ = ["PERIOD_DAYS", "PERIOD_START", "EventJournal", "WorldState"]

# A world's first day is a seeded day of this period.
PERIOD_START = date(2025, 1, 6)
PERIOD_DAYS = 357


class EventJournal(Protocol):
    """Told of each event as it is emitted, with the entities it changed (``subjects``)."""

    def note(
        self, event: Event, records: tuple[Record, ...] | None, subjects: tuple[object, ...]
    ) -> None:
        """Take note of ``event`` (its truth ``records``, None when truth is not recorded)."""


class WorldState:
    """The organization of one seed: setup, clock (``agenda``), guests (``pool``), events out.

    ``sizes`` (a ``WorldSizes`` or a mapping of overrides) sets how big it
    is; ``pins`` fix values of the first centers; ``catalog`` (a configured
    catalog) gives the wire names. ``recording`` turns truth records on.
    """

    def __init__(
        self,
        seed: int | str = 0,
        sizes: WorldSizes | Mapping[str, Any] | None = None,
        *,
        catalog: Catalog | None = None,
        pins: tuple[CenterPin, ...] = (),
        first_day: date | None = None,
        recording: bool = False,
    ) -> None:
        self.seed = str(seed)
        self.sizes = WorldSizes().with_overrides(sizes)
        rng = self.rng = random.Random(f"mockzenoti:world:{self.seed}")
        self.factory = EntityFactory(rng)
        kind: CenterKind = rng.choice(CENTER_KINDS) if self.sizes.kind is None else self.sizes.kind
        day = PERIOD_START + timedelta(days=rng.randrange(PERIOD_DAYS))
        self.first_day: date = first_day or day
        midnight = at_local(self.first_day, 0, "UTC")
        self.org = build_organization(
            self.factory,
            kind,
            self.sizes.centers,
            self.sizes.staff,
            midnight,
            pins,
            countries=self.sizes.countries,
            country=self.sizes.country,
        )
        self.centers: list[Center] = self.org.centers
        if first_day is None:  # a seeded first day is one some center opens on
            for _ in range(7):
                if any(c.hours_on(self.first_day.weekday()) for c in self.centers):
                    break
                self.first_day += timedelta(days=1)
            midnight = at_local(self.first_day, 0, "UTC")
        # the clientele registered before the day ahead of the first (earlier than any start)
        self.pool = GuestPool(
            self.factory,
            self.centers,
            self.sizes.guests,
            existing=self.sizes.existing_guests(),
            since=midnight - DAY_TICKS,
        )
        self.feedback_version = rng.choice((1, 2))  # the organization's feedback form
        self.catalog = catalog if catalog is not None else load_catalog()
        self.stream = EventStream(random.Random(rng.getrandbits(64)), catalog=self.catalog)
        self._entries: dict[str, CatalogEntry] = {e.name: e for e in self.catalog}
        start = min(self._opening(c) for c in self.centers)
        self.agenda = Agenda(start)
        self.start = start
        self.pending: deque[tuple[Event, tuple[Record, ...] | None]] = deque()
        self.recording = recording
        self._greeted: list[Guest] = []  # clients from before the stream, named just now
        #: Told of every event at its emission (the REST sandbox's journal), or None.
        self.journal: EventJournal | None = None
        #: Changes made from outside the stories (REST writes): a story the world then
        #: refuses ends quietly instead of failing the simulation (``Simulation``).
        self.outside_writes = 0
        self._setup = describe(
            self.org,
            {
                "seed": self.seed,
                "sizes": {**self.sizes.as_dict(), "kind": kind},
                "first_day": self.first_day.isoformat(),
                "start": dotnet_utc(start),
                "guest_pool": self.sizes.guests,
                "clientele": {
                    "guests": self.pool.existing,
                    "by_center": {c.id: self.pool.clientele(c) for c in self.centers},
                    "registered_before": dotnet_utc(self.pool.since),
                },
                "feedback_version": self.feedback_version,
            },
        )

    def _opening(self, center: Center) -> int:
        """When ``center`` opens on the first day (its weekday hour when closed that day)."""
        hours = center.hours_on(self.first_day.weekday())
        return at_local(self.first_day, hours[0] if hours else center.opens_minute, center.tz)

    @property
    def now(self) -> int:
        """The world's current simulated instant (ticks)."""
        return self.agenda.now

    def setup(self) -> dict[str, Any]:
        """The fixed setup, as it was before the stream started (a fresh JSON-ready dict)."""
        import copy

        return copy.deepcopy(self._setup)

    def begin_at(self, ticks: int) -> None:
        """Start the clock at ``ticks`` instead (only before anything is scheduled)."""
        if self.pending or len(self.agenda):
            raise RuntimeError("the world has started; its start cannot move")
        self.agenda.now = self.start = ticks
        self._setup["start"] = dotnet_utc(ticks)

    def center(self, name_or_index: str | int) -> Center:
        """A center by position (0 is the first) or by name."""
        if isinstance(name_or_index, int):
            return self.centers[name_or_index]
        for c in self.centers:
            if c.name == name_or_index:
                return c
        raise KeyError(name_or_index)

    def emit(
        self,
        name: str,
        data: dict[str, Any],
        keys: tuple[str, ...],
        center_id: str,
        subjects: tuple[object, ...] = (),
    ) -> None:
        """Envelope ``data`` as event ``name`` at the current instant and queue it."""
        event = self.stream.event(
            self._entries[name], data, self.agenda.now, keys=keys, center_id=center_id
        )
        records = None
        if self.recording:
            if self._greeted:
                subjects = self._greet(keys, subjects)
            records = tuple(record(s) for s in subjects)
        self.pending.append((event, records))
        if self.journal is not None:
            self.journal.note(event, records, subjects)

    def greet(self, guest: Guest) -> None:
        """``guest`` (a client from before the stream) is about to be named for the first time.

        The truth learns of them with the first event keyed on them (``emit``).
        """
        if not self.recording:
            guest.greeted = True  # no truth to tell: nothing to remember
        elif guest not in self._greeted:
            self._greeted.append(guest)

    def _greet(self, keys: tuple[str, ...], subjects: tuple[object, ...]) -> tuple[object, ...]:
        """``subjects`` with the greeted guests this event is keyed on put first."""
        named = [g for g in self._greeted if g.key in keys]
        if not named:
            return subjects
        for g in named:
            g.greeted = True
            self._greeted.remove(g)
        return (*named, *(s for s in subjects if all(s is not g for g in named)))
