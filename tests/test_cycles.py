"""``CyclePause``: no automatic cyclic collection while simulating, a full pass now and then."""

from __future__ import annotations

import gc
import weakref

import pytest

from mockzenoti.scenarios import builtin_scenarios, load_scenario
from mockzenoti.scenarios.cycles import CyclePause


class _Node:
    def __init__(self) -> None:
        self.me = self


def test_automatic_collection_is_off_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with CyclePause():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with CyclePause():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()


def test_cycles_are_freed_once_every_so_many_events() -> None:
    with CyclePause(every=1000) as cycles:
        node = _Node()
        gone = weakref.ref(node)
        del node  # a cycle: only the collector frees it
        cycles.count(999)
        assert gone() is not None
        cycles.count(1)
        assert gone() is None


@pytest.mark.parametrize("scenario", [s.name for s in builtin_scenarios()])
def test_simulating_makes_no_reference_cycles(scenario: str) -> None:
    """Why the pause is cheap: the garbage a world makes dies by reference counting."""
    sim = iter(load_scenario(scenario).simulate("5", events=3000))
    next(sim)  # the world is built, lazy imports are done
    gc.collect()
    gc.disable()
    try:
        for event in sim:
            event.body()
        found = gc.collect()
    finally:
        gc.enable()
    assert found == 0
