"""Running a checked YAML scenario: its steps as one process on the world's agenda.

Each action calls the same world operation the built-in scenarios use, so
the lifecycle rules are enforced once. An action the world refuses stops
the run with a ``ScenarioError`` naming the step's line, unless the static
check marked the step lenient (an optional step may have made it
inapplicable): then it is skipped. A step whose target an optional step did
not make is skipped too.
"""

from __future__ import annotations

from typing import Any

from mockzenoti.errors import MockZenotiError
from mockzenoti.model import Center, Guest
from mockzenoti.scenarios.errors import ScenarioError
from mockzenoti.scenarios.yaml_check import Plan
from mockzenoti.scenarios.yaml_handles import HandleInfo, flat_index
from mockzenoti.scenarios.yaml_params import When
from mockzenoti.scenarios.yaml_program import Action, Chance, Ref, Repeat, Step, Wait
from mockzenoti.timefmt import MINUTE_TICKS, at_local, local_date
from mockzenoti.world import Process, World
from mockzenoti.world.rules import TransitionError

__all__ = ["Runner"]

Frames = tuple[tuple[str, int], ...]


class _Skip(Exception):
    """The step does not apply (its target was never made, or it is lenient and refused)."""


class Runner:
    """Carries out a ``Plan`` in ``world``: ``process()`` goes on the agenda."""

    def __init__(self, plan: Plan, world: World) -> None:
        self.plan = plan
        self.world = world
        self.file = plan.program.file
        self.env: dict[str, list[Any]] = {n: [None] * h.total for n, h in plan.handles.items()}

    def process(self) -> Process:
        """The scenario's steps, in order, waiting where they wait."""
        yield from self._steps(self.plan.program.steps, ())

    def _steps(self, steps: tuple[Step, ...], frames: Frames) -> Process:
        world = self.world
        for step in steps:
            if isinstance(step, Wait):
                yield world.now + step.ticks
            elif isinstance(step, Repeat):
                for i in range(step.count):
                    yield from self._steps(step.body, (*frames, (step.path, i)))
            elif isinstance(step, Chance):
                if world.rng.random() < step.p:
                    yield from self._steps(step.body, frames)
            else:
                try:
                    self._act(step, frames)
                except _Skip:
                    continue
                except MockZenotiError as exc:
                    if isinstance(exc, TransitionError) and step.path in self.plan.lenient:
                        continue
                    raise ScenarioError(getattr(exc, "reason", exc.message), file=self.file,
                                        line=step.line, field=f"{step.path}.{step.verb}"
                                        ) from exc  # fmt: skip

    # -- resolving --------------------------------------------------------------------

    def resolve(self, ref: Ref, frames: Frames) -> Any:
        """The entity ``ref`` names now (raises ``_Skip`` when it was never made)."""
        info: HandleInfo = self.plan.handles[ref.name]
        flat = flat_index(info, ref, frames)
        assert flat is not None, "the static check resolved every reference"
        value = self.env[ref.name][flat]
        if value is None and info.pinned:
            value = self.env[ref.name][0] = self._pinned_guest(ref.name)
        if value is None:
            raise _Skip
        return value

    def _bind(self, a: Action, frames: Frames, value: Any) -> None:
        if a.handle is None:
            return
        info = self.plan.handles[a.handle]
        flat = flat_index(info, Ref(a.handle, None, a.line), frames)
        assert flat is not None
        self.env[a.handle][flat] = value

    def center(self, params: dict[str, Any]) -> Center:
        """The center a step names (by name or position), the first one by default."""
        value = params.get("center", 0)
        try:
            return self.world.center(value)
        except (KeyError, IndexError):
            names = ", ".join(c.name for c in self.world.centers)
            raise MockZenotiError(f"no center {value!r} in this world (centers: {names})",
                                  field="center") from None  # fmt: skip

    def when(self, value: When | None, center: Center) -> int:
        """The instant a time parameter names (default: an hour from now)."""
        now = self.world.now
        if value is None:
            return now + 60 * MINUTE_TICKS
        if value.offset is not None:
            return now + value.offset
        assert value.minute is not None
        return at_local(local_date(now, center.tz), value.minute, center.tz)

    def _pinned_guest(self, name: str) -> Guest:
        pin = self.plan.program.guests[name]
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
        """The guest a step names, or a new guest of ``center``'s pool."""
        ref = params.get("guest")
        if isinstance(ref, Ref):
            guest: Guest = self.resolve(ref, frames)
            return guest
        return self.world.pool.fresh(center) or self.world.pool.extra(center)

    def _act(self, a: Action, frames: Frames) -> None:
        from mockzenoti.scenarios.yaml_actions import ACTIONS

        kind = self.plan.kinds[a.path]
        params = self.plan.params[a.path]
        target = a.target if isinstance(a.target, str) else self.resolve(a.target, frames)
        made = ACTIONS[(a.verb, kind)](self, a, target, params, frames)
        if made is not None:
            self._bind(a, frames, made)
