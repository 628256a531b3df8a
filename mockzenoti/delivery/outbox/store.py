"""The outbox's database: its connection, lock, worker thread and the engine's batched writes.

``Database`` is synchronous and thread-safe (one lock around one connection);
``await db.call(fn, ...)`` runs any of the outbox's methods on its single
worker thread so that the event loop never waits on SQLite. The engine's hot path
writes only ``WriteBatch``es: one transaction for everything gathered since
the last one (accepted events and deliveries, state changes, attempt rows,
target and run counters), by the engine's ``Committer``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, NamedTuple, ParamSpec, TypeVar

from mockzenoti.delivery.outbox import files
from mockzenoti.delivery.outbox.checkpoint import Checkpointer
from mockzenoti.delivery.outbox.schema import connect
from mockzenoti.delivery.outbox.sqlwrite import Parts, apply_parts
from mockzenoti.errors import ConfigError

__all__ = ["DEFAULT_OUTBOX", "Database", "StoredDelivery", "WriteBatch"]

DEFAULT_OUTBOX = ".mockzenoti/outbox.sqlite"
P = ParamSpec("P")
R = TypeVar("R")

try:  # pragma: no cover - platform dependent
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]


@dataclass(slots=True)
class WriteBatch:
    """Writes gathered for one transaction; rows are tuples in column order."""

    events: list[tuple[Any, ...]] = field(default_factory=list)
    deliveries: list[tuple[Any, ...]] = field(default_factory=list)
    #: delivery pk -> (state, attempts, round_base, next_at, last_status, last_error, now, pk);
    #: only the latest snapshot of a delivery matters.
    updates: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    attempts: list[tuple[Any, ...]] = field(default_factory=list)
    #: target name -> (active, consecutive_failures, deactivated_at, now, name)
    targets: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    #: run id -> (accepted, now, run id)
    runs: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    #: delivery pk -> possible duplicates to add (a request that may have reached the receiver)
    duplicates: dict[int, int] = field(default_factory=dict)
    #: run id -> possible duplicates to add
    run_duplicates: dict[int, int] = field(default_factory=dict)

    def parts(self) -> Parts:
        """The rows as ``sqlwrite.apply_parts`` takes them."""
        return (
            self.events,
            self.deliveries,
            list(self.updates.values()),
            self.attempts,
            list(self.targets.values()),
            list(self.runs.values()),
            [(n, pk) for pk, n in self.duplicates.items()],
            [(n, run) for run, n in self.run_duplicates.items()],
        )

    def __len__(self) -> int:
        return (
            len(self.events)
            + len(self.deliveries)
            + len(self.updates)
            + len(self.attempts)
            + len(self.targets)
            + len(self.runs)
            + len(self.duplicates)
            + len(self.run_duplicates)
        )


class StoredDelivery(NamedTuple):
    """An unsettled delivery read back for an engine (with its body)."""

    pk: int
    event_pk: int
    run_id: int | None
    target: str
    target_index: int
    delivery_id: str
    event_id: str
    event_type: str
    state: str
    attempts: int
    round_base: int
    next_at: float | None
    seq: int
    envelope_id: str
    keys: str
    body: bytes


_LOAD = (
    "SELECT d.id, d.event, d.run_id, d.target, d.target_index, d.delivery_id, d.event_id, "
    "d.event_type, d.state, d.attempts, d.round_base, d.next_at, e.seq, e.envelope_id, e.keys, "
    "e.body "
    "FROM deliveries d JOIN events e ON e.id = d.event "
)


class Database:
    """Connection, lock, worker thread, id allocation and the engine's batched writes."""

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_OUTBOX, *, exclusive: bool = True):
        self.path = str(path)
        self.lock = threading.RLock()
        self._id_lock = threading.Lock()  # never held across I/O: the event loop takes it
        self.lockfile: Any = None
        self.readonly = not exclusive and self.path != ":memory:"
        if self.path != ":memory:":
            ours = files.inspect(self.path)  # refuses a foreign or damaged file, untouched
            if self.readonly and not ours:
                raise ConfigError(f"no outbox at {self.path} to read", field="outbox")
            if self.readonly:
                pass
            elif ours:
                files.make_private(self.path)
            else:
                files.create_private(self.path)
            if exclusive and fcntl is not None:
                self.lockfile = files.open_lockfile(self.path)
                try:
                    fcntl.flock(self.lockfile.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError as exc:
                    self.lockfile.close()
                    raise ConfigError(
                        f"the outbox {self.path} is in use by another process", field="outbox"
                    ) from exc
        try:
            if self.readonly:
                self.conn: sqlite3.Connection = files.connect_readonly(self.path)
            else:
                self.conn = connect(self.path)
        except sqlite3.Error as exc:
            if self.lockfile is not None:
                self.lockfile.close()
            raise ConfigError(f"cannot open the outbox {self.path}: {exc}", field="outbox") from exc
        except BaseException:
            if self.lockfile is not None:
                self.lockfile.close()
            raise
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mockzenoti-outbox")
        self._next = {
            table: (self.conn.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0] or 0) + 1
            for table in ("events", "deliveries")
        }
        self._closed = False

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Finish queued work, close the database and release the lock file."""
        if self._closed:
            return
        self._closed = True
        self._executor.shutdown(wait=True)
        with self.lock:
            self.conn.close()
        if self.lockfile is not None:
            self.lockfile.close()

    async def call(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``fn(*args, **kwargs)`` (an outbox method) on the outbox's worker thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    @contextlib.contextmanager
    def transaction(self) -> Any:
        """``with db.transaction() as conn:``: one ``BEGIN IMMEDIATE`` ... ``COMMIT``."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[Any]:
        """All rows of one statement, under the lock."""
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    # -- the engine's writes -------------------------------------------------------------------

    def checkpointer(self) -> Checkpointer:
        """A ``Checkpointer`` for this outbox's file (the engine's inline writer starts it)."""
        return Checkpointer(self.path, self.conn, self.lock)

    def reserve_ids(self, table: str, n: int) -> int:
        """Reserve ``n`` consecutive ids in ``events`` or ``deliveries``; returns the first."""
        with self._id_lock:
            first = self._next[table]
            self._next[table] = first + n
            return first

    def apply(self, batch: WriteBatch) -> None:
        """Write everything in ``batch`` in one transaction, on this connection."""
        with self.lock:
            apply_parts(self.conn, batch.parts())

    def requeue_interrupted(self, now: float, run_id: int | None = None) -> int:
        """Deliveries left ``delivering`` by a stopped process become ``pending`` again.

        Each may have reached its target before the stop, so each one's
        ``possible_duplicates`` (and its run's) goes up by one. Returns how many.
        """
        where = "state = 'delivering'" + ("" if run_id is None else " AND run_id = ?")
        params: tuple[Any, ...] = () if run_id is None else (run_id,)
        with self.transaction() as c:
            per_run = c.execute(
                f"SELECT run_id, COUNT(*) FROM deliveries WHERE {where} GROUP BY run_id", params
            ).fetchall()
            c.execute(
                "UPDATE deliveries SET state = 'pending', updated_at = ?, "
                f"possible_duplicates = possible_duplicates + 1 WHERE {where}",
                (now, *params),
            )
            c.executemany(
                "UPDATE runs SET possible_duplicates = possible_duplicates + ? WHERE id = ?",
                [(n, rid) for rid, n in per_run if rid is not None],
            )
        return sum(n for _, n in per_run)

    def load_unsettled(
        self,
        *,
        after: int = 0,
        limit: int = 1000,
        run_id: int | None = None,
        pks: list[int] | None = None,
    ) -> list[StoredDelivery]:
        """Pending and retrying deliveries with ``pk > after``, oldest first, with bodies.

        ``run_id`` keeps one run's; ``pks`` keeps those listed (any unsettled state).
        """
        sql = _LOAD + "WHERE d.state IN ('pending', 'retrying', 'delivering') AND d.id > ?"
        params: list[Any] = [after]
        if run_id is not None:
            sql += " AND d.run_id = ?"
            params.append(run_id)
        if pks is not None:
            sql += f" AND d.id IN ({','.join('?' * len(pks))})"
            params.extend(pks)
        sql += " ORDER BY d.id LIMIT ?"
        params.append(limit)
        return [StoredDelivery(*row) for row in self.query(sql, params)]
