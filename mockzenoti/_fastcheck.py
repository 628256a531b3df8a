"""A fast yes/no check for the JSON Schema subset our generated schemas use.

``jsonschema`` takes a few hundred microseconds per event; soak tests validate
tens of thousands. ``compile_schema`` turns a schema into nested Python
closures that answer "valid?" about ten times faster; ``validation.py`` asks
``jsonschema`` for the detailed problems only when this check says no.

It supports exactly the keywords ``tools/build_schemas.py`` writes (type,
const, enum, pattern, properties, required, additionalProperties: false,
items, maxItems, and ``$ref`` into ``$defs``) with ``jsonschema``'s meaning,
and raises ``Unsupported`` for anything else so the caller can fall back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["Check", "Unsupported", "compile_schema"]

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description", "examples"})


class Unsupported(Exception):
    """The schema uses a keyword this checker does not implement."""


def _is_integer(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    return isinstance(v, int) or (isinstance(v, float) and v.is_integer())


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


def _same(value: Any, expected: Any) -> bool:
    # As jsonschema compares: booleans equal only booleans; 1 equals 1.0.
    if isinstance(value, bool) or isinstance(expected, bool):
        return type(value) is type(expected) and value == expected
    return bool(value == expected)


def _scalars(values: list[Any]) -> list[Any]:
    if any(isinstance(v, dict | list) for v in values):
        raise Unsupported("const or enum holding objects or lists")
    return values


def _pattern(pattern: str) -> Check:
    regex = re.compile(pattern)
    anchored = pattern.endswith("$")

    def check(v: Any) -> bool:
        if not isinstance(v, str):
            return True
        found = regex.search(v)
        return found is not None and (not anchored or found.end() == len(v))

    return check


def _object(schema: dict[str, Any], defs: dict[str, Any]) -> Check:
    properties = {k: _compile(s, defs) for k, s in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))
    closed = schema.get("additionalProperties", True)
    if closed not in (True, False):
        raise Unsupported("additionalProperties as a schema")
    known = frozenset(properties)

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return True
        for key in required:
            if key not in v:
                return False
        if closed is False and not known.issuperset(v):
            return False
        for key, value in v.items():
            sub = properties.get(key)
            if sub is not None and not sub(value):
                return False
        return True

    return check


def _compile(schema: Any, defs: dict[str, Any]) -> Check:
    if not isinstance(schema, dict):
        raise Unsupported("boolean schemas")
    checks: list[Check] = []
    handled = set(_ANNOTATIONS)
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        tests = [_TYPES[n] for n in names]
        checks.append(lambda v: any(t(v) for t in tests))
    if "const" in schema:
        (expected,) = _scalars([schema["const"]])
        checks.append(lambda v: _same(v, expected))
    if "enum" in schema:
        options = _scalars(list(schema["enum"]))
        checks.append(lambda v: any(_same(v, o) for o in options))
    if "pattern" in schema:
        checks.append(_pattern(schema["pattern"]))
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/") or ref[8:] not in defs:
            raise Unsupported(f"$ref {ref}")
        checks.append(_compile(defs[ref[8:]], defs))
    if {"properties", "required", "additionalProperties"} & set(schema):
        checks.append(_object(schema, defs))
    if "items" in schema:
        item = _compile(schema["items"], defs)
        checks.append(lambda v: not isinstance(v, list) or all(item(i) for i in v))
    if "maxItems" in schema:
        most = schema["maxItems"]
        checks.append(lambda v: not isinstance(v, list) or len(v) <= most)
    handled |= {"type", "const", "enum", "pattern", "$ref", "properties", "required"}
    handled |= {"additionalProperties", "items", "maxItems"}
    unknown = set(schema) - handled
    if unknown:
        raise Unsupported(", ".join(sorted(unknown)))
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(c(v) for c in checks)


def compile_schema(schema: dict[str, Any]) -> Check:
    """A function telling whether an instance is valid against ``schema``.

    Raises ``Unsupported`` if the schema uses a keyword outside the subset.
    """
    return _compile(schema, schema.get("$defs", {}))
