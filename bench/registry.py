"""The registry of measurements that ``make bench`` runs, in registration order.

A measurement is a function ``run(ctx) -> Outcome`` registered with a name, the
unit of its main figure, two bounds (full and ``--quick``), the references its
figure is compared against and the goals it must meet. Every measurement does
at most ``ctx.bound.count`` units of work and stops after ``ctx.bound.seconds``,
whichever comes first.

Measurements that need features still being built are declared with
``@pending(...)`` instead of ``@register(...)``: same arguments, kept in
``PENDING`` and not run. Turning ``@pending`` into ``@register`` activates one.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.receiver import Receiver

__all__ = [
    "PENDING",
    "REGISTRY",
    "Bound",
    "Context",
    "Goal",
    "Measurement",
    "Outcome",
    "Skip",
    "pending",
    "register",
]

_OPS: dict[str, Callable[[float, float], bool]] = {">=": operator.ge, "<=": operator.le}


@dataclass(frozen=True, slots=True)
class Bound:
    """How much work a measurement may do; it stops at whichever limit comes first."""

    count: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Goal:
    """A pass/fail target on one figure of a measurement.

    ``figure`` is ``"value"`` (the main figure), the name of a detail, or
    ``"vs:NAME"`` for the ratio of the main figure to reference ``NAME``'s.
    ``op`` is ``">="`` or ``"<="``.
    """

    figure: str
    op: str
    target: float

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"goal operator must be one of {sorted(_OPS)}, not {self.op!r}")

    def holds(self, observed: float) -> bool:
        """Whether ``observed`` meets the goal."""
        return _OPS[self.op](observed, self.target)

    def describe(self) -> str:
        """The goal as written in the table, e.g. ``>= 0.7``."""
        return f"{self.op} {self.target:g}"


@dataclass(slots=True)
class Outcome:
    """What one measurement found.

    ``value`` is the main figure in the measurement's unit (None when skipped);
    ``details`` holds secondary figures whose names carry their unit
    (``avg_bytes``, ``p99_gap_ms``); ``note`` says anything a reader needs
    (why it was skipped, a verification that failed).
    """

    value: float | None
    details: dict[str, Any] = field(default_factory=dict)
    note: str = ""


class Skip(Exception):
    """Raised by a measurement that cannot run here (a missing tool); the message says why."""


@dataclass(slots=True)
class Context:
    """What a measurement is given: its bound, the shared receiver, earlier outcomes."""

    bound: Bound
    quick: bool
    root: Path
    python: str
    receiver: Receiver | None = None
    results: dict[str, Outcome] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    def need_receiver(self) -> Receiver:
        """The receiver started for this run (a measurement declared ``needs_receiver``)."""
        if self.receiver is None:
            raise RuntimeError("this measurement needs the receiver; register it with one")
        return self.receiver


Runner = Callable[[Context], Outcome]


@dataclass(frozen=True, slots=True)
class Measurement:
    """One registered measurement (see the module docstring)."""

    name: str
    unit: str
    run: Runner
    full: Bound
    quick: Bound
    doc: str = ""
    refs: tuple[str, ...] = ()
    goals: tuple[Goal, ...] = ()
    needs_receiver: bool = False
    #: Run in this many rounds at most (the first ones); None: every round.
    rounds: int | None = None

    def bound(self, quick: bool) -> Bound:
        """The bound to use for a full or a ``--quick`` run."""
        return self.quick if quick else self.full


REGISTRY: dict[str, Measurement] = {}
PENDING: dict[str, Measurement] = {}


def _declare(
    table: dict[str, Measurement],
    name: str,
    unit: str,
    full: Bound,
    quick: Bound,
    refs: tuple[str, ...],
    goals: tuple[Goal, ...],
    needs_receiver: bool,
    rounds: int | None = None,
) -> Callable[[Runner], Runner]:
    def decorate(run: Runner) -> Runner:
        if name in REGISTRY or name in PENDING:
            raise ValueError(f"measurement {name!r} declared twice")
        doc = (run.__doc__ or "").strip().splitlines()
        table[name] = Measurement(
            name,
            unit,
            run,
            full,
            quick,
            doc[0] if doc else "",
            refs,
            goals,
            needs_receiver,
            rounds,
        )
        return run

    return decorate


def register(
    name: str,
    unit: str,
    *,
    full: Bound,
    quick: Bound,
    refs: tuple[str, ...] = (),
    goals: tuple[Goal, ...] = (),
    needs_receiver: bool = False,
    rounds: int | None = None,
) -> Callable[[Runner], Runner]:
    """Decorator: add a measurement to ``REGISTRY`` (run order = registration order).

    ``rounds`` limits a long measurement to the first N rounds (``memory_soak``: 1).
    """
    return _declare(REGISTRY, name, unit, full, quick, refs, goals, needs_receiver, rounds)


def pending(
    name: str,
    unit: str,
    *,
    full: Bound,
    quick: Bound,
    refs: tuple[str, ...] = (),
    goals: tuple[Goal, ...] = (),
    needs_receiver: bool = False,
) -> Callable[[Runner], Runner]:
    """Decorator: declare a measurement that waits for a feature (kept in ``PENDING``)."""
    return _declare(PENDING, name, unit, full, quick, refs, goals, needs_receiver)
