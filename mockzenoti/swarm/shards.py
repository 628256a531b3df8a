"""Shards: each Locust user's part of one organization, and the stream it plays there.

A swarm run has one seed. Each user is a shard named by two numbers: its
worker's index (Locust numbers worker processes 0, 1, 2 ... across every
machine; 0 for a run without workers) and its own index among the users its
worker started (0, 1, 2 ... for the whole run). Everything else follows from
``(seed, worker, user)``, with no coordination between users:

- ``slot``: one number per (worker, user) pair, small for small pairs
  (Cantor's pairing: ``(w + u) * (w + u + 1) / 2 + u``); it places the
  shard's class-side ids, invoice and receipt numbers in a region of their
  own (``mockzenoti.world.shard``);
- ``stream_seed``: the seed of everything the shard's stream creates;
- ``machine``: the 10 hex digits of its envelope ObjectIds' machine part, one
  byte from the run's seed and four from a bijection of the slot, so two
  shards never share one, as two Zenoti processes never do;
- ``center_index``: the center it plays, ``(worker + user) % centers``, so a
  worker's users spread over the centers, and so do the workers' first users.

Two users on one center never meet either: each has guests of its own, and
only one (worker 0's user k, for center k) edits the center's fixed-setup
staff; the others edit only the staff they hired. So every entity an event
is about belongs to one shard, and its events leave in order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockzenoti.catalog import Catalog
from mockzenoti.errors import MockZenotiError
from mockzenoti.scenarios import Simulation
from mockzenoti.scenarios.activity import Activity
from mockzenoti.scenarios.builtin import BUILTINS
from mockzenoti.world.shard import MAX_SLOT, make_shard

__all__ = ["Shard", "shard_simulation", "slot_of"]

_MIX = 0x9E3779B1  # odd: multiplying by it modulo 2**32 is a bijection


def slot_of(worker: int, user: int) -> int:
    """The shard slot of ``(worker, user)``: Cantor's pairing, one slot per pair."""
    diagonal = worker + user
    return diagonal * (diagonal + 1) // 2 + user


@dataclass(frozen=True, slots=True)
class Shard:
    """One user's part of a swarm run: the run's ``seed``, its ``worker`` and ``user`` index."""

    seed: str
    worker: int
    user: int

    def __post_init__(self) -> None:
        for name in ("worker", "user"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise MockZenotiError(
                    f"{name} must be a whole number >= 0 (got {value!r})", field=name
                )
        if self.slot > MAX_SLOT:
            raise MockZenotiError(
                f"worker {self.worker} and user {self.user} are past the last shard "
                f"(worker + user must stay below about {int((2 * MAX_SLOT) ** 0.5):,})",
                field="user",
            )

    @property
    def slot(self) -> int:
        """The shard's slot (``slot_of(worker, user)``)."""
        return slot_of(self.worker, self.user)

    @property
    def name(self) -> str:
        """``w<worker>u<user>``, as reports name shards."""
        return f"w{self.worker}u{self.user}"

    @property
    def stream_seed(self) -> str:
        """The seed of everything this shard's stream creates."""
        return f"{self.seed}/{self.name}"

    @property
    def machine(self) -> str:
        """The ObjectId machine part of this shard's envelope ids (10 hex digits)."""
        key = hashlib.sha256(f"mockzenoti:machine:{self.seed}".encode()).digest()
        mixed = (self.slot * _MIX ^ int.from_bytes(key[1:5], "big")) & 0xFFFFFFFF
        return f"{key[0]:02x}{mixed:08x}"

    def center_index(self, centers: int) -> int:
        """The position of the center this shard plays in an organization of ``centers``."""
        return (self.worker + self.user) % centers


def shard_simulation(
    shard: Shard,
    *,
    scenario: str = "soak",
    sizes: Mapping[str, Any] | None = None,
    catalog: Catalog | None = None,
    track_truth: bool = False,
) -> Simulation:
    """The stream ``shard`` plays: ``scenario``'s world of the run's seed, at one center.

    ``scenario`` is a built-in (an endless ``soak`` by default; a finite one
    ends after its natural length). ``track_truth`` keeps the expected final
    state (``expected()``), which costs memory per entity.
    """
    chosen = BUILTINS.get(scenario)
    if chosen is None:
        known = ", ".join(BUILTINS)
        raise MockZenotiError(
            f"a swarm plays a built-in scenario, not {scenario!r}; built-ins: {known}",
            field="scenario",
        )
    world = chosen.new_world(shard.seed, sizes, catalog, track_truth)
    center = world.centers[shard.center_index(len(world.centers))]
    make_shard(world, seed=shard.stream_seed, slot=shard.slot, machine=shard.machine)
    activity = Activity(world, chosen.profile)
    # One shard per center edits the center's setup staff: worker 0's user k, center k.
    activity.setup_staff_edits = shard.worker == 0 and shard.user < len(world.centers)
    activity.start([center])
    until = None if chosen.endless else activity.natural_end()
    return Simulation(chosen, world, events=None, until=until, track_truth=track_truth)
