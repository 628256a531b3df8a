"""A run request: read from ``POST /runs``, stored as the run's spec, rebuilt to resume it.

The spec is the run's identity in the outbox (``Engine.run`` resumes an
unfinished run with the same spec), so every request gets a ``nonce``: two
identical requests are two runs. Everything the stream depends on (scenario
with its YAML text, seed, limits, sizes) and every delivery option is in the
spec, so a server restarted on the same outbox rebuilds the same stream and
resumes it. Without a ``seed`` a fresh one is drawn (and shown with the run).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from mockzenoti.catalog import Catalog
from mockzenoti.delivery import Chaos, DeliveryOptions, parse_pace
from mockzenoti.errors import MockZenotiError
from mockzenoti.rest.access import DEFAULT_RATE
from mockzenoti.scenarios import Scenario, ScenarioError, Simulation
from mockzenoti.scenarios.builtin import BUILTINS
from mockzenoti.scenarios.durations import to_ticks
from mockzenoti.scenarios.files import parse_yaml_scenario
from mockzenoti.scenarios.seeds import fresh_seed
from mockzenoti.security.limits import MAX_BODY, MAX_EVENTS
from mockzenoti.server.bodies import Fields, whole
from mockzenoti.server.errors import ApiError, from_library
from mockzenoti.world import WorldSizes

__all__ = ["API_KEY_PATTERN", "KIND", "ORDERINGS", "RunSpec", "parse_run_request"]

KIND = "mockzenoti.server/run"
ORDERINGS = ("none", "per-entity")
#: What a run's own ``api_key`` may be made of.
API_KEY_PATTERN = r"^[A-Za-z0-9._~+/=-]{8,128}$"
#: Calls a minute a run's ``rest_rate_limit`` may allow.
MAX_RATE = 1_000_000
#: Pace speed factors accepted (a day in 86 s at most, 1000 x slower than real time at least).
MIN_PACE, MAX_PACE = 0.001, 1_000_000.0
#: Characters in a text seed.
MAX_SEED = 256


@dataclass(frozen=True)
class RunSpec:
    """What a run simulates and how it delivers; see ``docs/api.md`` (``POST /runs``)."""

    scenario: str
    seed: int | str = 0
    #: The YAML text of a scenario document or file (None: ``scenario`` is a built-in).
    scenario_yaml: str | None = None
    #: The file under the scenario directory the text was read from (None: not a file).
    scenario_file: str | None = None
    events: int | None = None
    duration: str | None = None
    sizes: dict[str, Any] | None = None
    pace: str | float = "asap"
    targets: list[str] = field(default_factory=list)
    ordering: str = "none"
    chaos: dict[str, Any] = field(default_factory=dict)
    retry_scale: float | None = None
    scale_retry_after: bool | None = None
    rate: float | None = None
    track_truth: bool | None = None
    nonce: str = field(default_factory=lambda: uuid.uuid4().hex)
    api_key: str | None = None
    rest_rate_limit: int | bool | None = None

    def to_spec(self) -> dict[str, Any]:
        """The JSON stored as the run's spec (``scale_retry_after``, ``api_key`` and
        ``rest_rate_limit`` only when given: a run stored before they existed keeps its
        identity)."""
        spec = {"kind": KIND, **asdict(self)}
        for optional in ("scale_retry_after", "api_key", "rest_rate_limit"):
            if spec[optional] is None:
                del spec[optional]
        return spec

    @property
    def key(self) -> str:
        """The run's ``/v1`` API key: the one asked for, else one derived from the nonce
        (so a restarted server knows it again)."""
        if self.api_key is not None:
            return self.api_key
        return hashlib.sha256(f"mockzenoti-rest:{self.nonce}".encode()).hexdigest()[:32]

    def rate_limit(self, default: int) -> int:
        """Calls a minute ``/v1`` allows this run's key (0: no limit); ``default`` when the
        run does not say (``true`` is Zenoti's 60)."""
        value = self.rest_rate_limit
        if value is None:
            return default
        if value is True:
            return DEFAULT_RATE
        return 0 if value is False else int(value)

    @classmethod
    def from_spec(cls, spec: Any) -> RunSpec | None:
        """The request back from a stored spec; None when another tool wrote it."""
        if not isinstance(spec, dict) or spec.get("kind") != KIND:
            return None
        data = {k: v for k, v in spec.items() if k != "kind"}
        try:
            return cls(**data)
        except TypeError:
            return None

    def public(self) -> dict[str, Any]:
        """The request's fields as ``GET /runs/{id}`` shows them (not the YAML text; ``api_key``:
        the key in use)."""
        out = asdict(self)
        del out["nonce"]
        text = out.pop("scenario_yaml")
        kind = "builtin" if text is None else "document" if self.scenario_file is None else "file"
        out["scenario_source"] = kind
        out["api_key"] = self.key
        return out

    def numeric_seed(self) -> int:
        """An integer seed for delivery jitter and chaos (text seeds are hashed)."""
        if isinstance(self.seed, int):
            return self.seed
        digest = hashlib.sha256(str(self.seed).encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") >> 1

    def options(
        self, concurrency: int, retry_scale: float, grace: float, scale_retry_after: bool = False
    ) -> DeliveryOptions:
        """The run's engine options (the server's scales unless the run gives its own)."""
        scale_ra = scale_retry_after if self.scale_retry_after is None else self.scale_retry_after
        return DeliveryOptions(
            concurrency=concurrency,
            rate=self.rate,
            pace=parse_pace(self.pace),
            retry_scale=retry_scale if self.retry_scale is None else self.retry_scale,
            scale_retry_after=scale_ra,
            ordering="per-entity" if self.ordering == "per-entity" else "none",
            chaos=Chaos(
                duplicate=self.chaos.get("duplicate", 0.0),
                reorder=int(self.chaos.get("reorder", 0)),
                delay=self.chaos.get("delay", 0.0),
            ),
            seed=self.numeric_seed(),
            shutdown_grace=grace,
        )

    def simulate(self, catalog: Catalog) -> Simulation:
        """A new simulation of this run's stream (deterministic: the same every time).

        Only a built-in is loaded by name: a file's text was read (from the
        scenario directory) when the run was asked for, and is in the spec.
        """
        if self.scenario_yaml is not None:
            file = self.scenario_file or "scenario_yaml"
            scenario: Scenario = parse_yaml_scenario(self.scenario_yaml, file, "scenario")
        elif self.scenario in BUILTINS:
            scenario = BUILTINS[self.scenario]
        else:
            raise ScenarioError(
                f"{self.scenario!r} is no built-in scenario, and the run holds no scenario text",
                field="scenario",
            )
        return scenario.simulate(
            self.seed,
            events=self.events,
            duration=self.duration,
            sizes=self.sizes,
            catalog=catalog,
            track_truth=self.track_truth,
        )


def _pace(body: Fields) -> str | float:
    value = body.raw("pace", "asap")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ApiError.invalid("pace must be asap, realtime or a speed factor", "pace")
    try:
        speed = parse_pace(value)
    except MockZenotiError as exc:
        raise from_library(exc) from None
    if speed is not None and not MIN_PACE <= speed <= MAX_PACE:
        raise ApiError.invalid(
            f"a pace's speed factor is from {MIN_PACE:g} to {MAX_PACE:g}", "pace"
        )
    return value


def _chaos(body: Fields) -> dict[str, Any]:
    chaos = body.mapping("chaos")
    if chaos is None:
        return {}
    out = {
        "duplicate": chaos.number("duplicate", 0.0),
        "reorder": chaos.integer("reorder", 0, minimum=0, maximum=10_000),
        "delay": chaos.number("delay", 0.0, maximum=3600),
    }
    chaos.finish()
    try:
        Chaos(**out)
    except MockZenotiError as exc:
        raise from_library(exc) from None
    return out


def _flag(body: Fields, name: str) -> bool | None:
    value = body.raw(name)
    if value is not None and not isinstance(value, bool):
        raise ApiError.invalid(f"{name} must be true or false", name)
    return value


def _api_key(body: Fields) -> str | None:
    value = body.raw("api_key")
    if value is None:
        return None
    if not isinstance(value, str) or re.fullmatch(API_KEY_PATTERN, value) is None:
        raise ApiError.invalid(
            "api_key must be 8 to 128 letters, digits or ._~+/=- characters", "api_key"
        )
    return value


def rate_limit_value(value: Any, name: str) -> int | bool | None:
    """A ``rest_rate_limit``: true (Zenoti's 60 a minute), false (none), or calls a minute."""
    if value is None or isinstance(value, bool):
        return value
    value = whole(value)  # 60.0 is 60, as JSON Schema has it
    if not isinstance(value, int) or not 1 <= value <= MAX_RATE:
        raise ApiError.invalid(
            f"{name} must be true (60 calls a minute), false, or calls a minute from 1 to "
            f"{MAX_RATE:,}",
            name,
        )
    return value


def parse_run_request(body: Fields) -> RunSpec:
    """Check a ``POST /runs`` body; ``ApiError`` names the field.

    The caller checks the targets, and the scenario (``scenario_source``:
    ``scenario`` is "" when only ``scenario_yaml`` was given).
    """
    scenario = body.string("scenario", "")
    document = body.string("scenario_yaml", None, max_length=MAX_BODY)  # 413 beyond a scenario
    if (scenario == "") == (document is None):
        raise ApiError.invalid(
            "give either scenario (a built-in's name) or scenario_yaml (a scenario document)",
            "scenario",
        )
    seed = whole(body.raw("seed", None))
    if seed is None:
        seed = int(fresh_seed())
    elif isinstance(seed, bool) or not isinstance(seed, int | str):
        raise ApiError.invalid("seed must be a whole number or a string", "seed")
    elif isinstance(seed, str) and len(seed) > MAX_SEED:
        raise ApiError.invalid(f"seed is at most {MAX_SEED} characters", "seed")
    elif isinstance(seed, int) and not -(2**63) <= seed < 2**63:
        raise ApiError.invalid("seed must fit in 64 bits", "seed")
    events = body.integer("events", minimum=1, maximum=MAX_EVENTS)
    duration = body.string("duration", None)
    if duration is not None:
        try:
            to_ticks(duration, field="duration")
        except MockZenotiError as exc:
            raise from_library(exc) from None
    sizes_fields = body.mapping("sizes")
    sizes = None
    if sizes_fields is not None:
        sizes = {k: whole(v) for k, v in sizes_fields.raw_all().items()}
        try:
            WorldSizes().with_overrides(sizes, prefix="sizes.")
        except MockZenotiError as exc:
            raise from_library(exc) from None
    targets = body.strings("targets") or []
    spec = RunSpec(
        scenario=scenario,
        seed=seed,
        scenario_yaml=document,
        events=events,
        duration=duration,
        sizes=sizes,
        pace=_pace(body),
        targets=targets,
        ordering=body.string("ordering", "none", choices=ORDERINGS),
        chaos=_chaos(body),
        retry_scale=body.number("retry_scale", maximum=1000),
        scale_retry_after=_flag(body, "scale_retry_after"),
        rate=body.number("rate", minimum=0.001, maximum=1_000_000),
        track_truth=body.raw("track_truth"),
        api_key=_api_key(body),
        rest_rate_limit=rate_limit_value(body.raw("rest_rate_limit"), "rest_rate_limit"),
    )
    if spec.track_truth is not None and not isinstance(spec.track_truth, bool):
        raise ApiError.invalid("track_truth must be true or false", "track_truth")
    body.finish()
    return spec
