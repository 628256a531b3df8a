"""The envelope around every event's ``data``, and the stream that numbers it.

One ``EventStream`` per stream of events: it owns the stream's
``ObjectIdFactory`` (one machine part, an increasing counter, ``event_id`` 1 to
3 steps below ``id``), writes ``event_timestamp`` with a .NET fraction, keeps
timestamps non-decreasing, and numbers events (``seq``). The wire
``event_type`` and ``event_resource`` come from the catalog entry, so
configured renames apply.
"""

from __future__ import annotations

import random
from typing import Any

from mockzenoti.catalog import Catalog, CatalogEntry, load_catalog
from mockzenoti.event import Event
from mockzenoti.ids import ObjectIdFactory
from mockzenoti.timefmt import TICKS_PER_SECOND, utc_second

__all__ = ["EventStream"]


class EventStream:
    """Wraps rendered ``data`` into enveloped ``Event`` objects for one stream.

    ``stamp`` gives a whole-second instant a random sub-second part (Zenoti's
    timestamps carry up to 7 fraction digits); an instant that already has a
    fraction is kept. Each stamp is at least one tick after the previous one,
    so a stream's timestamps never go backwards.
    """

    __slots__ = ("_catalog", "_head", "_ids", "_last", "_rng", "_second", "_seq")

    def __init__(
        self,
        rng: random.Random,
        *,
        catalog: Catalog | None = None,
        machine: str | None = None,
    ) -> None:
        self._rng = rng
        self._catalog = catalog if catalog is not None else load_catalog()
        self._ids = ObjectIdFactory(rng, machine)
        self._last = 0
        self._seq = 0
        # The last stamp's whole second and its UTC wall time (bursts share a second).
        self._second = -1
        self._head = ""

    @property
    def catalog(self) -> Catalog:
        """The catalog whose wire names this stream writes."""
        return self._catalog

    @property
    def machine(self) -> str:
        """The ObjectId machine part shared by every id of this stream."""
        return self._ids.machine

    def stamp(self, ticks: int) -> int:
        """The instant written as ``event_timestamp`` for an event fired at ``ticks``."""
        if ticks % TICKS_PER_SECOND == 0:
            ticks += 1 + int(self._rng.random() * (TICKS_PER_SECOND - 1))
        if ticks <= self._last:
            ticks = self._last + 1
        self._last = ticks
        return ticks

    def event(
        self,
        entry: CatalogEntry | str,
        data: dict[str, Any],
        ticks: int,
        *,
        keys: tuple[str, ...] = (),
        center_id: str | None = None,
    ) -> Event:
        """An ``Event`` of type ``entry`` (entry or name) carrying ``data``, fired at ``ticks``."""
        if isinstance(entry, str):
            entry = self._catalog.get(entry)
        # self.stamp(ticks), inlined: this runs once per event.
        if not ticks % TICKS_PER_SECOND:
            ticks += 1 + int(self._rng.random() * (TICKS_PER_SECOND - 1))
        stamped = self._last = ticks if ticks > self._last else self._last + 1
        second, frac = divmod(stamped, TICKS_PER_SECOND)
        if second != self._second:
            self._second = second
            self._head = utc_second(second)
        # dotnet_utc(stamped), from the second's head: a fraction's trailing zeros dropped.
        # str() of the fraction past a leading 1 is its seven digits, cheaper than "07d".
        timestamp = (
            f"{self._head}.{str(frac + TICKS_PER_SECOND)[1:].rstrip('0')}Z"
            if frac
            else self._head + "Z"
        )
        event_id, delivery_id = self._ids.pair(second)
        payload = {
            "id": delivery_id,
            "event_id": event_id,
            "event_schema": "v1",
            "event_resource": entry.event_resource,
            "event_type": entry.event_type,
            "event_timestamp": timestamp,
            "data": data,
        }
        seq = self._seq
        self._seq = seq + 1
        return Event(entry.name, payload, keys, seq, center_id)
