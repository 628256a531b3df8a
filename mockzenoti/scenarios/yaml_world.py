"""The ``world:`` section of a scenario file: kind, sizes, pinned centers and guests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mockzenoti.errors import MockZenotiError
from mockzenoti.scenarios.yaml_nodes import Node
from mockzenoti.world import CenterPin

if TYPE_CHECKING:
    from mockzenoti.scenarios.yaml_program import _Reader

__all__ = ["GuestPin", "center_pins", "check_size", "guest_pins"]

_HANDLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class GuestPin:
    """A guest pinned in ``world.guests``: a handle from the start, created when first used."""

    name: str
    line: int
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    center: str | int | None = None


def guest_pins(reader: _Reader, node: Node) -> dict[str, GuestPin]:
    """The pinned guests of ``world.guests``, each checked."""
    pins: dict[str, GuestPin] = {}
    fields = ("first_name", "last_name", "email", "center")
    for name, pin in reader.mapping(node, "world.guests", tuple(node.value or ())).items():
        if not _HANDLE.match(name):
            raise reader.fail(f"{name!r} is not a handle name", pin.line, f"world.guests.{name}")
        values = reader.mapping(pin, f"world.guests.{name}", fields)
        for key in ("first_name", "last_name", "email"):
            if key in values:
                reader.text(values[key], f"world.guests.{name}.{key}")
        plain = {k: v.value for k, v in values.items()}
        pins[name] = GuestPin(name, pin.line, **plain)
    return pins


def center_pins(reader: _Reader, node: Node) -> tuple[CenterPin, ...]:
    """The pinned centers of ``world.centers`` (names, IANA zones, codes), each checked."""
    from mockzenoti.timefmt import zone

    if not node.is_list:
        raise reader.fail("world.centers must be a list", node.line, "world.centers")
    pins = []
    for i, item in enumerate(node.value):
        field = f"world.centers[{i}]"
        values = reader.mapping(item, field, ("name", "time_zone", "code"))
        plain = {k: reader.text(v, f"{field}.{k}") for k, v in values.items()}
        if "time_zone" in plain:
            try:
                zone(plain["time_zone"])
            except (KeyError, ValueError) as exc:
                raise reader.fail(f"{plain['time_zone']!r} is not an IANA time zone "
                                  "(e.g. Australia/Sydney)", values["time_zone"].line,
                                  f"{field}.time_zone") from exc  # fmt: skip
        pins.append(CenterPin(**plain))
    return tuple(pins)


def check_size(reader: _Reader, key: str, value: Any, line: int, field: str) -> None:
    """Refuse a world size (or kind) ``WorldSizes`` would refuse, at its line."""
    from mockzenoti.world import WorldSizes

    try:
        WorldSizes().with_overrides({key: value})
    except MockZenotiError as exc:
        raise reader.fail(exc.message, line, field) from exc
