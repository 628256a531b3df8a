"""The control server's settings: where it listens, its outbox, its token, its pace of reporting."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from mockzenoti.catalog import Catalog, load_catalog
from mockzenoti.delivery.outbox import DEFAULT_OUTBOX
from mockzenoti.errors import ConfigError
from mockzenoti.security.limits import MAX_CONCURRENCY

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "TOKEN_ENV", "ServerSettings"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
TOKEN_ENV = "MOCKZENOTI_TOKEN"


def _positive(value: float, name: str) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value <= 0:
        raise ConfigError(f"{name} must be a positive number", field=name)


@dataclass(frozen=True)
class ServerSettings:
    """How the control server runs.

    - ``host``/``port``: where it listens (port 0: a free port).
    - ``outbox``: the SQLite outbox file (``:memory:`` keeps nothing across restarts).
    - ``token``: when set, every route but ``/health`` and the webhook receivers
      under ``/sink/`` needs ``Authorization: Bearer <token>``.
    - ``catalog``: the configured catalog (renames from ``mockzenoti.toml``).
    - ``concurrency``: requests in flight per engine; ``retry_scale``: scales the
      retry policy's waits of events sent with ``POST /events`` and of
      redeliveries; ``scale_retry_after``: scales a receiver's ``Retry-After`` too.
    - ``shutdown_grace``: seconds attempts in flight get to finish on shutdown.
    - ``snapshot_interval``: seconds between counter snapshots on ``/stream``;
      ``heartbeat``: seconds between two heartbeat comments of ``/stream``;
      ``stream_queue``: changes buffered per stream client before dropping.
    - ``resume_runs``: resume the runs a previous process left running.
    - ``scenario_dir``: the one directory whose YAML files ``POST /runs`` may
      name (None: no file is read by name; documents come in the request).
    - ``rest_rate_limit``: calls a minute each run's ``/v1`` key may make (Zenoti's
      rate limit, 429 past it) when the run does not say; 0 (default): no limit.
    """

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    outbox: str = DEFAULT_OUTBOX
    token: str | None = None
    catalog: Catalog = field(default_factory=load_catalog)
    concurrency: int = 64
    retry_scale: float = 1.0
    scale_retry_after: bool = False
    shutdown_grace: float = 5.0
    snapshot_interval: float = 1.0
    heartbeat: float = 15.0
    stream_queue: int = 2_000
    resume_runs: bool = True
    scenario_dir: Path | None = None
    rest_rate_limit: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.host, str) or not self.host:
            raise ConfigError("host must be a host name or address", field="host")
        if isinstance(self.port, bool) or not isinstance(self.port, int):
            raise ConfigError("port must be a whole number", field="port")
        if not 0 <= self.port <= 65535:
            raise ConfigError("port must be between 0 and 65535", field="port")
        if self.token is not None and (not isinstance(self.token, str) or not self.token.strip()):
            raise ConfigError("the token must be a non-empty string", field="token")
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int):
            raise ConfigError("concurrency must be a whole number", field="concurrency")
        if self.concurrency < 1:
            raise ConfigError("concurrency must be at least 1", field="concurrency")
        if isinstance(self.retry_scale, bool) or not isinstance(self.retry_scale, int | float):
            raise ConfigError("retry_scale must be a number", field="retry_scale")
        if not (self.retry_scale >= 0 and math.isfinite(self.retry_scale)):
            raise ConfigError("retry_scale must be a non-negative number", field="retry_scale")
        if not isinstance(self.scale_retry_after, bool):
            raise ConfigError("scale_retry_after must be true or false", field="scale_retry_after")
        for name in ("shutdown_grace", "snapshot_interval", "heartbeat"):
            _positive(getattr(self, name), name)
        if isinstance(self.stream_queue, bool) or not isinstance(self.stream_queue, int):
            raise ConfigError("stream_queue must be a whole number", field="stream_queue")
        if self.stream_queue < 1:
            raise ConfigError("stream_queue must be at least 1", field="stream_queue")
        if not isinstance(self.outbox, str) or not self.outbox.strip():
            raise ConfigError("the outbox is a file name, or :memory:", field="outbox")
        if self.concurrency > MAX_CONCURRENCY:
            raise ConfigError(f"concurrency is at most {MAX_CONCURRENCY:,}", field="concurrency")
        if self.scenario_dir is not None:
            if not isinstance(self.scenario_dir, Path):
                object.__setattr__(self, "scenario_dir", Path(self.scenario_dir))
            if not self.scenario_dir.is_dir():
                raise ConfigError(f"{self.scenario_dir} is not a directory", field="scenario_dir")
        limit = self.rest_rate_limit
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= 1_000_000:
            raise ConfigError(
                "rest_rate_limit must be calls a minute from 0 (no limit) to 1,000,000",
                field="rest_rate_limit",
            )

    @staticmethod
    def token_from_env(environ: dict[str, str] | None = None) -> str | None:
        """The token in ``$MOCKZENOTI_TOKEN`` (None when unset or empty)."""
        value = (os.environ if environ is None else environ).get(TOKEN_ENV, "")
        return value or None
