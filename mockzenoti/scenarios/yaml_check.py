"""The static check of a YAML scenario: everything that can be refused before anything runs.

It walks the steps in order, repeats unrolled, keeping for every handle
instance the set of states it may be in (a ``with_probability`` block joins
the states with and without it) and the simulated time as an interval. It
refuses unknown handles, actions on the wrong kind of entity, parameters an
action does not take, and transitions the lifecycle rules (``world.rules``)
forbid in every state the entity may be in, or at the time the step runs
(a no-show before the session starts). A step that an optional step may
have made inapplicable is marked *lenient*: at run time it is skipped when
it no longer applies. The result is the ``Plan`` the runner follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from mockzenoti.errors import closest
from mockzenoti.scenarios.errors import ScenarioError
from mockzenoti.scenarios.yaml_handles import HandleInfo, flat_index, free_count
from mockzenoti.scenarios.yaml_params import When, check_params
from mockzenoti.scenarios.yaml_program import (
    MAKES,
    VERBS,
    Action,
    Chance,
    Program,
    Ref,
    Repeat,
    Step,
    Wait,
)
from mockzenoti.timefmt import DAY_TICKS, MINUTE_TICKS
from mockzenoti.vocab import CLASSES
from mockzenoti.world.rules import RULES

__all__ = ["MAX_UNROLLED", "HandleInfo", "Plan", "check_program"]

MAX_UNROLLED = 50_000
HOUR = 60 * MINUTE_TICKS
_INITIAL = {"guest": "exists", "employee": "active", "session": "scheduled",
            "appointment": "new", "membership": "active", "package": "sold"}  # fmt: skip
_LIVE = ("booked", "waitlisted", "approved")


@dataclass
class Plan:
    """A checked program: its handles, each action's target kind, parameters, leniency."""

    program: Program
    handles: dict[str, HandleInfo] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    lenient: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Entity:
    kind: str
    states: frozenset[str]
    maybe_absent: bool = False
    start: tuple[int, int] | None = None  # session / first appointment start, relative ticks
    minutes: int | None = None
    parent: str | None = None  # a booking's session instance


@dataclass
class _State:
    entities: dict[str, _Entity]
    lo: int = 0
    hi: int = 0

    def copy(self) -> _State:
        return _State(dict(self.entities), self.lo, self.hi)


class _Checker:
    def __init__(self, program: Program) -> None:
        self.program = program
        self.file = program.file
        self.plan = Plan(program)
        self.unrolled = 0
        kind = program.kind or program.sizes.get("kind")
        self.kind = kind if isinstance(kind, str) else None

    def fail(self, message: str, line: int, field: str) -> ScenarioError:
        return ScenarioError(message, file=self.file, line=line, field=field)

    def clock(self, ticks: int) -> str:
        minute = self.program.start_minute + ticks // MINUTE_TICKS
        day, minute = divmod(minute, 1440)
        return f"{minute // 60:02d}:{minute % 60:02d}" + (f" (day {day + 1})" if day else "")

    # -- walking ----------------------------------------------------------------------

    def run(self) -> Plan:
        state = _State({})
        for name, pin in self.program.guests.items():
            self.plan.handles[name] = HandleInfo(name, "guest", pin.line, pinned=True)
            state.entities[f"{name}#0"] = _Entity("guest", frozenset({"pinned"}))
        self.walk(self.program.steps, (), (), state)
        return self.plan

    def walk(self, steps: tuple[Step, ...], frames: tuple[tuple[str, int], ...],
             counts: tuple[int, ...], state: _State) -> None:  # fmt: skip
        for step in steps:
            self.unrolled += 1
            if self.unrolled > MAX_UNROLLED:
                raise self.fail(f"the steps unroll to more than {MAX_UNROLLED} actions; "
                                "lower the repeat counts", step.line, step.path)  # fmt: skip
            if isinstance(step, Wait):
                state.lo += step.ticks
                state.hi += step.ticks
            elif isinstance(step, Repeat):
                for i in range(step.count):
                    self.walk(step.body, (*frames, (step.path, i)), (*counts, step.count), state)
            elif isinstance(step, Chance):
                taken = state.copy()
                self.walk(step.body, frames, counts, taken)
                self.join(state, taken)
            else:
                self.action(step, frames, counts, state)

    def join(self, state: _State, taken: _State) -> None:
        for key, entity in taken.entities.items():
            before = state.entities.get(key)
            if before is None:
                state.entities[key] = replace(entity, maybe_absent=True)
            elif before != entity:
                starts = [s for s in (before.start, entity.start) if s is not None]
                state.entities[key] = replace(
                    before,
                    states=before.states | entity.states,
                    maybe_absent=before.maybe_absent or entity.maybe_absent,
                    start=(min(s[0] for s in starts), max(s[1] for s in starts))
                    if starts else None,
                )  # fmt: skip
        state.lo, state.hi = min(state.lo, taken.lo), max(state.hi, taken.hi)

    # -- one action -------------------------------------------------------------------

    def resolve(self, ref: Ref, frames: tuple[tuple[str, int], ...], state: _State,
                field: str) -> tuple[str, _Entity]:  # fmt: skip
        info = self.plan.handles.get(ref.name)
        if info is None:
            hint = closest(ref.name, self.plan.handles)
            extra = f"; did you mean {', '.join(hint)}?" if hint else ""
            raise self.fail(f"unknown handle {ref.name!r}{extra} (name it with as: in an "
                            "earlier step)", ref.line, field)  # fmt: skip
        flat = flat_index(info, ref, frames)
        if flat is None:
            free = free_count(info, frames)
            span = f"{info.name}[0] .. {info.name}[{free - 1}]"
            if ref.index is None:
                raise self.fail(
                    f"{ref} names no single entity: {info.name} is made in a "
                    f"repeat (line {info.line}); name one of {span}",
                    ref.line,
                    field,
                )
            raise self.fail(f"{ref} is out of range: {info.name} names {free} here ({span})",
                            ref.line, field)  # fmt: skip
        entity = state.entities.get(f"{info.name}#{flat}")
        if entity is None:
            raise self.fail(f"{ref} is not made yet at this step", ref.line, field)
        return f"{info.name}#{flat}", entity

    def action(self, a: Action, frames: tuple[tuple[str, int], ...], counts: tuple[int, ...],
               state: _State) -> None:  # fmt: skip
        from mockzenoti.scenarios.yaml_effects import apply_action

        where = f"{a.path}.{a.verb}"
        if isinstance(a.target, str):
            kind, key, entity = a.target, None, None
        else:
            key, entity = self.resolve(a.target, frames, state, where)
            kind = entity.kind
            if kind not in VERBS[a.verb]:
                raise self.fail(f"cannot {a.verb} {a.target}, a {kind} ({a.verb} acts on "
                                f"{', '.join(VERBS[a.verb])})", a.line, where)  # fmt: skip
        if a.path not in self.plan.params:
            self.plan.kinds[a.path] = kind
            self.plan.params[a.path] = check_params(a, kind, self.kind, self.file)
        params = self.plan.params[a.path]
        apply_action(self, a, kind, key, entity, params, frames, counts, state)

    def check_rule(self, a: Action, kind: str, action: str, key: str, entity: _Entity,
                   state: _State, what: str, at: tuple[int, str] | None = None
                   ) -> frozenset[str]:  # fmt: skip
        """The states in which the rule allows ``action``; refuses if none; marks leniency.

        ``at`` (line, field) points a refusal at a parameter instead of the action.
        """
        rule = RULES[(kind, action)]
        states = frozenset("exists" if s == "pinned" else s for s in entity.states)
        allowed = states & frozenset(rule.sources)
        line, where = at or (a.line, f"{a.path}.{a.verb}")
        if not allowed:
            now = " or ".join(sorted(states))
            raise self.fail(f"cannot {a.verb} {what}: at this step it is {now} ({a.verb} "
                            f"needs {' or '.join(rule.sources)})", line, where)  # fmt: skip
        if allowed != states or entity.maybe_absent:
            self.plan.lenient.add(a.path)
        anchor = entity
        if entity.parent is not None:
            anchor = state.entities.get(entity.parent, entity)
        start = anchor.start
        if rule.timing is not None and start is not None:
            if rule.timing == "before-start" and state.lo >= start[1]:
                raise self.fail(
                    f"cannot {a.verb} {what}: it starts at {self.clock(start[1])} "
                    f"and this step runs at {self.clock(state.lo)}",
                    a.line,
                    where,
                )
            if rule.timing == "after-start" and state.hi < start[0]:
                raise self.fail(
                    f"cannot {a.verb} {what} before it starts at "
                    f"{self.clock(start[0])} (this step runs at "
                    f"{self.clock(state.hi)}); wait first",
                    a.line,
                    where,
                )
            end = None if anchor.minutes is None else start[1] + anchor.minutes * MINUTE_TICKS
            if rule.timing == "before-end" and end is not None and state.lo >= end:
                raise self.fail(
                    f"cannot {a.verb} {what}: it ended at {self.clock(end)} and "
                    f"this step runs at {self.clock(state.lo)}",
                    a.line,
                    where,
                )
        return allowed

    def when(self, value: When | None, state: _State, a: Action, field: str) -> tuple[int, int]:
        """A time parameter as an interval relative to the start (default: an hour from now)."""
        if value is None:
            return state.lo + HOUR, state.hi + HOUR
        if value.offset is not None:
            return state.lo + value.offset, state.hi + value.offset
        assert value.minute is not None
        base = self.program.start_minute * MINUTE_TICKS
        day = (base + state.lo) // DAY_TICKS
        at = day * DAY_TICKS + value.minute * MINUTE_TICKS - base
        if at <= state.hi:
            raise self.fail(f"{self.clock(at)} is not later than this step's time "
                            f"({self.clock(state.hi)})", a.params[field][1],
                            f"{a.path}.{field}")  # fmt: skip
        return at, at

    def class_minutes(self, params: dict[str, Any]) -> int | None:
        """A session's length when the file says it (minutes, or a class of a known kind)."""
        if "minutes" in params:
            minutes: int = params["minutes"]
            return minutes
        if "class" in params:
            kinds = [self.kind] if self.kind in CLASSES else list(CLASSES)
            found = {t.minutes for k in kinds for t in CLASSES[k] if t.name == params["class"]}
            return found.pop() if len(found) == 1 else None
        return None

    def define(self, a: Action, kind: str, frames: tuple[tuple[str, int], ...],
               counts: tuple[int, ...]) -> str | None:  # fmt: skip
        """Record the handle ``a`` names (once); the instance key it makes now, if named."""
        if a.handle is None:
            return None
        info = self.plan.handles.get(a.handle)
        if info is None:
            made = MAKES[a.verb] or kind
            repeats = tuple(p for p, _ in frames)
            info = HandleInfo(a.handle, made, a.handle_line, a.path, repeats, counts)
            self.plan.handles[a.handle] = info
        elif info.path != a.path and not (info.pinned and a.verb == "create" and kind == "guest"):
            raise self.fail(
                f"handle {a.handle!r} is already defined on line {info.line}",
                a.handle_line,
                f"{a.path}.as",
            )
        ref = Ref(a.handle, None, a.handle_line)
        flat = flat_index(info, ref, frames)
        return f"{a.handle}#{flat}"


def check_program(program: Program) -> Plan:
    """The checked ``Plan`` of ``program``; raises ``ScenarioError`` at the first problem."""
    return _Checker(program).run()
