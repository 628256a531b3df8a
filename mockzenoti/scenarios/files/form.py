"""The form of a scenario file, checked by its JSON Schema (``fixtures/scenario-file.schema.json``).

``check_form(root, file)`` validates the file's plain data with
``jsonschema-rs`` and turns the first problem (in file order) into a
``ScenarioError`` naming the file, the line and the field, in words: the
schema decides what is wrong, this module says it as a person would.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema_rs

from mockzenoti.catalog.fixtures import fixtures_dir
from mockzenoti.errors import closest
from mockzenoti.scenarios.errors import ScenarioError
from mockzenoti.scenarios.files.language import (
    CONTROL,
    KIND_ALIASES,
    MAKES,
    MAX_REPEAT,
    PARAMS,
    VERBS,
    article,
)
from mockzenoti.scenarios.files.nodes import Node, field_name

__all__ = ["SCHEMA_FILE", "check_form", "file_schema"]

SCHEMA_FILE = "scenario-file.schema.json"

# What a value of each ``$defs`` type must be, as a message (``{v}`` is the value).
_MUST = {
    "duration": "{v!r} is not a duration (write e.g. 90m, 8h, 1h30m, 2d, 45s)",
    "repeat": f"repeat must be a whole number from 1 to {MAX_REPEAT} (got {{v!r}})",
    "probability": "with_probability must be a number from 0 to 1 (got {v!r})",
    "text": "must be a non-empty text (got {v!r})",
    "email": "{v!r} is not an e-mail address",
    "count": "must be a whole number from 1 to 100000 (got {v!r})",
    "version": "must be a whole number from 1 to 2 (got {v!r})",
    "rating": "must be a whole number from 1 to 5 (got {v!r})",
    "bool": "must be true or false (got {v!r})",
    "center": "name a center or give its position from 0 (got {v!r})",
    "time": "{v!r} is not a time: write +DURATION (+90m) or HH:MM (18:00)",
    "handle": "{v!r} is not a handle (write a name, or name[index])",
    "as": "{v!r} is not a handle name (letters, digits, _ and -)",
    "names": "must be a list of service names (got {v!r})",
    "country": "country must be one of US, CA, GB, AU, IN (got {v!r})",
    "category": "must be one of marketing, transactional (got {v!r})",
    "channel": "must be one of email, sms, whatsapp (got {v!r})",
    "kind": "kind must be one of spa, salon, med-spa, fitness (got {v!r})",
    "start": "start must be a local time HH:MM or a date and time YYYY-MM-DD HH:MM",
    "steps": "must be a non-empty list of steps",
    "step": "a step must be a mapping such as {{wait: 10m}}",
}
_HEADS = [*CONTROL, *VERBS]


@cache
def file_schema() -> dict[str, Any]:
    """The shipped JSON Schema of scenario files."""
    schema: dict[str, Any] = json.loads((fixtures_dir() / SCHEMA_FILE).read_text("utf-8"))
    return schema


@cache
def _validator() -> Any:
    return jsonschema_rs.Draft202012Validator(file_schema())


def check_form(root: Node, file: str) -> None:
    """Refuse the first problem of form in ``root`` (``ScenarioError``: file, line, field)."""
    found = [_explain(error, root) for error in _validator().iter_errors(root.plain())]
    if found:
        line, _, field, message = min(found, key=lambda f: (f[0], f[1]))
        raise ScenarioError(message, file=file, line=line, field=field)


def _explain(error: Any, root: Node) -> tuple[int, int, str, str]:
    """(line, rank, field, message) of one schema error; rank orders errors on one line."""
    path: list[str | int] = list(error.instance_path)
    kind = type(error.kind).__name__
    where = field_name(path)
    node = root.at(path)
    line = root.line_of(path)
    value = error.instance
    if kind in ("OneOfNotValid", "OneOfMultipleValid") and _is(error, "step"):
        return line, 0, where, _one_action(node.value if node is not None else value)
    if kind == "AdditionalProperties":
        key = str(error.kind.unexpected[0])
        return root.line_of([*path, key]), 1, field_name([*path, key]), _unknown(error, key, value)
    if kind == "PropertyNames":
        key = str(error.kind.error.instance)
        made = KIND_ALIASES.get(value.get("create"), value.get("create"))
        takes = ", ".join(PARAMS.get(("create", made), {})) or "none"
        hint = _hint(key, [*PARAMS.get(("create", made), {})])
        message = f"create of {article(made)} takes no {key!r}{hint} (it takes: {takes})"
        return root.line_of([*path, key]), 2, field_name([*path, key]), message
    if kind == "Required":
        needed = error.kind.property
        return line, 4, field_name([*path, needed]), _missing(path, needed, value)
    message = _invalid(error, path, value)
    return (node.line if node is not None else line), 3, where, message


def _is(error: Any, definition: str) -> bool:
    schema_path = list(error.schema_path)
    return schema_path[:2] == ["$defs", definition]


def _hint(key: str, known: list[str]) -> str:
    near = closest(key, known)
    return f"; did you mean {', '.join(near)}?" if near else ""


def _one_action(step: Any) -> str:
    keys = [str(k) for k in step] if isinstance(step, dict) else []
    heads = [k for k in keys if k in _HEADS]
    if heads:
        return f"a step needs exactly one action, found several actions ({', '.join(heads)})"
    near = [h for k in keys for h in closest(k, _HEADS)][:3]
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    return f"a step needs exactly one action, found no action{hint} (actions: {', '.join(_HEADS)})"


def _unknown(error: Any, key: str, value: Any) -> str:
    if key == "as":
        verb = next((k for k in value if k in VERBS), "this step")
        return f"{verb} makes nothing to name; as: is for {', '.join(MAKES)}"
    where = file_schema()
    for part in list(error.schema_path)[:-1]:
        where = where[part]
    known = list(where.get("properties", {}))
    return f"unknown key {key!r}{_hint(key, known)} (known: {', '.join(known)})"


def _missing(path: list[str | int], needed: str, value: Any) -> str:
    if not path:
        return "a scenario needs steps"
    heads = [k for k in value if k in _HEADS] if isinstance(value, dict) else []
    head = heads[0] if heads else "this step"
    if head in CONTROL:
        return f"{head} needs {needed}"
    kinds = VERBS.get(head, ())
    return f"{head} of {article(kinds[0] if kinds else 'step')} needs {needed}"


def _invalid(error: Any, path: list[str | int], value: Any) -> str:
    schema_path = list(error.schema_path)
    if schema_path[:1] == ["$defs"] and schema_path[1] in _MUST:
        return _MUST[schema_path[1]].format(v=value)
    if schema_path[-2:] == ["create", "enum"]:
        return f"cannot create {value!r}; create one of: {', '.join(VERBS['create'])}"
    if path[:2] == ["world", "sizes"] and len(path) == 3:
        sizes = file_schema()["properties"]["world"]["properties"]["sizes"]["properties"]
        limits = sizes[path[2]]
        return (
            f"{path[2]} must be a whole number between {limits['minimum']} and "
            f"{limits['maximum']} (got {value!r})"
        )
    if type(error.kind).__name__ == "Type":
        wanted = {"object": "a mapping", "array": "a list"}.get(error.kind.types[0], "a value")
        return f"{field_name(path) or 'the file'} must be {wanted}"
    return str(error.message)
