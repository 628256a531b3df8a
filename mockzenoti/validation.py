"""Validating payloads against the catalog's schemas, with readable paths.

``validate(payload)`` picks the catalog entry by the payload's wire
``event_type`` and returns a list of ``Problem``s (empty when the payload is
valid). Each problem names a dotted path (``data.appointments.0.room_name``)
and says what was expected and what was found.

Schemas are checked by ``jsonschema-rs`` (a compiled validator, about 3 µs
for a valid event, a hundred times faster than pure-Python ``jsonschema``);
each entry's validator is built once and reused, so validating tens of
thousands of events is cheap. Its patterns follow JSON Schema's (ECMA 262)
regular expressions: ``$`` does not match before a final newline.

Plain synchronous Python: no asyncio, no aiohttp.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jsonschema_rs

from mockzenoti.catalog import Catalog, CatalogEntry, load_catalog
from mockzenoti.catalog.formats import FORMATS
from mockzenoti.errors import MockZenotiError, closest
from mockzenoti.jsonfast import json_type

__all__ = [
    "InvalidPayload",
    "Problem",
    "check",
    "format_problems",
    "is_valid",
    "schema_at",
    "validate",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One way a payload departs from its event's schema.

    ``path`` is dotted, list indexes as numbers (``data.appointments.0.room_id``;
    ``""`` for the payload itself); ``event_type`` is the payload's wire type,
    or None when it has none.
    """

    path: str
    message: str
    event_type: str | None = None

    def __str__(self) -> str:
        return f"{self.path or '(payload)'}: {self.message}"


class InvalidPayload(MockZenotiError):
    """A payload that does not match its event's schema; ``problems`` lists why."""

    code = "invalid_payload"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(format_problems(problems), field=problems[0].path if problems else None)
        self.problems = problems


_COMPILED: dict[tuple[str, str, str | None], Any] = {}
_FORMAT_BY_PATTERN = {f.pattern: f for f in FORMATS.values()}


def _compiled(entry: CatalogEntry) -> Any:
    """The entry's compiled validator, built once."""
    key = (entry.name, entry.event_type, entry.event_resource)
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = jsonschema_rs.Draft202012Validator(entry.schema)
    return found


def schema_at(schema: dict[str, Any], path: Iterable[str | int]) -> Any:
    """The part of ``schema`` at ``path`` (a validation error's ``schema_path``)."""
    node: Any = schema
    for part in path:
        node = node[part]
    return node


@lru_cache(maxsize=1)
def _default_catalog() -> Catalog:
    return load_catalog()


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _got(value: Any) -> str:
    return "null" if value is None else f"{json_type(value)} {_show(value)}"


def _join(path: Iterable[Any]) -> str:
    return ".".join(str(p) for p in path)


_UNEXPECTED = "unexpected key (not in the documented shape)"


def _problems(error: Any, entry: CatalogEntry) -> Iterator[Problem]:
    path = [str(p) for p in error.instance_path]
    event_type = entry.event_type
    kind, value = error.kind.name, error.instance
    if kind == "required":
        key = error.kind.property
        yield Problem(_join([*path, key]), "missing (the documented shape has it)", event_type)
        return
    if kind == "additionalProperties":
        for key in error.kind.unexpected:
            yield Problem(_join([*path, key]), _UNEXPECTED, event_type)
        return
    expected = schema_at(entry.schema, error.schema_path)  # the keyword's value
    if kind == "type":
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        message = f"expected {wanted}, got {_got(value)}"
    elif kind == "pattern":
        form = _FORMAT_BY_PATTERN.get(expected)
        what = form.description if form else f"a string matching {expected}"
        message = f"expected {what}, got {_show(value)}"
    elif kind == "const":
        message = f"expected {_show(expected)}, got {_show(value)}"
    elif kind == "enum":
        message = f"expected one of {', '.join(_show(v) for v in expected)}; got {_show(value)}"
    elif kind == "maxItems" and expected == 0:
        message = f"expected an empty list (the docs show it only empty), got {len(value)} item(s)"
    else:
        message = error.message
    yield Problem(_join(path), message, event_type)


def _check_entry(payload: dict[str, Any], entry: CatalogEntry) -> list[Problem]:
    validator = _compiled(entry)
    if validator.is_valid(payload):
        return []
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in validator.iter_errors(payload):
        for problem in _problems(error, entry):
            if (problem.path, problem.message) not in seen:
                seen.add((problem.path, problem.message))
                problems.append(problem)
    return problems


def validate(payload: Any, catalog: Catalog | None = None) -> list[Problem]:
    """Every way ``payload`` departs from the schema of its wire ``event_type``.

    When several entries share the wire type (renames), the payload passes if
    any of them accepts it; otherwise the problems of the closest one (fewest
    problems) are returned. ``catalog`` defaults to the unconfigured catalog.
    """
    catalog = catalog if catalog is not None else _default_catalog()
    if not isinstance(payload, dict):
        return [Problem("", f"expected a JSON object, got {json_type(payload)}")]
    if "event_type" not in payload:
        return [Problem("event_type", "missing: a Zenoti webhook always names its event_type")]
    event_type = payload["event_type"]
    if not isinstance(event_type, str):
        return [
            Problem(
                "event_type", f"expected string, got {json_type(event_type)} {_show(event_type)}"
            )
        ]
    entries = catalog.by_wire(event_type)
    if not entries:
        wire = sorted({e.event_type for e in catalog})
        hint = closest(event_type, wire)
        tail = f"; did you mean {', '.join(hint)}?" if hint else f" (known: {len(wire)} types)"
        return [Problem("event_type", f"unknown event type {event_type!r}{tail}", event_type)]
    best: list[Problem] | None = None
    for entry in entries:
        problems = _check_entry(payload, entry)
        if not problems:
            return []
        if best is None or len(problems) < len(best):
            best = problems
    return best or []


def is_valid(payload: Any, catalog: Catalog | None = None) -> bool:
    """True when ``validate`` finds no problem."""
    return not validate(payload, catalog)


def check(payload: Any, catalog: Catalog | None = None) -> None:
    """Raise ``InvalidPayload`` (with a readable report) unless ``payload`` is valid."""
    problems = validate(payload, catalog)
    if problems:
        raise InvalidPayload(problems)


def format_problems(problems: list[Problem]) -> str:
    """A readable report: one line per problem, headed by the event type."""
    if not problems:
        return "valid"
    head = problems[0].event_type or "payload"
    lines = [f"{head}: {len(problems)} problem(s)"]
    lines.extend(f"  {p}" for p in problems)
    return "\n".join(lines)
