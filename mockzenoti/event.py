"""``Event``: one rendered webhook event, the unit that flows from the generator
and the world to the outbox, the delivery engine, the sink and the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockzenoti import jsonfast

__all__ = ["Event"]


@dataclass(slots=True)
class Event:
    """A webhook event as Zenoti would send it to its first target.

    ``payload`` is the full envelope (``id``, ``event_id``, ``event_schema``,
    ``event_resource``, ``event_type``, ``event_timestamp``, ``data``).
    ``name`` is the catalog's stable name (equal to ``event_type`` unless an
    inferred name was renamed). ``keys`` name the entities the event is about,
    most specific first (``"class-booking:119986"``, ``"class-session:89607"``):
    per-entity ordering holds an event back until earlier events sharing any
    key are settled. ``seq`` is the event's position in its stream.
    ``center_id`` is the center the event belongs to (None for events that
    carry none): targets subscribed to one center filter on it, as Zenoti
    subscriptions are scoped to a center or the whole organization.
    """

    name: str
    payload: dict[str, Any]
    keys: tuple[str, ...] = ()
    seq: int = 0
    center_id: str | None = None
    _body: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def event_id(self) -> str:
        """The envelope's ``event_id``: the same for every delivery of the event."""
        value: str = self.payload["event_id"]
        return value

    @property
    def id(self) -> str:
        """The envelope's ``id``: identifies one delivery (the first target's)."""
        value: str = self.payload["id"]
        return value

    @property
    def event_type(self) -> str:
        """The wire ``event_type`` string."""
        value: str = self.payload["event_type"]
        return value

    @property
    def timestamp(self) -> str:
        """The envelope's ``event_timestamp``."""
        value: str = self.payload["event_timestamp"]
        return value

    def body(self) -> bytes:
        """The compact JSON bytes sent on the wire (computed once, then cached)."""
        if self._body is None:
            self._body = jsonfast.dumps(self.payload)
        return self._body
