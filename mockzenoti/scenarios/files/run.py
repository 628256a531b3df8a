"""Running a scenario file: its steps as one process on the world's agenda.

Each action calls the same world operation the built-in scenarios use, so
the lifecycle rules are the world's alone. An action the world refuses
stops the run with a ``ScenarioError`` naming the step's line (or the
parameter's, when the refusal is about it) unless it is *lenient*: its
entity was touched by a ``with_probability`` block, which may or may not
have run (a no-show after a *maybe* cancellation); then it is skipped. A
step whose entity an optional step never made is skipped too.

``chances`` forces every ``with_probability`` block to run (``"all"``) or
to be skipped (``"none"``): the dry runs a file is checked by (``scenario``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from mockzenoti.errors import MockZenotiError
from mockzenoti.model import Center, ClassBooking, Guest
from mockzenoti.scenarios.errors import ScenarioError
from mockzenoti.scenarios.files.program import (
    Action,
    Chance,
    Plan,
    Ref,
    Repeat,
    Step,
    Wait,
    When,
    flat_index,
)
from mockzenoti.timefmt import MINUTE_TICKS, at_local, local_date, local_naive
from mockzenoti.world import Process, World
from mockzenoti.world.ops_people import check_guest
from mockzenoti.world.rules import TransitionError

__all__ = ["Chances", "Frames", "Runner"]

Frames = tuple[tuple[str, int], ...]
Chances = Literal["all", "none"] | None


class _Skip(Exception):
    """The step does not apply: its entity was never made."""


class Runner:
    """Carries out a ``Plan`` in ``world``: ``process()`` goes on the agenda.

    ``skipped`` collects the lenient steps the world refused (path: the refusal).
    """

    def __init__(self, plan: Plan, world: World, *, chances: Chances = None) -> None:
        self.plan = plan
        self.world = world
        self.file = plan.file
        self.chances = chances
        self.env: dict[str, list[Any]] = {n: [None] * h.total for n, h in plan.handles.items()}
        self.uncertain: dict[int, object] = {}  # entities an optional block touched, by id
        self.skipped: dict[str, ScenarioError] = {}  # lenient steps refused: what was said
        self._optional = 0

    def process(self) -> Process:
        """The scenario's steps, in order, waiting where they wait."""
        yield from self._steps(self.plan.steps, ())

    def _steps(self, steps: tuple[Step, ...], frames: Frames) -> Process:
        world = self.world
        for step in steps:
            if isinstance(step, Wait):
                yield world.now + step.ticks
            elif isinstance(step, Repeat):
                for i in range(step.count):
                    yield from self._steps(step.body, (*frames, (step.path, i)))
            elif isinstance(step, Chance):
                if self.chances is None:
                    taken = world.rng.random() < step.p
                else:
                    taken = self.chances == "all"
                if taken:
                    self._optional += 1
                    try:
                        yield from self._steps(step.body, frames)
                    finally:
                        self._optional -= 1
                else:
                    self._touch(step.body, frames)
            else:
                try:
                    self._act(step, frames)
                except _Skip:
                    continue

    # -- resolving --------------------------------------------------------------------

    def resolve(self, ref: Ref, frames: Frames) -> Any:
        """The entity ``ref`` names now (raises ``_Skip`` when it was never made)."""
        info = self.plan.handles[ref.name]
        flat = flat_index(info, ref, frames)
        assert flat is not None, "reading the plan resolved every reference"
        value = self.env[ref.name][flat]
        if value is None and info.pinned:
            value = self.env[ref.name][0] = self._pinned_guest(ref.name)
        if value is None:
            raise _Skip
        return value

    def _bind(self, a: Action, frames: Frames, value: Any) -> None:
        if a.handle is None:
            return
        flat = flat_index(self.plan.handles[a.handle], Ref(a.handle, None, a.line), frames)
        assert flat is not None
        self.env[a.handle][flat] = value

    def center(self, params: dict[str, Any]) -> Center:
        """The center a step names (by name or position), the first one by default."""
        value = params.get("center", 0)
        try:
            return self.world.center(value)
        except (KeyError, IndexError):
            names = ", ".join(c.name for c in self.world.centers)
            raise MockZenotiError(
                f"no center {value!r} in this world (centers: {names})", field="center"
            ) from None

    def when(self, value: When | None, center: Center) -> int:
        """The instant a time parameter names (default: an hour from now).

        A clock time names today's; it must be later than the step's time.
        """
        now = self.world.now
        if value is None:
            return now + 60 * MINUTE_TICKS
        if value.offset is not None:
            return now + value.offset
        assert value.minute is not None
        at = at_local(local_date(now, center.tz), value.minute, center.tz)
        if at <= now:
            step_time = local_naive(now, center.tz)[11:16]
            raise MockZenotiError(
                f"{value.text} is not later than this step's time ({step_time} at {center.name})",
                field="at",
            )
        return at

    def _pinned_guest(self, name: str) -> Guest:
        pin = self.plan.guests[name]
        center = self.center({} if pin.center is None else {"center": pin.center})
        guest = self.world.pool.extra(center)
        self.rename(guest, pin.first_name, pin.last_name, pin.email)
        return guest

    def rename(self, guest: Guest, first: str | None, last: str | None, email: str | None) -> None:
        """Give a new guest pinned names; the e-mail follows the name unless pinned too."""
        if first is None and last is None and email is None:
            return
        guest.first_name = first or guest.first_name
        guest.last_name = last or guest.last_name
        if email is not None:
            guest.email = email
        elif guest.email:
            maker = self.world.factory.people(guest.center.site.country)
            guest.email = maker.email_for(guest.first_name, guest.last_name)

    def guest(self, params: dict[str, Any], frames: Frames, center: Center) -> Guest:
        """The guest a step names (refused at its line if deleted), or a new guest of ``center``."""
        ref = params.get("guest")
        if isinstance(ref, Ref):
            guest: Guest = self.resolve(ref, frames)
            try:
                check_guest(guest)
            except TransitionError as exc:  # the guest's problem: said at the guest's line
                raise TransitionError(exc.message, field="guest") from exc
            return guest
        return self.world.pool.fresh(center) or self.world.pool.extra(center)

    # -- acting -----------------------------------------------------------------------

    def _act(self, a: Action, frames: Frames) -> None:
        from mockzenoti.scenarios.files.actions import ACTIONS

        target = a.target if isinstance(a.target, str) else self.resolve(a.target, frames)
        try:
            made = ACTIONS[(a.verb, a.kind)](self, a, target, a.params, frames)
        except TransitionError as exc:
            if self._lenient(target, self._named(a, frames)):
                self.skipped[a.path] = self._refusal(a, exc)
                return
            raise self._refusal(a, exc) from exc
        except MockZenotiError as exc:
            raise self._refusal(a, exc) from exc
        if self._optional:
            self._mark(target, *self._named(a, frames), made)
        if made is not None:
            self._bind(a, frames, made)

    def _named(self, a: Action, frames: Frames) -> list[Any]:
        """The entities a step's ``guest`` and ``session`` name, where they exist already."""
        out = []
        for name in ("guest", "session"):
            ref = a.params.get(name)
            if isinstance(ref, Ref):
                out.append(self._peek(ref, frames))
        return out

    def _peek(self, ref: Ref, frames: Frames) -> Any:
        """The entity ``ref`` names if it exists already (a pinned guest is not made here)."""
        flat = flat_index(self.plan.handles[ref.name], ref, frames)
        return None if flat is None else self.env[ref.name][flat]

    def _refusal(self, a: Action, exc: MockZenotiError) -> ScenarioError:
        message = getattr(exc, "reason", exc.message)
        if exc.field in a.lines:  # about a parameter: point at it
            return ScenarioError(
                message, file=self.file, line=a.lines[exc.field], field=f"{a.path}.{exc.field}"
            )
        return ScenarioError(message, file=self.file, line=a.line, field=f"{a.path}.{a.verb}")

    # -- what optional blocks touched ---------------------------------------------------

    def _mark(self, *entities: Any) -> None:
        for entity in entities:
            if entity is not None and not isinstance(entity, str):
                self.uncertain[id(entity)] = entity

    def _lenient(self, target: Any, named: Iterable[Any]) -> bool:
        """True when an optional block touched what the refused step is about."""
        about = [target, *named]
        if isinstance(target, ClassBooking):
            about.append(target.session)
        return any(id(e) in self.uncertain for e in about if e is not None)

    def _touch(self, steps: tuple[Step, ...], frames: Frames) -> None:
        """Mark what a skipped optional block would have acted on (it may have run)."""
        for step in steps:
            if isinstance(step, Repeat):
                for i in range(step.count):
                    self._touch(step.body, (*frames, (step.path, i)))
            elif isinstance(step, Chance):
                self._touch(step.body, frames)
            elif isinstance(step, Action):
                refs = [step.target, step.params.get("guest"), step.params.get("session")]
                for ref in refs:
                    if isinstance(ref, Ref):
                        self._mark(self._peek(ref, frames))
