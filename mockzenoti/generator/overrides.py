"""Overrides: change fields of generated events by dotted path.

``data.guest.first_name=Ada``, ``data.appointments.0.room_name=Suite 2``,
``event_type=...``: a path names a key of the envelope and, through ``data``,
of the event's object, with list items by index. Only existing fields can be
set; a missing key or an index out of range is refused with the closest
existing keys. A value that breaks the event's schema is refused too,
naming the path and the reason.

Applying copies every container on the path (copy-on-write): rendered events
share sub-dicts and are never changed in place.

From the command line values arrive as text; ``coerce_text`` reads them by
the schema's type at the path (see ``schema_types``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mockzenoti.catalog import Catalog, CatalogEntry
from mockzenoti.errors import OverrideError, closest
from mockzenoti.event import Event
from mockzenoti.generator.override_schema import check_override, schema_types

__all__ = [
    "Overrides",
    "coerce_text",
    "parse_assignment",
    "resolve",
    "set_path",
    "split_path",
    "text_overrides",
]


def split_path(path: str) -> list[str]:
    """The parts of a dotted path; empty parts are refused."""
    parts = path.split(".")
    if not path or any(p == "" for p in parts):
        raise OverrideError(
            f"{path!r} is not a dotted path such as data.guest.first_name", field=path
        )
    return parts


def _step(container: Any, part: str, path: str, walked: list[str]) -> Any:
    """The child ``part`` of ``container``, or an ``OverrideError`` saying what is there."""
    where = ".".join(walked) or "the event"
    if isinstance(container, dict):
        if part in container:
            return container[part]
        keys = [".".join([*walked, k]) for k in container]
        near = closest(".".join([*walked, part]), keys) or keys[:5]
        raise OverrideError(
            f"no field {path!r}: {where} has no key {part!r}; closest: {', '.join(near)}",
            field=path,
        )
    if isinstance(container, list):
        if not part.isdigit():
            raise OverrideError(
                f"no field {path!r}: {where} is a list; use an index, such as {where}.0",
                field=path,
            )
        index = int(part)
        if index >= len(container):
            raise OverrideError(
                f"no field {path!r}: index {index} is out of range, {where} has "
                f"{len(container)} item(s)",
                field=path,
            )
        return container[index]
    raise OverrideError(
        f"no field {path!r}: {where} is {json.dumps(container)}, which has no fields",
        field=path,
    )


def resolve(payload: dict[str, Any], path: str) -> Any:
    """The value at ``path`` in ``payload``; ``OverrideError`` if there is none."""
    node: Any = payload
    walked: list[str] = []
    for part in split_path(path):
        node = _step(node, part, path, walked)
        walked.append(part)
    return node


def set_path(payload: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``payload`` with ``value`` at ``path``, copying only the containers on it."""
    parts = split_path(path)
    resolve(payload, path)  # refuses missing paths before anything is copied
    root = dict(payload)
    node: Any = root
    for part in parts[:-1]:
        key: Any = int(part) if isinstance(node, list) else part
        child = node[key]
        child = list(child) if isinstance(child, list) else dict(child)
        node[key] = child
        node = child
    last = parts[-1]
    node[int(last) if isinstance(node, list) else last] = value
    return root


def parse_assignment(text: str) -> tuple[str, str]:
    """Split a command-line ``PATH=VALUE`` into its path and raw text."""
    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        raise OverrideError(
            f"{text!r} is not PATH=VALUE (for example data.guest.first_name=Ada)", field=text
        )
    return path.strip(), raw


def coerce_text(entry: CatalogEntry, path: str, raw: str, current: Any) -> Any:
    """The value a command-line ``raw`` text stands for at ``path``.

    By the schema's type there (``current``'s type when no schema is known): a
    string field keeps the text, an integer field parses an int, a number a
    number, a boolean ``true``/``false``; ``null`` gives None where null is
    allowed. Ambiguous or unknown types: JSON if it parses, else the text.
    """
    types = schema_types(entry, path, current)
    text = raw.strip()
    if text == "null" and (types is None or "null" in types):
        return None
    concrete = (types or set()) - {"null"}
    try:
        if concrete == {"string"}:
            return raw
        if concrete == {"integer"}:
            return int(text)
        if concrete <= {"number", "integer"} and concrete:
            number = float(text)
            return int(number) if number.is_integer() and "." not in text else number
        if concrete == {"boolean"}:
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            raise ValueError(text)
    except ValueError:
        wanted = " or ".join(sorted(concrete))
        raise OverrideError(f"{path}: expected {wanted}, got {raw!r}", field=path) from None
    try:
        return json.loads(text)
    except ValueError:
        return raw


class Overrides:
    """A set of ``{path: value}`` overrides for one event type, applied to each event.

    Paths are resolved on every event (list lengths vary between events);
    values are checked against the schema on the first event they apply to.
    """

    __slots__ = ("_catalog", "_checked", "_entry", "_items")

    def __init__(
        self,
        entry: CatalogEntry,
        overrides: Mapping[str, Any],
        catalog: Catalog | None = None,
    ) -> None:
        self._entry = entry
        self._catalog = catalog
        self._items = list(overrides.items())
        self._checked = False
        for path, _ in self._items:
            split_path(path)

    def apply(self, event: Event) -> Event:
        """A new ``Event`` with the overrides applied; ``event`` is left unchanged."""
        payload = event.payload
        replaced = []
        for path, value in self._items:
            replaced.append(resolve(payload, path))
            payload = set_path(payload, path, value)
        if not self._checked:
            for (path, value), current in zip(self._items, replaced, strict=True):
                check_override(self._entry, payload, path, value, current, self._catalog)
            self._checked = True
        return Event(event.name, payload, event.keys, event.seq, event.center_id)


def text_overrides(
    entry: CatalogEntry,
    assignments: tuple[str, ...] | list[str],
    first: dict[str, Any],
    catalog: Catalog | None = None,
) -> Overrides:
    """``Overrides`` from command-line ``PATH=VALUE`` texts, each read by the schema's type.

    ``first`` is the first event's payload: the value each path holds there
    decides how a text is read where the schema allows several types.
    """
    values: dict[str, Any] = {}
    for text in assignments:
        path, raw = parse_assignment(text)
        values[path] = coerce_text(entry, path, raw, resolve(first, path))
    return Overrides(entry, values, catalog)
