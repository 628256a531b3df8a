"""Checkpointing an outbox's write-ahead log from a thread, off the event loop.

SQLite copies the WAL back into the database (a checkpoint, with an fsync)
inside whichever commit crosses ``wal_autocheckpoint`` pages. With the
engine's inline writer that commit runs on the event loop's thread, which
then sends nothing for the tens of milliseconds the copy takes, about once a
second at full speed. ``Checkpointer`` runs passive checkpoints from a thread
with its own connection instead (SQLite releases the GIL while it works; a
passive checkpoint never blocks a writer), and raises the engine connection's
automatic threshold to ``ENGINE_AUTOCHECKPOINT_PAGES``: a passive checkpoint
cannot reset the WAL while commits keep coming, so the engine's own
checkpoint still resets it now and then, with little left to copy.
``journal_size_limit`` keeps the file itself from staying large. Durability
does not change: a commit is in the WAL either way.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading

__all__ = ["Checkpointer"]

#: Pages of WAL between automatic checkpoints when the thread is not running
#: (``sqlwrite.configure``'s value).
AUTOCHECKPOINT_PAGES = 1000
#: The engine connection's threshold while the thread runs (64 MiB of 16 KiB pages).
ENGINE_AUTOCHECKPOINT_PAGES = 4000
_WAL_LIMIT_BYTES = ENGINE_AUTOCHECKPOINT_PAGES * 16384


class Checkpointer:
    """Passive checkpoints every ``interval`` seconds on a daemon thread (``start``/``stop``)."""

    def __init__(
        self,
        path: str,
        engine_conn: sqlite3.Connection,
        lock: threading.RLock,
        interval: float = 0.25,
    ) -> None:
        self._path = path
        self._engine_conn = engine_conn
        self._lock = lock
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.checkpoints = 0

    def start(self) -> None:
        """Raise the engine connection's automatic threshold and start the thread."""
        if self._thread is not None:
            return
        with self._lock:
            self._engine_conn.execute(f"PRAGMA wal_autocheckpoint={ENGINE_AUTOCHECKPOINT_PAGES}")
            self._engine_conn.execute(f"PRAGMA journal_size_limit={_WAL_LIMIT_BYTES}")
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name="mockzenoti-outbox-checkpoint", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (after one last checkpoint) and restore automatic checkpoints."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        thread.join()
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._engine_conn.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")

    def _run(self) -> None:
        conn = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout=1000")
            while True:
                stopping = self._stop.wait(self._interval)
                with contextlib.suppress(sqlite3.Error):  # busy: the next one will do
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.checkpoints += 1
                if stopping:
                    return
        finally:
            conn.close()
