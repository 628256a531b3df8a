"""``random.Random``'s ``choice``, ``randrange(n)`` and ``randint`` as one call each, same draws.

The world's stories and factories draw a few integers per event, and
``rng.randint(a, b)`` is three Python calls (``randint``, ``randrange``,
``_randbelow``) with argument checks around one ``getrandbits``. Each
function here is that draw in one call: the loop of ``Random._randbelow`` as
CPython writes it for generators with ``getrandbits`` (``random.Random`` and
its subclasses that do not override ``random``). It draws the same bits, so
a seed gives the same values as the ``Random`` methods (``tests/test_draws.py``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

__all__ = ["below", "choice", "randint"]

T = TypeVar("T")


def below(rng: random.Random, n: int) -> int:
    """``rng.randrange(n)``: a random int in ``[0, n)`` (``n`` > 0)."""
    if n <= 0:
        raise ValueError(f"empty range for below({n})")
    k = n.bit_length()
    r = rng.getrandbits(k)
    while r >= n:
        r = rng.getrandbits(k)
    return r


def randint(rng: random.Random, a: int, b: int) -> int:
    """``rng.randint(a, b)``: a random int in ``[a, b]``."""
    n = b - a + 1
    if n <= 0:
        raise ValueError(f"empty range for randint({a}, {b})")
    k = n.bit_length()
    r = rng.getrandbits(k)
    while r >= n:
        r = rng.getrandbits(k)
    return a + r


def choice(rng: random.Random, seq: Sequence[T]) -> T:
    """``rng.choice(seq)``: a random item of the non-empty ``seq``."""
    n = len(seq)
    if not n:
        raise IndexError("cannot choose from an empty sequence")
    k = n.bit_length()
    r = rng.getrandbits(k)
    while r >= n:
        r = rng.getrandbits(k)
    return seq[r]
