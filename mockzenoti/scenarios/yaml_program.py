"""A YAML scenario file read into a ``Program``: its world pins, start and steps.

This module checks the file's *form* (known top-level keys, one action per
step, durations, probabilities, repeat counts, handle names); ``yaml_check``
then checks its *meaning* (handles, kinds, parameters, lifecycle rules)
before anything runs. Every refusal names the file, the line and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from mockzenoti.errors import MockZenotiError, closest
from mockzenoti.scenarios.durations import parse_duration
from mockzenoti.scenarios.errors import ScenarioError
from mockzenoti.scenarios.yaml_nodes import Node
from mockzenoti.scenarios.yaml_world import GuestPin, center_pins, check_size, guest_pins
from mockzenoti.world import CenterPin

__all__ = [
    "MAKES",
    "VERBS",
    "Action",
    "Chance",
    "GuestPin",
    "Program",
    "Ref",
    "Repeat",
    "Step",
    "Wait",
    "parse_program",
    "parse_ref",
]

# verb -> the kinds of entity it acts on (for ``create``: the kinds it makes)
VERBS: dict[str, tuple[str, ...]] = {
    "create": ("guest", "employee", "session", "appointment", "membership", "package"),
    "book": ("session",),
    "cancel": ("booking", "session", "appointment", "membership"),
    "delete": ("booking", "session", "guest", "employee"),
    "no-show": ("booking", "appointment"),
    "approve": ("booking",), "reject": ("booking",),
    "update": ("session", "guest", "employee"),
    "confirm": ("appointment",), "check-in": ("appointment",), "start": ("appointment",),
    "complete": ("appointment",), "close": ("appointment",), "reschedule": ("appointment",),
    "feedback": ("appointment",),
    "opt-in": ("guest",), "opt-out": ("guest",),
    "freeze": ("membership",), "unfreeze": ("membership",), "reinstate": ("membership",),
    "guestpass": ("membership",),
    "activate": ("package",), "redeem": ("package",), "reverse": ("package",),
    "extend": ("package",),
}  # fmt: skip
# verbs that make an entity (``as:`` names it), and its kind (None: the created kind)
MAKES: dict[str, str | None] = {
    "create": None, "book": "booking", "reschedule": "appointment", "guestpass": "booking",
}  # fmt: skip
KIND_ALIASES = {"class-session": "session", "class-booking": "booking",
                "appointment-group": "appointment", "group": "appointment"}  # fmt: skip
MAX_REPEAT = 10_000
_HANDLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_REF = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(?:\[\s*(-?\d+)\s*\])?\s*$")
_START = re.compile(r"^(?:(\d{4}-\d{2}-\d{2})[ T])?(\d{1,2}):(\d{2})$")


@dataclass(frozen=True, slots=True)
class Ref:
    """A handle named in a step: ``name`` or ``name[index]`` (an instance made in a repeat)."""

    name: str
    index: int | None
    line: int

    def __str__(self) -> str:
        return self.name if self.index is None else f"{self.name}[{self.index}]"


@dataclass(frozen=True, slots=True)
class Action:
    """One action: ``verb`` on ``target`` (a Ref, or for ``create`` a kind) with ``params``."""

    path: str
    line: int
    verb: str
    target: Ref | str
    params: dict[str, tuple[Any, int]]  # name -> (value, line)
    handle: str | None
    handle_line: int


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
class Program:
    """A parsed scenario file."""

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


def parse_ref(value: Any, line: int, file: str, field: str) -> Ref:
    """A handle reference (``yoga``, ``seat[2]``, ``seat[-1]``)."""
    m = _REF.match(value) if isinstance(value, str) else None
    if m is None:
        raise ScenarioError(f"{value!r} is not a handle (write a name, or name[index])",
                            file=file, line=line, field=field)  # fmt: skip
    return Ref(m.group(1), None if m.group(2) is None else int(m.group(2)), line)


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, message: str, line: int, field: str) -> ScenarioError:
        return ScenarioError(message, file=self.file, line=line, field=field)

    def mapping(self, node: Node, field: str, allowed: tuple[str, ...]) -> dict[str, Node]:
        if not node.is_map:
            raise self.fail(f"{field} must be a mapping", node.line, field)
        for key in node.value:
            if key not in allowed:
                hint = closest(key, allowed)
                extra = f"; did you mean {', '.join(hint)}?" if hint else ""
                raise self.fail(
                    f"unknown key {key!r}{extra} (known: {', '.join(allowed)})",
                    node.key_lines[key],
                    f"{field}.{key}" if field else key,
                )
        value: dict[str, Node] = node.value
        return value

    def text(self, node: Node, field: str) -> str:
        if not isinstance(node.value, str) or not node.value.strip():
            raise self.fail("must be a non-empty text", node.line, field)
        return node.value

    def steps(self, node: Node, field: str) -> tuple[Step, ...]:
        if not node.is_list or not node.value:
            raise self.fail("must be a non-empty list of steps", node.line, field)
        return tuple(self.step(item, f"{field}[{i}]") for i, item in enumerate(node.value))

    def step(self, node: Node, path: str) -> Step:
        if not node.is_map:
            raise self.fail("a step must be a mapping such as {wait: 10m}", node.line, path)
        items: dict[str, Node] = node.value
        heads = [k for k in items if k in VERBS or k in ("wait", "repeat", "with_probability")]
        if len(heads) != 1:
            what = "no action" if not heads else f"several actions ({', '.join(heads)})"
            known = ", ".join([*VERBS, "wait", "repeat", "with_probability"])
            hint = [h for k in items for h in closest(k, [*VERBS, "wait", "repeat"])][:3]
            extra = f"; did you mean {', '.join(hint)}?" if hint and not heads else ""
            raise self.fail(f"a step needs exactly one action, found {what}{extra} "
                            f"(actions: {known})", node.line, path)  # fmt: skip
        head = heads[0]
        where = f"{path}.{head}"
        value = items[head]
        if head == "wait":
            self.mapping(node, path, ("wait",))
            try:
                ticks = parse_duration(str(value.value), field=where)
            except MockZenotiError as exc:
                raise self.fail(exc.message, value.line, where) from exc
            return Wait(path, node.line, ticks)
        if head in ("repeat", "with_probability"):
            self.mapping(node, path, (head, "steps"))
            if "steps" not in items:
                raise self.fail(f"{head} needs steps", node.line, f"{path}.steps")
            body = self.steps(items["steps"], f"{path}.steps")
            if head == "repeat":
                n = value.value
                if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_REPEAT:
                    raise self.fail(f"repeat must be a whole number from 1 to {MAX_REPEAT} "
                                    f"(got {n!r})", value.line, where)  # fmt: skip
                return Repeat(path, node.line, n, body)
            p = value.value
            if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p <= 1:
                raise self.fail(f"with_probability must be a number from 0 to 1 (got {p!r})",
                                value.line, where)  # fmt: skip
            return Chance(path, node.line, float(p), body)
        return self.action(node, head, path)

    def action(self, node: Node, verb: str, path: str) -> Action:
        items: dict[str, Node] = node.value
        where = f"{path}.{verb}"
        value = items[verb]
        target: Ref | str
        if verb == "create":
            kind = KIND_ALIASES.get(str(value.value), str(value.value))
            if kind not in VERBS["create"]:
                raise self.fail(f"cannot create {value.value!r}; create one of: "
                                f"{', '.join(VERBS['create'])}", value.line, where)  # fmt: skip
            target = kind
        else:
            target = parse_ref(value.value, value.line, self.file, where)
        handle, handle_line = None, node.line
        if "as" in items:
            handle, handle_line = items["as"].value, items["as"].line
            if verb not in MAKES:
                raise self.fail(f"{verb} makes nothing to name; as: is for "
                                f"{', '.join(MAKES)}", handle_line, f"{path}.as")  # fmt: skip
            if not isinstance(handle, str) or not _HANDLE.match(handle):
                raise self.fail(f"{handle!r} is not a handle name (letters, digits, _ and -)",
                                handle_line, f"{path}.as")  # fmt: skip
        params = {k: (v.plain(), v.line) for k, v in items.items() if k not in (verb, "as")}
        return Action(path, node.line, verb, target, params, handle, handle_line)


def parse_program(root: Node, file: str, default_name: str) -> Program:
    """The ``Program`` a scenario file's node tree describes (its form checked)."""
    reader = _Reader(file)
    top = reader.mapping(root, "", ("name", "description", "world", "start", "steps"))
    if "steps" not in top:
        raise reader.fail("a scenario needs steps", root.line, "steps")
    name = reader.text(top["name"], "name") if "name" in top else default_name
    description = reader.text(top["description"], "description") if "description" in top else ""
    kind: str | None = None
    sizes: dict[str, Any] = {}
    centers: tuple[CenterPin, ...] = ()
    guests: dict[str, GuestPin] = {}
    if "world" in top:
        world = reader.mapping(top["world"], "world", ("kind", "sizes", "centers", "guests"))
        if "kind" in world:
            kind = reader.text(world["kind"], "world.kind")
            check_size(reader, "kind", kind, world["kind"].line, "world.kind")
        if "sizes" in world:
            nodes = reader.mapping(world["sizes"], "world.sizes", tuple(world["sizes"].value or ()))
            for key, node in nodes.items():
                check_size(reader, key, node.value, node.line, f"world.sizes.{key}")
            sizes = {k: v.value for k, v in nodes.items()}
        if "centers" in world:
            centers = center_pins(reader, world["centers"])
        if "guests" in world:
            guests = guest_pins(reader, world["guests"])
    start_day, start_minute = None, 9 * 60
    if "start" in top:
        m = _START.match(str(top["start"].value).strip())
        if m is None or int(m.group(2)) > 23 or int(m.group(3)) > 59:
            raise reader.fail("start must be a local time HH:MM or a date and time "
                              "YYYY-MM-DD HH:MM", top["start"].line, "start")  # fmt: skip
        try:
            start_day = date.fromisoformat(m.group(1)) if m.group(1) else None
        except ValueError as exc:
            raise reader.fail(f"{m.group(1)} is not a date", top["start"].line, "start") from exc
        start_minute = int(m.group(2)) * 60 + int(m.group(3))
    steps = reader.steps(top["steps"], "steps")
    return Program(file, name, description.strip(), kind, sizes, centers, guests, start_day,
                   start_minute, steps)  # fmt: skip
