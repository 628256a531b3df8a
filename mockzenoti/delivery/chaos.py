"""Opt-in chaos, to test how robust a consumer is: duplicates, reordering, delay.

Every decision is seeded. Duplicate and delay decisions are a pure function of
``(seed, delivery id, attempt number)``, so a run repeats them exactly;
reordering picks among the deliveries ready at the same moment, which depends
on timing, with a seeded generator. Each applied effect is written to the
attempt's ``chaos`` field in the attempt log.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from mockzenoti.errors import ConfigError

__all__ = ["Chaos", "attempt_rng"]


@dataclass(frozen=True, slots=True)
class Chaos:
    """What misbehaviour to add; the default adds none.

    - ``duplicate``: probability that a delivered event is sent once more
      right away (same body, same ``id``), as at-least-once senders do.
    - ``reorder``: window size; each dispatch takes a random one of the first
      ``reorder`` ready deliveries instead of the oldest (0 or 1: off). Under
      per-entity ordering only deliveries already free to go are reordered.
    - ``delay``: an extra wait before each attempt, uniform in ``[0, delay]``
      seconds (on the engine's clock).
    """

    duplicate: float = 0.0
    reorder: int = 0
    delay: float = 0.0

    def __post_init__(self) -> None:
        if not (isinstance(self.duplicate, int | float) and 0.0 <= self.duplicate <= 1.0):
            raise ConfigError("duplicate is a probability in [0, 1]", field="chaos.duplicate")
        if isinstance(self.reorder, bool) or not isinstance(self.reorder, int) or self.reorder < 0:
            raise ConfigError("reorder is a window size (0 = off)", field="chaos.reorder")
        if not (
            isinstance(self.delay, int | float) and self.delay >= 0 and math.isfinite(self.delay)
        ):
            raise ConfigError("delay is a non-negative number of seconds", field="chaos.delay")

    def extra_delay(self, rng: random.Random) -> float:
        """The added wait for one attempt (0 when off)."""
        return rng.uniform(0.0, self.delay) if self.delay > 0 else 0.0

    def duplicates(self, rng: random.Random) -> bool:
        """Whether a delivered attempt is sent once more."""
        return self.duplicate > 0 and rng.random() < self.duplicate


def attempt_rng(seed: int, delivery_id: str, attempt: int, purpose: str) -> random.Random:
    """A generator seeded by ``(seed, delivery id, attempt, purpose)`` alone."""
    return random.Random(f"{seed}/{delivery_id}/{attempt}/{purpose}")
