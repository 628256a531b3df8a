"""In-memory state of the delivery engine: jobs (unsettled deliveries) and live targets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockzenoti import jsonfast
from mockzenoti.delivery.outbox.records import TargetRecord
from mockzenoti.delivery.send import Sender
from mockzenoti.delivery.targets import Target

__all__ = ["Job", "LiveTarget", "body_for_target"]


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
