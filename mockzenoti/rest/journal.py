"""``Journal``: the world's changes, published to the REST view as the engine accepts events.

The simulation runs ahead of delivery: a paced run's pacer holds the next
event until its time, the engine reads a batch ahead, and a story step may
emit several events at once. ``/v1`` must not answer from that future, so
the world tells the journal of every event as it is emitted (``note``:
snapshots of what the event changed, and its truth records), and whoever
delivers the events calls ``publish`` once the engine has accepted them
(committed to the outbox, before any is sent). The REST view, and with
``defer_truth`` the run's truth, then describe exactly the accepted events.

Each noted event gets a sequence number in emission order; the view and the
truth never let an older snapshot or record replace a newer one, so events
accepted out of emission order (a ``/v1`` write's events go straight to the
engine, ahead of stream events already emitted but not yet accepted) leave
each entity as its latest accepted event describes it.

Events noted but never published (a run stopped while its pacer held one)
stay in the journal: a handful at most.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mockzenoti.event import Event
from mockzenoti.rest.freeze import freeze
from mockzenoti.rest.view import RestView
from mockzenoti.scenarios.truth import Truth
from mockzenoti.world.records import Record

__all__ = ["Journal"]


class Journal:
    """Notes what the world emits; publishes it to ``view`` (and ``truth``) when accepted.

    ``truth`` is the run's truth: with ``defer_truth`` every published event
    applies its records (the simulation applies none itself); otherwise only
    the events marked ``outside`` do (writes through ``/v1``, which the
    simulation never hands out).
    """

    def __init__(
        self, view: RestView, truth: Truth | None = None, *, defer_truth: bool = False
    ) -> None:
        self.view = view
        self.truth = truth
        self.defer_truth = defer_truth
        self.seq = 0
        self._entries: dict[str, tuple[int, tuple[Record, ...] | None, Any]] = {}
        self._outside: set[str] = set()
        self._record_seq: dict[tuple[str, str], int] = {}
        self._newest = 0  # the highest sequence number whose truth was applied

    def __len__(self) -> int:
        return len(self._entries)

    def note(
        self, event: Event, records: tuple[Record, ...] | None, subjects: tuple[object, ...]
    ) -> None:
        """The world emitted ``event`` (called by ``WorldState.emit``)."""
        self.seq += 1
        self._entries[event.payload["event_id"]] = (self.seq, records, freeze(subjects, event.name))

    def outside(self, events: Iterable[Event]) -> None:
        """Mark ``events`` as written through ``/v1``: their truth is applied when published."""
        self._outside.update(e.event_id for e in events)

    def publish(self, events: Iterable[Event]) -> int:
        """The engine accepted ``events``: show what they changed. Returns how many were ours."""
        entries, view, truth = self._entries, self.view, self.truth
        done = 0
        for event in events:
            entry = entries.pop(event.payload["event_id"], None)
            if entry is None:
                continue  # not this world's event, or published already
            done += 1
            seq, records, snapshots = entry
            if snapshots:
                view.apply(seq, snapshots)
            outside = event.event_id in self._outside
            if outside:
                self._outside.discard(event.event_id)
            if truth is not None and (self.defer_truth or outside):
                self._apply_truth(truth, event, seq, records)
        return done

    def _apply_truth(
        self, truth: Truth, event: Event, seq: int, records: tuple[Record, ...] | None
    ) -> None:
        """``truth.apply``, keeping for each entry the record of its newest event, and as
        ``last_event_timestamp`` the newest event's (events are stamped in emission order)."""
        last = truth.last_timestamp
        newest = self._record_seq
        kept: list[Record] = []
        for section, key, fields in records or ():
            mark = (section, key)
            if newest.get(mark, 0) < seq:
                newest[mark] = seq
                kept.append((section, key, fields))
        truth.apply(event, tuple(kept))
        if seq < self._newest:
            truth.last_timestamp = last  # an earlier event accepted later: keep the latest
        else:
            self._newest = seq
