"""The expected final state of a stream: what a correct consumer's database holds after it.

``Truth`` collects the records (``world.records``) of the events handed out
and writes the document described in ``docs/truth.md``: the scenario, seed,
event counts, last ``event_timestamp`` and, per section (``bookings``,
``sessions``, ``appointment_groups``, ``invoices``, ``memberships``,
``packages``, ``guests``, ``employees``), a map from id to the entity's
final state. Sections and entries keep the order the stream introduced them,
so the same seed writes the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mockzenoti.event import Event
from mockzenoti.world.records import SECTIONS, Record

__all__ = ["TRUTH_FORMAT", "Truth", "truth_bytes", "write_truth"]

TRUTH_FORMAT = 1


class Truth:
    """The state a correct consumer is in after the events applied so far."""

    __slots__ = ("event_types", "events", "last_timestamp", "sections")

    def __init__(self) -> None:
        self.sections: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in SECTIONS}
        self.event_types: dict[str, int] = {}
        self.events = 0
        self.last_timestamp: str | None = None

    def apply(self, event: Event, records: tuple[Record, ...] | None) -> None:
        """Take in ``event`` and the records of the entities it changed."""
        self.events += 1
        self.event_types[event.name] = self.event_types.get(event.name, 0) + 1
        self.last_timestamp = event.timestamp
        if records:
            sections = self.sections
            for section, key, fields in records:
                sections[section][key] = fields

    def document(self, scenario: str, seed: str, *, finished: bool) -> dict[str, Any]:
        """The truth document (JSON-ready, fresh containers, records shared read-only)."""
        return {
            "format": TRUTH_FORMAT,
            "scenario": scenario,
            "seed": seed,
            "events": self.events,
            "finished": finished,
            "last_event_timestamp": self.last_timestamp,
            "counts": {name: len(entries) for name, entries in self.sections.items()},
            "event_types": dict(sorted(self.event_types.items())),
            **{name: dict(entries) for name, entries in self.sections.items()},
        }


def truth_bytes(document: dict[str, Any]) -> bytes:
    """The truth document as written to ``--expect FILE``: indented JSON, UTF-8, final newline."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_truth(path: str | Path, document: dict[str, Any]) -> None:
    """Write ``document`` to ``path`` (see ``truth_bytes``)."""
    Path(path).write_bytes(truth_bytes(document))
