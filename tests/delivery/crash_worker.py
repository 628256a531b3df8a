"""Deliver 2,000 synthetic events to a URL through a file outbox; the crash test kills it.

    python crash_worker.py OUTBOX URL RATE

The run's spec, stream and targets are those of ``CRASH_RUN`` so that the test
can resume the same run in its own process.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from typing import Any

from mockzenoti.delivery import DeliveryOptions, Target, run_stream
from mockzenoti.delivery.testing import synthetic_stream
from mockzenoti.event import Event

COUNT = 2000
SPEC: dict[str, Any] = {"test": "crash", "count": COUNT, "seed": 7}


def stream() -> Iterator[Event]:
    """The run's deterministic stream."""
    return synthetic_stream(COUNT, seed=7)


def targets(url: str) -> list[Target]:
    """The run's one target, signing with the zenoti scheme."""
    return [Target(url, secrets=("crash-secret",))]


async def main(outbox: str, url: str, rate: float) -> None:
    # At most 200 deliveries in memory: the stream is accepted as delivery progresses,
    # so a kill leaves both accepted-but-unsent deliveries and events never accepted.
    options = DeliveryOptions(rate=rate, concurrency=16, max_outstanding=200, batch_size=50)
    report = await run_stream(outbox, SPEC, stream, targets(url), options)
    print(json.dumps(report.to_dict()))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
