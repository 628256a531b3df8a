"""``RestView``: what ``/v1`` knows of a run's world, as of the events accepted so far.

The fixed setup (centers, their services, rooms and staff) is read from the
world, as it was before the stream began. Everything else comes from
snapshots (``freeze.py``) applied as events are accepted for delivery
(``journal.py``): appointment groups, invoices, guests and the employees the
stream changed. Each entry keeps the sequence number of the event whose
snapshot it holds; an older snapshot never replaces a newer one (a write's
events may be accepted before stream events that were emitted earlier).

The view is bounded: past ``keep`` entries in a table, the entry changed
longest ago is forgotten (a soak run does not grow without end). Lookups
ignore the case of GUIDs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mockzenoti.model import AppointmentGroup, Center, Employee, Guest, Invoice
from mockzenoti.rest.freeze import Snapshot
from mockzenoti.world import World

__all__ = ["DEFAULT_KEEP", "Entry", "RestView"]

#: Entries kept per table (groups, invoices, guests) before the oldest are forgotten.
DEFAULT_KEEP = 20_000


@dataclass(slots=True)
class Entry:
    """One entity in the view: the snapshot shown (``frozen``) and the world's entity (``live``)."""

    seq: int
    frozen: Any
    live: Any


class RestView:
    """The state ``/v1`` answers from (see the module docstring)."""

    def __init__(self, world: World, *, keep: int = DEFAULT_KEEP) -> None:
        self.world = world
        self.keep = keep
        self.centers: dict[str, Center] = {c.id.lower(): c for c in world.centers}
        #: The staff of each center before the stream (hires come as snapshots).
        self.setup_staff: dict[str, list[Employee]] = {
            c.id.lower(): list(c.employees) for c in world.centers
        }
        self.groups: dict[str, Entry] = {}
        self.invoices: dict[str, Entry] = {}
        self.guests: dict[str, Entry] = {}
        self.employees: dict[str, Entry] = {}
        self.sessions: dict[str, Entry] = {}
        self.bookings: dict[str, Entry] = {}
        self._appointments: dict[str, str] = {}  # appointment id -> group id
        self._tables = {
            "group": self.groups,
            "invoice": self.invoices,
            "guest": self.guests,
            "employee": self.employees,
            "session": self.sessions,
            "booking": self.bookings,
        }
        self.applied = 0

    # -- changes -------------------------------------------------------------------------------

    def apply(self, seq: int, snapshots: tuple[Snapshot, ...]) -> None:
        """Take in the snapshots of the event numbered ``seq`` (older ones are ignored)."""
        self.applied += 1
        for kind, key, frozen, live in snapshots:
            table = self._tables[kind]
            current = table.get(key)
            if current is not None:
                if current.seq > seq:
                    continue
                del table[key]  # re-inserted last: the table is ordered by last change
            table[key] = Entry(seq, frozen, live)
            if kind == "group":
                for a in frozen.appointments:
                    self._appointments[a.id.lower()] = key
            if len(table) > self.keep:
                self._forget(kind, table)

    def _forget(self, kind: str, table: dict[str, Entry]) -> None:
        oldest = next(iter(table))
        entry = table.pop(oldest)
        if kind == "group":
            for a in entry.frozen.appointments:
                self._appointments.pop(a.id.lower(), None)

    # -- reading -------------------------------------------------------------------------------

    def center(self, center_id: str) -> Center | None:
        """A center by id (any case)."""
        return self.centers.get(center_id.lower())

    def group(self, group_id: str) -> Entry | None:
        """An appointment group by id (any case)."""
        return self.groups.get(group_id.lower())

    def group_of_appointment(self, appointment_id: str) -> Entry | None:
        """The group holding the appointment ``appointment_id`` (any case)."""
        key = self._appointments.get(appointment_id.lower())
        return self.groups.get(key) if key is not None else None

    def invoice(self, invoice_id: str) -> Entry | None:
        """An invoice by id (any case)."""
        return self.invoices.get(invoice_id.lower())

    def invoice_of(self, group: AppointmentGroup) -> Invoice:
        """The invoice of ``group`` as the view shows it (its snapshot, else the group's)."""
        entry = self.invoices.get(group.invoice.id.lower())
        invoice: Invoice = entry.frozen if entry is not None else group.invoice
        return invoice

    def guest(self, guest_id: str) -> Entry | None:
        """A guest by id (any case); deleted guests are still found (``deleted``)."""
        return self.guests.get(guest_id.lower())

    def guest_now(self, guest: Guest) -> Guest:
        """``guest`` as the view shows it now (its latest snapshot)."""
        entry = self.guests.get(guest.id.lower())
        found: Guest = entry.frozen if entry is not None else guest
        return found

    def session(self, session_id: int) -> Entry | None:
        """A class session by its number (``sesion_id`` in the schedule webhooks)."""
        return self.sessions.get(str(session_id))

    def staff(self, center: Center) -> list[Employee]:
        """The center's employees as the view knows them: setup staff and stream changes."""
        out: dict[str, Employee] = {e.id.lower(): e for e in self.setup_staff[center.id.lower()]}
        for key, entry in self.employees.items():
            if entry.frozen.center is center:
                out[key] = entry.frozen
        return [e for e in out.values() if e.active]

    def groups_of(self, center: Center | None = None) -> Iterator[AppointmentGroup]:
        """Frozen groups (of ``center``), oldest change first."""
        for entry in list(self.groups.values()):
            g: AppointmentGroup = entry.frozen
            if center is None or g.center is center:
                yield g

    def guests_of(self, center: Center | None = None) -> Iterator[Guest]:
        """Frozen guests (of ``center``) not deleted, in the order the stream named them."""
        for entry in list(self.guests.values()):
            g: Guest = entry.frozen
            if not g.deleted and (center is None or g.center is center):
                yield g

    def counts(self) -> dict[str, int]:
        """How many entries each table holds (for ``/runs`` and tests)."""
        return {name: len(table) for name, table in self._tables.items()}
