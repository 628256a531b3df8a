"""The live feed behind ``GET /stream``: hub changes fanned out to bounded per-client buffers.

The feed subscribes to the engines' ``Hub`` while at least one client
listens (the engines build no change records otherwise). Each change is
appended to every interested client's buffer without waiting: a client whose
buffer is full loses the change and its ``dropped`` count goes up, so a slow
reader never slows delivery. Counter snapshots and run progress are
coalesced per client: only the latest is kept. A ticker task builds them
every ``interval`` seconds while clients are connected.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from mockzenoti.delivery import Hub

__all__ = ["Feed", "FeedClient"]

Change = dict[str, Any]


class FeedClient:
    """One ``/stream`` reader: a bounded buffer of changes, the latest snapshot and progress."""

    def __init__(self, maxsize: int, types: frozenset[str] | None) -> None:
        self.maxsize = maxsize
        self.types = types
        self.buffer: deque[Change] = deque()
        self.snapshot: Change | None = None
        self.progress: dict[int, Change] = {}
        self.dropped = 0
        self.unreported_drops = 0
        self.closed = False
        self._wake = asyncio.Event()

    def wants(self, kind: str) -> bool:
        """True when this client asked for changes of type ``kind``."""
        return self.types is None or kind in self.types

    def offer(self, change: Change) -> None:
        """Buffer a change, or count it as dropped when the buffer is full."""
        if not self.wants(change["type"]):
            return
        if len(self.buffer) >= self.maxsize:
            self.dropped += 1
            self.unreported_drops += 1
        else:
            self.buffer.append(change)
        self._wake.set()

    def replace(self, change: Change) -> None:
        """Keep ``change`` as the latest snapshot or run progress (older ones are dropped)."""
        kind = change["type"]
        if not self.wants(kind):
            return
        if kind == "run.progress":
            self.progress[change["run_id"]] = change
        else:
            self.snapshot = change
        self._wake.set()

    def close(self) -> None:
        """End this client's stream."""
        self.closed = True
        self._wake.set()

    async def wait(self, timeout: float) -> None:
        """Wait until there is something to send, the client is closed, or ``timeout``."""
        if not self._wake.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
        self._wake.clear()

    def take(self, limit: int = 500) -> list[Change]:
        """What to send now: dropped notice, snapshot, progress, then buffered changes."""
        out: list[Change] = []
        if self.unreported_drops:
            out.append({"type": "dropped", "count": self.unreported_drops, "total": self.dropped})
            self.unreported_drops = 0
        if self.snapshot is not None:
            out.append({**self.snapshot, "dropped": self.dropped})
            self.snapshot = None
        if self.progress:
            out.extend(self.progress.values())
            self.progress.clear()
        while self.buffer and len(out) < limit:
            out.append(self.buffer.popleft())
        if self.buffer:
            self._wake.set()
        elif not self.closed:
            self._wake.clear()
        return out


class Feed:
    """Fan-out of hub changes to stream clients, plus periodic snapshots (module docstring)."""

    def __init__(
        self,
        hub: Hub,
        snapshot: Callable[[float], Change],
        progress: Callable[[], Awaitable[list[Change]]],
        *,
        interval: float,
        queue_size: int,
    ) -> None:
        self.hub = hub
        self._snapshot = snapshot
        self._progress = progress
        self.interval = interval
        self.queue_size = queue_size
        self.clients: set[FeedClient] = set()
        self.ids = itertools.count(1)
        self._unsubscribe: Callable[[], bool] | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._has_clients = asyncio.Event()
        self._closed = False

    @property
    def dropped(self) -> int:
        """Changes dropped for the clients connected now."""
        return sum(c.dropped for c in self.clients)

    def start(self) -> None:
        """Start the snapshot ticker."""
        self._ticker = asyncio.create_task(self._tick(), name="mockzenoti-feed-ticker")

    def open(self, types: frozenset[str] | None = None) -> FeedClient:
        """A new client (subscribing the feed to the hub if it is the first)."""
        client = FeedClient(self.queue_size, types)
        if self._closed:
            client.close()
            return client
        self.clients.add(client)
        if self._unsubscribe is None:
            self._unsubscribe = self.hub.subscribe(self._on_change)
        self._has_clients.set()
        return client

    def leave(self, client: FeedClient) -> None:
        """Forget a client (unsubscribing from the hub after the last one)."""
        client.close()
        self.clients.discard(client)
        if not self.clients:
            self._has_clients.clear()
            if self._unsubscribe is not None:
                self._unsubscribe()
                self._unsubscribe = None

    def close_clients(self) -> None:
        """End every stream (the server is shutting down); new clients are closed at once."""
        self._closed = True
        for client in tuple(self.clients):
            client.close()

    async def close(self) -> None:
        """Stop the ticker and end every stream."""
        self.close_clients()
        for client in tuple(self.clients):
            self.leave(client)
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None

    def _on_change(self, change: Change) -> None:
        for client in self.clients:
            client.offer(change)

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await self._has_clients.wait()
            await asyncio.sleep(self.interval)
            if not self.clients:
                continue
            now = loop.time()
            snapshot = self._snapshot(max(now - last, 1e-9))
            last = now
            progress = await self._progress()
            for client in tuple(self.clients):
                client.replace(snapshot)
                for change in progress:
                    client.replace(change)
