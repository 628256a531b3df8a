"""Building blocks of the OpenAPI paths: parameters, error answers, ``op()``."""

from __future__ import annotations

from typing import Any

from mockzenoti.server.openapi_schemas import Schema, ref
from mockzenoti.server.patterns import END
from mockzenoti.server.sinks import NAME_PATTERN
from mockzenoti.server.targetspec import ID_PATTERN

__all__ = [
    "DELIVERY_ID",
    "ERRORS",
    "LIMIT",
    "OFFSET",
    "RUN_ID",
    "SINK_NAME",
    "SSE_EVENT",
    "TARGET_ID",
    "json_content",
    "op",
    "path_param",
    "query_param",
    "receiver",
]

#: One server-sent event of ``GET /stream``: its name, JSON data and number.
SSE_EVENT: Schema = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string"},
        "data": {"type": "string", "contentMediaType": "application/json"},
        "id": {"type": "string", "pattern": "^[0-9]+$"},
    },
}

ERRORS = {
    400: "The body is not JSON (or is nested more than 64 levels deep).",
    401: "A token is required (``Authorization: Bearer <token>``) and was missing or wrong.",
    403: "The server reads no file by that name (a scenario outside ``--scenario-dir``, a "
    "``ca_cert`` that is not PEM text).",
    404: "No such resource.",
    409: "The request clashes with the current state.",
    413: "The body (1 MiB) or a scenario document (256 KiB) is too large.",
    422: "A value is invalid; ``field`` names it.",
}


def json_content(schema: Schema, description: str) -> dict[str, Any]:
    """A response with a JSON body."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def param(name: str, where: str, schema: Schema, description: str) -> dict[str, Any]:
    """A parameter (path parameters are required, the others optional)."""
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema,
        "description": description,
    }


def path_param(name: str, schema: Schema, description: str) -> dict[str, Any]:
    """A path parameter."""
    return param(name, "path", schema, description)


def query_param(name: str, schema: Schema, description: str) -> dict[str, Any]:
    """A query parameter."""
    return param(name, "query", schema, description)


LIMIT = query_param("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "Page size.")
OFFSET = query_param(
    "offset", {"type": "integer", "minimum": 0, "maximum": 2**62}, "Items to skip."
)
TARGET_ID = path_param("id", {"type": "string", "pattern": ID_PATTERN}, "The target's id.")
RUN_ID = path_param("id", {"type": "integer", "minimum": 1}, "The run's id.")
DELIVERY_ID = path_param(
    "id",
    {"type": "string", "pattern": "^([0-9]{1,18}|[0-9a-f]{24})" + END},
    "The delivery's number, or its envelope id (24 hex digits).",
)
SINK_NAME = path_param("name", {"type": "string", "pattern": NAME_PATTERN}, "The sink's name.")


def op(
    summary: str,
    tag: str,
    ok: tuple[int, Schema | None] | tuple[int, Schema | None, str],
    *,
    errors: tuple[int, ...] = (),
    body: str | None = None,
    body_required: bool = True,
    params: tuple[dict[str, Any], ...] = (),
    auth: bool = True,
    also: tuple[int, ...] = (),
) -> dict[str, Any]:
    """One operation: its success answer, the errors it can give, body and parameters."""
    status, schema, *rest = ok
    media = rest[0] if rest else "application/json"
    success: dict[str, Any] = {"description": summary}
    if schema is not None:
        success["content"] = {media: {"schema": schema}}
    responses: dict[str, Any] = {str(code): success for code in (status, *also)}
    codes = set(errors) | ({401} if auth else set()) | ({400, 413, 422} if body else set())
    for code in sorted(codes):
        responses[str(code)] = {"$ref": f"#/components/responses/E{code}"}
    out: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": responses}
    if params:
        out["parameters"] = list(params)
    if body is not None:
        out["requestBody"] = {
            "required": body_required,
            "content": {"application/json": {"schema": ref(body)}},
        }
    if not auth:
        out["security"] = [{}]
    return out


def receiver() -> dict[str, Any]:
    """The webhook receivers' operation (open, answers as the sink is configured)."""
    return {
        "summary": "A webhook for the sink (created on first use); answers as configured.",
        "tags": ["sinks"],
        "parameters": [SINK_NAME],
        "requestBody": {"required": False, "content": {"application/json": {"schema": {}}}},
        "responses": {
            "409": {"$ref": "#/components/responses/E409"},
            "413": {"$ref": "#/components/responses/E413"},
            "422": {"$ref": "#/components/responses/E422"},
            "default": json_content(ref("SinkAnswer"), "The sink's configured answer."),
        },
        "security": [{}],
    }
