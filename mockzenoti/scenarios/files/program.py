"""A scenario file read into a ``Plan``: its world pins, start, steps and handles.

``read_plan(root, file, default_name)`` takes a node tree whose form the
JSON Schema has accepted (``form``) and turns it into steps the runner
follows, with the references between them resolved: each handle (``as:``)
is defined by one step, named only after it, and the verb of a step must act
on the kind of entity its handle names (``approve`` a booking, not a guest).
Values are read as the runner needs them (durations in ticks, times, dates,
handle references). Everything about what the world allows is left to the
world: a dry run asks it (``scenario``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mockzenoti.errors import MockZenotiError, closest
from mockzenoti.scenarios.durations import parse_duration
from mockzenoti.scenarios.errors import ScenarioError
from mockzenoti.scenarios.files.language import (
    CONTROL,
    KIND_ALIASES,
    MAKES,
    MAX_UNROLLED,
    PARAMS,
    VERBS,
    article,
)
from mockzenoti.scenarios.files.nodes import Node
from mockzenoti.world import CenterPin

__all__ = [
    "Action",
    "Chance",
    "GuestPin",
    "HandleInfo",
    "Plan",
    "Ref",
    "Repeat",
    "Step",
    "Wait",
    "When",
    "flat_index",
    "read_plan",
]

_REF = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(?:\[\s*(-?\d+)\s*\])?\s*$")
_START = re.compile(r"^(?:(\d{4}-\d{2}-\d{2})[ T])?(\d{1,2}):(\d{2})$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
Frames = tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Ref:
    """A handle named in a step: ``name`` or ``name[index]`` (an instance made in a repeat)."""

    name: str
    index: int | None
    line: int

    def __str__(self) -> str:
        return self.name if self.index is None else f"{self.name}[{self.index}]"


@dataclass(frozen=True, slots=True)
class When:
    """A time in a step: ``+90m`` (``offset`` ticks from now) or ``18:00`` (``minute`` of today)."""

    offset: int | None = None
    minute: int | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class Action:
    """One action: ``verb`` on ``target`` (a Ref, or for ``create`` a kind) with ``params``.

    ``kind`` is the kind of entity it acts on; ``params`` hold the values read
    (``Ref``, ``When``, text, numbers) and ``lines`` the line of each.
    """

    path: str
    line: int
    verb: str
    target: Ref | str
    kind: str
    params: dict[str, Any]
    lines: dict[str, int]
    handle: str | None


@dataclass(frozen=True, slots=True)
class Wait:
    """``wait: DURATION``: simulated time passes."""

    path: str
    line: int
    ticks: int


@dataclass(frozen=True, slots=True)
class Repeat:
    """``repeat: N`` with ``steps``."""

    path: str
    line: int
    count: int
    body: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Chance:
    """``with_probability: P`` with ``steps``: they run with probability ``p``."""

    path: str
    line: int
    p: float
    body: tuple[Step, ...]


Step = Action | Wait | Repeat | Chance


@dataclass(frozen=True, slots=True)
class GuestPin:
    """A guest pinned in ``world.guests``: a handle from the start, created when first used."""

    name: str
    line: int
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    center: str | int | None = None


@dataclass(frozen=True, slots=True)
class HandleInfo:
    """A handle: its kind, defining step, and the repeats around its definition."""

    name: str
    kind: str
    line: int
    path: str = ""  # the defining step
    repeats: tuple[str, ...] = ()  # paths of the enclosing repeats, outermost first
    counts: tuple[int, ...] = ()
    pinned: bool = False

    @property
    def total(self) -> int:
        """How many instances the handle names (one per iteration of its repeats)."""
        return math.prod(self.counts)


@dataclass(frozen=True, slots=True)
class Plan:
    """A scenario file read: world pins, start, steps, handles; ``root`` for line lookups."""

    file: str
    name: str
    description: str
    kind: str | None
    sizes: dict[str, Any]
    centers: tuple[CenterPin, ...]
    guests: dict[str, GuestPin]
    start_day: date | None
    start_minute: int
    steps: tuple[Step, ...]
    handles: dict[str, HandleInfo]
    root: Node = field(compare=False, repr=False)


def _free(info: HandleInfo, frames: Frames) -> int:
    iterations = dict(frames)
    pairs = zip(info.repeats, info.counts, strict=True)
    return math.prod(c for p, c in pairs if p not in iterations)


def flat_index(info: HandleInfo, ref: Ref, frames: Frames) -> int | None:
    """The instance ``ref`` names from a step inside ``frames`` (repeat path, iteration).

    ``name`` is this iteration's instance; ``name[i]`` the i-th (from 0; -1 the
    last) made in the repeats that do not enclose the step (a repeat around
    both is fixed at its current iteration). None when ``ref`` names no single
    instance.
    """
    free = _free(info, frames)
    if ref.index is None:
        if free != 1:
            return None
        index = 0
    elif -free <= ref.index < free:
        index = ref.index % free
    else:
        return None
    iterations = dict(frames)
    flat = 0
    for path, count in zip(info.repeats, info.counts, strict=True):
        if path in iterations:
            flat = flat * count + iterations[path]
    return flat * free + index


class _Reader:
    """Reads the steps in file order, defining and checking handles as it goes."""

    def __init__(self, root: Node, file: str, guests: dict[str, GuestPin]) -> None:
        self.root = root
        self.file = file
        self.unrolled = 0
        self.handles = {
            name: HandleInfo(name, "guest", pin.line, pinned=True) for name, pin in guests.items()
        }

    def fail(self, message: str, line: int, field: str) -> ScenarioError:
        return ScenarioError(message, file=self.file, line=line, field=field)

    def steps(self, node: Node, path: str, frames: Frames, weight: int) -> tuple[Step, ...]:
        items: list[Node] = node.value
        return tuple(
            self.step(item, f"{path}[{i}]", frames, weight) for i, item in enumerate(items)
        )

    def step(self, node: Node, path: str, frames: Frames, weight: int) -> Step:
        items: dict[str, Node] = node.value
        head = next(k for k in items if k in CONTROL or k in VERBS)
        self.unrolled += weight
        if self.unrolled > MAX_UNROLLED:
            raise self.fail(
                f"the steps unroll to more than {MAX_UNROLLED} actions; lower the repeat counts",
                node.line,
                path,
            )
        value = items[head]
        if head == "wait":
            return Wait(path, node.line, self.duration(value, f"{path}.wait"))
        if head == "repeat":
            count: int = value.value
            inner = (*frames, (path, count))
            body = self.steps(items["steps"], f"{path}.steps", inner, weight * count)
            return Repeat(path, node.line, count, body)
        if head == "with_probability":
            body = self.steps(items["steps"], f"{path}.steps", frames, weight)
            return Chance(path, node.line, float(value.value), body)
        return self.action(node, head, path, frames)

    def duration(self, node: Node, field: str) -> int:
        try:
            return parse_duration(str(node.value), field=field)
        except MockZenotiError as exc:
            raise self.fail(exc.message, node.line, field) from exc

    def action(self, node: Node, verb: str, path: str, frames: Frames) -> Action:
        items: dict[str, Node] = node.value
        where = f"{path}.{verb}"
        target_node = items[verb]
        target: Ref | str
        if verb == "create":
            kind = KIND_ALIASES.get(target_node.value, target_node.value)
            target = kind
        else:
            target = self.ref(target_node, where, frames)
            kind = self.handles[target.name].kind
            if kind not in VERBS[verb]:
                raise self.fail(
                    f"cannot {verb} {target}, a {kind} ({verb} acts on {', '.join(VERBS[verb])})",
                    node.line,
                    where,
                )
        spec = PARAMS.get((verb, kind), {})
        params: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for name, value in items.items():
            if name in (verb, "as"):
                continue
            field_ = f"{path}.{name}"
            line = node.key_lines[name]
            if name not in spec:
                hint = closest(name, spec)
                extra = f"; did you mean {', '.join(hint)}?" if hint else ""
                takes = ", ".join(spec) or "none"
                raise self.fail(
                    f"{verb} of {article(kind)} takes no {name!r}{extra} (it takes: {takes})",
                    line,
                    field_,
                )
            params[name] = self.param(spec[name], value, field_, frames)
            lines[name] = line
        handle = None
        if "as" in items:
            handle = self.define(items["as"], node.key_lines["as"], verb, kind, path, frames)
        return Action(path, node.line, verb, target, kind, params, lines, handle)

    def param(self, type_: str, node: Node, field_: str, frames: Frames) -> Any:
        value = node.plain()
        if type_ == "handle":
            return self.ref(node, field_, frames)
        if type_ == "time":
            text = str(value).strip()
            if text.startswith("+"):
                return When(offset=self.duration(Node(text[1:], node.line), field_), text=text)
            m = _CLOCK.match(text)
            assert m is not None, "the schema admits +DURATION or HH:MM only"
            return When(minute=int(m.group(1)) * 60 + int(m.group(2)), text=text)
        return value

    def ref(self, node: Node, field_: str, frames: Frames) -> Ref:
        m = _REF.match(str(node.value))
        assert m is not None, "the schema admits handle references only"
        ref = Ref(m.group(1), None if m.group(2) is None else int(m.group(2)), node.line)
        info = self.handles.get(ref.name)
        if info is None:  # steps are read in order: a handle made later is not known yet
            hint = closest(ref.name, self.handles)
            extra = f"; did you mean {', '.join(hint)}?" if hint else ""
            raise self.fail(
                f"unknown handle {ref.name!r}{extra} (name it with as: in an earlier step)",
                ref.line,
                field_,
            )
        if flat_index(info, ref, frames) is None:
            free = _free(info, frames)
            span = f"{info.name}[0] .. {info.name}[{free - 1}]"
            if ref.index is None:
                raise self.fail(
                    f"{ref} names no single entity: {info.name} is made in a "
                    f"repeat (line {info.line}); name one of {span}",
                    ref.line,
                    field_,
                )
            raise self.fail(
                f"{ref} is out of range: {info.name} names {free} here ({span})", ref.line, field_
            )
        return ref

    def define(self, node: Node, line: int, verb: str, kind: str, path: str, frames: Frames) -> str:
        name: str = node.value
        info = self.handles.get(name)
        if info is not None and not (info.pinned and verb == "create" and kind == "guest"):
            raise self.fail(
                f"handle {name!r} is already defined on line {info.line}", line, f"{path}.as"
            )
        made = MAKES[verb] or kind
        if info is None:
            repeats = tuple(p for p, _ in frames)
            counts = tuple(c for _, c in frames)
            self.handles[name] = HandleInfo(name, made, line, path, repeats, counts)
        return name


def _start(node: Node | None, file: str) -> tuple[date | None, int]:
    if node is None:
        return None, 9 * 60
    m = _START.match(str(node.value).strip())
    assert m is not None, "the schema admits HH:MM or YYYY-MM-DD HH:MM only"
    try:
        day = date.fromisoformat(m.group(1)) if m.group(1) else None
    except ValueError as exc:
        raise ScenarioError(
            f"{m.group(1)} is not a date", file=file, line=node.line, field="start"
        ) from exc
    return day, int(m.group(2)) * 60 + int(m.group(3))


def read_plan(root: Node, file: str, default_name: str) -> Plan:
    """The ``Plan`` of a scenario file whose form ``check_form`` accepted."""
    top: dict[str, Node] = root.value
    world: dict[str, Node] = top["world"].value if "world" in top else {}
    plain = {k: v.plain() for k, v in world.items()}
    guests = {
        name: GuestPin(name, world["guests"].key_lines[name], **values)
        for name, values in (plain.get("guests") or {}).items()
    }
    centers = tuple(CenterPin(**values) for values in plain.get("centers") or ())
    reader = _Reader(root, file, guests)
    steps = reader.steps(top["steps"], "steps", (), 1)
    start_day, start_minute = _start(top.get("start"), file)
    name = top["name"].value if "name" in top else default_name
    description = top["description"].value.strip() if "description" in top else ""
    return Plan(
        file,
        name,
        description,
        plain.get("kind"),
        dict(plain.get("sizes") or {}),
        centers,
        guests,
        start_day,
        start_minute,
        steps,
        reader.handles,
        root,
    )
