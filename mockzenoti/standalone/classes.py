"""Standalone class schedule, class booking and guest pass events."""

from __future__ import annotations

from mockzenoti.model import ClassBooking, ClassSession, Guest
from mockzenoti.render import class_booking as render_booking
from mockzenoti.render import class_schedule as render_schedule
from mockzenoti.render import membership as render_membership
from mockzenoti.standalone._scene import Builder, Built, Scene
from mockzenoti.timefmt import MINUTE_TICKS

__all__ = ["BUILDERS"]


def _session(scene: Scene, t: int, low_days: int = 1, high_days: int = 14) -> ClassSession:
    rng = scene.factory.rng
    offering = rng.choice(scene.center.classes)
    start = scene.slot(t, low_days, high_days, offering.template.minutes)
    return scene.factory.class_session(scene.center, start, offering=offering)


def _booking(scene: Scene, t: int, session: ClassSession) -> ClassBooking:
    guest = scene.guest(t)
    booked = min(scene.days_before(t, 0, 6), t - MINUTE_TICKS)
    return scene.factory.class_booking(session, guest, booked)


def schedule_created(scene: Scene, t: int) -> Built:
    """A session put on the schedule at ``t``, one to fourteen days ahead."""
    session = _session(scene, t)
    return render_schedule.schedule_created(session), (session.key,)


def schedule_updated(scene: Scene, t: int) -> Built:
    """A session edited at ``t``: longer, moved, or with fewer seats."""
    rng = scene.factory.rng
    session = _session(scene, t)
    change = rng.randrange(3)
    if change == 0:
        session.minutes += 15
    elif change == 1:
        session.start_ticks += rng.choice((-30, 30, 60)) * MINUTE_TICKS
    else:
        session.capacity = max(4, session.capacity - rng.randrange(2, 6))
        session.web_capacity = min(session.web_capacity, session.capacity - 2)
    session.edited = True
    return render_schedule.schedule_updated(session), (session.key,)


def schedule_cancelled(scene: Scene, t: int) -> Built:
    """A session cancelled at ``t`` (later the same day, or in the coming days)."""
    session = _session(scene, t, 0, 7)
    session.state = "cancelled"
    return render_schedule.schedule_cancelled(session), (session.key,)


def schedule_deleted(scene: Scene, t: int) -> Built:
    """A session deleted at ``t``."""
    session = _session(scene, t, 0, 7)
    session.state = "deleted"
    return render_schedule.schedule_deleted(session), (session.key,)


def _keys(booking: ClassBooking) -> tuple[str, ...]:
    return (booking.key, booking.session.key, booking.guest.key)


def booking_created(scene: Scene, t: int) -> Built:
    """A guest booking a seat at ``t``."""
    session = _session(scene, t, 0, 10)
    booking = scene.factory.class_booking(session, scene.guest(t), t)
    return render_booking.booking_created(booking), _keys(booking)


def booking_cancelled(scene: Scene, t: int) -> Built:
    """A guest cancelling a booking at ``t``, before the session."""
    booking = _booking(scene, t, _session(scene, t, 0, 7))
    booking.state = "cancelled"
    return render_booking.booking_cancelled(booking), _keys(booking)


def booking_deleted(scene: Scene, t: int) -> Built:
    """Staff deleting a booking at ``t``."""
    booking = _booking(scene, t, _session(scene, t, 0, 7))
    booking.state = "deleted"
    return render_booking.booking_deleted(booking), _keys(booking)


def booking_no_show(scene: Scene, t: int) -> Built:
    """A guest marked no-show at ``t``, after the session started."""
    offering = scene.factory.rng.choice(scene.center.classes)
    start = scene.slot_before(t, 0, 5, 180)
    session = scene.factory.class_session(scene.center, start, offering=offering)
    booking = _booking(scene, start, session)
    booking.state = "no-show"
    return render_booking.booking_no_show(booking), _keys(booking)


def _review(scene: Scene, t: int, approved: bool) -> Built:
    rng = scene.factory.rng
    session = _session(scene, t, 0, 7)
    booking = _booking(scene, t, session)
    booking.waitlist = True
    booking.state = "approved" if approved else "rejected"
    companions: list[tuple[Guest, int]] = []
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        friend = scene.factory.class_booking(session, scene.guest(t), booking.created_ticks)
        companions.append((friend.guest, friend.registration_id))
    if rng.random() < 0.3:  # part of a recurring series of bookings
        step = rng.randrange(1, 4)
        booking.recurrence_registration_ids = [
            booking.registration_id + i * step for i in range(rng.randrange(2, 6))
        ]
    data = render_booking.booking_review(booking, companions)
    return data, _keys(booking)


def booking_approved(scene: Scene, t: int) -> Built:
    """A waitlisted booking approved by staff at ``t``."""
    return _review(scene, t, True)


def booking_rejected(scene: Scene, t: int) -> Built:
    """A waitlisted booking rejected by staff at ``t``."""
    return _review(scene, t, False)


def guestpass_redeemed(scene: Scene, t: int) -> Built:
    """A member's guest pass used at ``t`` to book a visitor into a class."""
    factory = scene.factory
    rng = factory.rng
    center = scene.center
    plans = [p for p in center.membership_plans if p.guest_passes] or center.membership_plans
    plan = rng.choice(plans)
    member = scene.guest(t)
    membership = factory.guest_membership(center, member, scene.days_before(t, 20, 300), plan)
    membership.guestpass_total = max(plan.guest_passes, 2)
    membership.guestpass_balance = rng.randrange(1, membership.guestpass_total + 1)
    session = _session(scene, t, 0, 7)
    visitor = scene.guest(t, low_days=0, high_days=2)
    redemption = factory.guestpass_redemption(membership, visitor, session, t)
    data = render_membership.guestpass_redeemed(redemption)
    return data, (membership.key, session.key, visitor.key)


BUILDERS: dict[str, Builder] = {
    "Class.Schedule.Created": schedule_created,
    "Class.Schedule.Updated": schedule_updated,
    "Class.Schedule.Cancelled": schedule_cancelled,
    "Class.Schedule.Deleted": schedule_deleted,
    "Class.Booking.Created": booking_created,
    "Class.Booking.Cancelled": booking_cancelled,
    "Class.Booking.Deleted": booking_deleted,
    "Class.Booking.NoShow": booking_no_show,
    "Class.Booking.Approved": booking_approved,
    "Class.Booking.Rejected": booking_rejected,
    "Guestpass.redeemed": guestpass_redeemed,
}
