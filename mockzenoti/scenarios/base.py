"""``Scenario`` and ``Simulation``: a story to tell, and one telling of it under a seed.

A scenario builds a ``World`` and puts its processes on the world's agenda;
the simulation runs the agenda and hands out the events in emission order.
It stops after ``events`` events, at ``duration`` of simulated time from the
start, or at the scenario's natural end (a finite built-in's days, a YAML
file's last step), whichever comes first. Giving ``events`` or ``duration``
lifts a built-in's natural end: day-in-the-life goes on to the next days.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from mockzenoti.catalog import Catalog
from mockzenoti.errors import MockZenotiError
from mockzenoti.event import Event
from mockzenoti.scenarios.durations import to_ticks
from mockzenoti.scenarios.truth import Truth
from mockzenoti.world import TransitionError, World, WorldSizes

__all__ = ["IDLE_LIMIT", "Scenario", "Simulation"]

# A run that emits nothing for this long (a simulated year) has nothing more to say.
IDLE_LIMIT = 366 * 86_400 * 10_000_000

Sizes = WorldSizes | Mapping[str, Any] | None


class Scenario(abc.ABC):
    """A named story: ``name``, one-line ``description``, ``endless`` (soak) or finite."""

    name: str
    description: str
    endless: bool = False

    @abc.abstractmethod
    def build(
        self, seed: int | str, sizes: Sizes, catalog: Catalog | None, recording: bool
    ) -> tuple[World, int | None]:
        """A world with this scenario's processes on its agenda, and its natural end (ticks)."""

    def world(self, seed: int | str = 0, *, sizes: Sizes = None) -> World:
        """The world this scenario runs in for ``seed`` and ``sizes`` (nothing has happened)."""
        return self.build(seed, sizes, None, False)[0]

    def simulate(
        self,
        seed: int | str = 0,
        *,
        events: int | None = None,
        duration: timedelta | str | None = None,
        sizes: Sizes = None,
        catalog: Catalog | None = None,
        track_truth: bool | None = None,
    ) -> Simulation:
        """Run the scenario under ``seed``: an iterator of ``Event`` in emission order.

        ``events`` stops after that many events, ``duration`` (a timedelta or
        ``"8h"``) after that much simulated time. ``track_truth`` (default: on
        for finite scenarios, off for endless ones) keeps what ``expected()``
        reports. The same arguments always give the same events, byte for byte.
        """
        if events is not None and (
            isinstance(events, bool) or not isinstance(events, int) or events < 0
        ):
            raise MockZenotiError(
                f"events must be a whole number >= 0 (got {events!r})", field="events"
            )
        length = None if duration is None else to_ticks(duration, field="duration")
        track = (not self.endless) if track_truth is None else track_truth
        world, natural_end = self.build(seed, sizes, catalog, track)
        if length is not None:
            until: int | None = world.start + length
        elif events is not None:
            until = None
        else:
            until = natural_end
        return Simulation(self, world, events=events, until=until, track_truth=track)


class Simulation(Iterator[Event]):
    """One run of a scenario: iterate it for the events; ``expected()`` for the truth so far.

    The truth is applied as each event is handed out, unless ``defer_truth``
    is set: then whoever delivers the events applies it (the REST sandbox's
    journal does, as the engine accepts them, so that the truth and the
    ``/v1`` answers describe the same events). Once the world has taken
    writes from outside its stories (``world.outside_writes``), a story whose
    next step the world refuses (its group was cancelled through ``/v1``)
    ends quietly instead of failing the simulation.
    """

    def __init__(
        self,
        scenario: Scenario,
        world: World,
        *,
        events: int | None,
        until: int | None,
        track_truth: bool,
    ) -> None:
        self.scenario = scenario
        self.world = world
        self.limit = events
        self.until = until
        self.emitted = 0
        self.finished = False
        self._quiet_since = world.start
        self._truth = Truth() if track_truth else None
        self.defer_truth = False

    def __iter__(self) -> Simulation:
        return self

    def __next__(self) -> Event:
        if self.limit is not None and self.emitted >= self.limit:
            raise StopIteration
        world = self.world
        pending = world.pending
        agenda = world.agenda
        until = self.until
        while not pending:
            at = agenda.next_time()
            if (
                at is None
                or not agenda.busy
                or (until is not None and at >= until)
                or at - self._quiet_since > IDLE_LIMIT
            ):
                self.finished = True
                raise StopIteration
            try:
                agenda.run_next()
            except TransitionError:
                if not world.outside_writes:
                    raise
                # A write through /v1 changed this story's entity: the story is over.
            if pending:
                self._quiet_since = at
        event, records = pending.popleft()
        self.emitted += 1
        if self._truth is not None and not self.defer_truth:
            self._truth.apply(event, records)
        return event

    def skip(self, count: int) -> int:
        """Hand out and drop the next ``count`` events (a resumed run); returns how many."""
        done = 0
        for _ in range(count):
            if next(self, None) is None:
                break
            done += 1
        return done

    @property
    def truth(self) -> Truth | None:
        """The truth being kept (None when truth tracking is off)."""
        return self._truth

    @property
    def tracking(self) -> bool:
        """True when this run keeps the truth (``expected()``)."""
        return self._truth is not None

    def expected(self) -> dict[str, Any]:
        """The expected final state after the events handed out so far (``docs/truth.md``)."""
        if self._truth is None:
            raise MockZenotiError(
                "truth tracking is off for this run: simulate(..., track_truth=True)",
                field="track_truth",
            )
        return self._truth.document(self.scenario.name, self.world.seed, finished=self.finished)
