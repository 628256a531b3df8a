"""Where the engine's batches are committed: inline, on the outbox thread, or a writer process.

- ``inline`` (the default): the batch is written on the event loop's thread.
  One transaction per batch blocks the loop for a millisecond or so, but
  nothing else is paid: on a 2-core machine this measured fastest. The WAL's
  checkpoints run on a thread of their own (``outbox/checkpoint.py``).
- ``process``: a child process running ``outbox/sqlwrite.py`` with its own
  connection. Batches are pickled to its stdin; it answers once each is
  committed. The event loop pays only the pickling and the commits run on
  another core: worth it with cores to spare (not for ``:memory:``, which
  another process cannot open; that falls back to inline).
- ``thread``: on the outbox's worker thread (``Outbox.call``). The writer
  thread and the event loop then take turns on the GIL, which measured
  slowest; kept for comparison.
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
import sys
from typing import Protocol

from mockzenoti.delivery.options import WriterKind
from mockzenoti.delivery.outbox import sqlwrite
from mockzenoti.delivery.outbox.queries import Outbox
from mockzenoti.delivery.outbox.store import WriteBatch

__all__ = ["BatchWriter", "InlineWriter", "ProcessWriter", "ThreadWriter", "make_writer"]


class BatchWriter(Protocol):
    """Commits ``WriteBatch``es, one at a time."""

    async def start(self) -> None:
        """Get ready to write."""
        ...

    async def apply(self, batch: WriteBatch) -> None:
        """Commit ``batch``; return once it is durable (raise if it is not)."""
        ...

    async def close(self) -> None:
        """Stop; nothing is pending when this is called."""
        ...


class InlineWriter:
    """Writes on the caller's thread; a file outbox's WAL is checkpointed on another thread.

    See ``outbox/checkpoint.py``: the commits on the event loop then never
    include a checkpoint's copy and fsync.
    """

    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox
        self._checkpointer = outbox.checkpointer() if outbox.path != ":memory:" else None

    async def start(self) -> None:
        """Start checkpointing on a thread (file outboxes)."""
        if self._checkpointer is not None:
            self._checkpointer.start()

    async def apply(self, batch: WriteBatch) -> None:
        """Write now, blocking the loop for the transaction."""
        self._outbox.apply(batch)

    async def close(self) -> None:
        """Stop the checkpoint thread."""
        if self._checkpointer is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._checkpointer.stop)


class ThreadWriter(InlineWriter):
    """Writes on the outbox's worker thread (it checkpoints as SQLite does by itself)."""

    def __init__(self, outbox: Outbox) -> None:
        super().__init__(outbox)
        self._checkpointer = None

    async def apply(self, batch: WriteBatch) -> None:
        """Write on the outbox thread."""
        await self._outbox.call(self._outbox.apply, batch)


class ProcessWriter:
    """Writes through a child process running ``sqlwrite.py`` on the same database file."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the child and wait until it has opened the database."""
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable,
            sqlwrite.__file__,
            self._path,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self._proc.stdout is not None
        try:
            ready = await self._proc.stdout.readexactly(1)
        except asyncio.IncompleteReadError:
            ready = b""
        if ready != b"K":
            await self.close()
            raise RuntimeError(f"the outbox writer process could not open {self._path}")

    async def apply(self, batch: WriteBatch) -> None:
        """Send the batch; return when the child has committed it."""
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        data = pickle.dumps(batch.parts(), protocol=pickle.HIGHEST_PROTOCOL)
        proc.stdin.write(sqlwrite.HEADER.pack(len(data)))
        proc.stdin.write(data)
        await proc.stdin.drain()
        answer = await proc.stdout.readexactly(1)
        if answer != b"K":
            size = sqlwrite.HEADER.unpack(await proc.stdout.readexactly(sqlwrite.HEADER.size))[0]
            message = (await proc.stdout.readexactly(size)).decode("utf-8", "replace")
            raise RuntimeError(f"the outbox writer failed: {message}")

    async def close(self) -> None:
        """Close the child's stdin (it exits) and reap it."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
            with contextlib.suppress(ConnectionError):
                await proc.stdin.wait_closed()
        try:
            if proc.stdout is not None:
                await asyncio.wait_for(proc.stdout.read(), 10)
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:  # pragma: no cover - a stuck child
            proc.kill()
            await proc.wait()


def make_writer(kind: WriterKind, outbox: Outbox) -> BatchWriter:
    """The writer for ``kind`` (``auto`` is ``inline``)."""
    if kind == "process" and outbox.path != ":memory:":
        return ProcessWriter(outbox.path)
    if kind == "thread":
        return ThreadWriter(outbox)
    return InlineWriter(outbox)
