"""``World``: one seeded organization's state, with every operation that changes it as a method.

The state (``WorldState``: setup, clock, guest pool, event outlet) and the
operations are apart: each ``ops_*`` module holds the operations of one
domain as functions of the state, and ``World`` lists them here, so
``world.book_class(session, guest)`` is ``ops_classes.book_class(world,
session, guest)``. Nothing is inherited from an operation module: an
operation reads and changes the state it is given, and emits through it.
"""

from __future__ import annotations

from mockzenoti.world import ops_appointments, ops_classes, ops_people, ops_sales
from mockzenoti.world.state import WorldState

__all__ = ["World"]


class World(WorldState):
    """A seeded organization: fixed setup, lazy guests, a simulated clock and the lifecycles.

    Operations (``book_class``, ``no_show_booking``, ``close_group``,
    ``freeze_membership`` ...) check the lifecycle rules (``rules.RULES``),
    change the entities and queue the events they cause in ``pending``, at
    the clock's current instant (``agenda.now``). Illegal ones raise
    ``TransitionError`` and change nothing. Scenarios drive the clock and
    call the operations; see ``mockzenoti.scenarios``.
    """

    # guests and employees (ops_people)
    use_guest = ops_people.use_guest
    create_guest = ops_people.create_guest
    update_guest = ops_people.update_guest
    opt_guest = ops_people.opt_guest
    delete_guest = ops_people.delete_guest
    hire_employee = ops_people.hire_employee
    update_employee = ops_people.update_employee
    delete_employee = ops_people.delete_employee
    # class sessions, bookings, guest passes (ops_classes)
    schedule_session = ops_classes.schedule_session
    update_session = ops_classes.update_session
    cancel_session = ops_classes.cancel_session
    delete_session = ops_classes.delete_session
    book_class = ops_classes.book_class
    cancel_booking = ops_classes.cancel_booking
    delete_booking = ops_classes.delete_booking
    no_show_booking = ops_classes.no_show_booking
    approve_booking = ops_classes.approve_booking
    reject_booking = ops_classes.reject_booking
    redeem_guestpass = ops_classes.redeem_guestpass
    # appointment groups and their invoices (ops_appointments)
    book_appointment = ops_appointments.book_appointment
    confirm_group = ops_appointments.confirm_group
    check_in_group = ops_appointments.check_in_group
    cancel_group = ops_appointments.cancel_group
    no_show_group = ops_appointments.no_show_group
    start_appointment = ops_appointments.start_appointment
    complete_appointment = ops_appointments.complete_appointment
    close_group = ops_appointments.close_group
    pay_group = ops_appointments.pay_group
    refund_group = ops_appointments.refund_group
    checkout_group = ops_appointments.checkout_group
    reschedule_group = ops_appointments.reschedule_group
    give_feedback = ops_appointments.give_feedback
    # memberships and packages (ops_sales)
    sell_membership = ops_sales.sell_membership
    freeze_membership = ops_sales.freeze_membership
    unfreeze_membership = ops_sales.unfreeze_membership
    cancel_membership = ops_sales.cancel_membership
    reinstate_membership = ops_sales.reinstate_membership
    sell_package = ops_sales.sell_package
    activate_package = ops_sales.activate_package
    redeem_package = ops_sales.redeem_package
    reverse_redemption = ops_sales.reverse_redemption
    extend_package = ops_sales.extend_package
