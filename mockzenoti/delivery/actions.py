"""What the user asks of an engine while it runs: reactivate, deactivate, redeliver, discard.

Each action writes the outbox (through its own methods, on its thread) and
then has the engine deliver what it moved; deactivation holds the waiting
deliveries of every engine of the process delivering to that target.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mockzenoti.delivery.clock import Clock
from mockzenoti.delivery.committer import Committer
from mockzenoti.delivery.intake import Intake
from mockzenoti.delivery.live import LiveTarget
from mockzenoti.delivery.observe import Hub
from mockzenoti.delivery.outbox.box import Outbox
from mockzenoti.delivery.transition import Ledger
from mockzenoti.errors import NotFound

__all__ = ["UserActions"]


class UserActions:
    """The user's actions on targets and deliveries (``Engine`` offers them)."""

    def __init__(
        self,
        outbox: Outbox,
        clock: Clock,
        hub: Hub,
        ledger: Ledger,
        committer: Committer,
        intake: Intake,
    ) -> None:
        self.outbox = outbox
        self.clock = clock
        self.hub = hub
        self.ledger = ledger
        self.committer = committer
        self.intake = intake

    async def _known(self, name: str) -> LiveTarget:
        target = await self.intake.target(name)
        if target is None:
            raise NotFound(f"no target named {name!r}", field="target")
        return target

    def deactivate_now(self, target: LiveTarget) -> None:
        """Deactivate ``target``: stored, announced, and every engine holds its waiting ones."""
        target.active = False
        target.deactivated_at = self.clock.now()
        self.ledger.target(target)
        if self.hub.active:
            self.hub.emit({"type": "target.deactivated", "target": target.name})
        for listener in tuple(target.listeners):
            listener(target.name)

    async def deactivate(self, name: str) -> None:
        """Deactivate target ``name`` by hand: its waiting deliveries are held."""
        target = await self._known(name)
        if target.active:
            self.deactivate_now(target)
        await self.committer.durable()

    async def reactivate(self, name: str, *, discard: bool = False) -> int:
        """Activate target ``name`` and deliver its held deliveries (or discard them).

        Returns how many held deliveries were moved. Use ``idle()`` to wait
        for them to be delivered.
        """
        target = await self._known(name)
        target.active, target.failures, target.deactivated_at = True, 0, None
        self.ledger.target(target)
        await self.committer.durable()  # every "held" written before we move them
        moved = await self.outbox.call(
            self.outbox.reactivate_target, name, discard=discard, now=self.clock.now()
        )
        if self.hub.active:
            self.hub.emit({"type": "target.reactivated", "target": name, "moved": len(moved)})
        if not discard:
            await self.intake.load(pks=moved)
        return len(moved)

    async def redeliver(self, pks: Sequence[int] | None = None, **filters: Any) -> int:
        """Redeliver dead/held deliveries by pk or filter (see ``Outbox.redeliver``)."""
        await self.committer.durable()
        moved = await self.outbox.call(self.outbox.redeliver, pks, now=self.clock.now(), **filters)
        await self.intake.load(pks=moved)
        return len(moved)

    async def discard(self, pks: Sequence[int] | None = None, **filters: Any) -> int:
        """Discard held deliveries by pk or filter (see ``Outbox.discard``)."""
        await self.committer.durable()
        moved = await self.outbox.call(self.outbox.discard, pks, now=self.clock.now(), **filters)
        return len(moved)
