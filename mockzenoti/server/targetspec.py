"""Targets as the API reads and shows them, and their mapping onto ``delivery.Target``.

API fields: ``id`` (the target's stable name), ``url``, ``method``,
``signing`` (``zenoti`` | ``standard`` | ``none``; default ``zenoti`` when a
secret is given), ``secret`` (a string, or a list for the standard scheme's
rotation), ``retry`` (a policy: ``zenoti``, ``standard``, ``none``, ``fast``,
``1s,5s,30s``), ``event_types``, ``center_ids``, ``headers``, ``timeout``,
``retry_statuses``, ``deactivate_after``, ``content_type`` (null: none),
``ca_cert`` (a PEM file of CAs on the server's machine, for ``https://``),
``insecure``. Secrets are never shown back, only counted (``secret_count``).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from mockzenoti.catalog import Catalog
from mockzenoti.delivery import Outbox, Target
from mockzenoti.delivery.outbox import TargetRecord
from mockzenoti.delivery.targets import DEFAULT_CONTENT_TYPE
from mockzenoti.errors import MockZenotiError, NotFound
from mockzenoti.server.bodies import Fields
from mockzenoti.server.errors import ApiError, from_library

__all__ = [
    "HEADER_NAME_PATTERN",
    "HEADER_VALUE_PATTERN",
    "ID_PATTERN",
    "MAX_TARGETS",
    "SETTINGS",
    "check_id",
    "new_target_id",
    "parse_target",
    "resolve_records",
    "resolve_targets",
    "target_view",
]

MAX_TARGETS = 16
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
_ID = re.compile(ID_PATTERN)
#: RFC 9110 field names (tokens) and values (visible characters, spaces and tabs).
HEADER_NAME_PATTERN = r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
HEADER_VALUE_PATTERN = r"^[\t\x20-\x7e]*$"
_TOKEN = re.compile(HEADER_NAME_PATTERN[1:-1])
_HEADER_VALUE = re.compile(HEADER_VALUE_PATTERN[1:-1])
#: ``delivery.Target`` field -> API field, for error messages.
_API_NAME = {"name": "id", "signature": "signing", "secrets": "secret", "policy": "retry"}
#: API fields that configure a target (PATCH may change any of them).
SETTINGS = (
    "url",
    "method",
    "signing",
    "secret",
    "retry",
    "event_types",
    "center_ids",
    "headers",
    "timeout",
    "retry_statuses",
    "deactivate_after",
    "content_type",
    "ca_cert",
    "insecure",
)


def new_target_id() -> str:
    """A fresh target id (``tgt-`` and 8 hex digits)."""
    return f"tgt-{secrets.token_hex(4)}"


def check_id(value: str, field: str = "id") -> str:
    """A target id: letters, digits, ``_.-``, 1 to 64 characters."""
    if not _ID.fullmatch(value):
        raise ApiError.invalid(
            f"{value!r} is not a target id (letters, digits, '_', '.', '-'; at most 64)", field
        )
    return value


def _secrets(body: Fields, current: tuple[str, ...] | None) -> tuple[str, ...]:
    if current is not None and body.null("secret"):
        return ()  # PATCH: null clears the secrets
    given = body.strings("secret", allow_one=True)
    if given is not None:
        return tuple(given)
    return current or ()


def _headers(body: Fields, current: dict[str, str]) -> dict[str, str]:
    fields = body.mapping("headers")
    if fields is None:
        return current
    out: dict[str, str] = {}
    for key, value in fields.raw_all().items():
        if not _TOKEN.fullmatch(key):
            raise ApiError.invalid(f"{key!r} is not an HTTP header name", f"headers.{key}")
        if not isinstance(value, str) or not _HEADER_VALUE.fullmatch(value):
            raise ApiError.invalid(
                f"header {key!r} needs a string value of printable characters", f"headers.{key}"
            )
        out[key] = value
    return out


def _statuses(body: Fields, current: list[int]) -> list[int]:
    value = body.raw("retry_statuses")
    if value is None:
        return current
    if not isinstance(value, list) or any(
        isinstance(s, bool) or not isinstance(s, int) for s in value
    ):
        raise ApiError.invalid("retry_statuses must be an array of status codes", "retry_statuses")
    return list(value)


def _event_types(body: Fields, catalog: Catalog, current: list[str] | None) -> list[str] | None:
    given = body.strings("event_types")
    if given is None:
        return current
    for i, name in enumerate(given):
        try:
            catalog.get(name, field=f"event_types[{i}]")
        except MockZenotiError as exc:
            raise from_library(exc) from None
    return given


def _nullable(body: Fields, key: str, current: dict[str, Any], default: str | None) -> Any:
    """A string setting that null clears; absent: the current value (or ``default``)."""
    if body.null(key):
        return None
    return body.string(key, current.get(key, default))


def parse_target(
    body: Fields, catalog: Catalog, *, target_id: str, base: Target | None = None
) -> Target:
    """A ``Target`` from an API body (``base``: the settings a PATCH starts from)."""
    current = base.to_dict() if base is not None else {}
    settings: dict[str, Any] = {
        "name": target_id,
        "url": body.string("url", current.get("url")),
        "method": body.string("method", current.get("method", "POST")).upper(),
        "signature": body.string(
            "signing", current.get("signature"), choices=("zenoti", "standard", "none")
        ),
        "secrets": _secrets(body, tuple(current["secrets"]) if base is not None else None),
        "policy": body.string("retry", current.get("policy", "zenoti")),
        "event_types": _event_types(body, catalog, current.get("event_types")),
        "center_ids": body.strings("center_ids") or current.get("center_ids"),
        "headers": _headers(body, current.get("headers", {})),
        "timeout": body.number(
            "timeout", current.get("timeout", 10.0), minimum=0.001, maximum=3600
        ),
        "retry_statuses": _statuses(body, current.get("retry_statuses", [])),
        "deactivate_after": body.integer(
            "deactivate_after", current.get("deactivate_after", 20), minimum=0, maximum=1_000_000
        ),
        "content_type": _nullable(body, "content_type", current, DEFAULT_CONTENT_TYPE),
        "ca_cert": _nullable(body, "ca_cert", current, None),
        "insecure": body.boolean("insecure", current.get("insecure", False)),
    }
    if settings["url"] is None:
        raise ApiError.invalid("url is required", "url")
    try:
        return Target.from_dict(settings)
    except MockZenotiError as exc:
        api = from_library(exc)
        api.field = _API_NAME.get(exc.field or "", exc.field)
        raise api from None


def target_view(record: TargetRecord, counts: dict[str, int] | None = None) -> dict[str, Any]:
    """A stored target as the API shows it (no secrets)."""
    t = record.target
    view: dict[str, Any] = {
        "id": t.name,
        "url": t.url,
        "method": t.method,
        "signing": t.scheme,
        "secret_count": len(t.secrets),
        "retry": t.policy.spec,
        "retry_description": t.policy.describe(),
        "event_types": None if t.event_types is None else sorted(t.event_types),
        "center_ids": None if t.center_ids is None else sorted(t.center_ids),
        "headers": dict(t.headers),
        "timeout": t.timeout,
        "retry_statuses": sorted(t.retry_statuses),
        "deactivate_after": t.deactivate_after,
        "content_type": t.content_type,
        "ca_cert": t.ca_cert,
        "insecure": t.insecure,
        "active": record.active,
        "consecutive_failures": record.consecutive_failures,
        "deactivated_at": record.deactivated_at,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }
    if counts is not None:
        view["counts"] = counts
    return view


async def resolve_targets(outbox: Outbox, names: list[str] | None) -> list[Target]:
    """The targets named in a request (each must exist), or every active target."""
    return [r.target for r in await resolve_records(outbox, names)]


async def resolve_records(outbox: Outbox, names: list[str] | None) -> list[TargetRecord]:
    """The stored targets named in a request (each must exist), or every active one."""
    if names is None:
        records = [r for r in await outbox.call(outbox.list_targets) if r.active]
        if not records:
            raise ApiError.invalid(
                "there is no active target; create one with POST /targets", "targets", "no_target"
            )
    else:
        records = []
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ApiError.invalid(f"target {name!r} is listed twice", f"targets[{i}]")
            try:
                records.append(await outbox.call(outbox.get_target, name))
            except NotFound:
                raise ApiError.invalid(
                    f"no target {name!r}", f"targets[{i}]", "unknown_target"
                ) from None
    if len(records) > MAX_TARGETS:
        raise ApiError.invalid(f"at most {MAX_TARGETS} targets receive one event", "targets")
    return records
