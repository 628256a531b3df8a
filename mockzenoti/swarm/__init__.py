"""Soaking beyond one process: the plain-Python side of mockzenoti's Locust users.

``Shard`` and ``shard_simulation`` (shards.py): each user's part of one
organization and the stream it plays; ``ShardPlayer`` and ``SwarmTarget``
(player.py): an event at a time, signed and retried like ``run`` does;
``worker_part``, ``swarm_report`` and ``merge_truths`` (report.py): one report
and one truth for the whole swarm. Nothing here imports gevent, Locust,
asyncio or aiohttp: ``mockzenoti.locust`` drives it under gevent. See
docs/soak.md.
"""

from __future__ import annotations

from mockzenoti.swarm.player import ShardPlayer, SwarmTarget, Tally
from mockzenoti.swarm.report import merge_truths, render_summary, swarm_report, worker_part
from mockzenoti.swarm.shards import Shard, shard_simulation, slot_of

__all__ = [
    "Shard",
    "ShardPlayer",
    "SwarmTarget",
    "Tally",
    "merge_truths",
    "render_summary",
    "shard_simulation",
    "slot_of",
    "swarm_report",
    "worker_part",
]
