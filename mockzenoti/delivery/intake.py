"""Taking work in: targets, accepted stream events, and deliveries read back from the outbox.

"Accepted" means committed: each stream batch (``batch_size`` events, their
deliveries and the run's ``accepted`` count) is written in one transaction
before any of its events is attempted. Deliveries for an inactive target are
written ``held`` and never enter memory.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable, Sequence

from mockzenoti import jsonfast
from mockzenoti.delivery.attempts import AttemptLoop
from mockzenoti.delivery.live import Job, LiveTarget, body_for_target
from mockzenoti.delivery.outbox.records import TargetRecord
from mockzenoti.delivery.targets import Target, validate_targets
from mockzenoti.errors import ConfigError, NotFound
from mockzenoti.event import Event
from mockzenoti.ids import target_delivery_id

__all__ = ["Intake"]


class Intake(AttemptLoop):
    """Targets in use, accepting events, loading unsettled deliveries."""

    # -- targets -------------------------------------------------------------------------------

    def _attach(self, record: TargetRecord) -> LiveTarget:
        live = self.outbox.live.get(record.target.name)
        if live is None:
            live = self.outbox.live[record.target.name] = LiveTarget(record)
        else:
            live.configure(record.target)
            if not live.listeners:  # nobody delivers to it: the stored state is current
                live.active, live.failures = record.active, record.consecutive_failures
                live.deactivated_at = record.deactivated_at
        if live.name not in self._targets:
            self._targets[live.name] = live
            live.listeners.append(self._on_deactivated)
        return live

    async def _target(self, name: str) -> LiveTarget | None:
        if name in self._targets:
            return self._targets[name]
        try:
            record = await self.outbox.call(self.outbox.get_target, name)
        except NotFound:
            return None
        return self._attach(record)

    async def use_targets(self, targets: Iterable[Target]) -> list[LiveTarget]:
        """Store (upsert) targets and deliver to them; active flags are kept."""
        out = []
        for target in validate_targets(targets):
            record = await self.outbox.call(self.outbox.save_target, target, now=self.clock.now())
            out.append(self._attach(record))
        return out

    # -- accepting -----------------------------------------------------------------------------

    async def _room(self) -> int:
        """Wait until stream events may be accepted; how many at most."""
        await self._until(self._space)
        room = min(self.options.batch_size, self.options.max_outstanding - len(self._live))
        if self._fast:  # accepted first attempts go straight to the workers' queue
            while self._marked.qsize() > self._refill_at:
                self._marked_room.clear()
                await self._until(self._marked_room)
            room = min(room, self._prefetch - self._marked.qsize())
        return max(1, room)

    async def _accept(
        self, run_id: int | None, events: list[Event], targets: list[LiveTarget], total: int
    ) -> None:
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
                    if not self._register(job):
                        state = "pending"
                        blocked += 1
                    elif self._fast:
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
        states = self.metrics.states
        states["pending"] += len(ready) + blocked
        states["delivering"] += len(fast)
        states["held"] += held
        if run_id is not None:
            batch.runs[run_id] = (total, now, run_id)
        self.metrics.accepted += len(events)
        try:
            await self.committer.durable()
        except asyncio.CancelledError:
            for job in fast:  # never handed to a worker: not "delivering" after all
                job.attempts = 0
                self._set_state(job, "pending")
            raise
        if self.hub.active:
            for ev, hits in zip(events, matched, strict=True):
                self.hub.emit(
                    {
                        "type": "accepted",
                        "run_id": run_id,
                        "seq": ev.seq,
                        "event_id": ev.event_id,
                        "event_type": ev.event_type,
                        "deliveries": len(hits),
                    }
                )
        for job in ready:
            self._dispatch(job)
        marked, targets_by_name = self._marked, self._targets
        for job in fast:
            marked.put_nowait((job, targets_by_name[job.target], 0))
        if self.hub.active:
            for job in fast:
                self.hub.emit(job.state_change("delivering"))

    async def _load(self, *, run_id: int | None = None, pks: Sequence[int] | None = None) -> int:
        """Take unsettled deliveries from the outbox into memory, oldest first."""
        loaded, after = 0, 0
        chunks = deque(pks[i : i + 500] for i in range(0, len(pks), 500)) if pks else None
        if pks is not None and not pks:
            return 0
        while True:
            await self._until(self._space)
            room = max(
                1, min(self.options.batch_size, self.options.max_outstanding - len(self._live))
            )
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
                if row.pk in self._live:
                    continue
                state = "retrying" if row.state == "retrying" else "pending"
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
                    state=state,
                    attempts=row.attempts,
                    round_base=row.round_base,
                    next_at=row.next_at,
                )
                self.metrics.move(None, state)
                loaded += 1
                target = await self._target(row.target)
                if target is None:
                    job.last_error = f"target {row.target!r} no longer exists"
                    self._set_state(job, "dead")
                elif not target.active:
                    self._set_state(job, "held")
                else:
                    self._admit(job)
