"""Seeds: fresh by default, repeatable on request.

Without ``--seed`` (or ``seed`` in the API), ``run``, ``emit``, ``simulate``
and ``POST /runs`` draw a fresh seed (``fresh_seed``), so two runs of the
same command send different ids; the seed is printed and reported, and
giving it back repeats the output byte for byte. A resumed run keeps the seed
it started with (it is stored in its spec in the outbox). The pytest plugin
derives a stable seed per test from the test's node id (``test_seed``), so a
test suite is repeatable without naming seeds.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection

__all__ = ["fresh_seed", "repeat_hint", "test_seed"]

#: Fresh seeds have 9 digits: short enough to type, rare enough not to meet twice.
_LOW, _SPAN = 100_000_000, 900_000_000


def fresh_seed(avoid: Collection[str] = ()) -> str:
    """A new random seed as text (never one of ``avoid``: seeds already used)."""
    for _ in range(1000):
        seed = str(_LOW + secrets.randbelow(_SPAN))
        if seed not in avoid:
            return seed
    raise RuntimeError("no unused seed found")  # pragma: no cover - 1000 collisions in 9 digits


def repeat_hint(seed: str) -> str:
    """The line printed when a seed was drawn: how to repeat the output."""
    return f"seed {seed}: add --seed {seed} to repeat"


def test_seed(nodeid: str) -> str:
    """The pytest plugin's seed for a test: stable across runs, distinct between tests."""
    digest = hashlib.sha256(nodeid.encode("utf-8")).digest()
    return str(int.from_bytes(digest[:4], "big"))
