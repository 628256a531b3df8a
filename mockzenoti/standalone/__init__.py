"""Standalone events: for each catalog type, a small believable story ending in that event.

``BUILDERS[name](scene, t)`` creates (through the entity factory) the entities
an event of type ``name`` fired at ``t`` is about, moves them into the state
the event reports, and renders its ``data``. ``generator`` drives them.
"""

from __future__ import annotations

from mockzenoti.standalone._scene import Builder, Built, Scene
from mockzenoti.standalone.appointments import BUILDERS as _APPOINTMENTS
from mockzenoti.standalone.classes import BUILDERS as _CLASSES
from mockzenoti.standalone.people import BUILDERS as _PEOPLE
from mockzenoti.standalone.sales import BUILDERS as _SALES

__all__ = ["BUILDERS", "CLASS_TYPES", "Builder", "Built", "Scene"]

BUILDERS: dict[str, Builder] = {**_PEOPLE, **_CLASSES, **_APPOINTMENTS, **_SALES}

# Event types about classes: their scenes favour gyms and spas, where classes run.
CLASS_TYPES = frozenset(_CLASSES)
