"""A deterministic synthetic event stream for tests, examples and benchmarks.

Built from the catalog's documented samples (envelope types only), each given
fresh ``event_id``/``id`` pairs from one ``ObjectIdFactory`` and a synthetic
entity key, so that it runs without the generator. Not a realistic stream:
``mockzenoti.generator`` and the scenarios make those.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from mockzenoti.catalog import load_catalog
from mockzenoti.event import Event
from mockzenoti.ids import ObjectIdFactory

__all__ = ["synthetic_events", "synthetic_stream"]

_START_SECOND = 0x6239C000  # 2022-03-22T12:26:40Z, the era of most documented samples


@lru_cache(maxsize=1)
def _samples() -> tuple[tuple[str, dict[str, Any]], ...]:
    out = []
    for entry in load_catalog():
        if entry.sample_kind == "envelope" and entry.sample is not None:
            out.append((entry.name, entry.sample))
    return tuple(out)


def synthetic_stream(
    n: int,
    *,
    seed: int = 0,
    entities: int = 50,
    event_types: Sequence[str] | None = None,
    centers: Sequence[str] = ("c-1", "c-2"),
) -> Iterator[Event]:
    """``n`` events, the same for the same arguments.

    Event ``i`` has ``seq = i``, a documented sample's payload with fresh ids
    (one second of ``event_timestamp`` per 50 events), one entity key
    ``"entity:<k>"`` (``k`` drawn from ``entities``), and a center from
    ``centers`` (cycled), also written into ``data.center_id`` when the
    sample has one.
    """
    rng = random.Random(seed)
    ids = ObjectIdFactory(rng)
    pool = [s for s in _samples() if event_types is None or s[0] in event_types]
    if not pool:
        raise ValueError("no documented envelope sample matches event_types")
    for i in range(n):
        name, sample = pool[rng.randrange(len(pool))]
        payload = copy.deepcopy(sample)
        payload["event_id"], payload["id"] = ids.pair(_START_SECOND + i // 50)
        center = centers[i % len(centers)] if centers else None
        data = payload.get("data")
        if isinstance(data, dict) and "center_id" in data and center is not None:
            data["center_id"] = center
        yield Event(
            name,
            payload,
            keys=(f"entity:{rng.randrange(entities)}",),
            seq=i,
            center_id=center,
        )


def synthetic_events(n: int, **kwargs: Any) -> list[Event]:
    """``list(synthetic_stream(n, **kwargs))``."""
    return list(synthetic_stream(n, **kwargs))
