"""Handles of a scenario file: what each names, and which instance a reference picks."""

from __future__ import annotations

import math
from dataclasses import dataclass

from mockzenoti.scenarios.yaml_program import Ref

__all__ = ["HandleInfo", "flat_index", "free_count"]


@dataclass(frozen=True, slots=True)
class HandleInfo:
    """A handle: its kind, defining line, and the repeats around its definition."""

    name: str
    kind: str
    line: int
    path: str = ""  # the defining step
    repeats: tuple[str, ...] = ()  # paths of the enclosing repeats, outermost first
    counts: tuple[int, ...] = ()
    pinned: bool = False

    @property
    def total(self) -> int:
        """How many instances the handle names (one per iteration of its repeats)."""
        return math.prod(self.counts)


def free_count(info: HandleInfo, frames: tuple[tuple[str, int], ...]) -> int:
    """How many instances ``info`` names from a step inside ``frames``.

    The repeats around both the definition and the step are fixed at their
    current iteration; the others (inside which the handle was made) remain.
    """
    iterations = dict(frames)
    return math.prod(c for p, c in zip(info.repeats, info.counts, strict=True)
                     if p not in iterations)  # fmt: skip


def flat_index(info: HandleInfo, ref: Ref, frames: tuple[tuple[str, int], ...]) -> int | None:
    """The instance ``ref`` names from a step inside ``frames`` (repeat path, iteration).

    ``name`` is this iteration's instance; ``name[i]`` the i-th (from 0; -1 the
    last) made in the repeats that do not enclose the step. None when ``ref``
    names no single instance.
    """
    iterations = dict(frames)
    free = free_count(info, frames)
    if ref.index is None:
        if free != 1:
            return None
        index = 0
    elif -free <= ref.index < free:
        index = ref.index % free
    else:
        return None
    flat = 0
    for path, count in zip(info.repeats, info.counts, strict=True):
        if path in iterations:
            flat = flat * count + iterations[path]
    return flat * free + index
