"""Comparing a generated payload with its documented sample, recursively.

Independent of the JSON Schemas: keys (set and order), list items, JSON types
and nulls are read straight from the sample the catalog completes and repairs.
"""

from __future__ import annotations

import re
from typing import Any

from mockzenoti.catalog import Catalog, CatalogEntry


def documented(entry: CatalogEntry, catalog: Catalog) -> dict[str, Any]:
    """The sample an entry's events must look like (its own, or the one it shares a shape with)."""
    sample = entry.sample
    if sample is None:
        assert entry.shape_of is not None
        sample = catalog.get(entry.shape_of).sample
    assert sample is not None
    return sample


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _generic(path: str) -> str:
    """``data.items.0.x`` -> ``data.items.*.x``: the form attested paths are written in."""
    return re.sub(r"\.\d+(?=\.|$)", ".*", path)


def shape_problems(
    sample: Any, value: Any, path: str = "", attested: dict[str, Any] | None = None
) -> list[str]:
    """Every way ``value`` departs from ``sample``'s shape; empty when it matches.

    Objects need the same keys in the same order; every list item is compared
    with the sample's first item (an empty sample list must stay empty); a
    scalar null in the sample must stay null, any other scalar keeps its JSON
    type (integers and decimals are both numbers here; the schemas split them).
    ``attested`` maps paths (list items ``*``) to forms seen in live traffic
    (``mockzenoti.catalog.attested``): a key there may be added, and a value
    there may take the attested value's shape instead of the sample's.
    """
    attested = attested or {}
    where = path or "(payload)"
    seen = attested.get(_generic(path), _MISSING) if path else _MISSING
    if seen is not _MISSING and _kind(sample) != _kind(value) and _kind(seen) == _kind(value):
        return shape_problems(seen, value, path)
    if isinstance(sample, dict):
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {_kind(value)}"]

        def child(key: str) -> str:
            return f"{path}.{key}" if path else key

        added = [k for k in value if k not in sample and _generic(child(k)) in attested]
        keys = [k for k in value if k not in added]
        if keys != list(sample):
            missing = [k for k in sample if k not in value]
            extra = [k for k in keys if k not in sample]
            return [f"{where}: keys differ (missing {missing}, extra {extra}, or order)"]
        out: list[str] = []
        for key in sample:
            out += shape_problems(sample[key], value[key], child(key), attested)
        for key in added:
            out += shape_problems(attested[_generic(child(key))], value[key], child(key))
        return out
    if isinstance(sample, list):
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {_kind(value)}"]
        if not sample:
            return [f"{where}: the docs show this list empty"] if value else []
        out = []
        for i, item in enumerate(value):
            out += shape_problems(sample[0], item, f"{path}.{i}", attested)
        return out
    if _kind(sample) != _kind(value):
        return [f"{where}: expected {_kind(sample)} as documented, got {value!r}"]
    return []


_MISSING = object()


def walk(value: Any, path: str = "") -> Any:
    """Yield (dotted path, key, scalar) for every scalar in ``value``."""
    if isinstance(value, dict):
        for key, child in value.items():
            child_path = f"{path}.{key}" if path else key
            if isinstance(child, dict | list):
                yield from walk(child, child_path)
            else:
                yield child_path, key, child
    elif isinstance(value, list):
        for i, child in enumerate(value):
            child_path = f"{path}.{i}"
            if isinstance(child, dict | list):
                yield from walk(child, child_path)
            else:
                yield child_path, str(i), child
