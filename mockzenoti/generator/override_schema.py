"""What the schema says about one dotted path: its JSON types, and whether a value fits.

Used by ``overrides`` to coerce command-line text and to refuse values that
break an event's schema (checked with ``validation.validate``). Should an
entry have no schema file, the documented sample and the value being
replaced stand in for it: the new value must have the same JSON type
(integers fit number fields), or be null where the sample is null.
"""

from __future__ import annotations

from typing import Any

from mockzenoti.catalog import Catalog, CatalogEntry
from mockzenoti.errors import OverrideError

__all__ = [
    "check_override",
    "json_type",
    "problems",
    "schema_of",
    "schema_types",
    "subschemas",
]

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}


def json_type(value: Any) -> str:
    """The JSON Schema type name of a Python value (``object``/``array`` for containers)."""
    name = _JSON_TYPES.get(type(value))
    if name is not None:
        return name
    return "array" if isinstance(value, list) else "object"


def schema_of(entry: CatalogEntry) -> dict[str, Any] | None:
    """The entry's JSON Schema, or None while no schema file exists for it."""
    try:
        return entry.schema
    except FileNotFoundError:
        return None


def _deref(node: dict[str, Any], root: dict[str, Any]) -> list[dict[str, Any]]:
    """``node`` with ``$ref`` followed and ``anyOf``/``oneOf``/``allOf`` spread out."""
    out: list[dict[str, Any]] = []
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        out.extend(_deref(target, root))
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(key, ()):
            out.extend(_deref(branch, root))
    out.append(node)
    return out


def subschemas(schema: dict[str, Any], parts: list[str]) -> list[dict[str, Any]]:
    """Every subschema that can describe the value at ``parts`` (empty if none)."""
    nodes = _deref(schema, schema)
    for part in parts:
        nxt: list[dict[str, Any]] = []
        for node in nodes:
            props = node.get("properties")
            if isinstance(props, dict) and part in props:
                nxt.extend(_deref(props[part], schema))
            if part.isdigit():
                prefix = node.get("prefixItems")
                if isinstance(prefix, list) and int(part) < len(prefix):
                    nxt.extend(_deref(prefix[int(part)], schema))
                items = node.get("items")
                if isinstance(items, dict):
                    nxt.extend(_deref(items, schema))
        nodes = nxt
    return nodes


def _types(nodes: list[dict[str, Any]]) -> set[str] | None:
    found: set[str] = set()
    for node in nodes:
        t = node.get("type")
        if isinstance(t, str):
            found.add(t)
        elif isinstance(t, list):
            found.update(x for x in t if isinstance(x, str))
        if "const" in node:
            found.add(json_type(node["const"]))
        for value in node.get("enum", ()):
            found.add(json_type(value))
    return found or None


def _sample_is_null(entry: CatalogEntry, parts: list[str]) -> bool:
    node: Any = entry.sample
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and node and part.isdigit():
            node = node[min(int(part), len(node) - 1)]
        else:
            return False
    return node is None


def schema_types(entry: CatalogEntry, path: str, current: Any) -> set[str] | None:
    """The JSON types allowed at ``path``: from the schema, else from ``current`` and the sample."""
    parts = path.split(".")
    schema = schema_of(entry)
    if schema is not None:
        return _types(subschemas(schema, parts))
    types = {json_type(current)}
    if _sample_is_null(entry, parts):
        types.add("null")
    return types


def problems(
    entry: CatalogEntry, payload: dict[str, Any], catalog: Catalog | None = None
) -> list[tuple[str, str]]:
    """Schema violations of ``payload`` as (dotted path, reason); empty without a schema."""
    if schema_of(entry) is None:
        return []
    from mockzenoti.validation import validate

    return [(p.path, p.message) for p in validate(payload, catalog)]


def _related(problem_path: str, path: str) -> bool:
    return (
        problem_path == path
        or problem_path.startswith(path + ".")
        or path.startswith(problem_path + ".")
    )


def check_override(
    entry: CatalogEntry,
    payload: dict[str, Any],
    path: str,
    value: Any,
    current: Any,
    catalog: Catalog | None = None,
) -> None:
    """Refuse an override of ``path`` that breaks the schema, naming the path and the reason.

    ``payload`` is the event with the override applied; ``current`` the value it
    replaced; ``catalog`` the (configured) catalog the payload is checked against.
    """
    if schema_of(entry) is None:
        allowed = schema_types(entry, path, current) or set()
        got = json_type(value)
        if got in allowed or (got == "integer" and "number" in allowed):
            return
        raise OverrideError(
            f"{path}: a {got} does not fit here; the field is {' or '.join(sorted(allowed))}",
            field=path,
        )
    for problem_path, reason in problems(entry, payload, catalog):
        if _related(problem_path, path):
            raise OverrideError(f"{path}: {reason}", field=path)
