"""Identifiers in Zenoti's formats: envelope ObjectIds and lowercase GUIDs.

Every function here draws from a caller's ``random.Random`` so that the same
seed always yields the same ids; nothing reads the wall clock or the OS RNG.
"""

from __future__ import annotations

import random

__all__ = ["ObjectIdFactory", "guid", "objectid_second", "target_delivery_id"]

_COUNTER_MASK = 0xFFFFFF
# Extra delivery ids of one event (the second, third ... target) are minted in
# their own counter regions so that they never collide with the stream's ids.
_TARGET_REGION = 0x100000
_GUID_KEEP = ~(0xF << 76 | 0x3 << 62)
_GUID_SET = 0x4 << 76 | 0x2 << 62
# Three hex digits per entry: an id's counter is written from two lookups (hot path).
_HEX3 = [f"{i:03x}" for i in range(4096)]


def guid(rng: random.Random) -> str:
    """Return a random version-4 GUID, lowercase, as Zenoti writes entity ids."""
    # Set the version (4) and RFC 4122 variant bits, as uuid4 does, in one mask and one or.
    h = "%032x" % (rng.getrandbits(128) & _GUID_KEEP | _GUID_SET)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def objectid_second(oid: str) -> int:
    """The unix second encoded in the first four bytes of an ObjectId."""
    return int(oid[:8], 16)


class ObjectIdFactory:
    """Mints MongoDB ObjectIds the way one Zenoti sender process does.

    An ObjectId is 12 bytes written as 24 lowercase hex digits:
    4 bytes of unix seconds, 5 bytes fixed per process ("machine" part),
    3 bytes of a counter that increases by one per id minted.
    Real samples share one machine part across all events of a period,
    and an event's ``event_id`` sits 1 to 3 counter steps below its ``id``.
    """

    __slots__ = ("_counter", "_machine", "_prefix", "_rng", "_second")

    def __init__(self, rng: random.Random, machine: str | None = None) -> None:
        self._rng = rng
        self._machine = machine if machine is not None else f"{rng.getrandbits(40):010x}"
        if len(self._machine) != 10:
            raise ValueError("machine part must be 10 hex digits")
        self._counter = rng.getrandbits(24)
        # The seconds and machine part of the last pair: events come in bursts of one second.
        self._second = -1
        self._prefix = ""

    @property
    def machine(self) -> str:
        """The 10 hex digits shared by every id this factory mints."""
        return self._machine

    def mint(self, second: int) -> str:
        """Return the next ObjectId for the given unix second."""
        self._counter = (self._counter + 1) & _COUNTER_MASK
        return f"{second & 0xFFFFFFFF:08x}{self._machine}{self._counter:06x}"

    def pair(self, second: int) -> tuple[str, str]:
        """Return ``(event_id, id)`` for one event fired at ``second``.

        ``event_id`` comes first; ``id`` (the first delivery) follows 1 to 3
        counter steps later, the steps between being other traffic.
        """
        # mint() twice, inlined (one per event on the hot path): the same ids. Formatting
        # an int to hex costs more than the two table lookups that write each counter.
        if second != self._second:
            self._second = second
            self._prefix = "%08x" % (second & 0xFFFFFFFF) + self._machine
        prefix = self._prefix
        first = (self._counter + 1) & _COUNTER_MASK
        self._counter = last = (first + int(self._rng.random() * 3) + 1) & _COUNTER_MASK
        return (
            f"{prefix}{_HEX3[first >> 12]}{_HEX3[first & 0xFFF]}",
            f"{prefix}{_HEX3[last >> 12]}{_HEX3[last & 0xFFF]}",
        )


def target_delivery_id(first_id: str, target_index: int) -> str:
    """The envelope ``id`` for the ``target_index``-th target of an event.

    Target 0 keeps the id the stream minted. Each further target gets the same
    second and machine part with the counter moved into a region of its own
    (``counter + index * 0x100000``), so the ids of up to 16 targets of one
    event never collide with each other or, short of a million events in one
    second, with the stream's own ids.
    """
    if target_index < 0:
        raise ValueError("target_index must not be negative")
    if target_index == 0:
        return first_id
    counter = (int(first_id[18:], 16) + target_index * _TARGET_REGION) & _COUNTER_MASK
    return f"{first_id[:18]}{counter:06x}"
