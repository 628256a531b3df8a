"""Events of one type on demand, played by the world: ``generate`` and ``generate_many``.

- ``play``: a small world tuned for the type, run until it emits the events asked for;
- ``overrides``: dotted-path changes of generated events, checked against the schema.

``mockzenoti generate TYPE`` prints them. Plain synchronous Python.
"""

from __future__ import annotations

from mockzenoti.generator.play import generate, generate_many, play
from mockzenoti.world.state import PERIOD_DAYS, PERIOD_START

__all__ = ["PERIOD_DAYS", "PERIOD_START", "generate", "generate_many", "play"]
