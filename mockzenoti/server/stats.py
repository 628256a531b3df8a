"""Counters the server keeps beside the engine's ``Metrics``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

__all__ = ["Stats"]


@dataclass
class Stats:
    """Process-wide counters: events generated (runs and ``POST /events``), runs started."""

    events_generated: int = 0
    events_posted: int = 0
    runs_started: int = 0
    started_at: float = field(default_factory=time.time)
