"""``Agenda``: the simulated clock, a heap of processes waiting for their next instant.

A *process* is a generator: it does some work (world operations that emit
events) and yields the instant (ticks) at which it wants to run again; when
it returns it is done. ``run_next`` pops the earliest process, sets ``now``
to its instant and resumes it. Ties run in the order they were scheduled,
so a seed always replays the same order. Time never goes back: a process
asking for an instant in the past runs at ``now``.

Processes marked ``daemon`` (housekeeping) do not keep a simulation alive:
``busy`` is False once only daemons are left. A process that raises is
over: it is not rescheduled, and the error goes to the caller of ``run_next``.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator

__all__ = ["Agenda", "Process"]

Process = Generator[int, None, None]


class Agenda:
    """Scheduled processes ordered by instant, then by the order they were scheduled."""

    __slots__ = ("_heap", "_main", "_seq", "now")

    def __init__(self, now: int) -> None:
        self.now = now
        self._heap: list[tuple[int, int, Process, bool]] = []
        self._seq = 0
        self._main = 0

    def __len__(self) -> int:
        return len(self._heap)

    @property
    def busy(self) -> bool:
        """True while a process that is not a daemon is scheduled."""
        return self._main > 0

    def spawn(self, at: int, process: Process, *, daemon: bool = False) -> None:
        """Start ``process`` at instant ``at`` (or now, if ``at`` is past)."""
        self._seq += 1
        if not daemon:
            self._main += 1
        heapq.heappush(self._heap, (max(at, self.now), self._seq, process, daemon))

    def next_time(self) -> int | None:
        """The instant of the earliest scheduled process, or None when there is none."""
        return self._heap[0][0] if self._heap else None

    def run_next(self) -> None:
        """Resume the earliest process at its instant; reschedule it if it yields again."""
        at, _, process, daemon = heapq.heappop(self._heap)
        self.now = at
        try:
            wake = next(process)
        except StopIteration:
            if not daemon:
                self._main -= 1
            return
        except BaseException:
            if not daemon:
                self._main -= 1
            raise
        self._seq += 1
        heapq.heappush(self._heap, (wake if wake > at else at, self._seq, process, daemon))
