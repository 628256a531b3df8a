"""``GuestPool``: the organization's guests, made only when first needed.

A world of 100,000 guests costs nothing to create: guest ``i`` is drawn from
a generator seeded with the pool's seed and ``i``, so it has the same id,
name, e-mail and phone whenever (and in whichever order) it is first asked
for. The pool is split between the centers (each guest has a home center);
``fresh`` hands out a center's guests in index order, ``returning`` picks one
that the stream has already introduced. Memory is bounded by the pool size:
deleted guests are dropped; only introduced, living guests are kept.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from mockzenoti.factory import EntityFactory, build_guest, draws
from mockzenoti.factory.people import PersonMaker
from mockzenoti.model import Center, Guest

__all__ = ["GuestPool"]


class GuestPool:
    """Lazily made guests of a world, ``size`` in all, split evenly between ``centers``."""

    __slots__ = (
        "_centers",
        "_code_base",
        "_extra",
        "_factory",
        "_guests",
        "_known",
        "_makers",
        "_next",
        "_number_base",
        "_place",
        "_ranges",
        "_rng",
        "_seed",
        "_slots",
        "size",
    )

    def __init__(self, factory: EntityFactory, centers: Sequence[Center], size: int) -> None:
        rng = factory.rng
        self.size = size
        self._factory = factory
        self._centers = list(centers)
        self._slots = {c.id: i for i, c in enumerate(self._centers)}
        self._seed = rng.getrandbits(48)
        self._number_base = rng.randrange(300_000, 900_000)
        self._code_base = rng.randrange(0x10000, 0x3FFFF)
        self._rng = random.Random()
        self._makers: dict[str, PersonMaker] = {}
        share, rest = divmod(size, len(self._centers))
        self._ranges: list[tuple[int, int]] = []
        first = 0
        for i in range(len(self._centers)):
            count = share + (1 if i < rest else 0)
            self._ranges.append((first, first + count))
            first += count
        self._next = [low for low, _ in self._ranges]
        self._extra = size  # indices past the pool, for pinned guests of a full center
        self._guests: dict[int, Guest] = {}
        self._known: list[list[Guest]] = [[] for _ in self._centers]
        self._place: dict[int, int] = {}  # guest index -> its position in _known

    @property
    def materialized(self) -> int:
        """How many guests have been made so far (living ones; deleted ones are dropped)."""
        return len(self._guests)

    def introduced(self, center: Center) -> int:
        """How many living guests of ``center`` the stream has introduced."""
        return len(self._known[self._slot(center)])

    def _slot(self, center: Center) -> int:
        slot = self._slots.get(center.id)
        if slot is None:
            raise ValueError(f"center {center.id} is not in this world")
        return slot

    def _make(self, index: int, center: Center) -> Guest:
        rng = self._rng
        rng.seed(self._seed * 1_000_003 + index)
        maker = self._makers.get(center.site.country)
        if maker is None:
            maker = self._factory.person_maker(center.site.country, rng)
            self._makers[center.site.country] = maker
        number = self._number_base + index * 3 + draws.below(rng, 3)
        code = self._code_base + index * 5 + draws.below(rng, 5)
        guest = build_guest(rng, maker, center, 0, number, code)
        guest.index = index
        self._guests[index] = guest
        return guest

    def fresh(self, center: Center) -> Guest | None:
        """The next guest of ``center`` never handed out before, or None when all were."""
        slot = self._slot(center)
        index = self._next[slot]
        if index >= self._ranges[slot][1]:
            return None
        self._next[slot] = index + 1
        return self._make(index, center)

    def extra(self, center: Center) -> Guest:
        """A guest of ``center`` beyond the pool (for pinned guests when the pool is spent)."""
        guest = self.fresh(center)
        if guest is None:
            guest = self._make(self._extra, center)
            self._extra += 1
        return guest

    def returning(self, center: Center, rng: random.Random) -> Guest | None:
        """A random living guest of ``center`` that the stream has introduced, if any."""
        known = self._known[self._slot(center)]
        return draws.choice(rng, known) if known else None

    def pick(self, center: Center, rng: random.Random, returning: float = 0.5) -> Guest:
        """A guest for a new booking or sale: a returning one with probability ``returning``.

        Falls back to the other kind when there is none of the one chosen.
        """
        guest = None
        if rng.random() < returning:
            guest = self.returning(center, rng)
        if guest is None:
            guest = self.fresh(center) or self.returning(center, rng)
        if guest is None:  # every guest of the center was deleted: grow past the pool
            guest = self.extra(center)
        return guest

    def mark_introduced(self, guest: Guest) -> None:
        """Record that the stream named ``guest`` (Guest.Created): it may now return."""
        known = self._known[self._slot(guest.center)]
        self._place[guest.index] = len(known)
        known.append(guest)

    def mark_deleted(self, guest: Guest) -> None:
        """Forget ``guest`` (Guest.Deleted): never picked again, its memory freed."""
        known = self._known[self._slot(guest.center)]
        at = self._place.pop(guest.index, None)
        if at is not None:
            last = known.pop()
            if last is not guest:
                known[at] = last
                self._place[last.index] = at
        self._guests.pop(guest.index, None)
