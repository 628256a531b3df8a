"""What a run or a drain reports when it ends."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["DrainReport", "RunReport"]


@dataclass(frozen=True, slots=True)
class RunReport:
    """The end of a run.

    - ``accepted``: stream events the run has taken in total (committed);
      ``skipped``: those a previous, interrupted process had already accepted.
    - ``counts``: the run's deliveries by state.
    - ``possible_duplicates``: requests the receiver may have read though no
      answer came (a connection closed after the whole request was written),
      plus deliveries found mid-attempt after a crash and
      sent again (each may have reached its target twice).
    - ``inactive_targets``: targets deactivated at the end; their remaining
      deliveries are ``held``.
    - ``ok``: everything delivered (nothing dead, held or discarded).
    """

    run_id: int
    resumed: bool
    accepted: int
    skipped: int
    counts: dict[str, int]
    possible_duplicates: int
    inactive_targets: tuple[str, ...]
    duration: float

    @property
    def delivered(self) -> int:
        """Deliveries that got a 2xx."""
        return self.counts.get("delivered", 0)

    @property
    def dead(self) -> int:
        """Deliveries that exhausted their attempts or got a non-retryable answer."""
        return self.counts.get("dead", 0)

    @property
    def held(self) -> int:
        """Deliveries kept for an inactive target."""
        return self.counts.get("held", 0)

    @property
    def ok(self) -> bool:
        """True when every delivery was delivered."""
        return all(n == 0 for state, n in self.counts.items() if state != "delivered")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields, with ``ok``."""
        return {**asdict(self), "ok": self.ok}


@dataclass(frozen=True, slots=True)
class DrainReport:
    """The end of a drain: the outbox's deliveries by state afterwards."""

    counts: dict[str, int]
    loaded: int
    possible_duplicates: int
    inactive_targets: tuple[str, ...]
    duration: float

    @property
    def ok(self) -> bool:
        """True when nothing is left dead, held, discarded or unsettled."""
        return all(n == 0 for state, n in self.counts.items() if state != "delivered")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields, with ``ok``."""
        return {**asdict(self), "ok": self.ok}
