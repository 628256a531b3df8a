"""The server's long-lived engine: ``Engine`` plus what the control API needs of it.

Runs deliver through engines of their own (each run has its own options:
pace, ordering, chaos, retry scale); this one sends the events of
``POST /events``, redeliveries and reactivated deliveries, and, on start,
the backlog a previous process left in the outbox.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from mockzenoti.delivery import Engine
from mockzenoti.delivery.outbox import UNSETTLED, TargetRecord
from mockzenoti.event import Event

__all__ = ["ServerEngine"]

_PAGE = 10_000


class ServerEngine(Engine):
    """An ``Engine`` that also accepts single events and adopts deliveries already stored."""

    async def accept_events(
        self,
        events: Sequence[Event],
        targets: Sequence[TargetRecord],
        *,
        run_id: int | None = None,
    ) -> None:
        """Accept ``events`` for stored ``targets`` (outside any run's stream) and send them.

        Returns once they are committed to the outbox; delivery goes on in
        the background. A target's filters apply as in runs; an inactive
        target's deliveries are held. ``run_id`` files them under a run (the
        webhooks of a ``/v1`` write): they count in its deliveries, not in
        the stream it resumes.
        """
        live = [self.intake.attach(record) for record in targets]
        await self.intake.accept(run_id, list(events), live, None if run_id is not None else 0)

    async def adopt(self, pks: Sequence[int]) -> int:
        """Deliver the unsettled deliveries ``pks`` already in the outbox; returns how many."""
        return await self.intake.load(pks=list(pks))

    async def adopt_run(self, run_id: int) -> int:
        """Deliver what a run left unsettled (its own engine stopped); returns how many."""
        await self.committer.durable()
        return await self.intake.load(run_id=run_id)

    async def recover(self, skip_runs: Collection[int], up_to: int) -> int:
        """Deliver the backlog a previous process left, except the runs that will resume.

        Only deliveries numbered ``up_to`` or lower are taken (those accepted
        since the start belong to engines of this process). Call
        ``requeue_interrupted`` first. Returns how many deliveries were taken.
        """
        pks: list[int] = []
        offset = 0
        while True:
            page = await self.outbox.call(
                self.outbox.list_deliveries, state=UNSETTLED, limit=_PAGE, offset=offset
            )
            pks.extend(
                d.pk
                for d in page.items
                if d.pk <= up_to and (d.run_id is None or d.run_id not in skip_runs)
            )
            offset += len(page.items)
            if len(page.items) < _PAGE:
                break
        return await self.adopt(pks) if pks else 0

    async def requeue_interrupted(self) -> int:
        """Deliveries a killed process left ``delivering`` become ``pending`` again.

        Each is counted as a possible duplicate (it may have reached its
        target). Returns how many.
        """
        found = await self.outbox.call(self.outbox.requeue_interrupted, self.clock.now())
        self.metrics.possible_duplicates += found
        return found

    async def last_delivery(self) -> int:
        """The highest delivery number in the outbox (0 when empty)."""
        page = await self.outbox.call(self.outbox.list_deliveries, limit=1, newest_first=True)
        return page.items[0].pk if page.items else 0
