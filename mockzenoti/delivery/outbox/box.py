"""``Outbox``: the durable outbox, composed of its database and the parts that read and write it.

The parts (each holds the ``Database``):

- ``db`` (``store.py``): connection, lock, worker thread, ids, the engine's
  batched writes, reloading unsettled deliveries after a stop;
- ``targets`` and ``runs`` (``admin.py``): their rows;
- ``actions`` (``admin.py``): redeliver, discard, reactivate a target's held ones;
- ``reads`` (``queries.py``): deliveries and events with paging, one
  delivery's attempt log, counts, latency percentiles, attempts per second.

The outbox keeps rows only: live targets and their HTTP senders belong to
the engines (``delivery/live.py``). Its methods are the parts' own, offered
under one name so that callers write ``outbox.list_deliveries(...)`` or, from
async code, ``await outbox.call(outbox.list_deliveries, state="dead")``.
"""

from __future__ import annotations

import os

from mockzenoti.delivery.outbox.admin import DeliveryActions, RunRows, TargetRows
from mockzenoti.delivery.outbox.queries import Reads
from mockzenoti.delivery.outbox.store import DEFAULT_OUTBOX, Database

__all__ = ["Outbox"]


class Outbox:
    """The durable outbox: accepted events, deliveries, the attempt log, targets and runs.

    ``Outbox(":memory:")`` for tests; the default file is
    ``.mockzenoti/outbox.sqlite``. A file outbox is locked for one process at
    a time (``exclusive=False`` to only read it). Methods are synchronous and
    thread-safe; in async code run them on the outbox's own thread with
    ``await outbox.call(outbox.list_deliveries, state="dead")``.
    """

    def __init__(
        self, path: str | os.PathLike[str] = DEFAULT_OUTBOX, *, exclusive: bool = True
    ) -> None:
        self.db = db = Database(path, exclusive=exclusive)
        self.path = db.path
        self.targets = targets = TargetRows(db)
        self.runs = runs = RunRows(db)
        self.actions = actions = DeliveryActions(db, targets)
        self.reads = reads = Reads(db)
        # The database and the engine's writes.
        self.call = db.call
        self.close = db.close
        self.checkpointer = db.checkpointer
        self.reserve_ids = db.reserve_ids
        self.requeue_interrupted = db.requeue_interrupted
        self.load_unsettled = db.load_unsettled
        self.apply = db.apply
        # Targets.
        self.save_target = targets.save_target
        self.get_target = targets.get_target
        self.list_targets = targets.list_targets
        self.delete_target = targets.delete_target
        self.set_target_active = targets.set_target_active
        # Runs.
        self.start_run = runs.start_run
        self.find_run = runs.find_run
        self.get_run = runs.get_run
        self.list_runs = runs.list_runs
        self.finish_run = runs.finish_run
        self.set_run_result = runs.set_run_result
        # The user's actions.
        self.redeliver = actions.redeliver
        self.discard = actions.discard
        self.reactivate_target = actions.reactivate_target
        # Reading.
        self.list_deliveries = reads.list_deliveries
        self.get_delivery = reads.get_delivery
        self.counts = reads.counts
        self.attempt_outcomes = reads.attempt_outcomes
        self.retry_waits = reads.retry_waits
        self.latency_percentiles = reads.latency_percentiles
        self.event_count = reads.event_count
        self.list_events = reads.list_events
        self.attempts_per_second = reads.attempts_per_second

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
