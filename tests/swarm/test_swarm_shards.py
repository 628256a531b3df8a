"""Shards: the seed and shard derivation, and the streams shards play side by side."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import pytest
from reference_consumer import Consumer
from test_truth import comparable

from mockzenoti.errors import MockZenotiError
from mockzenoti.event import Event
from mockzenoti.scenarios import load_scenario
from mockzenoti.scenarios.invariants import check_stream
from mockzenoti.swarm import Shard, merge_truths, shard_simulation, slot_of
from mockzenoti.validation import validate
from mockzenoti.world.shard import CLASS_ID_REGION, MAX_SLOT

GRID = list(itertools.product(range(64), range(256)))


def test_every_worker_and_user_pair_has_its_own_slot_and_small_pairs_small_slots() -> None:
    slots = [slot_of(w, u) for w, u in GRID]
    assert len(set(slots)) == len(GRID)
    assert sorted(slot_of(w, u) for w in range(4) for u in range(4) if w + u < 4) == list(range(10))
    assert slot_of(0, 0) == 0 and slot_of(1, 0) == 1 and slot_of(0, 1) == 2


def test_machine_parts_are_ten_hex_digits_unique_per_shard_and_follow_the_seed() -> None:
    machines = {Shard("run-7", w, u).machine for w, u in GRID}
    assert len(machines) == len(GRID)
    assert all(len(m) == 10 and int(m, 16) >= 0 and m == m.lower() for m in machines)
    # one byte from the seed: every shard of a run shares it
    assert len({m[:2] for m in machines}) == 1
    assert Shard("run-7", 3, 5).machine == Shard("run-7", 3, 5).machine
    assert Shard("run-7", 3, 5).machine != Shard("run-8", 3, 5).machine


def test_seeds_differ_per_shard_and_are_stable() -> None:
    seeds = {Shard("7", w, u).stream_seed for w, u in GRID}
    assert len(seeds) == len(GRID)
    assert Shard("7", 1, 2).stream_seed == "7/w1u2" == Shard("7", 1, 2).seed + "/" + "w1u2"
    assert Shard("7", 1, 2).name == "w1u2"


def test_a_workers_users_spread_over_the_centers_and_so_do_the_workers_first_users() -> None:
    assert [Shard("7", 0, u).center_index(3) for u in range(6)] == [0, 1, 2, 0, 1, 2]
    assert [Shard("7", w, 0).center_index(3) for w in range(3)] == [0, 1, 2]


@pytest.mark.parametrize(
    ("worker", "user", "field"), [(-1, 0, "worker"), (0, -2, "user"), (True, 0, "worker")]
)
def test_bad_indexes_are_refused_naming_them(worker: Any, user: Any, field: str) -> None:
    with pytest.raises(MockZenotiError) as caught:
        Shard("7", worker, user)
    assert caught.value.field == field


def test_shards_past_the_last_slot_are_refused() -> None:
    big = int((2 * MAX_SLOT) ** 0.5) + 2
    with pytest.raises(MockZenotiError, match="past the last shard"):
        Shard("7", big, big)


def _play(shards: list[Shard], count: int) -> tuple[list[Any], list[list[Event]]]:
    sims = [shard_simulation(s, track_truth=True, sizes={"centers": 2}) for s in shards]
    return sims, [list(itertools.islice(sim, count)) for sim in sims]


def test_shards_share_the_runs_setup_but_nothing_the_stream_creates() -> None:
    # w0u1 and w1u0 play the same center (1 of 2), as do w0u0 and w1u1 (center 0)
    shards = [Shard("7", 0, 0), Shard("7", 0, 1), Shard("7", 1, 0), Shard("7", 1, 1)]
    sims, streams = _play(shards, 1500)
    setup = load_scenario("soak").world("7", sizes={"centers": 2}).setup()
    centers = [c["id"] for c in setup["centers"]]
    for shard, sim, events in zip(shards, sims, streams, strict=True):
        assert sim.world.setup() == setup
        assert {e.center_id for e in events} == {centers[shard.center_index(2)]}
        assert {e.event_id[8:18] for e in events} == {shard.machine}
        assert {e.id[8:18] for e in events} == {shard.machine}
        assert check_stream(events, setup) == []
    ids = [e.event_id for events in streams for e in events]
    assert len(ids) == len(set(ids))
    owners: dict[str, set[int]] = defaultdict(set)
    for i, events in enumerate(streams):
        for e in events:
            for key in e.keys:
                owners[key].add(i)
    assert owners and all(len(found) == 1 for found in owners.values())
    for i, events in enumerate(streams):
        regions = {
            int(e.payload["data"][k]) // CLASS_ID_REGION
            for e in events
            for k in ("sesion_id", "registration_id")
            if k in e.payload["data"]
        }
        assert regions <= {shards[i].slot}


def test_a_shard_plays_the_same_bytes_every_time() -> None:
    first = [e.body() for e in itertools.islice(shard_simulation(Shard("x", 2, 3)), 400)]
    again = [e.body() for e in itertools.islice(shard_simulation(Shard("x", 2, 3)), 400)]
    other = [e.body() for e in itertools.islice(shard_simulation(Shard("x", 3, 2)), 400)]
    assert first == again
    assert first != other


def test_every_shard_event_is_valid_against_its_schema() -> None:
    _, streams = _play([Shard("v", 0, 0), Shard("v", 5, 9)], 1200)
    for event in itertools.chain.from_iterable(streams):
        assert validate(event.payload) == [], event.event_type


def test_the_merged_truth_is_what_a_consumer_of_the_interleaved_streams_ends_with() -> None:
    shards = [Shard("t", w, u) for w in range(2) for u in range(3)]
    sims, streams = _play(shards, 700)
    setup = sims[0].world.setup()
    consumer = Consumer(setup)
    # arrival order: round robin across shards, each shard's own order kept
    for batch in itertools.zip_longest(*streams):
        for event in batch:
            if event is not None:
                consumer.take(event.body())
    merged, conflicts = merge_truths([sim.expected() for sim in sims])
    assert conflicts == []
    assert merged["events"] == sum(len(s) for s in streams) == 4200
    assert comparable(merged) == consumer.tables
    assert merged["counts"]["sessions"] > 0 and merged["counts"]["bookings"] > 0


def test_only_built_in_scenarios_are_sharded() -> None:
    with pytest.raises(MockZenotiError, match="built-in") as caught:
        shard_simulation(Shard("7", 0, 0), scenario="no-such")
    assert caught.value.field == "scenario"


def test_a_finite_scenario_ends_after_its_natural_length() -> None:
    sim = shard_simulation(Shard("7", 0, 0), scenario="class-lifecycle")
    events = list(itertools.islice(sim, 100_000))
    assert 0 < len(events) < 100_000 and sim.finished
