"""``ZenotiWorld``: a seeded world for telling your own story in a test (``zenoti_world``).

It is a ``mockzenoti.world.World`` (every operation: ``schedule_session``,
``book_class``, ``no_show_booking``, ``book_appointment``,
``reschedule_group``, ``close_group``, ``sell_membership`` ... see
docs/world.md) with truth recording on and a few helpers for a test:

    center = zenoti_world.center(0)                # the first center (or by name)
    session = zenoti_world.schedule_session(center, zenoti_world.later("2h"))
    booking = zenoti_world.book_class(session, zenoti_world.guest())
    zenoti_world.advance("2h05m")                  # the class has started
    zenoti_world.no_show_booking(booking)
    run = await zenoti_emitter.send(zenoti_world)  # the events so far, in order
    run.expected["bookings"][str(booking.registration_id)]["state"] == "noshow"

Operations check the lifecycle rules (``TransitionError`` names what is
not allowed) and queue their events; ``take()`` hands them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from mockzenoti.event import Event
from mockzenoti.model import Center, Guest
from mockzenoti.rest import Sandbox
from mockzenoti.scenarios.durations import to_ticks
from mockzenoti.scenarios.truth import Truth
from mockzenoti.world import World

__all__ = ["ZenotiWorld"]

Duration = timedelta | str | int | float


class ZenotiWorld(World):
    """A ``World`` that records the truth of the events it hands out (see the module docstring)."""

    def __init__(self, seed: int | str = 0, sizes: Mapping[str, Any] | None = None) -> None:
        super().__init__(seed, sizes, recording=True)
        self._truth = Truth()
        self.handed_out: list[Event] = []
        #: What ``zenoti_api`` answers for this world once it is sent (and its writes).
        self.sandbox = Sandbox(self, truth=self._truth)

    def guest(self, center: Center | None = None) -> Guest:
        """A guest of ``center`` (default: the first) the stream has not named yet.

        The first operation that names the guest sends ``Guest.Created`` first.
        """
        center = center or self.centers[0]
        return self.pool.fresh(center) or self.pool.extra(center)

    def later(self, by: Duration) -> int:
        """The instant (ticks) ``by`` after now (``"2h"``, ``"90m"``, a timedelta, seconds)."""
        return self.now + to_ticks(by, field="by")

    def advance(self, by: Duration) -> int:
        """Move the world's clock forward by ``by``; returns the new instant."""
        if self.agenda.busy:
            raise RuntimeError("this world runs a scenario; its clock is the agenda's")
        self.agenda.now = self.later(by)
        return self.now

    def take(self) -> list[Event]:
        """The events queued since the last ``take``, in order (their truth is now applied)."""
        out: list[Event] = []
        pending = self.pending
        while pending:
            event, records = pending.popleft()
            self._truth.apply(event, records)
            out.append(event)
        self.handed_out.extend(out)
        return out

    def expected(self) -> dict[str, Any]:
        """The state a correct consumer is in after every event taken so far (docs/truth.md)."""
        return self._truth.document("zenoti_world", self.seed, finished=not self.pending)
