"""Write ``fixtures/schemas/<Name>.schema.json`` for every catalog entry.

The schemas are inferred from the catalog's samples (documented, enveloped,
completed and repaired: ``mockzenoti/catalog/samples.py``) plus the hand decisions in
``tools/schema_overlay.py``. Run from the repository root::

    python -m tools.build_schemas          # write the files
    python -m tools.build_schemas --check  # exit 1 if a committed file is stale

Rules: every object is closed (``additionalProperties: false``) and requires
every key its sample shows; a field's types are the union of what it holds in
the samples of its shape family; a field null in every sample stays ``null``;
strings in a recognised form (GUID, ObjectId, Zenoti's datetimes) get that
form's pattern through ``$defs``; an id that a sample shows as ``""`` may be a
GUID or ``""``; a list that is empty in every sample must stay empty.
Forms attested by consumers of live traffic (``mockzenoti/catalog/attested.py``)
are accepted beside the documented ones: their values join the family's
observations, and a key no sample shows becomes an optional property.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mockzenoti.catalog import Catalog, CatalogEntry, load_catalog
from mockzenoti.catalog.attested import ATTESTED, Attested
from mockzenoti.catalog.formats import FORMATS
from mockzenoti.jsonfast import json_type
from tools.schema_overlay import (
    FAMILIES,
    KEY_RULES,
    MONEY_KEYS,
    MONEY_OBJECTS,
    PATH_RULES,
    is_id_key,
)

__all__ = ["SCHEMA_DIALECT", "build", "main"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ROOT = Path(__file__).resolve().parent.parent
_TYPE_ORDER = ("object", "array", "string", "number", "integer", "boolean", "null")
_STRING_FORMATS = ("guid", "datetime", "utc_seconds", "sql_datetime")

Path_ = tuple[str, ...]


_JSON_TYPES = frozenset({"null", "boolean", "integer", "number", "string", "array", "object"})


class SchemaBuildError(Exception):
    """The samples show something the builder cannot turn into a schema unaided."""


def _kind(value: Any) -> str:
    kind = json_type(value)
    if kind not in _JSON_TYPES:
        raise SchemaBuildError(f"not a JSON value: {value!r}")
    return kind


def _collect(value: Any, path: Path_, into: dict[Path_, list[Any]]) -> None:
    """Record every value in ``value`` under its path, list items as ``*``."""
    into[path].append(value)
    if isinstance(value, dict):
        for key, child in value.items():
            _collect(child, (*path, key), into)
    elif isinstance(value, list):
        for child in value:
            _collect(child, (*path, "*"), into)


def _dotted(path: Path_) -> str:
    return ".".join(path)


class _Builder:
    """Builds the ``data`` schema of one entry against its family's observations."""

    def __init__(self, entry: CatalogEntry, family: str, seen: dict[Path_, list[Any]]) -> None:
        self.entry = entry
        self.seen = seen
        self.rules = {**PATH_RULES.get(family, {}), **PATH_RULES.get(entry.name, {})}
        self.formats_used: set[str] = set()

    def node(self, values: list[Any], path: Path_) -> dict[str, Any]:
        kinds = {_kind(v) for v in self.seen.get(path, [])} | {_kind(v) for v in values}
        containers = kinds & {"object", "array"}
        if len(containers) > 1 or (containers and kinds - containers - {"null"}):
            raise SchemaBuildError(f"{self.entry.name}: {_dotted(path)} mixes {sorted(kinds)}")
        if "object" in kinds:
            schema = self._object([v for v in values if isinstance(v, dict)], path)
        elif "array" in kinds:
            schema = self._array([v for v in values if isinstance(v, list)], path)
        else:
            return self._leaf(kinds, path)
        if "null" in kinds:
            schema["type"] = [schema["type"], "null"]
        return schema

    def _object(self, dicts: list[dict[str, Any]], path: Path_) -> dict[str, Any]:
        if not dicts:  # null here, an object elsewhere in the family
            dicts = [v for v in self.seen[path] if isinstance(v, dict)]
        keys = list(dicts[0])
        for other in dicts[1:]:
            if list(other) != keys:
                raise SchemaBuildError(
                    f"{self.entry.name}: items at {_dotted(path)} differ in keys: "
                    f"{sorted(set(keys) ^ set(other))}"
                )
        properties = {k: self.node([d[k] for d in dicts], (*path, k)) for k in keys}
        return {
            "type": "object",
            "properties": properties,
            "required": keys,
            "additionalProperties": False,
        }

    def _array(self, lists: list[list[Any]], path: Path_) -> dict[str, Any]:
        items = [item for lst in lists for item in lst]
        if not items:  # empty here: take the items the family shows, if any
            items = list(self.seen.get((*path, "*"), []))
        if not items:
            return {
                "type": "array",
                "maxItems": 0,
                "description": "empty in every documented sample; its items are unknown",
            }
        return {"type": "array", "items": self.node(items, (*path, "*"))}

    def _leaf(self, kinds: set[str], path: Path_) -> dict[str, Any]:
        key = path[-1]
        parent = path[-2] if len(path) > 1 else ""
        if kinds & {"integer", "number"} and (
            key in MONEY_KEYS or (parent in MONEY_OBJECTS and not is_id_key(key))
        ):
            kinds = (kinds - {"integer"}) | {"number"}
        if {"integer", "number"} <= kinds:
            kinds = kinds - {"integer"}
        schema: dict[str, Any] = {"type": self._types(kinds)}
        if "string" in kinds:
            form = self._string_form(key, path)
            if form is not None:
                self.formats_used.add(form)
                schema["$ref"] = f"#/$defs/{form}"
        rule = self.rules.get(_dotted(path)) or KEY_RULES.get(key)
        if rule is not None:
            schema.update(rule)
            if "enum" in rule and "null" in kinds:
                schema["enum"] = [*rule["enum"], None]
            for value in self.seen[path]:
                if not _allowed(value, schema):
                    raise SchemaBuildError(
                        f"{self.entry.name}: sample value {value!r} at {_dotted(path)} "
                        "breaks its documented enum or const"
                    )
        return schema

    @staticmethod
    def _types(kinds: Iterable[str]) -> str | list[str]:
        ordered = [t for t in _TYPE_ORDER if t in set(kinds)]
        return ordered[0] if len(ordered) == 1 else ordered

    def _string_form(self, key: str, path: Path_) -> str | None:
        strings = [v for v in self.seen[path] if isinstance(v, str)]
        if is_id_key(key):
            if all(v == "" or FORMATS["guid"].matches(v) for v in strings):
                return "guid_or_empty" if "" in strings else "guid"
            return None
        for form in _STRING_FORMATS:
            if all(FORMATS[form].matches(v) for v in strings):
                return form
        return None


def _allowed(value: Any, schema: dict[str, Any]) -> bool:
    if "const" in schema:
        return bool(value == schema["const"])
    return value in schema["enum"]


def _envelope(entry: CatalogEntry, data: dict[str, Any], description: str) -> dict[str, Any]:
    objectid = {"type": "string", "$ref": "#/$defs/objectid"}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:mockzenoti:schema:{entry.name}",
        "title": entry.name,
        "description": description,
        "type": "object",
        "properties": {
            "id": dict(objectid, description="identifies one webhook call (delivery)"),
            "event_id": dict(objectid, description="identifies the event"),
            "event_schema": {"const": "v1"},
            "event_resource": {"const": entry.event_resource},
            "event_type": {"type": "string", "const": entry.event_type},
            "event_timestamp": {"type": "string", "$ref": "#/$defs/event_timestamp"},
            "data": data,
        },
        "required": [
            "id",
            "event_id",
            "event_schema",
            "event_resource",
            "event_type",
            "event_timestamp",
            "data",
        ],
        "additionalProperties": False,
    }


def _describe(entry: CatalogEntry, source: CatalogEntry) -> str:
    parts = [
        f"Zenoti webhook {entry.name} ({entry.section} section).",
        f"Event type name {entry.name_source}; event_resource {entry.resource_source}.",
    ]
    if source is not entry:
        parts.append(f"Shape taken from {source.name}'s sample.")
    elif entry.sample_kind == "data-only":
        parts.append("The docs show only the data object; the envelope is Zenoti's usual one.")
    if source.completed:
        parts.append("Completed where the docs are cut short: " + " | ".join(source.completed))
    if entry.attested:
        parts.append("Also accepts forms seen in live traffic: " + " | ".join(entry.attested))
    if entry.note:
        parts.append(f"Note: {entry.note}.")
    return " ".join(parts)


def _sample_for(entry: CatalogEntry, catalog: Catalog) -> tuple[CatalogEntry, dict[str, Any]]:
    source = catalog.get(entry.shape_of) if entry.shape_of else entry
    sample = source.sample
    if sample is None:
        raise SchemaBuildError(f"{entry.name} has no sample and no shape_of")
    return source, sample


def _path(dotted: str) -> Path_:
    return tuple(dotted.split("."))


def _add_attested(builder: _Builder, data: dict[str, Any], attested: Attested) -> None:
    """Make ``attested``'s key an optional property where the sample has no such key."""
    *parents, key = _path(attested.path)
    node = data
    for part in parents[1:]:
        node = node["items"] if part == "*" else node["properties"][part]
    if key not in node["properties"]:
        node["properties"][key] = builder.node([attested.value], (*parents, key))


def build(catalog: Catalog | None = None) -> dict[str, str]:
    """Every schema file's text, keyed by its path under ``fixtures/``."""
    catalog = catalog if catalog is not None else load_catalog()
    family_of = {name: fam for fam, names in FAMILIES.items() for name in names}
    seen: dict[str, dict[Path_, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for entry in catalog:
        _, sample = _sample_for(entry, catalog)
        family = seen[family_of.get(entry.name, entry.name)]
        _collect(sample["data"], ("data",), family)
        for attested in ATTESTED.get(entry.name, ()):
            _collect(attested.value, _path(attested.path), family)
    out: dict[str, str] = {}
    for entry in catalog:
        family = family_of.get(entry.name, entry.name)
        source, sample = _sample_for(entry, catalog)
        builder = _Builder(entry, family, seen[family])
        data = builder.node([sample["data"]], ("data",))
        for attested in ATTESTED.get(entry.name, ()):
            _add_attested(builder, data, attested)
        schema = _envelope(entry, data, _describe(entry, source))
        used = {"objectid", "event_timestamp", *builder.formats_used}
        schema["$defs"] = {
            name: {"description": f.description, "pattern": f.pattern}
            for name, f in FORMATS.items()
            if name in used
        }
        out[entry.schema_file] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the schemas (or, with ``--check``, report stale ones); returns the exit code."""
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    fixtures = ROOT / "fixtures"
    stale = []
    for relative, text in build().items():
        target = fixtures / relative
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(relative)
        if not check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    verb = "stale" if check else "written"
    print(f"{len(stale)} schema file(s) {verb}" + "".join(f"\n  {s}" for s in stale))
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
