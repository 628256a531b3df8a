"""Group commit: the engine's writes gathered into few outbox transactions.

Code on the hot path stages rows in ``committer.batch`` (no I/O) and, when it
needs them durable (events just accepted, a delivery about to be attempted),
awaits ``committer.durable()``. One task writes whatever has been staged in a
single transaction, then wakes every waiter: with 64 requests in flight, 64
"about to send" marks cost one commit. Writes nobody waits for (attempt rows,
results) are flushed at most ``flush_interval`` seconds later, or with the
next durable write.

Where the commits run: on the event loop's thread. One transaction per batch
blocks the loop for a millisecond or so, and nothing else is paid: on a
2-core machine this measured fastest (a writer thread fought the event loop
for the GIL; a writer process competed with the receiver for the cores).
A file outbox's WAL is checkpointed on a thread of its own
(``outbox/checkpoint.py``), so these commits never include a checkpoint's
copy and fsync.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from mockzenoti.delivery.outbox.box import Outbox
from mockzenoti.delivery.outbox.store import WriteBatch

__all__ = ["Committer"]


class Committer:
    """Stages writes and commits them in batches to ``outbox``."""

    def __init__(
        self,
        outbox: Outbox,
        flush_interval: float,
        on_error: Callable[[BaseException], None],
    ) -> None:
        self._outbox = outbox
        self._checkpointer = outbox.checkpointer() if outbox.path != ":memory:" else None
        self._interval = flush_interval
        self._on_error = on_error
        self.batch = WriteBatch()
        self._waiters: list[asyncio.Future[None]] = []
        self._dirty = False
        self._kick = asyncio.Event()
        self._urgent = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.error: BaseException | None = None
        self.commits = 0

    async def start(self) -> None:
        """Start checkpointing (file outboxes) and the task that commits."""
        if self._checkpointer is not None:
            self._checkpointer.start()
        self._task = asyncio.create_task(self._run(), name="mockzenoti-outbox-committer")

    def staged(self) -> WriteBatch:
        """The batch to add rows to (it will be committed within ``flush_interval``)."""
        if not self._dirty:
            self._dirty = True
            self._kick.set()
        return self.batch

    async def durable(self) -> None:
        """Return once everything staged so far is committed (raises if writing failed)."""
        if self.error is not None:
            raise self.error
        # One future per waiter: a cancelled waiter cancels only its own.
        future = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        if not self._urgent.is_set():
            self._urgent.set()
            self._kick.set()
        await future

    async def _run(self) -> None:
        while True:
            await self._kick.wait()
            if not self._urgent.is_set() and self._interval > 0 and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._urgent.wait(), self._interval)
            self._kick.clear()
            self._urgent.clear()
            self._dirty = False
            batch, self.batch = self.batch, WriteBatch()
            waiters, self._waiters = self._waiters, []
            try:
                if len(batch):
                    self._outbox.db.apply(batch)
                    self.commits += 1
            except Exception as exc:
                self._fail(exc, waiters)
                return
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)
            if self._stopping and not len(self.batch) and not self._waiters:
                return

    def commit_now(self) -> None:
        """Commit what is staged, at once, on this thread (a reader wanting the outbox and
        the live counters at one moment calls it); ``durable``'s waiters wake with the
        next commit."""
        if self.error is not None or self._task is None or not len(self.batch):
            return
        batch, self.batch = self.batch, WriteBatch()
        self._dirty = False
        try:
            self._outbox.db.apply(batch)
        except Exception as exc:
            self._fail(exc, self._waiters)
            self._waiters = []
            raise
        self.commits += 1

    def _fail(self, exc: Exception, waiters: list[asyncio.Future[None]]) -> None:
        """Writing failed: remember it, fail the waiters, tell the engine."""
        self.error = exc
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(exc)
                waiter.exception()  # retrieved: each waiter re-raises it itself
        self._on_error(exc)

    async def close(self) -> None:
        """Commit what is staged, then stop the task and the checkpoint thread."""
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
        if self._checkpointer is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._checkpointer.stop)
