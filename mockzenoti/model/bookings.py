"""Booking entities: class sessions and bookings, appointment groups and their appointments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from mockzenoti.model.core import Center, ClassOffering, Employee, Guest, Room, Service

if TYPE_CHECKING:
    from mockzenoti.model.sales import Invoice

__all__ = [
    "Appointment",
    "AppointmentGroup",
    "BookingState",
    "ClassBooking",
    "ClassSession",
    "SessionState",
]

BookingState = Literal["booked", "cancelled", "deleted", "no-show", "approved", "rejected"]
SessionState = Literal["scheduled", "cancelled", "deleted"]


@dataclass(slots=True, eq=False)
class ClassSession:
    """One scheduled occurrence of a class."""

    session_id: int
    offering: ClassOffering
    center: Center = field(repr=False)
    start_ticks: int
    minutes: int
    capacity: int
    web_capacity: int
    room: Room | None
    instructor: Employee | None
    state: SessionState = "scheduled"
    description: str | None = None  # null until the session is first edited, then ""
    edited: bool = False
    booked: int = 0
    occupied: int = 0  # seats taken by live bookings (waitlisted ones take none)
    bookings: list[ClassBooking] = field(default_factory=list, repr=False)

    @property
    def end_ticks(self) -> int:
        """The instant the session ends."""
        return self.start_ticks + self.minutes * 60 * 10_000_000

    @property
    def key(self) -> str:
        """Entity key for per-entity ordering."""
        return f"class-session:{self.session_id}"


@dataclass(slots=True, eq=False, weakref_slot=True)
class ClassBooking:
    """A guest's registration for a class session."""

    registration_id: int
    session: ClassSession
    guest: Guest
    created_ticks: int
    group_invoice_id: str
    recurrence_id: int  # a one-off booking is a series of one (inferred)
    recurrence_registration_ids: list[int]
    state: BookingState = "booked"
    waitlist: bool = False
    booking_source: int = 0
    # guests booked together with this one, each a registration of its own (Approved and
    # Rejected list them as ``training_virtual_guests``)
    companions: tuple[ClassBooking, ...] = ()

    @property
    def key(self) -> str:
        """Entity key for per-entity ordering."""
        return f"class-booking:{self.registration_id}"


@dataclass(slots=True, eq=False)
class Appointment:
    """One service of an appointment group, with its therapist, room and times."""

    id: str
    invoice_item_id: str
    service: Service
    therapist: Employee
    room: Room | None
    start_ticks: int
    end_ticks: int
    created_ticks: int
    updated_ticks: int
    is_add_on: bool = False
    has_add_ons: bool = False
    therapist_request_type: int = 0  # 0, 3, 4 seen; meaning undocumented
    appointment_type: int = 2
    progress: int = 0  # 0 open, 1 started, 2 completed
    equipment_name: str = ""

    @property
    def minutes(self) -> int:
        """Length of the appointment in minutes."""
        return (self.end_ticks - self.start_ticks) // 600_000_000


@dataclass(slots=True, eq=False, weakref_slot=True)
class AppointmentGroup:
    """A booking of one or more services for one guest, with the invoice it opened."""

    id: str
    center: Center = field(repr=False)
    guest: Guest
    invoice: Invoice
    appointments: list[Appointment]
    created_ticks: int
    utm_source: str
    utm_medium: str
    status: int = 0  # appointment status: NoShow -2, Cancelled -1, New 0, Closed 1, Checkin 2 ...
    noshow_fee_required: bool = False
    cancellation_fee_required: bool = False
    rescheduled_from: str | None = None  # the group this one replaced
    rescheduled_to: str | None = None  # the group that replaced this one
    feedback_version: int | None = None  # the version of the feedback given, if any
    feedback_due: bool = False  # feedback is still to come (keeps the guest's record open)
    refund_due: bool = False  # a refund is still to come (keeps the guest's record open)

    @property
    def key(self) -> str:
        """Entity key for per-entity ordering."""
        return f"appointment-group:{self.id}"
