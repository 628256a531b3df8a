"""In-memory state of the delivery engine: jobs (unsettled deliveries) and live targets.

``TargetBook`` holds the live targets of one outbox in this process: their
runtime state (active, consecutive failures) and HTTP senders, shared by every
engine delivering from that outbox (the server runs several). The outbox itself
keeps only rows; ``book_for(outbox)`` finds the book.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mockzenoti import jsonfast
from mockzenoti.delivery.decision import TargetState
from mockzenoti.delivery.outbox.records import TargetRecord
from mockzenoti.delivery.send import Sender
from mockzenoti.delivery.targets import Target

if TYPE_CHECKING:
    from mockzenoti.delivery.outbox import Outbox

__all__ = ["Job", "LiveTarget", "TargetBook", "body_for_target", "book_for"]


class Job:
    """One delivery in memory while it is unsettled: its body and where it stands.

    ``state`` mirrors the outbox's (``pending``, ``delivering``, ``retrying``,
    then a settled state); ``blocked`` means per-entity ordering holds it back.
    """

    __slots__ = (
        "attempts",
        "blocked",
        "body",
        "delivery_id",
        "event_id",
        "event_type",
        "keys",
        "last_error",
        "last_status",
        "next_at",
        "pk",
        "round_base",
        "run_id",
        "seq",
        "state",
        "target",
    )

    def __init__(
        self,
        pk: int,
        target: str,
        delivery_id: str,
        event_id: str,
        event_type: str,
        body: bytes,
        keys: tuple[str, ...],
        seq: int = 0,
        run_id: int | None = None,
        *,
        state: str = "pending",
        attempts: int = 0,
        round_base: int = 0,
        next_at: float | None = None,
    ) -> None:
        self.pk = pk
        self.target = target
        self.delivery_id = delivery_id
        self.event_id = event_id
        self.event_type = event_type
        self.body = body
        self.keys = keys
        self.seq = seq
        self.run_id = run_id
        self.state = state
        self.attempts = attempts
        self.round_base = round_base
        self.next_at = next_at
        self.last_status: int | None = None
        self.last_error: str | None = None
        self.blocked = False

    def __repr__(self) -> str:
        return f"<Job {self.pk} {self.delivery_id} -> {self.target} {self.state}>"

    def state_change(self, state: str) -> dict[str, Any]:
        """The ``delivery.state`` change record the hub sends when this job enters ``state``."""
        return {
            "type": "delivery.state",
            "delivery": self.pk,
            "delivery_id": self.delivery_id,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "target": self.target,
            "run_id": self.run_id,
            "state": state,
            "attempts": self.attempts,
            "next_at": self.next_at if state == "retrying" else None,
        }


class LiveTarget:
    """A target's runtime state, shared by every engine of the process using one outbox.

    ``failures`` counts dead deliveries in a row; ``listeners`` are told when
    the target is deactivated so that each engine holds its waiting deliveries.
    """

    __slots__ = (
        "active",
        "deactivated_at",
        "failures",
        "filtered",
        "listeners",
        "name",
        "sender",
        "target",
    )

    def __init__(self, record: TargetRecord) -> None:
        self.name = record.target.name
        self.target = record.target
        self.sender = Sender(record.target)
        self.filtered = _filtered(record.target)
        self.active = record.active
        self.failures = record.consecutive_failures
        self.deactivated_at = record.deactivated_at
        self.listeners: list[Callable[[str], None]] = []

    def configure(self, target: Target) -> None:
        """Use new settings (same name)."""
        self.target = target
        self.sender = Sender(target)
        self.filtered = _filtered(target)

    def row(self, now: float) -> tuple[int, int, float | None, float, str]:
        """The outbox update for this target's state."""
        return (int(self.active), self.failures, self.deactivated_at, now, self.name)

    def state(self) -> TargetState:
        """What the retry decision needs to know of this target now."""
        t = self.target
        return TargetState(self.active, self.failures, t.deactivate_after, t.retry_statuses)


class TargetBook:
    """The live targets of one outbox in this process (see the module docstring)."""

    __slots__ = ("__weakref__", "_live")

    def __init__(self) -> None:
        self._live: dict[str, LiveTarget] = {}

    def get(self, name: str) -> LiveTarget | None:
        """The live target ``name``, if an engine has used it."""
        return self._live.get(name)

    def attach(self, record: TargetRecord) -> LiveTarget:
        """The live target for a stored one: made, or given the stored settings.

        While no engine delivers to it, the stored state (active, failures) is
        current and is taken too.
        """
        live = self._live.get(record.target.name)
        if live is None:
            live = self._live[record.target.name] = LiveTarget(record)
            return live
        live.configure(record.target)
        if not live.listeners:
            live.active, live.failures = record.active, record.consecutive_failures
            live.deactivated_at = record.deactivated_at
        return live

    def configure(self, target: Target) -> None:
        """New settings for a target (same name) that engines may be using."""
        live = self._live.get(target.name)
        if live is not None:
            live.configure(target)

    def forget(self, name: str) -> None:
        """The stored target was deleted: a new one with this name starts afresh."""
        live = self._live.get(name)
        if live is not None:
            live.active, live.failures, live.deactivated_at = True, 0, None


_BOOKS: weakref.WeakKeyDictionary[Outbox, TargetBook] = weakref.WeakKeyDictionary()


def book_for(outbox: Outbox) -> TargetBook:
    """The ``TargetBook`` of ``outbox`` in this process (made on first use)."""
    book = _BOOKS.get(outbox)
    if book is None:
        book = _BOOKS[outbox] = TargetBook()
    return book


def _filtered(target: Target) -> bool:
    return target.event_types is not None or target.center_ids is not None


def body_for_target(body: bytes, first_id: str, delivery_id: str) -> bytes:
    """``body`` with its envelope ``id`` replaced by ``delivery_id`` (all else identical)."""
    if delivery_id == first_id:
        return body
    needle = b'"id":"' + first_id.encode("ascii") + b'"'
    if needle in body:
        return body.replace(needle, b'"id":"' + delivery_id.encode("ascii") + b'"', 1)
    payload = jsonfast.loads(body)  # pragma: no cover - only for bodies written with spaces
    payload["id"] = delivery_id  # pragma: no cover
    return jsonfast.dumps(payload)  # pragma: no cover
