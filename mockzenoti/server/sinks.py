"""Receivers served by the control server at ``/sink/{name}``, created on first use.

Each is a ``mockzenoti.sink.Sink`` (verifies signatures, records requests,
misbehaves on purpose); the registry creates one with default settings the
first time a webhook arrives for a name, and ``PUT /sinks/{name}`` sets its
behaviour. Sinks live in memory: they are not kept across restarts. Each
keeps its latest ``keep`` requests (older ones are forgotten; duplicate
detection still remembers every event id it accepted).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from mockzenoti.errors import MockZenotiError
from mockzenoti.server.bodies import Fields
from mockzenoti.server.errors import ApiError, from_library
from mockzenoti.server.patterns import END
from mockzenoti.sink import Sink, SinkSettings

__all__ = ["DEFAULT_KEEP", "MAX_SINKS", "SinkRegistry", "parse_sink_settings", "sink_view"]

MAX_SINKS = 256
DEFAULT_KEEP = 10_000
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}" + END
_NAME = re.compile(NAME_PATTERN)
_HEADER_TEXT = re.compile(r"[\x20-\x7e]+")
#: ``retry_after`` as text: printable ASCII (a number of seconds or an HTTP date).
RETRY_AFTER_PATTERN = r"^[\x20-\x7e]+" + END


@dataclass(eq=False)
class Mounted:
    """A sink and how many of its requests it keeps."""

    sink: Sink
    keep: int = DEFAULT_KEEP
    dropped: int = field(default=0)

    def trim(self) -> None:
        """Forget the oldest requests beyond ``keep``."""
        extra = len(self.sink.calls) - self.keep
        if extra > 0:
            del self.sink.calls[:extra]
            self.dropped += extra


def check_name(name: str) -> str:
    """A sink name: letters, digits, ``_.-``, 1 to 64 characters."""
    if not _NAME.fullmatch(name):
        raise ApiError.invalid(
            f"{name!r} is not a sink name (letters, digits, '_', '.', '-'; at most 64)", "name"
        )
    return name


def parse_sink_settings(body: Fields) -> tuple[SinkSettings, int]:
    """Sink settings from a ``PUT /sinks/{name}`` body, and how many requests to keep."""
    secrets = body.strings("secret", allow_one=True) or []
    retry_after = body.raw("retry_after")
    if retry_after is not None:
        number = isinstance(retry_after, int | float) and not isinstance(retry_after, bool)
        if number and retry_after >= 0 and math.isfinite(retry_after):
            retry_after = f"{retry_after:g}"
        elif not isinstance(retry_after, str) or not _HEADER_TEXT.fullmatch(retry_after):
            raise ApiError.invalid(
                "retry_after is a number of seconds or an HTTP date (printable text)",
                "retry_after",
            )
    values: dict[str, Any] = {
        "secrets": tuple(secrets),
        "scheme": body.string("signing", None, choices=("zenoti", "standard", "none")),
        "status": body.integer("status", 200, minimum=200, maximum=599),
        "fail_first": body.integer("fail_first", 0, minimum=0, maximum=1_000_000),
        "fail_by": body.string("fail_by", "event_id", choices=("event_id", "id")),
        "fail_share": body.number("fail_share", 1.0, maximum=1.0),
        "fail_probability": body.number("fail_probability", 0.0),
        "fail_status": body.integer("fail_status", 500, minimum=200, maximum=599),
        "retry_after": retry_after,
        "latency": body.number("latency", 0.0),
        "seed": body.integer("seed", 0),
    }
    if values["fail_probability"] > 1:
        raise ApiError.invalid("fail_probability is in [0, 1]", "fail_probability")
    if values["latency"] > 600:
        raise ApiError.invalid("latency is at most 600 seconds", "latency")
    keep = body.integer("keep", DEFAULT_KEEP, minimum=1, maximum=1_000_000)
    body.finish()
    try:
        settings = SinkSettings(**values)
    except MockZenotiError as exc:
        api = from_library(exc)
        api.field = {"secrets": "secret", "scheme": "signing"}.get(exc.field or "", exc.field)
        raise api from None
    return settings, keep


def sink_view(name: str, mounted: Mounted, base_url: str) -> dict[str, Any]:
    """A sink as ``GET /sinks/{name}`` shows it."""
    s = mounted.sink.settings
    return {
        "name": name,
        "url": f"{base_url}/sink/{name}",
        "settings": {
            "signing": s.verified_scheme,
            "secret_count": len(s.secrets),
            "status": s.status,
            "fail_first": s.fail_first,
            "fail_by": s.fail_by,
            "fail_share": s.fail_share,
            "fail_probability": s.fail_probability,
            "fail_status": s.fail_status,
            "retry_after": s.retry_after,
            "latency": s.latency,
            "seed": s.seed,
            "keep": mounted.keep,
        },
        "counts": {**mounted.sink.counts(), "forgotten": mounted.dropped},
    }


class SinkRegistry:
    """The server's sinks by name."""

    def __init__(self) -> None:
        self.sinks: dict[str, Mounted] = {}

    def get(self, name: str) -> Mounted:
        """The sink ``name``; 404 when there is none."""
        mounted = self.sinks.get(name)
        if mounted is None:
            raise ApiError.not_found(f"no sink {name!r}", "name")
        return mounted

    def get_or_create(self, name: str) -> Mounted:
        """The sink ``name``, created with default settings if new."""
        mounted = self.sinks.get(name)
        if mounted is None:
            mounted = self._add(name, SinkSettings(), DEFAULT_KEEP)
        return mounted

    def configure(self, name: str, settings: SinkSettings, keep: int) -> tuple[Mounted, bool]:
        """Set a sink's settings (creating it); True when it was created."""
        mounted = self.sinks.get(name)
        if mounted is None:
            return self._add(name, settings, keep), True
        changes = {f: getattr(settings, f) for f in settings.__dataclass_fields__}
        mounted.sink.configure(**changes)
        mounted.keep = keep
        mounted.trim()
        return mounted, False

    def _add(self, name: str, settings: SinkSettings, keep: int) -> Mounted:
        check_name(name)
        if len(self.sinks) >= MAX_SINKS:
            raise ApiError.conflict(f"at most {MAX_SINKS} sinks; delete one first", "name")
        mounted = self.sinks[name] = Mounted(Sink(settings), keep)
        return mounted

    async def delete(self, name: str) -> None:
        """Remove a sink (a webhook for it later creates a new one)."""
        mounted = self.get(name)
        del self.sinks[name]
        await mounted.sink.stop()

    async def close(self) -> None:
        """Release every sink's waiting handlers (their latency ends at once)."""
        for mounted in self.sinks.values():
            await mounted.sink.stop()

    def handler_for(self, request: web.Request) -> Mounted:
        """The sink a webhook request is for (created on first use)."""
        return self.get_or_create(check_name(request.match_info["name"]))
