"""Compact JSON bytes, with orjson when installed and the stdlib otherwise.

Both backends write the same bytes for every value mockzenoti generates
(compact separators, UTF-8, shortest float repr; they differ only for floats
below 1e-4, which no Zenoti field carries), so a seed's output does not
depend on whether the optional speed-up is installed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["BACKEND", "dumps", "dumps_transient", "json_type", "loads"]


def json_type(value: Any) -> str:
    """The JSON Schema type name of a decoded JSON value (``integer`` apart from ``number``).

    A value JSON cannot hold gets its Python type name, for messages.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


_stdlib_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _stdlib_dumps(obj: Any) -> bytes:
    return _stdlib_encoder.encode(obj).encode("utf-8")


dumps: Callable[[Any], bytes]
# The same bytes as ``dumps``, for bytes written out at once and dropped (not kept in
# queues): orjson's result as it comes, without the copy that trims its buffer.
dumps_transient: Callable[[Any], bytes]
loads: Callable[[bytes | str], Any]

try:
    import orjson

    def _orjson_dumps(obj: Any) -> bytes:
        # orjson over-allocates its result buffer; copy so that bodies held in
        # queues cost their length, not several kilobytes each.
        return bytes(memoryview(orjson.dumps(obj)))

    dumps = _orjson_dumps
    dumps_transient = orjson.dumps
    loads = orjson.loads
    BACKEND = "orjson"
except ImportError:  # pragma: no cover - exercised where orjson is absent
    dumps = dumps_transient = _stdlib_dumps
    loads = json.loads
    BACKEND = "json"
