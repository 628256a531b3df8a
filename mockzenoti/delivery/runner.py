"""The runner API the CLI and the server call: ``run_stream`` and ``drain``.

A run is identified by its spec (any JSON value: the scenario, seed, count,
targets ... whatever makes the stream what it is). Running a spec whose last
run is unfinished resumes it; a finished spec starts a new run. The stream
must be deterministic: ``stream_factory()`` returns the same events every
time, and a resumed run skips the first ``accepted`` of them (a stream object
with a ``skip(n)`` method, such as ``scenarios.offload.RemoteSimulation``, is
asked to drop them itself).

    report = run(run_stream(".mockzenoti/outbox.sqlite", {"scenario": "spa", "seed": 7},
                            lambda: generate(...), [Target(url)], DeliveryOptions()))
    if not report.ok: ...  # the CLI exits 1
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from mockzenoti.delivery.clock import Clock
from mockzenoti.delivery.engine import Engine
from mockzenoti.delivery.observe import Hub
from mockzenoti.delivery.options import DeliveryOptions
from mockzenoti.delivery.outbox.box import Outbox
from mockzenoti.delivery.reports import DrainReport, RunReport
from mockzenoti.delivery.targets import Target
from mockzenoti.event import Event

if TYPE_CHECKING:
    import aiohttp

__all__ = ["drain", "open_outbox", "run", "run_stream"]

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` to completion on uvloop when installed, else on asyncio's loop.

    What the CLI should use around ``run_stream``/``drain``: uvloop makes each
    request noticeably cheaper (measured: the engine's events/s with uvloop
    about matches a bare aiohttp client on asyncio's own loop).
    """
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is an optional speed-up
        return asyncio.run(main)
    result: T = uvloop.run(main)
    return result


@contextlib.asynccontextmanager
async def open_outbox(outbox: Outbox | str | os.PathLike[str]) -> AsyncIterator[Outbox]:
    """Use an open ``Outbox`` as is, or open (and finally close) one at a path."""
    if isinstance(outbox, Outbox):
        yield outbox
        return
    opened = Outbox(outbox)
    try:
        yield opened
    finally:
        opened.close()


async def run_stream(
    outbox: Outbox | str | os.PathLike[str],
    spec: Any,
    stream_factory: Callable[[], Iterable[Event]],
    targets: Iterable[Target],
    options: DeliveryOptions | None = None,
    *,
    session: aiohttp.ClientSession | None = None,
    clock: Clock | None = None,
    hub: Hub | None = None,
    accepted: Callable[[list[Event]], object] | None = None,
) -> RunReport:
    """Accept the stream into the outbox and deliver it to ``targets``; resume if unfinished.

    Returns when every delivery of the run is delivered, dead or held (a
    deactivated target does not make the run hang). Raises
    ``MockZenotiError`` subclasses for bad input, naming the field.
    ``accepted``: see ``Engine.run``.
    """
    async with (
        open_outbox(outbox) as box,
        Engine(box, options, session=session, clock=clock, hub=hub) as engine,
    ):
        return await engine.run(spec, stream_factory, targets, accepted=accepted)


async def drain(
    outbox: Outbox | str | os.PathLike[str],
    options: DeliveryOptions | None = None,
    *,
    session: aiohttp.ClientSession | None = None,
    clock: Clock | None = None,
    hub: Hub | None = None,
) -> DrainReport:
    """Deliver only what the outbox holds unsettled (pending, retrying, interrupted)."""
    async with (
        open_outbox(outbox) as box,
        Engine(box, options, session=session, clock=clock, hub=hub) as engine,
    ):
        return await engine.drain()
