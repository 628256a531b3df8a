"""Reading requests: a JSON object body and query parameters, checked field by field.

``Fields`` wraps a decoded JSON object: each accessor checks one field's
type and range and raises ``ApiError`` (422) naming it (``chaos.delay``);
``finish()`` refuses keys nobody read, suggesting the closest known one.
Malformed JSON is a 400.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from aiohttp import web

from mockzenoti.catalog import Catalog
from mockzenoti.errors import closest
from mockzenoti.jsonfast import json_type as kind_of
from mockzenoti.security.limits import MAX_DEPTH, TooDeep, all_text, check_depth
from mockzenoti.server.errors import ApiError

__all__ = [
    "MAX_ITEMS",
    "MAX_TEXT",
    "Fields",
    "Query",
    "kind_of",
    "read_json",
    "read_object",
    "whole",
]

_MISSING: Any = object()
#: A JSON escape of a UTF-16 surrogate (``\ud800``): a string may hold one alone.
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
#: Characters in a text field, and items in a list field, unless a field says otherwise.
MAX_TEXT = 8 * 1024
MAX_ITEMS = 1_000


async def read_json(request: web.Request, *, optional: bool = False) -> Any:
    """The request body decoded as JSON; an empty body is ``{}`` when ``optional``."""
    raw = await request.read()
    if not raw and optional:
        return {}
    if not raw.strip():
        raise ApiError(400, "missing_body", "this route expects a JSON object body", "body")
    try:
        data = json.loads(raw)
    except RecursionError:
        raise _too_deep() from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "bad_json", f"the body is not valid JSON: {exc}", "body") from None
    try:
        check_depth(data, "body")
    except TooDeep:
        raise _too_deep() from None
    if _SURROGATE.search(raw) and not all_text(data):
        raise ApiError(
            400, "bad_json", "the body escapes a lone surrogate (such as \\ud800): no text", "body"
        )
    return data


def _too_deep() -> ApiError:
    return ApiError(
        400, "bad_json", f"the body is nested more than {MAX_DEPTH} levels deep", "body"
    )


async def read_object(
    request: web.Request, schema: str | None = None, *, optional: bool = False
) -> Fields:
    """The request body as a JSON object, wrapped in ``Fields``.

    ``schema`` names its request schema in the OpenAPI document:
    ``Fields.finish()`` checks the body against it too (``body_schemas.py``).
    """
    data = await read_json(request, optional=optional)
    if not isinstance(data, dict):
        raise ApiError.invalid(f"the body must be a JSON object, not {kind_of(data)}", "body")
    fields = Fields(data)
    if schema is not None:
        from mockzenoti.server.keys import SETTINGS

        fields.schema = (schema, request.app[SETTINGS].catalog)
    return fields


def whole(value: Any) -> Any:
    """A float with no fraction (``3.0``) as an int; anything else as it is."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


class Fields:
    """Typed access to a JSON object's fields; see the module docstring."""

    def __init__(self, data: Mapping[str, Any], prefix: str = "") -> None:
        self.data = dict(data)
        self.prefix = prefix
        self._read: set[str] = set()
        #: The request schema and catalog ``finish()`` checks the whole body against.
        self.schema: tuple[str, Catalog] | None = None

    def name(self, key: str) -> str:
        """The field's full name in errors."""
        return f"{self.prefix}{key}"

    def null(self, key: str) -> bool:
        """True (and the key marked read) when ``key`` is given as an explicit null."""
        if key in self.data and self.data[key] is None:
            self._read.add(key)
            return True
        return False

    def has(self, key: str) -> bool:
        """True when ``key`` is present."""
        return key in self.data

    def raw(self, key: str, default: Any = None) -> Any:
        """The value as is (marks the key read); an explicit null is refused."""
        self._read.add(key)
        value = self.data.get(key)
        if value is None and key in self.data:
            raise ApiError.invalid(
                f"{self.name(key)} must not be null (leave it out for the default)", self.name(key)
            )
        return default if value is None else value

    def _wrong(self, key: str, wanted: str, value: Any) -> ApiError:
        return ApiError.invalid(
            f"{self.name(key)} must be {wanted}, not {kind_of(value)}", self.name(key)
        )

    def string(
        self,
        key: str,
        default: Any = _MISSING,
        *,
        choices: Iterable[str] = (),
        max_length: int = MAX_TEXT,
    ) -> Any:
        """A non-empty string (required unless a default is given), optionally from ``choices``."""
        value = self.raw(key)
        if value is None:
            if default is _MISSING:
                raise ApiError.invalid(f"{self.name(key)} is required", self.name(key))
            return default
        if not isinstance(value, str):
            raise self._wrong(key, "a string", value)
        if not value.strip():
            raise ApiError.invalid(f"{self.name(key)} must not be empty", self.name(key))
        if len(value) > max_length:
            raise ApiError.invalid(
                f"{self.name(key)} is at most {max_length:,} characters", self.name(key)
            )
        options = list(choices)
        if options and value not in options:
            raise ApiError.invalid(
                f"{self.name(key)} {value!r} is not one of {', '.join(options)}", self.name(key)
            )
        return value

    def integer(
        self,
        key: str,
        default: Any = None,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> Any:
        """A whole number within the bounds, or ``default`` when absent (``3.0`` counts as 3,
        as JSON Schema's ``integer`` does)."""
        value = whole(self.raw(key))
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._wrong(key, "a whole number", value)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = f"from {minimum}" if minimum is not None else ""
            bounds += f" to {maximum}" if maximum is not None else " up"
            raise ApiError.invalid(f"{self.name(key)} must be {bounds}", self.name(key))
        return value

    def number(
        self, key: str, default: Any = None, *, minimum: float = 0.0, maximum: float | None = None
    ) -> Any:
        """A finite number from ``minimum`` to ``maximum``, or ``default`` when absent."""
        value = self.raw(key)
        if value is None:
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self._wrong(key, "a number", value)
        if value < minimum:
            raise ApiError.invalid(f"{self.name(key)} must be at least {minimum:g}", self.name(key))
        if maximum is not None and value > maximum:
            raise ApiError.invalid(f"{self.name(key)} must be at most {maximum:g}", self.name(key))
        return value

    def boolean(self, key: str, default: bool) -> bool:
        """true or false, or ``default`` when absent."""
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false", value)
        return value

    def strings(
        self, key: str, *, allow_one: bool = False, max_items: int = MAX_ITEMS
    ) -> list[str] | None:
        """A non-empty list of non-empty strings (or one string with ``allow_one``), or None."""
        value = self.raw(key)
        if value is None:
            return None
        if allow_one and isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise self._wrong(key, "a non-empty array of strings", value)
        if len(value) > max_items:
            raise ApiError.invalid(
                f"{self.name(key)} holds at most {max_items:,} items", self.name(key)
            )
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip() or len(item) > MAX_TEXT:
                name = f"{self.name(key)}[{i}]"
                raise ApiError.invalid(
                    f"{name} must be a non-empty string of at most {MAX_TEXT:,} characters", name
                )
        return list(value)

    def mapping(self, key: str) -> Fields | None:
        """A nested object as ``Fields`` (errors name ``key.sub``), or None."""
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self._wrong(key, "an object", value)
        return Fields(value, f"{self.name(key)}.")

    def raw_all(self) -> dict[str, Any]:
        """Every field as is (all marked read): for objects checked elsewhere."""
        self._read.update(self.data)
        return dict(self.data)

    def finish(self) -> None:
        """Refuse any field that was not read (a typo, or a setting this route lacks)."""
        unknown = [k for k in self.data if k not in self._read]
        if unknown:
            key = unknown[0]
            hint = closest(key, sorted(self._read))
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            raise ApiError.invalid(
                f"unknown field {self.name(key)!r}{extra}", self.name(key), "unknown_field"
            )
        self.check_schema()

    def check_schema(self) -> None:
        """Refuse the body unless it is valid under its request schema (when it has one)."""
        if self.schema is not None:
            from mockzenoti.server.body_schemas import check_body

            check_body(self.schema[0], self.data, self.schema[1])


class Query:
    """Typed access to query parameters (all optional; an empty value counts as absent
    for text, and is refused for numbers, flags and choices)."""

    def __init__(self, request: web.Request) -> None:
        self._query = request.query

    def text(self, key: str) -> str | None:
        """The parameter as text, or None when absent or empty."""
        value = self._query.get(key)
        return value if value else None

    def given(self, key: str) -> str | None:
        """The parameter as text, None when absent; an empty value is refused."""
        return self._given(key)

    def _given(self, key: str) -> str | None:
        value = self._query.get(key)
        if value is not None and not value:
            raise ApiError.invalid(f"{key} must not be empty", key)
        return value

    def integer(self, key: str, default: int, *, minimum: int = 0, maximum: int = 2**62) -> int:
        """A whole number (plain decimal digits) within bounds."""
        value = self._given(key)
        if value is None:
            return default
        if not re.fullmatch(r"-?[0-9]{1,19}", value):
            raise ApiError.invalid(f"{key} must be a whole number, not {value!r}", key)
        number = int(value)
        if not minimum <= number <= maximum:
            raise ApiError.invalid(f"{key} must be from {minimum} to {maximum}", key)
        return number

    def number(self, key: str, *, maximum: float) -> float | None:
        """A positive finite number at most ``maximum``, or None when absent."""
        value = self._given(key)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            raise ApiError.invalid(f"{key} must be a number, not {value!r}", key) from None
        if not (0 < number <= maximum):
            raise ApiError.invalid(f"{key} must be a number above 0 and at most {maximum:g}", key)
        return number

    def flag(self, key: str, default: bool = False) -> bool:
        """``true`` or ``false``."""
        value = self._given(key)
        if value is None:
            return default
        if value not in ("true", "false"):
            raise ApiError.invalid(f"{key} must be true or false, not {value!r}", key)
        return value == "true"

    def pick(self, key: str, choices: Iterable[str]) -> str | None:
        """One of ``choices``, or None when absent (an empty value is refused)."""
        value = self._given(key)
        options = list(choices)
        if value is not None and value not in options:
            raise ApiError.invalid(f"{key} {value!r} is not one of {', '.join(options)}", key)
        return value

    def identifier(self, key: str) -> int | None:
        """A positive id (decimal digits, below 2**62), or None when absent or empty."""
        value = self.text(key)
        if value is None:
            return None
        if not re.fullmatch(r"[0-9]{1,18}", value):
            raise ApiError.invalid(f"{key} must be an id (a whole number), not {value!r}", key)
        return int(value)

    def choice(self, key: str, choices: Iterable[str], default: str) -> str:
        """One of ``choices``."""
        value = self._given(key)
        options = list(choices)
        if value is None:
            return default
        if value not in options:
            raise ApiError.invalid(f"{key} {value!r} is not one of {', '.join(options)}", key)
        return value
