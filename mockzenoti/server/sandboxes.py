"""``Sandboxes``: each run's ``/v1`` API, found by its key.

A run gets its sandbox when its simulation is built (``RunsManager``); the
registry keeps it while the run goes on and afterwards, for reads and writes
after the stream has ended. The worlds of the last ``KEEP_FINISHED``
finished runs stay in memory; an older run's, or a run of a previous server
process on the same outbox, is rebuilt on first use from its spec (the same
seed gives the same stream) and the events its run accepted. A rebuilt world
knows the stream, not the writes made through ``/v1`` before it was let go.

It also holds what ``/v1`` needs across runs: the bearer tokens of
``POST /v1/tokens`` and the rate limiter's buckets.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from mockzenoti.delivery import Clock, Outbox
from mockzenoti.delivery.outbox import RunRecord
from mockzenoti.rest import Sandbox
from mockzenoti.rest.access import RateLimiter, Tokens
from mockzenoti.server.runspec import RunSpec
from mockzenoti.server.settings import ServerSettings

__all__ = ["KEEP_FINISHED", "RunApi", "Sandboxes"]

log = logging.getLogger("mockzenoti.server.sandboxes")

#: Finished runs whose worlds stay in memory (older ones are rebuilt when asked for).
KEEP_FINISHED = 32


@dataclass(eq=False)
class RunApi:
    """One run's ``/v1``: its ``sandbox``, run id, key, and calls a minute (0: no limit)."""

    run_id: int
    key: str
    sandbox: Sandbox
    limit: int
    running: bool = True
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Sandboxes:
    """The runs' ``/v1`` APIs by key; see the module docstring."""

    def __init__(self, outbox: Outbox | None, settings: ServerSettings, clock: Clock) -> None:
        self.outbox = outbox
        self.settings = settings
        self.clock = clock
        self.tokens = Tokens(clock.now)
        self.limiter = RateLimiter(clock.now)
        self._apis: OrderedDict[str, RunApi] = OrderedDict()
        self._index: dict[str, int] | None = None
        self._building: dict[str, asyncio.Future[RunApi | None]] = {}
        self._executor: ThreadPoolExecutor | None = None

    def close(self) -> None:
        """Release the rebuilding thread."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    # -- registering ---------------------------------------------------------------------------

    def register(self, run_id: int, spec: RunSpec, sandbox: Sandbox) -> RunApi:
        """The sandbox of run ``run_id`` (running) answers ``spec.key`` from now on."""
        return self.add(run_id, spec.key, sandbox, spec.rate_limit(self.settings.rest_rate_limit))

    def add(self, run_id: int, key: str, sandbox: Sandbox, limit: int) -> RunApi:
        """``sandbox`` (of run ``run_id``, running) answers ``key``; ``limit`` calls a minute."""
        api = RunApi(run_id, key, sandbox, limit)
        self._apis[api.key] = api
        self._apis.move_to_end(api.key)
        if self._index is not None:
            self._index[api.key] = run_id
        return api

    def remove(self, key: str) -> None:
        """``key`` answers no more (a test's key at its teardown)."""
        self._apis.pop(key, None)
        self.limiter.forget(key)

    def finished(self, key: str) -> None:
        """The run of ``key`` has finished: its world is kept among the latest ones."""
        api = self._apis.get(key)
        if api is not None:
            api.running = False
            api.sandbox.stream_ended()
        self._trim()

    def _trim(self) -> None:
        done = [k for k, a in self._apis.items() if not a.running]
        for key in done[: max(0, len(done) - KEEP_FINISHED)]:
            del self._apis[key]

    async def taken(self, key: str) -> bool:
        """True when ``key`` is a run's key already (nothing is rebuilt)."""
        if key in self._apis:
            return True
        return self.outbox is not None and key in await self._runs_index()

    # -- finding -------------------------------------------------------------------------------

    async def find(self, key: str) -> RunApi | None:
        """The ``/v1`` of the run whose key is ``key`` (rebuilt if need be), or None."""
        api = self._apis.get(key)
        if api is not None:
            self._apis.move_to_end(key)
            return api
        if self.outbox is None:
            return None
        run_id = (await self._runs_index()).get(key)
        if run_id is None:
            return None
        pending = self._building.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._rebuild(run_id))
            self._building[key] = pending
            pending.add_done_callback(lambda _: self._building.pop(key, None))
        return await asyncio.shield(pending)

    async def _runs_index(self) -> dict[str, int]:
        if self._index is None:
            assert self.outbox is not None
            outbox = self.outbox
            index: dict[str, int] = {}
            offset = 0
            while True:
                page = await outbox.call(outbox.list_runs, limit=500, offset=offset)
                for record in page:
                    spec = RunSpec.from_spec(record.spec)
                    if spec is not None:
                        index.setdefault(spec.key, record.id)
                offset += len(page)
                if len(page) < 500:
                    break
            index.update({k: a.run_id for k, a in self._apis.items()})
            self._index = index
        return self._index

    async def _rebuild(self, run_id: int) -> RunApi | None:
        assert self.outbox is not None
        record: RunRecord = await self.outbox.call(self.outbox.get_run, run_id)
        spec = RunSpec.from_spec(record.spec)
        if spec is None:
            return None
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="mockzenoti-rest")
        loop = asyncio.get_running_loop()
        try:
            sandbox = await loop.run_in_executor(self._executor, self._build, spec, record.accepted)
        except Exception:
            log.exception("run %d: could not rebuild its world for /v1", run_id)
            return None
        current = self._apis.get(spec.key)
        if current is not None:  # the run resumed meanwhile: its own sandbox wins
            return current
        api = self.register(run_id, spec, sandbox)
        self.finished(spec.key)
        return api

    def _build(self, spec: RunSpec, accepted: int) -> Sandbox:
        """The run's world after the events it accepted (in the rebuilding thread)."""
        sim = spec.simulate(self.settings.catalog)
        sandbox = Sandbox.for_simulation(sim, clock=self.clock.now)
        for _ in range(accepted):
            event = next(sim, None)
            if event is None:
                break
            sandbox.publish([event])
        return sandbox
