"""``make_shard``: one part of an organization, played by one of many independent senders.

A Locust swarm (``mockzenoti.swarm``) runs one organization across many
users that never talk to each other. Each user builds the world of the run's
seed (so every shard has the same fixed setup: ``mockzenoti world`` shows it)
and then makes it a shard: from then on everything the stream creates is its
own. Its choices, GUIDs and guests are drawn from the shard's seed (a guest
pool of its own, so two shards never introduce the same guest); new class
sessions, registrations and recurrences count in a region of their own
(``slot * CLASS_ID_REGION``), invoice and receipt numbers likewise
(``slot * NUMBER_REGION``); envelope ObjectIds carry the shard's machine part.
So ids never collide between shards and the truth of every shard merges into
one document.
"""

from __future__ import annotations

import random

from mockzenoti.envelope import EventStream
from mockzenoti.world.pool import GuestPool
from mockzenoti.world.world import World

__all__ = ["CLASS_ID_REGION", "MAX_SLOT", "NUMBER_REGION", "make_shard"]

# New session, registration and recurrence ids of slot k start at k * CLASS_ID_REGION.
CLASS_ID_REGION = 1_000_000_000
# A center's invoice and receipt numbers in slot k start at k * NUMBER_REGION.
NUMBER_REGION = 10_000_000
# Ids stay below 2**53, so that JavaScript consumers read them exactly.
MAX_SLOT = (2**53 - 1) // CLASS_ID_REGION - 1


def make_shard(world: World, *, seed: str, slot: int, machine: str) -> None:
    """Make the freshly built ``world`` the shard ``slot`` of its organization.

    ``seed`` seeds what the stream creates from now on; ``machine`` (10 hex
    digits) is the ObjectId machine part of its envelope ids. Call it before
    anything is scheduled; the fixed setup (``world.setup()``) is unchanged.
    """
    if world.pending or len(world.agenda):
        raise RuntimeError("a world becomes a shard before anything is scheduled")
    if not 0 <= slot <= MAX_SLOT:
        raise ValueError(f"slot must be between 0 and {MAX_SLOT} (got {slot})")
    world.rng.seed(f"mockzenoti:shard:{seed}")  # the factory and the stories draw from it
    world.factory.shift_class_ids(slot * CLASS_ID_REGION)
    for center in world.centers:
        center.next_invoice_number += slot * NUMBER_REGION
        center.next_receipt_number += slot * NUMBER_REGION
    world.pool = GuestPool(world.factory, world.centers, world.sizes.guests)
    world.stream = EventStream(
        random.Random(world.rng.getrandbits(64)), catalog=world.catalog, machine=machine
    )
