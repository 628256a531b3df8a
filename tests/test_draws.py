"""``draws`` gives the values ``random.Random``'s own methods give, draw for draw."""

from __future__ import annotations

import random

import pytest

from mockzenoti.factory import draws


@pytest.mark.parametrize("seed", [0, 1, "mockzenoti:world:7"])
def test_draws_match_random_methods_and_leave_the_same_state(seed: int | str) -> None:
    ours, theirs = random.Random(seed), random.Random(seed)
    sizes = [1, 2, 3, 5, 8, 13, 26, 100, 281, 1000, 2**31 - 1, 2**32, 10**12]
    seq = list(range(37))
    for i in range(3000):
        n = sizes[i % len(sizes)]
        assert draws.below(ours, n) == theirs.randrange(n)
        assert draws.randint(ours, i - 5, i - 5 + n) == theirs.randint(i - 5, i - 5 + n)
        assert draws.choice(ours, seq[: 1 + i % 37]) == theirs.choice(seq[: 1 + i % 37])
    assert ours.getstate() == theirs.getstate()


def test_empty_ranges_are_refused_as_random_refuses_them() -> None:
    rng = random.Random(0)
    with pytest.raises(ValueError):
        draws.below(rng, 0)
    with pytest.raises(ValueError):
        draws.randint(rng, 3, 2)
    with pytest.raises(IndexError):
        draws.choice(rng, [])
