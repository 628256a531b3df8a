"""``World``: one seeded organization and every operation that changes it and emits events."""

from __future__ import annotations

from mockzenoti.world.ops_sales import SalesOps

__all__ = ["World"]


class World(SalesOps):
    """A seeded organization: fixed setup, lazy guests, a simulated clock and the lifecycles.

    Operations (``book_class``, ``no_show_booking``, ``close_group``,
    ``freeze_membership`` ...) check the lifecycle rules (``rules.RULES``),
    change the entities and queue the events they cause in ``pending``, at
    the clock's current instant (``agenda.now``). Illegal ones raise
    ``TransitionError`` and change nothing. Scenarios drive the clock and
    call the operations; see ``mockzenoti.scenarios``.
    """
