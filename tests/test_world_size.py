"""A big world is cheap: guests are made lazily; a soak keeps its live state bounded."""

from __future__ import annotations

from mockzenoti.scenarios import load_scenario
from mockzenoti.world import World


def test_a_world_of_10_centers_and_100000_guests_makes_no_guest_up_front() -> None:
    world = World(1, {"centers": 10, "guests": 100_000})
    assert len(world.setup()["centers"]) == 10
    assert world.pool.materialized == 0
    assert world.pool.size == 100_000


def test_guests_are_the_same_whenever_they_are_first_needed() -> None:
    one = World(4, {"centers": 2, "guests": 1_000})
    two = World(4, {"centers": 2, "guests": 1_000})

    def ids(world: World, center: int, count: int) -> list[tuple[str, str, int]]:
        made = [world.pool.fresh(world.centers[center]) for _ in range(count)]
        return [(g.id, g.first_name, g.number) for g in made if g is not None]

    first = ids(one, 0, 3)
    other = ids(two, 1, 5)  # the second world makes another center's guests first
    assert ids(two, 0, 3) == first
    assert not {i for i, _, _ in first} & {i for i, _, _ in other}


def test_simulating_touches_only_the_guests_it_needs() -> None:
    sim = load_scenario("day-in-the-life").simulate(
        2, events=300, sizes={"centers": 10, "guests": 100_000}
    )
    events = list(sim)
    named = {
        e.keys[i].removeprefix("guest:")
        for e in events
        for i in range(len(e.keys))
        if e.keys[i].startswith("guest:")
    }
    # the guests the events name (new ones and clients from before the stream), and a few
    # the stories have picked for bookings still to come
    assert 0 < sim.world.pool.materialized <= len(named) + 50 < 1_000


def test_a_soak_keeps_its_live_state_bounded() -> None:
    sim = load_scenario("soak").simulate(3, events=60_000, sizes={"guests": 500})
    sizes = []
    for n, _ in enumerate(sim, 1):
        if n % 15_000 == 0:
            sizes.append((len(sim.world.agenda), sim.world.pool.materialized))
    assert sizes[-1][1] <= 500  # the pool bounds the guests (deleted ones are dropped)
    agendas = [a for a, _ in sizes]
    assert max(agendas) < 3 * min(agendas)  # scheduled work does not pile up
    assert not sim.tracking  # nothing is kept per event
