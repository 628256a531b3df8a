"""Documented samples as real traffic carries them.

The docs show some samples with the full envelope and some as the bare
``data`` object; real traffic always carries the envelope (observed by a
consumer), so bare samples are wrapped in one here. Three samples are cut short
in every public copy; the parts we completed are listed in ``COMPLETIONS`` and
shown by the catalog. A few samples carry placeholders or typos that no real
sender could emit (``"<guid>"``, a GUID with a ``t`` in it); ``REPAIRS`` lists
each replacement and why. The fixture files themselves stay verbatim.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockzenoti.catalog import CatalogEntry

__all__ = ["COMPLETIONS", "REPAIRS", "Completion", "Repair", "documented_event"]


@dataclass(frozen=True, slots=True)
class Repair:
    """Replace the value at ``path`` (dotted, list indexes as numbers) in a sample."""

    path: str
    value: Any
    why: str


@dataclass(frozen=True, slots=True)
class Completion:
    """A part of a truncated sample that mockzenoti completed in the docs' style."""

    path: str
    what: str
    apply: Callable[[dict[str, Any]], None]

    def describe(self) -> str:
        """One line for the catalog listing."""
        return f"{self.path}: {self.what}"


# Envelope used to wrap data-only samples: the machine part seen in Zenoti's
# 2022 samples, a fixed second, and a counter per entry.
_WRAP_SECOND = 0x6239C000  # 2022-03-22T12:26:40Z
_WRAP_MACHINE = "a961750e01"

REPAIRS: dict[str, tuple[Repair, ...]] = {}
COMPLETIONS: dict[str, tuple[Completion, ...]] = {}


def _set(doc: Any, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    last = parts[-1]
    if isinstance(doc, list):
        doc[int(last)] = value
    else:
        doc[last] = value


def documented_event(entry: CatalogEntry) -> dict[str, Any] | None:
    """The entry's documented sample, enveloped, completed and repaired; None if undocumented."""
    raw = entry.raw_sample
    if raw is None:
        return None
    event: dict[str, Any] = copy.deepcopy(raw)
    if entry.sample_kind == "data-only":
        index = _wrap_order().index(entry.name)
        counter = 0xDDA100 + 4 * index
        event = {
            "id": f"{_WRAP_SECOND:08x}{_WRAP_MACHINE}{counter + 1:06x}",
            "event_id": f"{_WRAP_SECOND:08x}{_WRAP_MACHINE}{counter:06x}",
            "event_schema": "v1",
            "event_resource": entry.event_resource,
            "event_type": entry.event_type,
            "event_timestamp": "2022-03-22T12:26:40.5120417Z",
            "data": event,
        }
    else:
        event["event_type"] = entry.event_type
    for completion in COMPLETIONS.get(entry.name, ()):
        completion.apply(event)
    for repair in REPAIRS.get(entry.name, ()):
        _set(event, repair.path, copy.deepcopy(repair.value))
    return event


def _wrap_order() -> list[str]:
    from mockzenoti.catalog import _ROWS

    return [r.name for r in _ROWS]
