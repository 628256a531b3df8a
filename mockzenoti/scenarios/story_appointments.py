"""Appointment stories: booked, maybe confirmed, cancelled or rescheduled, visited, paid, rated.

``group`` books an appointment group for ``start`` and lives it: a share is
cancelled or rescheduled (a new group, the old one cancelled), some are
confirmed, a few guests never come (NoShow after the start); the others
check in, each service starts and completes, the invoice closes (now and
then after a part payment left it open a while), some guests leave feedback
later, and a few visits are refunded days after.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from mockzenoti.factory import draws
from mockzenoti.model import AppointmentGroup, Center
from mockzenoti.timefmt import MINUTE_TICKS
from mockzenoti.world import Process

if TYPE_CHECKING:
    from mockzenoti.scenarios.activity import Activity

__all__ = ["group"]

MIN = MINUTE_TICKS


def _new_start(act: Activity, g: AppointmentGroup) -> int:
    """Where a rescheduled visit moves: later today when there is room, else a coming day."""
    center, rng, now = g.center, act.rng, act.world.now
    day = act.day_of(now, center.tz)
    today = act.open_hours(center, day)
    if today is not None and rng.random() < 0.4 and now + 90 * MIN < today[1] - 60 * MIN:
        return act.slot(now + 60 * MIN, today[1] - 60 * MIN, today[0])
    ahead, opens, closes = act.open_day(center, day + timedelta(days=rng.randint(1, 7)))
    return act.busy_slot(center, ahead, opens, closes - 60 * MIN)


def group(act: Activity, center: Center, start: int, utm: tuple[str, str] | None = None) -> Process:
    """One visit booked now for ``start`` (with the booking's ``utm``), to its end.

    When the story is over, each invoice forgets its group: the two refer to
    each other, and a cycle would wait for Python's cyclic collector.
    """
    if start <= act.world.now:
        return
    groups: list[AppointmentGroup] = []
    try:
        yield from _visit(act, center, start, utm, groups)
    finally:
        for g in groups:
            g.invoice.group = None


def _visit(
    act: Activity,
    center: Center,
    start: int,
    utm: tuple[str, str] | None,
    groups: list[AppointmentGroup],
) -> Process:
    world, rng, p = act.world, act.rng, act.profile
    guest = world.pool.pick(center, rng, p.returning)
    g = world.book_appointment(center, guest, start, utm=utm)
    groups.append(g)
    first = g.appointments[0].start_ticks
    r = rng.random()
    when = act.open_between(center, world.now + 10 * MIN, first - 30 * MIN)
    if r < p.group_cancel + p.group_reschedule and when is not None:
        yield when
        if r < p.group_cancel:
            world.cancel_group(g)
            return
        g = world.reschedule_group(g, _new_start(act, g))
        groups.append(g)
        first = g.appointments[0].start_ticks
    when = act.open_between(center, world.now + 5 * MIN, first - 20 * MIN)
    if rng.random() < p.group_confirm and when is not None:
        yield when
        world.confirm_group(g)
    if rng.random() < p.group_noshow:
        yield first + draws.randint(rng, 15, 40) * MIN
        world.no_show_group(g)
        return
    yield first - draws.randint(rng, 0, 12) * MIN
    world.check_in_group(g)
    for appointment in g.appointments:
        yield appointment.start_ticks + draws.randint(rng, 0, 3) * MIN
        world.start_appointment(g)
        yield appointment.end_ticks + draws.randint(rng, 0, 4) * MIN
        world.complete_appointment(g)
    yield world.now + draws.randint(rng, 2, 20) * MIN
    # part paid now, the balance within days (not a visit that costs nothing)
    if rng.random() < p.partial_payment and g.invoice.total > 0:
        world.pay_group(g)
        yield act.later(center, draws.randint(rng, 0, 3))
    world.close_group(g)
    feedback = rng.random() < p.feedback
    refund = rng.random() < p.refund and g.invoice.total > 0
    g.feedback_due, g.refund_due = feedback, refund
    if feedback:
        yield world.now + draws.randint(rng, 20, 300) * MIN
        world.give_feedback(g)
    if refund:
        yield act.later(center, draws.randint(rng, 1, 10))
        world.refund_group(g)
