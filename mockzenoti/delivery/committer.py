"""Group commit: the engine's writes gathered into few outbox transactions.

Code on the hot path stages rows in ``committer.batch`` (no I/O) and, when it
needs them durable (events just accepted, a delivery about to be attempted),
awaits ``committer.durable()``. One task writes whatever has been staged in a
single transaction on the outbox's thread, then wakes every waiter: with 64
requests in flight, 64 "about to send" marks cost one commit. Writes nobody
waits for (attempt rows, results) are flushed at most ``flush_interval``
seconds later, or with the next durable write.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from mockzenoti.delivery.outbox.queries import Outbox
from mockzenoti.delivery.outbox.store import WriteBatch

__all__ = ["Committer"]


class Committer:
    """Stages writes and commits them in batches on the outbox's thread."""

    def __init__(
        self,
        outbox: Outbox,
        flush_interval: float,
        on_error: Callable[[BaseException], None],
    ) -> None:
        self._outbox = outbox
        self._interval = flush_interval
        self._on_error = on_error
        self.batch = WriteBatch()
        self._durable: asyncio.Future[None] | None = None
        self._kick = asyncio.Event()
        self._urgent = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.error: BaseException | None = None
        self.commits = 0

    def start(self) -> None:
        """Start the writer task."""
        self._task = asyncio.create_task(self._run(), name="mockzenoti-outbox-writer")

    def staged(self) -> WriteBatch:
        """The batch to add rows to (it will be committed soon)."""
        self._kick.set()
        return self.batch

    async def durable(self) -> None:
        """Return once everything staged so far is committed (raises if writing failed)."""
        if self.error is not None:
            raise self.error
        if self._durable is None:
            self._durable = asyncio.get_running_loop().create_future()
        future = self._durable
        self._urgent.set()
        self._kick.set()
        await asyncio.shield(future)

    async def _run(self) -> None:
        while True:
            await self._kick.wait()
            if not self._urgent.is_set() and self._interval > 0 and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._urgent.wait(), self._interval)
            self._kick.clear()
            self._urgent.clear()
            batch, self.batch = self.batch, WriteBatch()
            future, self._durable = self._durable, None
            try:
                if len(batch):
                    await self._outbox.call(self._outbox.apply, batch)
                    self.commits += 1
            except Exception as exc:
                self.error = exc
                if future is not None:
                    future.set_exception(exc)
                    future.exception()  # mark retrieved: waiters re-raise it themselves
                self._on_error(exc)
                return
            if future is not None:
                future.set_result(None)
            if self._stopping and not len(self.batch) and self._durable is None:
                return

    async def close(self) -> None:
        """Commit what is staged, then stop the writer task."""
        if self._task is None:
            return
        self._stopping = True
        if self.error is None and not self._task.done():
            self._kick.set()
            self._urgent.set()
            with contextlib.suppress(Exception):
                await self.durable()
        if not self._task.done():
            self._kick.set()
            self._urgent.set()
        with contextlib.suppress(Exception):
            await self._task
        self._task = None
