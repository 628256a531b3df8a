"""Taking work in: targets, accepted stream events, and deliveries read back from the outbox.

"Accepted" means committed: each stream batch (``batch_size`` events, their
deliveries and the run's ``accepted`` count) is written in one transaction
before any of its events is attempted. Deliveries for an inactive target are
written ``held`` and never enter memory.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable, Sequence

from mockzenoti import jsonfast
from mockzenoti.delivery.clock import Clock
from mockzenoti.delivery.committer import Committer
from mockzenoti.delivery.live import Job, LiveTarget, TargetBook, body_for_target
from mockzenoti.delivery.observe import Metrics
from mockzenoti.delivery.options import DeliveryOptions
from mockzenoti.delivery.outbox.box import Outbox
from mockzenoti.delivery.outbox.records import TargetRecord
from mockzenoti.delivery.targets import Target, validate_targets
from mockzenoti.delivery.transition import Ledger
from mockzenoti.delivery.workload import Alarm, Workload
from mockzenoti.errors import ConfigError, NotFound
from mockzenoti.event import Event
from mockzenoti.ids import target_delivery_id

__all__ = ["Intake"]


class Intake:
    """Targets in use, accepting events, loading unsettled deliveries.

    ``targets``: the live targets this engine delivers to (name -> target),
    attached from the process's ``TargetBook``; ``on_deactivated`` is called
    (with the name) when one of them is deactivated.
    """

    def __init__(
        self,
        outbox: Outbox,
        options: DeliveryOptions,
        clock: Clock,
        book: TargetBook,
        ledger: Ledger,
        workload: Workload,
        committer: Committer,
        metrics: Metrics,
        alarm: Alarm,
        on_deactivated: Callable[[str], None],
    ) -> None:
        self.outbox = outbox
        self.options = options
        self.clock = clock
        self.book = book
        self.ledger = ledger
        self.workload = workload
        self.committer = committer
        self.metrics = metrics
        self.alarm = alarm
        self.targets: dict[str, LiveTarget] = {}
        self._on_deactivated = on_deactivated

    # -- targets -------------------------------------------------------------------------------

    def attach(self, record: TargetRecord) -> LiveTarget:
        """Deliver to a stored target (its live state comes from the process's book)."""
        live = self.book.attach(record)
        if live.name not in self.targets:
            self.targets[live.name] = live
            live.listeners.append(self._on_deactivated)
        return live

    def detach_all(self) -> None:
        """The engine stops: its targets no longer tell it of deactivations."""
        for target in self.targets.values():
            if self._on_deactivated in target.listeners:
                target.listeners.remove(self._on_deactivated)

    async def target(self, name: str) -> LiveTarget | None:
        """The live target ``name`` (attached now if stored), or None if there is none."""
        if name in self.targets:
            return self.targets[name]
        try:
            record = await self.outbox.call(self.outbox.get_target, name)
        except NotFound:
            return None
        return self.attach(record)

    async def use_targets(self, targets: Iterable[Target]) -> list[LiveTarget]:
        """Store (upsert) targets and deliver to them; active flags are kept."""
        out = []
        for target in validate_targets(targets):
            record = await self.outbox.call(self.outbox.save_target, target, now=self.clock.now())
            out.append(self.attach(record))
        return out

    # -- accepting -----------------------------------------------------------------------------

    async def room(self) -> int:
        """Wait until stream events may be accepted; how many at most."""
        work = self.workload
        await self.alarm.until(work.space)
        room = min(self.options.batch_size, self.options.max_outstanding - len(work.live))
        if work.fast:  # accepted first attempts go straight to the workers' queue
            while work.marked.qsize() > work.refill_at:
                work.marked_room.clear()
                await self.alarm.until(work.marked_room)
            room = min(room, work.prefetch - work.marked.qsize())
        return max(1, room)

    async def accept(
        self,
        run_id: int | None,
        events: list[Event],
        targets: list[LiveTarget],
        total: int | None,
    ) -> None:
        """Write a batch of stream events and their deliveries in one transaction, then send.

        ``total``: the run's accepted count after this batch (None run: outside any run;
        None total: events of the run that are not its stream's, such as the webhooks of
        a ``/v1`` write, which leave the count its stream resumes from alone).
        """
        now = self.clock.now()
        unfiltered = [(i, t) for i, t in enumerate(targets) if not t.filtered]
        filtered = [(i, t) for i, t in enumerate(targets) if t.filtered]
        matched: list[list[tuple[int, LiveTarget]]] = []
        for ev in events:
            if not isinstance(ev, Event):
                raise ConfigError(
                    f"a stream yields Events, not {type(ev).__name__}", field="stream"
                )
            if filtered:
                etype, center, name = ev.payload["event_type"], ev.center_id, ev.name
                hits = [(i, t) for i, t in filtered if t.target.wants(etype, center, name)]
                matched.append(sorted(unfiltered + hits, key=lambda h: h[0]))
            else:
                matched.append(unfiltered)
        e_pk = self.outbox.reserve_ids("events", sum(1 for m in matched if m))
        d_pk = self.outbox.reserve_ids("deliveries", sum(len(m) for m in matched))
        batch = self.committer.staged()
        add_event, add_delivery = batch.events.append, batch.deliveries.append
        fast: list[Job] = []
        ready: list[Job] = []
        blocked = held = 0
        dumps = jsonfast.dumps
        register, fast_lane = self.workload.register, self.workload.fast
        for ev, hits in zip(events, matched, strict=True):
            if not hits:
                continue
            payload = ev.payload
            body, first, event_id, etype = (
                ev.body(),
                payload["id"],
                payload["event_id"],
                payload["event_type"],
            )
            keys = ev.keys if len(ev.keys) < 2 else tuple(dict.fromkeys(ev.keys))
            add_event(
                (
                    e_pk,
                    run_id,
                    ev.seq,
                    first,
                    ev.name,
                    dumps(keys).decode(),
                    ev.center_id,
                    body,
                    now,
                )
            )
            for index, target in hits:
                did = first if index == 0 else target_delivery_id(first, index)
                attempts = 0
                if target.active:
                    tbody = body if index == 0 else body_for_target(body, first, did)
                    job = Job(d_pk, target.name, did, event_id, etype, tbody, keys, ev.seq, run_id)
                    if not register(job):
                        state = "pending"
                        blocked += 1
                    elif fast_lane:
                        # Written "delivering" with the accept: it goes to a worker right
                        # after this commit, without a second write to mark it.
                        state = job.state = "delivering"
                        attempts = job.attempts = 1
                        fast.append(job)
                    else:
                        state = "pending"
                        ready.append(job)
                else:
                    state = "held"
                    held += 1
                add_delivery(
                    (
                        d_pk,
                        e_pk,
                        run_id,
                        target.name,
                        index,
                        did,
                        event_id,
                        etype,
                        state,
                        attempts,
                        now,
                        now,
                    )
                )
                d_pk += 1
            e_pk += 1
        ledger = self.ledger
        ledger.entered("pending", len(ready) + blocked)
        ledger.entered("delivering", len(fast))
        ledger.entered("held", held)
        if run_id is not None and total is not None:
            batch.runs[run_id] = (total, now, run_id)
            if self.options.resend:  # the same ids went out before: each may be a duplicate
                first_pk = d_pk - sum(len(m) for m in matched)
                for pk in range(first_pk, d_pk):
                    batch.duplicates[pk] = batch.duplicates.get(pk, 0) + 1
                batch.run_duplicates[run_id] = batch.run_duplicates.get(run_id, 0) + d_pk - first_pk
                self.metrics.possible_duplicates += d_pk - first_pk
        self.metrics.accepted += len(events)
        try:
            await self.committer.durable()
        except asyncio.CancelledError:
            for job in fast:  # never handed to a worker: not "delivering" after all
                job.attempts = 0
                ledger.move(job, "pending")
            raise
        ledger.accepted(run_id, events, matched)
        work = self.workload
        for job in ready:
            work.dispatch(job)
        marked, targets_by_name = work.marked, self.targets
        for job in fast:
            marked.put_nowait((job, targets_by_name[job.target], 0))
        ledger.announce(fast)

    async def load(self, *, run_id: int | None = None, pks: Sequence[int] | None = None) -> int:
        """Take unsettled deliveries from the outbox into memory, oldest first; how many."""
        loaded, after = 0, 0
        chunks = deque(pks[i : i + 500] for i in range(0, len(pks), 500)) if pks else None
        if pks is not None and not pks:
            return 0
        work, ledger = self.workload, self.ledger
        while True:
            await self.alarm.until(work.space)
            room = work.room()
            if chunks is not None:
                if not chunks:
                    return loaded
                chunk = list(chunks.popleft())
                rows = await self.outbox.call(
                    self.outbox.load_unsettled, pks=chunk, limit=len(chunk)
                )
            else:
                rows = await self.outbox.call(
                    self.outbox.load_unsettled, after=after, limit=room, run_id=run_id
                )
                if not rows:
                    return loaded
                after = rows[-1].pk
            for row in rows:
                if row.pk in work.live:
                    continue
                job = Job(
                    row.pk,
                    row.target,
                    row.delivery_id,
                    row.event_id,
                    row.event_type,
                    body_for_target(row.body, row.envelope_id, row.delivery_id),
                    tuple(jsonfast.loads(row.keys)),
                    seq=row.seq,
                    run_id=row.run_id,
                    state=row.state,
                    attempts=row.attempts,
                    round_base=row.round_base,
                    next_at=row.next_at,
                )
                ledger.loaded(job)
                loaded += 1
                target = await self.target(row.target)
                if target is None:
                    job.last_error = f"target {row.target!r} no longer exists"
                    ledger.move(job, "dead")
                elif not target.active:
                    ledger.move(job, "held")
                else:
                    if job.state == "delivering":  # left by an engine of this process that stopped
                        ledger.move(job, "pending")
                    work.admit(job)
