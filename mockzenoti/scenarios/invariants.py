"""``check_stream``: the invariants every world stream keeps, checked from the outside.

It reads events as a consumer would (payloads, plus ``Event.keys`` when
given ``Event`` objects) and the world's fixed setup (``World.setup()``),
and reports each broken rule as a ``Violation``:

- ``introduced``: every id an event refers to was introduced by an earlier
  event or is in the setup (centers, rooms, services, products, staff, plans);
  a guest named without ``Guest.Created`` is one of the setup's clientele
  (guests from before the stream), of which there are ``clientele.guests``;
- ``clientele``: a guest record's ``created_date`` is before the setup's
  ``clientele.registered_before`` exactly when the stream never introduced
  the guest;
- ``after-end``: no event names a deleted guest or employee, a cancelled or
  deleted session, a booking after its terminal event, or a cancelled or
  no-show appointment group;
- ``one-terminal``: at most one terminal event (Cancelled, Deleted, NoShow,
  Rejected) per booking;
- ``noshow-timing``: a NoShow only once the session (or first appointment)
  has started;
- ``capacity``: seated bookings never exceed the session's capacity;
- ``session-end``: a cancelled or deleted session has ended its bookings;
- ``time-order``: ``event_timestamp`` never decreases;
- ``registration-order``: registration ids increase;
- ``local-utc``: local and UTC times of an appointment agree in the center's zone,
  and an invoice's ``invoice_date`` is the local day it closed;
- ``same-entity``: an appointment keeps its times and a guest its name across events;
- ``invoice-group``: ``Invoice.Closed`` points back to the group that opened it;
- ``payments``: ``total_amount_paid`` is the sum of the payments' ``amount_paid``,
  all of ``sum_total`` when ``is_closed``, part of it when not;
- ``closed-once``: an invoice closes once (after any number of part payments),
  before its group's status Closed;
- ``refund``: a refund (``is_refund``) is a new closed invoice with a negative
  total, naming a group whose invoice closed;
- ``keys``: an event's keys name every stream-introduced entity it refers to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mockzenoti.catalog import Catalog, load_catalog
from mockzenoti.event import Event

__all__ = ["Violation", "check_stream"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken invariant: the event's position in the stream, its type, the rule, what."""

    seq: int
    event_type: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type}: {self.rule}: {self.message}"


def check_stream(
    events: Iterable[Event | Mapping[str, Any]],
    setup: Mapping[str, Any],
    *,
    catalog: Catalog | None = None,
) -> list[Violation]:
    """Every invariant ``events`` (in emission order) break, given the world's ``setup``."""
    from mockzenoti.scenarios.invariants_state import StreamState

    catalog = catalog if catalog is not None else load_catalog()
    state = StreamState(setup)
    for seq, item in enumerate(events):
        if isinstance(item, Event):
            payload: Mapping[str, Any] = item.payload
            name, keys = item.name, item.keys
        else:
            payload = item
            entries = catalog.by_wire(str(payload.get("event_type")))
            name, keys = (entries[0].name if entries else str(payload.get("event_type"))), None
        state.check(seq, name, payload, keys)
    return state.violations
