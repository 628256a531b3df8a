"""The simulated organization: its fixed setup, its state and the operations that change it.

``World(seed, sizes)`` builds an organization (centers with their zones,
hours, rooms, services, classes, staff and plans) and a lazily made guest
pool; its operations enforce the lifecycle rules and emit events rendered
from world state. ``Agenda`` is the simulated clock. Plain synchronous Python.
"""

from __future__ import annotations

from mockzenoti.world.agenda import Agenda, Process
from mockzenoti.world.build import CenterPin
from mockzenoti.world.rules import RULES, Rule, TransitionError
from mockzenoti.world.sizes import WorldSizes
from mockzenoti.world.world import World

__all__ = [
    "RULES",
    "Agenda",
    "CenterPin",
    "Process",
    "Rule",
    "TransitionError",
    "World",
    "WorldSizes",
]
