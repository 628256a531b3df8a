"""Reference event builders: stateless stdlib ``random`` + ``json``, and Faker per field.

``Builder`` draws a shape from ``bench.shapes.MIX`` for every event and fills it
with fresh random values: no world, no state between events. Its average size
is set by ``event_bytes`` (compact JSON): the builder calibrates once how many
repeated items (appointments, invoice items) the large shapes need on average
to reach it. Below the mix's smallest average (about 1.0 KB) the target cannot
be met and the smallest mix is used; ``Builder.average_bytes`` tells what was
reached.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from typing import Any

from bench.envelope import Fields, Payload, StdFields
from bench.shapes import MIX, SHAPES

__all__ = ["DEFAULT_EVENT_BYTES", "Builder", "FakerFields", "stdlib_dumps", "throughput"]

DEFAULT_EVENT_BYTES = 1200
_CALIBRATION_SAMPLES = 60

_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def stdlib_dumps(obj: Any) -> bytes:
    """Compact JSON bytes with the standard library (what the reference builder uses)."""
    return _encoder.encode(obj).encode("utf-8")


class FakerFields:
    """``Fields`` from Faker: one Faker call for every people-like field of every event."""

    def __init__(self, rng: random.Random) -> None:
        from faker import Faker

        self.fake = Faker("en_US")
        self.fake.seed_instance(rng.getrandbits(32))

    def first_name(self) -> str:
        return str(self.fake.first_name())

    def last_name(self) -> str:
        return str(self.fake.last_name())

    def email(self) -> str:
        return str(self.fake.email())

    def phone(self) -> str:
        return str(self.fake.phone_number())

    def city(self) -> str:
        return str(self.fake.city())

    def company(self) -> str:
        return str(self.fake.company())

    def street(self) -> str:
        return str(self.fake.street_address())

    def zip_code(self) -> str:
        return str(self.fake.postcode())


class Builder:
    """Builds Zenoti-shaped events one at a time (see the module docstring)."""

    def __init__(
        self,
        seed: int = 1,
        event_bytes: int = DEFAULT_EVENT_BYTES,
        fields: Callable[[random.Random], Fields] = StdFields,
        dumps: Callable[[Any], bytes] = stdlib_dumps,
    ) -> None:
        self.rng = random.Random(seed)
        self.fields = fields(self.rng)
        self.dumps = dumps
        self.event_bytes = event_bytes
        # One entry per unit of weight: a uniform choice then follows MIX.
        self._deck = [SHAPES[name] for name, weight in MIX.items() for _ in range(weight)]
        self.items_mean, self.average_bytes = _calibrate(event_bytes)

    def payload(self) -> Payload:
        """A new envelope (dict)."""
        rng = self.rng
        base = int(self.items_mean)
        k = base + (rng.random() < self.items_mean - base)
        return rng.choice(self._deck)(rng, self.fields, k)

    def body(self) -> bytes:
        """A new event serialised to compact JSON bytes."""
        return self.dumps(self.payload())

    def bodies(self, n: int) -> list[bytes]:
        """``n`` new serialised events."""
        return [self.body() for _ in range(n)]


def _mix_average(k: int) -> float:
    rng = random.Random(7)
    fields = StdFields(rng)
    total = sum(MIX.values())
    avg = 0.0
    for name, weight in MIX.items():
        shape = SHAPES[name]
        size = sum(len(stdlib_dumps(shape(rng, fields, k))) for _ in range(_CALIBRATION_SAMPLES))
        avg += weight / total * size / _CALIBRATION_SAMPLES
    return avg


def _calibrate(target: int) -> tuple[float, float]:
    """Mean items per large shape to reach ``target`` bytes on average, and the average."""
    one, two = _mix_average(1), _mix_average(2)
    slope = two - one
    mean = min(max(1.0 + (target - one) / slope, 1.0), 40.0)
    return mean, one + slope * (mean - 1.0)


def throughput(builder: Builder, count: int, seconds: float) -> dict[str, float]:
    """Build and serialise events until ``count`` are done or ``seconds`` pass.

    Returns ``events``, ``elapsed_s``, ``events_per_s``, ``events_per_cpu_s``
    (events per second of this process's CPU time: what one uncontended core
    would do), ``avg_bytes``, ``min_bytes``, ``max_bytes`` and ``us_per_event``.
    """
    body = builder.body
    n = total = 0
    small, large = 1 << 30, 0
    start, cpu = time.perf_counter(), time.process_time()
    deadline = start + seconds
    while n < count:
        size = len(body())
        n += 1
        total += size
        small = min(small, size)
        large = max(large, size)
        if not n & 127 and time.perf_counter() >= deadline:
            break
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "events": n,
        "elapsed_s": elapsed,
        "events_per_s": n / elapsed,
        "events_per_cpu_s": n / cpu if cpu > 0 else float("inf"),
        "avg_bytes": total / n,
        "min_bytes": small,
        "max_bytes": large,
        "us_per_event": elapsed / n * 1e6,
    }
