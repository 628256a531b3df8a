"""Every request body is checked against its schema in the OpenAPI document, too.

The routes read bodies field by field (``bodies.Fields``), which gives the
friendliest errors; then, in ``Fields.finish()``, the body is validated
against the same JSON Schema the document publishes (``openapi_schemas``),
with the ``jsonschema`` library. So whatever the document says is invalid is
refused with a 422 naming the field, and the document cannot drift looser
than the server (schemathesis checks the other direction: what it calls
valid is accepted).
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from mockzenoti.catalog import Catalog
from mockzenoti.server.errors import ApiError

__all__ = ["check_body", "event_type_names"]

_MESSAGE = 200


def event_type_names(catalog: Catalog) -> tuple[str, ...]:
    """The names ``POST /events`` and target filters accept: catalog and wire names."""
    return tuple(sorted({e.name for e in catalog} | {e.event_type for e in catalog}))


@functools.lru_cache(maxsize=8)
def _validators(names: tuple[str, ...]) -> dict[str, Draft202012Validator]:
    from mockzenoti.server.openapi_schemas import requests

    return {name: Draft202012Validator(schema) for name, schema in requests(list(names)).items()}


def _field(error: ValidationError) -> str:
    out = ""
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def _message(error: ValidationError, field: str) -> str:
    described = error.schema.get("description") if isinstance(error.schema, dict) else None
    if error.validator == "pattern" and described:
        return f"{field} must be {described}"
    text = error.message
    if len(text) > _MESSAGE:
        text = text[: _MESSAGE - 1] + "…"
    return f"{field}: {text}"


def check_body(schema: str, data: Any, catalog: Catalog) -> None:
    """Refuse ``data`` (422, naming the field) unless it is valid under request ``schema``."""
    validator = _validators(event_type_names(catalog))[schema]
    error = best_match(validator.iter_errors(data))
    if error is not None:
        field = _field(error)
        raise ApiError.invalid(_message(error, field), field)
