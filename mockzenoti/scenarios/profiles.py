"""Activity profiles: how much of what happens per center and day, and how lifecycles end.

A ``Profile`` is the knob set of the built-in scenarios: rates per center
and day (guest registrations, sales, hires), how visits are booked (online,
at the desk, walking in; how far ahead), the share of each lifecycle's
endings (cancellations, no-shows, reschedules, refunds) and the natural
length in days. Class sessions and appointment bookings per day come from
the world's sizes (per kind of center), spread over the week and the day by
``rhythm``. The figures are our reading of a typical business; they are not
Zenoti's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["PROFILES", "Profile"]


@dataclass(frozen=True, slots=True)
class Profile:
    """Rates (per center and day) and lifecycle shares of one built-in scenario."""

    days: int = 1
    sizes: dict[str, Any] = field(default_factory=dict)  # world size defaults
    classes: float = 1.0  # factor on the world's sessions_per_day
    appointments: float = 1.0  # factor on the world's appointments_per_day
    # classes
    class_fill: tuple[float, float] = (0.45, 1.1)  # bookings wanted per seat
    booking_cancel: float = 0.08
    booking_delete: float = 0.02
    booking_noshow: float = 0.07
    session_update: float = 0.1
    session_cancel: float = 0.03
    session_delete: float = 0.015
    member_bookings: float = 0.15  # share of class bookings made by members with guest passes
    guestpass: float = 0.25  # a member brings a visitor on a guest pass
    companions: float = 0.0  # share of class bookings made together with one or two others
    publish_days: int = 7  # class sessions are published (and open for booking) days ahead
    # appointments
    online: float = 0.55  # share of visits booked online (Zenoti's widget: UTMs), at any hour
    walk_in_visits: float = 0.06  # share of visits booked as the guest walks in
    same_day: float = 0.12  # of the other visits, the share booked on the visit's own day
    horizon: int = 30  # bookings are made up to this many days ahead
    group_cancel: float = 0.06
    group_reschedule: float = 0.05
    group_confirm: float = 0.5
    group_noshow: float = 0.05
    feedback: float = 0.3
    partial_payment: float = 0.03  # a visit paid in part, its invoice left open for a while
    refund: float = 0.015  # a closed visit refunded days later (a product returned ...)
    # guests and staff
    returning: float = 0.8  # a booking or sale by a known guest (a client, or seen before)
    walk_ins: float = 2.0  # guests registering (their own story: edits, opt-outs, deletion)
    guest_update: float = 0.3
    guest_opt: float = 0.3
    guest_delete: float = 0.05
    returning_edits: float = 1.5  # edits and opt changes of known guests
    hires: float = 0.05
    staff_updates: float = 0.2
    leave: float = 0.9  # a hire leaves later (most hires are seasonal staff)
    leave_after: tuple[int, int] = (14, 120)  # days
    # sales
    memberships: float = 1.0
    membership_freeze: float = 0.12
    membership_cancel: float = 0.1
    membership_reinstate: float = 0.35
    packages: float = 0.8
    package_paid: float = 0.9
    package_reverse: float = 0.08
    package_extend: float = 0.1
    sales_gap: tuple[int, int] = (3, 60)  # days between steps of a membership or package
    zones: tuple[str, ...] = ()  # time zones pinned to the centers, in turn

    def rate(self, name: str, kind: str) -> float:
        """The per-day rate ``name`` for a center of ``kind`` (sales lean on the kind)."""
        value: float = getattr(self, name)
        if name == "memberships":
            return value * (2.0 if kind == "fitness" else 1.0)
        if name == "packages":
            return value * (0.5 if kind == "fitness" else 1.5)
        return value


# Nothing happens unless a profile says so: the lifecycle scenarios start from this.
_QUIET = Profile(
    classes=0.0,
    appointments=0.0,
    walk_ins=0.0,
    returning_edits=0.0,
    hires=0.0,
    staff_updates=0.0,
    memberships=0.0,
    packages=0.0,
)

PROFILES: dict[str, Profile] = {
    "day-in-the-life": Profile(),
    # Centers about eight hours apart: one of them is open at any hour of the day, so the
    # stream's simulated time moves at a steady rate instead of stopping every night.
    "soak": Profile(
        zones=(
            "America/Los_Angeles",
            "Europe/London",
            "Australia/Sydney",
            "America/New_York",
            "Asia/Kolkata",
            "Pacific/Honolulu",
        )
    ),
    "class-lifecycle": replace(
        _QUIET,
        classes=1.0,
        sizes={"centers": 1, "kind": "fitness", "guests": 400},
        publish_days=0,  # the day's sessions only: one day's lifecycles
        class_fill=(0.6, 1.3),
        booking_cancel=0.12,
        booking_delete=0.04,
        booking_noshow=0.12,
        session_update=0.3,
        session_cancel=0.12,
        session_delete=0.06,
    ),
    "appointment-lifecycle": replace(
        _QUIET,
        appointments=1.0,
        sizes={"centers": 1, "kind": "spa", "guests": 400},
        same_day=0.85,  # most visits booked the same day: one day's lifecycles
        horizon=14,
        group_cancel=0.08,
        group_reschedule=0.1,
        group_noshow=0.07,
        feedback=0.5,
    ),
    "guest-lifecycle": replace(
        _QUIET,
        walk_ins=30.0,
        returning_edits=6.0,
        hires=2.0,
        staff_updates=2.0,
        sizes={"centers": 1, "guests": 400},
        guest_update=0.5,
        guest_opt=0.6,
        guest_delete=0.25,
        leave=0.7,
        leave_after=(0, 0),
    ),
    "membership-lifecycle": replace(
        _QUIET,
        classes=1.0,
        memberships=2.0,
        days=45,
        sizes={"centers": 1, "kind": "fitness", "guests": 600, "sessions_per_day": 1},
        publish_days=0,
        class_fill=(0.2, 0.4),
        booking_cancel=0.0,
        booking_delete=0.0,
        booking_noshow=0.0,
        session_update=0.0,
        session_cancel=0.0,
        session_delete=0.0,
        member_bookings=0.7,
        guestpass=0.6,
        membership_freeze=0.3,
        membership_cancel=0.3,
        membership_reinstate=0.5,
        sales_gap=(1, 8),
    ),
    "package-lifecycle": replace(
        _QUIET,
        packages=2.0,
        days=45,
        sizes={"centers": 1, "kind": "med-spa", "guests": 600},
        package_paid=0.85,
        package_reverse=0.15,
        package_extend=0.2,
        sales_gap=(1, 8),
    ),
}
