"""Pacing a stream: release each event when its simulated time comes.

With a speed factor ``s`` (``realtime`` is 1), an event stamped ``t`` is
accepted at wall time ``start + (t - t0) / s``, where ``t0`` is the stamp of
the first event this process takes from the stream (after skipping those a
killed run already accepted) and ``start`` the moment it was taken. ``asap``
(no pacing) takes events as fast as delivery allows. Waits go through the
engine's ``Clock``, so tests pace in virtual time.
"""

from __future__ import annotations

from collections.abc import Iterator

from mockzenoti.delivery.clock import Clock
from mockzenoti.errors import ConfigError
from mockzenoti.event import Event
from mockzenoti.timefmt import TICKS_PER_SECOND, parse_dotnet_utc

__all__ = ["Pacer", "parse_pace"]


def parse_pace(value: str | float | int | None, field: str = "pace") -> float | None:
    """Read a pace: ``asap`` (None), ``realtime`` (1.0) or a speed factor (``60``, ``60x``).

    Returns None for ``asap``. Raises ``ConfigError`` naming ``field`` otherwise.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ConfigError("pace must be asap, realtime or a speed factor", field=field)
    if isinstance(value, int | float):
        speed = float(value)
    else:
        text = value.strip().lower()
        if text == "asap":
            return None
        if text == "realtime":
            return 1.0
        try:
            speed = float(text.removesuffix("x"))
        except ValueError:
            raise ConfigError(
                f"pace {value!r} is not asap, realtime or a speed factor such as 60",
                field=field,
            ) from None
    if not speed > 0 or speed == float("inf"):
        raise ConfigError("a pace's speed factor must be a positive number", field=field)
    return speed


class Pacer:
    """Takes events from a stream no sooner than their paced wall time."""

    __slots__ = ("_clock", "_first", "_held", "_speed", "_start")

    def __init__(self, clock: Clock, speed: float) -> None:
        if not speed > 0:
            raise ConfigError("a pace's speed factor must be a positive number", field="pace")
        self._clock = clock
        self._speed = speed
        self._first: int | None = None
        self._start = 0.0
        self._held: Event | None = None

    def due(self, event: Event) -> float:
        """The wall time (clock seconds) at which ``event`` may be accepted."""
        ticks = parse_dotnet_utc(event.timestamp)
        if self._first is None:
            self._first, self._start = ticks, self._clock.now()
        return self._start + (ticks - self._first) / TICKS_PER_SECOND / self._speed

    async def take(self, stream: Iterator[Event], room: int) -> list[Event]:
        """Up to ``room`` events that are due; waits only when none is due yet.

        An event that is not due ends the batch (those ready go first); it is
        kept and returned by a later call.
        """
        chunk: list[Event] = []
        while len(chunk) < room:
            event = self._held if self._held is not None else next(stream, None)
            self._held = None
            if event is None:
                break
            wait = self.due(event) - self._clock.now()
            if wait > 0:
                if chunk:
                    self._held = event
                    break
                await self._clock.sleep(wait)
            chunk.append(event)
        return chunk
