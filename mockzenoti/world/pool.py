"""``GuestPool``: the organization's guests, made only when first needed.

A world of 100,000 guests costs nothing to create: guest ``i`` is drawn from
a generator seeded with the pool's seed and ``i``, so it has the same id,
name, e-mail and phone whenever (and in whichever order) it is first asked
for. The pool is split between the centers (each guest has a home center).

Each center's share starts with its **clientele**: guests who were clients
before the stream began (``existing``, spread over the centers). A consumer
never sees their ``Guest.Created``: the first event that names one of them
is a booking, a sale or an edit, as when a real stream is joined mid-life.
They registered over the years before the stream (``since``); the earlier
in the clientele, the longer ago and the more often they come back (regulars).
The rest of the share are new guests: ``fresh`` hands them out in index
order, and the stream introduces each with ``Guest.Created``. ``returning``
picks a known guest: one of the clientele or a new guest the stream has
introduced. Memory is bounded by the pool size: deleted guests are dropped.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from mockzenoti.factory import EntityFactory, build_guest, draws
from mockzenoti.factory.people import PersonMaker
from mockzenoti.model import Center, Guest
from mockzenoti.timefmt import DAY_TICKS

__all__ = ["CLIENTELE_YEARS", "GuestPool"]

CLIENTELE_YEARS = 4  # the clientele registered over this many years before the stream


class GuestPool:
    """Lazily made guests of a world, ``size`` in all, split evenly between ``centers``.

    ``existing`` of them (split likewise) predate the stream and registered
    before the instant ``since`` (ticks).
    """

    __slots__ = (
        "_centers",
        "_clientele",
        "_code_base",
        "_extra",
        "_factory",
        "_gone",
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
        "existing",
        "since",
        "size",
    )

    def __init__(
        self,
        factory: EntityFactory,
        centers: Sequence[Center],
        size: int,
        *,
        existing: int = 0,
        since: int = 0,
    ) -> None:
        rng = factory.rng
        self.size = size
        self.existing = min(existing, size)
        self.since = since
        self._factory = factory
        self._centers = list(centers)
        self._slots = {c.id: i for i, c in enumerate(self._centers)}
        self._seed = rng.getrandbits(48)
        self._number_base = rng.randrange(300_000, 900_000)
        self._code_base = rng.randrange(0x10000, 0x3FFFF)
        self._rng = random.Random()
        self._makers: dict[str, PersonMaker] = {}
        share, rest = divmod(size, len(self._centers))
        old, old_rest = divmod(self.existing, len(self._centers))
        self._ranges: list[tuple[int, int]] = []
        self._clientele: list[int] = []  # per center: how many of its guests predate the stream
        first = 0
        for i in range(len(self._centers)):
            count = share + (1 if i < rest else 0)
            self._ranges.append((first, first + count))
            self._clientele.append(min(count, old + (1 if i < old_rest else 0)))
            first += count
        self._next = [low + n for (low, _), n in zip(self._ranges, self._clientele, strict=True)]
        self._extra = size  # indices past the pool, for pinned guests of a full center
        self._guests: dict[int, Guest] = {}
        self._known: list[list[Guest]] = [[] for _ in self._centers]
        self._place: dict[int, int] = {}  # guest index -> its position in _known
        self._gone: set[int] = set()  # deleted guests of the clientele

    @property
    def materialized(self) -> int:
        """How many guests have been made so far (living ones; deleted ones are dropped)."""
        return len(self._guests)

    def introduced(self, center: Center) -> int:
        """How many living guests of ``center`` the stream has introduced."""
        return len(self._known[self._slot(center)])

    def clientele(self, center: Center) -> int:
        """How many guests of ``center`` predate the stream (deleted ones included)."""
        return self._clientele[self._slot(center)]

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

    def old_client(self, center: Center, position: int) -> Guest | None:
        """Guest ``position`` of ``center``'s clientele (0 the oldest), or None if deleted."""
        slot = self._slot(center)
        count = self._clientele[slot]
        if not 0 <= position < count:
            raise IndexError(f"center {center.name} has {count} clients from before the stream")
        index = self._ranges[slot][0] + position
        if index in self._gone:
            return None
        guest = self._guests.get(index)
        if guest is None:
            guest = self._make(index, center)
            guest.introduced = guest.predates_stream = True
            # registered over the years before the stream, the regulars longest ago
            years = CLIENTELE_YEARS * 365 * (count - position) // count
            guest.created_ticks = (
                self.since
                - (years + 1) * DAY_TICKS
                + draws.below(self._rng, DAY_TICKS // 10_000_000) * 10_000_000
            )
        return guest

    def fresh(self, center: Center) -> Guest | None:
        """The next new guest of ``center`` never handed out before, or None when all were."""
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
        """A random living guest of ``center`` a consumer knows, if any.

        One of the clientele (the regulars more often) or a guest the stream
        has introduced, each in proportion to how many there are.
        """
        slot = self._slot(center)
        known = self._known[slot]
        old = self._clientele[slot]
        if old and rng.random() * (old + len(known)) < old:
            low = self._ranges[slot][0]
            for _ in range(4):  # a deleted client: look again
                # u**2 favours the first (oldest) clients: regulars come back more often
                u = rng.random()
                position = int(old * u * u)
                guest = self._guests.get(low + position)  # made already (most often)
                if guest is None:
                    guest = self.old_client(center, position)
                if guest is not None:
                    return guest
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
        if guest.predates_stream:
            self._gone.add(guest.index)
            self._guests.pop(guest.index, None)
            return
        known = self._known[self._slot(guest.center)]
        at = self._place.pop(guest.index, None)
        if at is not None:
            last = known.pop()
            if last is not guest:
                known[at] = last
                self._place[last.index] = at
        self._guests.pop(guest.index, None)
