"""The catalog: every Zenoti webhook event type mockzenoti knows.

Each entry records what Zenoti's documentation says of the event: its wire
``event_type`` string, the docs' section, the envelope's ``event_resource``,
its JSON Schema and documented sample, and whether the name is *documented*
(published by Zenoti) or *inferred* (picked by us in Zenoti's naming pattern
because the docs show only the ``data`` object). Inferred names can be renamed
in configuration, without code changes; documented names are fixed.

The catalog is plain synchronous Python: no asyncio, no aiohttp.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

from mockzenoti.catalog.fixtures import fixtures_dir
from mockzenoti.errors import ConfigError, UnknownEventType, closest

__all__ = ["Catalog", "CatalogEntry", "NameSource", "SampleKind", "load_catalog"]

NameSource = Literal["documented", "inferred"]
SampleKind = Literal["envelope", "data-only", "none"]


@dataclass(frozen=True, slots=True)
class _Row:
    name: str
    section: str
    event_resource: str | None
    name_source: NameSource
    sample: str | None  # file under fixtures/payloads, None when the docs show none
    entity: str  # the kind of entity the event is about (ordering, truth)
    resource_source: NameSource = "documented"
    shape_of: str | None = None  # schema shared with another entry
    note: str = ""


_DATA = "data-only/"

# The docs' own grouping, in the docs' order. Sample files are verbatim copies
# of ../shared/zenoti-docs/payloads (syntax repaired only).
_ROWS: tuple[_Row, ...] = (
    _Row("Invoice.Closed", "Invoice", "Invoice", "documented", "Invoice.Closed.json", "invoice"),
    _Row("Guest.Created", "Guest", "Guest", "documented", "Guest.Created.json", "guest"),
    _Row("Guest.Updated", "Guest", "Guest", "documented", "Guest.Updated.json", "guest"),
    _Row("Guest.Deleted", "Guest", "Guest", "documented", "Guest.Deleted.json", "guest"),
    _Row(
        "Guest.OptedIn",
        "Guest",
        None,
        "documented",
        None,
        "guest",
        resource_source="inferred",
        shape_of="Guest.OptedOut",
        note="name from the docs' prose; shape taken from Guest.OptedOut (inferred)",
    ),
    _Row(
        "Guest.OptedOut",
        "Guest",
        None,
        "documented",
        _DATA + "guest-communication-opted-out.data.json",
        "guest",
        resource_source="inferred",
        note="name from the docs' prose; the docs show only data",
    ),
    _Row(
        "Class.Schedule.Created",
        "Class schedule",
        "Class",
        "documented",
        "Class.Schedule.Created.json",
        "class-session",
    ),
    _Row(
        "Class.Schedule.Updated",
        "Class schedule",
        "Class",
        "documented",
        "Class.Schedule.Updated.json",
        "class-session",
    ),
    _Row(
        "Class.Schedule.Cancelled",
        "Class schedule",
        "Class",
        "documented",
        "Class.Schedule.Cancelled.json",
        "class-session",
    ),
    _Row(
        "Class.Schedule.Deleted",
        "Class schedule",
        "Class",
        "documented",
        "Class.Schedule.Deleted.json",
        "class-session",
    ),
    _Row(
        "Class.Booking.Created",
        "Class booking",
        "Class",
        "documented",
        "Class.Booking.Created.json",
        "class-booking",
    ),
    _Row(
        "Class.Booking.Cancelled",
        "Class booking",
        "Class",
        "documented",
        "Class.Booking.Cancelled.json",
        "class-booking",
    ),
    _Row(
        "Class.Booking.Deleted",
        "Class booking",
        "Class",
        "documented",
        "Class.Booking.Deleted.json",
        "class-booking",
    ),
    _Row(
        "Class.Booking.NoShow",
        "Class booking",
        "Class",
        "documented",
        "Class.Booking.NoShow.json",
        "class-booking",
    ),
    _Row(
        "Class.Booking.Approved",
        "Class booking",
        "Class",
        "inferred",
        _DATA + "booking-approved.data.json",
        "class-booking",
        resource_source="inferred",
    ),
    _Row(
        "Class.Booking.Rejected",
        "Class booking",
        "Class",
        "inferred",
        _DATA + "booking-rejected.data.json",
        "class-booking",
        resource_source="inferred",
    ),
    _Row(
        "Guest.Membership.Created",
        "Guest membership",
        None,
        "documented",
        "Guest.Membership.Created.json",
        "membership",
    ),
    _Row(
        "Guest.Membership.Freeze",
        "Guest membership",
        None,
        "inferred",
        _DATA + "guest-membership-freeze.data.json",
        "membership",
        resource_source="inferred",
    ),
    _Row(
        "Guest.Membership.Unfreeze",
        "Guest membership",
        None,
        "inferred",
        _DATA + "guest-membership-unfreeze.data.json",
        "membership",
        resource_source="inferred",
    ),
    _Row(
        "Guest.Membership.Cancelled",
        "Guest membership",
        None,
        "inferred",
        _DATA + "guest-membership-cancelled.data.json",
        "membership",
        resource_source="inferred",
    ),
    _Row(
        "Guest.Membership.Reinstate",
        "Guest membership",
        None,
        "inferred",
        _DATA + "guest-membership-reinstate.data.json",
        "membership",
        resource_source="inferred",
    ),
    _Row(
        "Guestpass.redeemed",
        "Guest membership",
        None,
        "documented",
        _DATA + "guestpass-redemption.data.json",
        "membership",
        resource_source="inferred",
        note="name (sic, lowercase action) from the docs' prose; the docs show only data",
    ),
    _Row(
        "Appointment.Started",
        "Appointment",
        "Appointment",
        "inferred",
        _DATA + "appointment-started.data.json",
        "appointment-group",
        resource_source="inferred",
    ),
    _Row(
        "Appointment.Completed",
        "Appointment",
        "Appointment",
        "inferred",
        _DATA + "appointment-completed.data.json",
        "appointment-group",
        resource_source="inferred",
    ),
    _Row(
        "Appointment.Feedback.V1",
        "Appointment",
        "Appointment",
        "inferred",
        _DATA + "feedback-started-feedback-v1.data.json",
        "appointment-group",
        resource_source="inferred",
        note="'Feedback Started (Feedback V1)'; Zenoti likely sends one name for both versions",
    ),
    _Row(
        "Appointment.Feedback.V2",
        "Appointment",
        "Appointment",
        "inferred",
        _DATA + "feedback-started-feedback-v2.data.json",
        "appointment-group",
        resource_source="inferred",
        note="'Feedback Started (Feedback V2)'; Zenoti likely sends one name for both versions",
    ),
    _Row(
        "AppointmentGroup.Created",
        "Appointment group",
        None,
        "documented",
        "AppointmentGroup.Created.json",
        "appointment-group",
    ),
    _Row(
        "AppointmentGroup.Status",
        "Appointment group",
        "AppointmentGroup",
        "documented",
        "AppointmentGroup.Status.json",
        "appointment-group",
    ),
    _Row(
        "Employee.Created",
        "Employee",
        "Employee",
        "documented",
        "Employee.Created.json",
        "employee",
    ),
    _Row(
        "Employee.Updated",
        "Employee",
        "Employee",
        "documented",
        "Employee.Updated.json",
        "employee",
    ),
    _Row(
        "Employee.Deleted",
        "Employee",
        "Employee",
        "documented",
        "Employee.Deleted.json",
        "employee",
    ),
    _Row(
        "Guest.Package.Creation",
        "Guest package",
        None,
        "inferred",
        _DATA + "guest-package-creation.data.json",
        "package",
        resource_source="inferred",
    ),
    _Row(
        "Guest.Package.Redemption",
        "Guest package",
        None,
        "inferred",
        _DATA + "guest-package-redemption.data.json",
        "package",
        resource_source="inferred",
    ),
    _Row(
        "Guest.Package.RedemptionReversal",
        "Guest package",
        None,
        "inferred",
        _DATA + "guest-package-redemption-reversal.data.json",
        "package",
        resource_source="inferred",
    ),
    _Row(
        "Guest.Package.StatusUpdate",
        "Guest package",
        None,
        "inferred",
        _DATA + "guest-package-status-update.data.json",
        "package",
        resource_source="inferred",
    ),
    _Row(
        "Guest.Package.ValidityUpdate",
        "Guest package",
        None,
        "inferred",
        _DATA + "guest-package-validity-update.data.json",
        "package",
        resource_source="inferred",
    ),
)


def _load_json(relative: str) -> Any:
    with (fixtures_dir() / relative).open(encoding="utf-8") as fh:
        return json.load(fh)


@dataclass(frozen=True)
class CatalogEntry:
    """One event type: what it is called, where the docs put it, its schema and sample.

    ``name`` is the stable key users type (``Class.Booking.Approved``);
    ``event_type`` is the string written on the wire, equal to ``name`` unless
    configuration renamed an inferred type.
    """

    name: str
    event_type: str
    section: str
    event_resource: str | None
    name_source: NameSource
    resource_source: NameSource
    sample_kind: SampleKind
    sample_file: str | None
    entity: str
    shape_of: str | None = None
    note: str = ""
    completed: tuple[str, ...] = field(default=())
    repaired: tuple[str, ...] = field(default=())
    attested: tuple[str, ...] = field(default=())  # forms consumers of live traffic attest

    @property
    def inferred(self) -> bool:
        """True when Zenoti does not publish this event type string."""
        return self.name_source == "inferred"

    @property
    def schema_file(self) -> str:
        """The schema's path under the fixtures directory."""
        return f"schemas/{self.name}.schema.json"

    @cached_property
    def schema(self) -> dict[str, Any]:
        """The event's JSON Schema (draft 2020-12), envelope included.

        The file states the default ``event_type`` and ``event_resource``; the
        returned schema's consts are this entry's (renamed) values instead.
        """
        loaded: dict[str, Any] = _load_json(self.schema_file)
        envelope = loaded["properties"]
        envelope["event_type"] = {**envelope["event_type"], "const": self.event_type}
        envelope["event_resource"] = {**envelope["event_resource"], "const": self.event_resource}
        return loaded

    @cached_property
    def raw_sample(self) -> Any:
        """The documented sample exactly as the docs show it, or None."""
        return None if self.sample_file is None else _load_json("payloads/" + self.sample_file)

    @cached_property
    def sample(self) -> dict[str, Any] | None:
        """The documented sample as real traffic carries it: enveloped, completed, repaired."""
        from mockzenoti.catalog.samples import documented_event

        return documented_event(self)


class Catalog:
    """All event types, looked up by name or by wire ``event_type``."""

    def __init__(self, entries: list[CatalogEntry]) -> None:
        self._entries = entries
        self._by_name = {e.name: e for e in entries}
        self._by_wire: dict[str, list[CatalogEntry]] = {}
        for e in entries:
            self._by_wire.setdefault(e.event_type, []).append(e)

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name or name in self._by_wire

    @property
    def names(self) -> list[str]:
        """Every entry's stable name, in the docs' order."""
        return [e.name for e in self._entries]

    def get(self, name: str, *, field: str = "event_type") -> CatalogEntry:
        """The entry named ``name`` (stable name or wire event_type).

        Raises ``UnknownEventType`` with the closest names when there is none.
        """
        entry = self._by_name.get(name)
        if entry is not None:
            return entry
        wire = self._by_wire.get(name)
        if wire:
            return wire[0]
        pool = set(self._by_name) | set(self._by_wire)
        raise UnknownEventType(name, closest(name, sorted(pool)), field=field)

    def by_wire(self, event_type: str) -> list[CatalogEntry]:
        """Every entry sent with this wire ``event_type`` (renames may share one)."""
        return list(self._by_wire.get(event_type, ()))


def load_catalog(
    renames: Mapping[str, str] | None = None,
    resources: Mapping[str, str | None] | None = None,
) -> Catalog:
    """Build the catalog, applying configured renames of inferred names and resources.

    ``renames`` maps a stable name to the wire ``event_type`` to send;
    ``resources`` maps a stable name to the ``event_resource`` to send.
    Only inferred values can be changed: documented ones are Zenoti's contract.
    """
    from mockzenoti.catalog.attested import ATTESTED
    from mockzenoti.catalog.samples import COMPLETIONS, REPAIRS

    renames = dict(renames or {})
    resources = dict(resources or {})
    known = {r.name for r in _ROWS}
    for key in list(renames) + list(resources):
        if key not in known:
            raise UnknownEventType(key, closest(key, sorted(known)), field=f"catalog.{key}")
    entries: list[CatalogEntry] = []
    for row in _ROWS:
        entry = CatalogEntry(
            name=row.name,
            event_type=row.name,
            section=row.section,
            event_resource=row.event_resource,
            name_source=row.name_source,
            resource_source=row.resource_source,
            sample_kind=(
                "none"
                if row.sample is None
                else "data-only"
                if row.sample.startswith(_DATA)
                else "envelope"
            ),
            sample_file=row.sample,
            entity=row.entity,
            shape_of=row.shape_of,
            note=row.note,
            completed=tuple(c.describe() for c in COMPLETIONS.get(row.name, ())),
            repaired=tuple(r.describe() for r in REPAIRS.get(row.name, ())),
            attested=tuple(a.describe() for a in ATTESTED.get(row.name, ())),
        )
        if row.name in renames:
            if row.name_source == "documented":
                raise ConfigError(
                    f"{row.name} is documented by Zenoti; only inferred names can be renamed",
                    field=f"event_types.{row.name}",
                )
            new = renames[row.name]
            if not isinstance(new, str) or not new.strip():
                raise ConfigError(
                    f"the new name for {row.name} must be a non-empty string",
                    field=f"event_types.{row.name}",
                )
            entry = replace(entry, event_type=new)
        if row.name in resources:
            if row.resource_source == "documented":
                raise ConfigError(
                    f"the event_resource of {row.name} is documented by Zenoti",
                    field=f"event_resources.{row.name}",
                )
            entry = replace(entry, event_resource=resources[row.name])
        entries.append(entry)
    return Catalog(entries)
