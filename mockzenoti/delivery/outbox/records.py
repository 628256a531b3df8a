"""What the outbox's queries return: small frozen records with ``to_dict()``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Generic, TypeVar

from mockzenoti.delivery.targets import Target

__all__ = [
    "AttemptRecord",
    "DeliveryDetail",
    "DeliveryRecord",
    "EventRecord",
    "Page",
    "RunRecord",
    "TargetRecord",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """One delivery: an event sent to one target, and where it stands.

    ``pk`` is the outbox's number for it (what redelivery takes);
    ``delivery_id`` is the envelope ``id`` the target receives;
    ``latency_ms`` is its last attempt's (None before the first).
    """

    pk: int
    delivery_id: str
    event_id: str
    event_type: str
    name: str
    seq: int
    run_id: int | None
    target: str
    target_index: int
    state: str
    attempts: int
    next_at: float | None
    last_status: int | None
    last_error: str | None
    possible_duplicates: int
    created_at: float
    updated_at: float
    latency_ms: float | None = None

    COLUMNS = (
        "d.id, d.delivery_id, d.event_id, d.event_type, e.name, e.seq, d.run_id, d.target, "
        "d.target_index, d.state, d.attempts, d.next_at, d.last_status, d.last_error, "
        "d.possible_duplicates, d.created_at, d.updated_at, "
        "(SELECT a.latency_ms FROM attempts a WHERE a.delivery = d.id AND a.n = d.attempts)"
    )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One accepted event: its number, run, place in the stream, ids, type, keys, when.

    ``envelope_id`` is the envelope ``id`` of its first delivery (each further
    target's differs); ``payload`` is the envelope, when asked for.
    """

    pk: int
    run_id: int | None
    seq: int
    event_id: str | None
    envelope_id: str
    event_type: str | None
    name: str
    center_id: str | None
    keys: list[str]
    accepted_at: float
    payload: Any = None

    COLUMNS = (
        "e.id, e.run_id, e.seq, json_extract(CAST(e.body AS TEXT), '$.event_id'), "
        "e.envelope_id, json_extract(CAST(e.body AS TEXT), '$.event_type'), e.name, "
        "e.center_id, e.keys, e.accepted_at"
    )

    @classmethod
    def from_row(cls, row: tuple[Any, ...], body: bytes | None = None) -> EventRecord:
        """Build from a row of ``COLUMNS`` (and the body, for ``payload``)."""
        pk, run_id, seq, event_id, envelope_id, event_type, name, center, keys, at = row
        payload = None if body is None else json.loads(body)
        return cls(
            pk,
            run_id,
            seq,
            event_id,
            envelope_id,
            event_type,
            name,
            center,
            json.loads(keys),
            at,
            payload,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One request sent: when, the outcome, status or error, latency, answer, chaos.

    ``wait``: seconds waited before the next attempt (None when none followed);
    ``wait_from``: what set it: ``policy`` or ``retry-after`` (the receiver's header).
    """

    n: int
    at: float
    outcome: str
    status: int | None
    error: str | None
    latency_ms: float | None
    response: str | None
    chaos: dict[str, Any] | None
    wait: float | None = None
    wait_from: str | None = None

    COLUMNS = "n, at, outcome, status, error, latency_ms, response, chaos, wait, wait_from"

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> AttemptRecord:
        """Build from a row of ``COLUMNS``."""
        n, at, outcome, status, error, latency_ms, response, chaos, wait, wait_from = row
        extra = None if chaos is None else json.loads(chaos)
        return cls(n, at, outcome, status, error, latency_ms, response, extra, wait, wait_from)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class DeliveryDetail:
    """A delivery with its attempt log, its body and the event's keys."""

    delivery: DeliveryRecord
    attempts: list[AttemptRecord]
    body: bytes
    keys: tuple[str, ...]
    center_id: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (the body as text)."""
        return {
            **self.delivery.to_dict(),
            "attempt_log": [a.to_dict() for a in self.attempts],
            "body": self.body.decode("utf-8", "replace"),
            "keys": list(self.keys),
            "center_id": self.center_id,
        }


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a listing and the total number of matches."""

    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class TargetRecord:
    """A stored target: its settings and whether it is active."""

    target: Target
    active: bool
    consecutive_failures: int
    deactivated_at: float | None
    created_at: float
    updated_at: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (settings flattened in)."""
        return {
            **self.target.to_dict(),
            "active": self.active,
            "consecutive_failures": self.consecutive_failures,
            "deactivated_at": self.deactivated_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True, slots=True)
class RunRecord:
    """A run: its spec, state, progress through the stream, counts and result."""

    id: int
    spec_key: str
    spec: Any
    state: str
    accepted: int
    possible_duplicates: int
    targets: list[str]
    counts: dict[str, int] | None
    result: Any
    created_at: float
    updated_at: float
    finished_at: float | None

    COLUMNS = (
        "id, spec_key, spec, state, accepted, possible_duplicates, targets, counts, result, "
        "created_at, updated_at, finished_at"
    )

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> RunRecord:
        """Build from a row of ``COLUMNS``."""
        rid, key, spec, state, acc, dups, targets, counts, result, c, u, f = row
        return cls(
            id=rid,
            spec_key=key,
            spec=json.loads(spec),
            state=state,
            accepted=acc,
            possible_duplicates=dups,
            targets=json.loads(targets),
            counts=None if counts is None else json.loads(counts),
            result=None if result is None else json.loads(result),
            created_at=c,
            updated_at=u,
            finished_at=f,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)
