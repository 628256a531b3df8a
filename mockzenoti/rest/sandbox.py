"""``Sandbox``: one run's Zenoti REST API: its world, what ``/v1`` shows of it, its writes.

A sandbox is made for a world before the world emits anything
(``Sandbox.for_simulation(sim)``): it hangs a ``Journal`` on the world, so
that every event's snapshots are noted as it is emitted, and whoever
delivers the events calls ``publish(events)`` once the engine has accepted
them. Reads (``reads.py``) answer from the view, never from the world's
future.

Writes act on the world through its own operations (``ops_appointments``,
``ops_classes``), so its lifecycle rules apply: a refusal becomes a
``RestError`` (409: the request clashes with the world's state; Zenoti's
shape). The events a write causes are taken out of the world's
queue (the stream does not hand them out) and returned, to be delivered at
once to the run's targets by the caller, which then publishes them. After a
write, a story whose entity the write changed ends quietly when the world
refuses its next step.

Time: while the run's stream goes on, a write happens at the world's
present (the simulation's clock). Once the stream has ended
(``stream_ended``), the world's clock goes on with the sandbox's ``clock``
(wall seconds, injectable), one simulated second per second, from where the
stream stopped: a booking made for 10:00 can be marked a no-show once the
clock has passed 10:00.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mockzenoti.event import Event
from mockzenoti.model import (
    AppointmentGroup,
    Center,
    ClassBooking,
    Employee,
    Service,
)
from mockzenoti.render._common import local
from mockzenoti.rest.bookings import Booking, slot_text, slot_times
from mockzenoti.rest.errors import RestError
from mockzenoti.rest.journal import Journal
from mockzenoti.rest.reads import read_date
from mockzenoti.rest.view import DEFAULT_KEEP, RestView
from mockzenoti.scenarios.truth import Truth
from mockzenoti.timefmt import TICKS_PER_SECOND
from mockzenoti.world import TransitionError, World

if TYPE_CHECKING:
    from mockzenoti.scenarios import Simulation

__all__ = ["MAX_BOOKINGS", "Sandbox", "SandboxStream"]

#: Bookings in progress kept per sandbox (the oldest are forgotten first).
MAX_BOOKINGS = 10_000
_FUTURE = 1113  # Zenoti's error code: the invoice has a future appointment


class Sandbox:
    """A run's ``/v1``: ``world``, ``view`` (what is published), ``journal``, writes.

    ``sim`` is the run's simulation when there is one (its truth takes the
    writes' records; ``expected()`` reads it). ``clock`` gives wall seconds.
    """

    def __init__(
        self,
        world: World,
        *,
        sim: Simulation | None = None,
        truth: Truth | None = None,
        defer_truth: bool = False,
        clock: Callable[[], float] = time.time,
        keep: int = DEFAULT_KEEP,
    ) -> None:
        if world.journal is not None:
            raise RuntimeError("this world already has a REST journal")
        self.world = world
        self.sim = sim
        self.clock = clock
        self.view = RestView(world, keep=keep)
        self.journal = Journal(self.view, truth, defer_truth=defer_truth)
        world.journal = self.journal
        self.bookings: dict[str, Booking] = {}
        self.writes = 0
        self._ended: tuple[float, int] | None = None
        self._ahead = 0.0  # seconds ``advance`` added to the clock

    @classmethod
    def for_simulation(
        cls,
        sim: Simulation,
        *,
        defer_truth: bool = True,
        clock: Callable[[], float] = time.time,
        keep: int = DEFAULT_KEEP,
    ) -> Sandbox:
        """A sandbox for a run's simulation (before it has handed out an event).

        With ``defer_truth`` (the default) the run's truth follows the
        accepted events, like the view.
        """
        if sim.emitted:
            raise RuntimeError("make the sandbox before the simulation hands out events")
        truth = sim.truth
        if defer_truth:
            sim.defer_truth = True
        return cls(sim.world, sim=sim, truth=truth, defer_truth=defer_truth, clock=clock, keep=keep)

    # -- the stream ----------------------------------------------------------------------------

    def publish(self, events: Sequence[Event]) -> int:
        """The engine accepted ``events``: ``/v1`` shows them now. Returns how many were ours."""
        return self.journal.publish(events)

    def stream_ended(self) -> None:
        """The run's stream is over: from now on the world's clock follows ``clock``."""
        if self._ended is None:
            self._ended = (self.clock() + self._ahead, self.world.agenda.now)

    def advance(self, seconds: float) -> int:
        """Move the world's clock ``seconds`` ahead (once the stream has ended, or for a world
        no simulation drives); returns the world's present (ticks)."""
        if seconds < 0:
            raise ValueError("the world's clock does not go back")
        if self._ended is None and self.sim is not None:
            raise RuntimeError("the run's stream goes on: its simulation drives the clock")
        if self._ended is None:
            self.world.agenda.now += int(seconds * TICKS_PER_SECOND)
            return self.world.agenda.now
        self._ahead += seconds
        return self.now()

    def now(self) -> int:
        """The world's present (ticks): the simulation's, or the clock's after the end."""
        world = self.world
        if self._ended is not None:
            wall, ticks = self._ended
            passed = max(0, int((self.clock() + self._ahead - wall) * TICKS_PER_SECOND))
            world.agenda.now = max(world.agenda.now, ticks + passed)
        return world.agenda.now

    # -- the booking flow ----------------------------------------------------------------------

    def create_booking(
        self,
        center_id: str,
        day_text: str,
        guest_id: str,
        items: Sequence[tuple[str, str | None]],
    ) -> Booking:
        """``POST /v1/bookings``: check the center, guest, services and therapists; keep it."""
        view = self.view
        center = view.center(center_id)
        if center is None:
            raise RestError.not_found("center", center_id, "center_id")
        day = read_date(day_text, "date")
        guest_entry = view.guest(guest_id)
        if guest_entry is None or guest_entry.frozen.deleted:
            raise RestError.not_found("guest", guest_id, "guests[0].id")
        services = {s.id.lower(): s for s in center.services}
        chosen: list[tuple[Service, Employee | None]] = []
        for i, (service_id, therapist_id) in enumerate(items):
            service = services.get(service_id.lower())
            if service is None:
                raise RestError.not_found(
                    "service at this center", service_id, f"guests[0].items[{i}].item.id"
                )
            therapist = None
            if therapist_id is not None:
                therapist = self._therapist(center, therapist_id, i)
            chosen.append((service, therapist))
        if len(self.bookings) >= MAX_BOOKINGS:
            del self.bookings[next(iter(self.bookings))]
        booking = Booking(str(uuid.uuid4()), center, guest_entry.live, day, chosen)
        self.bookings[booking.id] = booking
        return booking

    def _therapist(self, center: Center, therapist_id: str, i: int) -> Employee:
        """A provider of ``center`` that ``/v1`` knows (the world's own employee)."""
        wanted = therapist_id.lower()
        providers = {e.id.lower(): e for e in center.providers()}
        known = {e.id.lower() for e in self.view.staff(center)}
        if wanted not in providers or wanted not in known:
            raise RestError.not_found(
                "therapist who performs services at this center",
                therapist_id,
                f"guests[0].items[{i}].therapist.id",
            )
        return providers[wanted]

    def booking(self, booking_id: str) -> Booking:
        """A booking in progress by id (any case)."""
        found = self.bookings.get(booking_id.lower())
        if found is None:
            raise RestError.not_found("booking", booking_id, "booking_id")
        return found

    def slots(self, booking_id: str) -> list[str]:
        """``GET /v1/bookings/{id}/slots``: the slot times still open (local, no offset)."""
        booking = self.booking(booking_id)
        return [slot_text(booking, t) for t in slot_times(booking, self.now())]

    def reserve(self, booking_id: str, slot_time: str) -> Booking:
        """``POST /v1/bookings/{id}/slots/reserve``: hold the slot at ``slot_time``."""
        booking = self.booking(booking_id)
        if booking.group_id is not None:
            raise RestError.conflict(f"booking {booking.id} is already confirmed", "booking_id")
        wanted = slot_time.strip()[:19]
        if len(wanted) == 16:
            wanted += ":00"
        for ticks in slot_times(booking, self.now()):
            if slot_text(booking, ticks) == wanted:
                booking.slot = ticks
                booking.reserved_as = slot_time
                return booking
        raise RestError.conflict(
            f"slot_time {slot_time!r} is not an open slot of booking {booking.id} "
            f"(GET /v1/bookings/{booking.id}/slots lists them)",
            "slot_time",
        )

    def confirm(self, booking_id: str, notes: str = "") -> tuple[AppointmentGroup, list[Event]]:
        """``POST /v1/bookings/{id}/slots/confirm``: the appointment group and its invoice
        (``AppointmentGroup.Created``, after ``Guest.Created`` for a guest never named)."""
        booking = self.booking(booking_id)
        if booking.group_id is not None:
            raise RestError.conflict(f"booking {booking.id} is already confirmed", "booking_id")
        start = booking.slot
        if start is None:
            raise RestError.conflict(
                f"booking {booking.id} has no reserved slot: reserve one first "
                f"(POST /v1/bookings/{booking.id}/slots/reserve)",
                "booking_id",
            )
        made: list[AppointmentGroup] = []

        def book() -> None:
            group = self.world.book_appointment(
                booking.center,
                booking.guest,
                start,
                services=[service for service, _ in booking.items],
                therapists=[therapist for _, therapist in booking.items],
                utm=("", ""),  # booked through the API, not through a link
            )
            made.append(group)

        events = self._act(book, "booking_id")
        booking.group_id = made[0].id
        booking.notes = notes
        return made[0], events

    # -- appointment groups and invoices -------------------------------------------------------

    def group(self, group_id: str) -> AppointmentGroup:
        """The world's appointment group ``group_id``, as far as ``/v1`` knows it."""
        entry = self.view.group(group_id)
        if entry is None:
            raise RestError.not_found("appointment group", group_id, "appointment_group_id")
        group: AppointmentGroup = entry.live
        return group

    def _group_of(self, invoice_id: str) -> AppointmentGroup:
        entry = self.view.invoice(invoice_id)
        if entry is None:
            raise RestError.not_found("invoice", invoice_id, "invoice_id")
        group = entry.frozen.group
        if group is None:
            raise RestError.conflict(f"invoice {invoice_id} is not an appointment's", "invoice_id")
        return self.group(group.id)

    def no_show(self, group_id: str) -> list[Event]:
        """``PUT /v1/appointments/{group_id}/no_show``: status NoShow (-2)."""
        group = self.group(group_id)
        return self._act(lambda: self.world.no_show_group(group), "appointment_group_id")

    def cancel_invoice(self, invoice_id: str) -> tuple[AppointmentGroup, list[Event]]:
        """``PUT /v1/invoices/{invoice_id}/cancel``: the booking is cancelled (-1)."""
        group = self._group_of(invoice_id)
        return group, self._act(lambda: self.world.cancel_group(group), "invoice_id")

    def close_invoice(self, invoice_id: str) -> tuple[AppointmentGroup, list[Event]]:
        """``POST /v1/invoices/{invoice_id}/close``: paid and closed (``Invoice.Closed``).

        A group the front desk finished (checked in, every service completed)
        closes as the stories close it; any other open group is checked out
        once none of its appointments is in the future (else Zenoti's 1113).
        """
        group = self._group_of(invoice_id)
        world = self.world
        if group.invoice.is_closed:
            raise RestError.conflict(f"invoice {invoice_id} is closed already", "invoice_id")

        def close() -> None:
            if group.status == 2 and all(a.progress == 2 for a in group.appointments):
                world.close_group(group)
            else:
                world.checkout_group(group)

        future = [a for a in group.appointments if a.start_ticks > self.now()]
        if future and group.status in (0, 2, 4):
            raise RestError(
                409,
                f"The invoice has a future appointment (it starts at "
                f"{local(future[0].start_ticks, group.center.tz)} center time).",
                "invoice_id",
                error_code=_FUTURE,
            )
        return group, self._act(close, "invoice_id")

    # -- classes -------------------------------------------------------------------------------

    def register_class(self, session_id: int, guest_id: str) -> tuple[ClassBooking, list[Event]]:
        """Zenoti's admin class registration: ``Class.Booking.Created`` (on the waitlist
        when the session is full), after ``Guest.Created`` for a guest never named."""
        entry = self.view.session(session_id)
        if entry is None:
            raise RestError.not_found("class session", str(session_id), "SessionId")
        guest = self.view.guest(guest_id)
        if guest is None or guest.frozen.deleted:
            raise RestError.not_found("guest", guest_id, "GuestId")
        made: list[ClassBooking] = []
        events = self._act(
            lambda: made.append(self.world.book_class(entry.live, guest.live)), "SessionId"
        )
        return made[0], events

    # -- acting on the world -------------------------------------------------------------------

    def _act(self, action: Callable[[], object], field: str) -> list[Event]:
        """Run ``action`` on the world at its present; the events it caused, taken out of
        the world's queue (marked for their truth), in order."""
        world = self.world
        self.now()
        mark = len(world.pending)
        try:
            action()
        except TransitionError as exc:
            raise RestError(409, exc.message, field) from None
        count = len(world.pending) - mark
        taken = [world.pending.pop()[0] for _ in range(count)]
        taken.reverse()
        world.outside_writes += 1
        self.writes += 1
        self.journal.outside(taken)
        return taken

    def expected(self) -> dict[str, Any] | None:
        """The run's expected final state with the writes (None without truth).

        Without a simulation, the world's own ``expected()`` (a test's ``zenoti_world``).
        """
        sim = self.sim
        if sim is not None:
            return sim.expected() if sim.tracking else None
        own = getattr(self.world, "expected", None)
        found: dict[str, Any] | None = own() if callable(own) else None
        return found


class SandboxStream(Iterator[Event]):
    """A simulation's events for an engine (``Engine.run(..., accepted=sandbox.publish)``).

    ``skip(n)`` hands out the events an earlier process accepted and
    publishes them (the engine calls it when it resumes a run); the end of
    the stream starts the world's clock (``Sandbox.stream_ended``).
    """

    def __init__(self, sim: Iterator[Event], sandbox: Sandbox) -> None:
        self.sim = sim
        self.sandbox = sandbox

    def __iter__(self) -> SandboxStream:
        return self

    def __next__(self) -> Event:
        event = next(self.sim, None)
        if event is None:
            self.sandbox.stream_ended()
            raise StopIteration
        return event

    def skip(self, count: int) -> int:
        """Hand out and publish the next ``count`` events; how many there were."""
        done = 0
        for _ in range(count):
            event = next(self.sim, None)
            if event is None:
                break
            self.sandbox.publish([event])
            done += 1
        return done
