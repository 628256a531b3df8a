"""Opening hours: the week of each kind of business, and the day some centers close.

Minutes after local midnight, Monday first. A center draws its own week from
its kind's (``EntityFactory.center``): the weekday hours shifted by half an
hour now and then, and with the kind's probability one day of the week
closed (many salons close on Mondays, med spas on Sundays; gyms open every
day). Our reading of how such businesses advertise their hours, not Zenoti's.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockzenoti.vocab.kinds import CenterKind

__all__ = ["OPENING_HOURS", "WEEKDAYS", "OpeningHours"]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Span = tuple[int, int]  # (opens, closes), local minutes


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """A kind's week: weekday, Saturday and Sunday hours, and the day a center may close."""

    weekday: Span
    saturday: Span
    sunday: Span
    closed: tuple[tuple[int, float], ...] = ()  # (weekday 0-6, probability a center closes then)


def _h(opens: float, closes: float) -> Span:
    return (int(opens * 60), int(closes * 60))


OPENING_HOURS: dict[CenterKind, OpeningHours] = {
    "spa": OpeningHours(_h(9, 21), _h(9, 20), _h(10, 18), closed=((0, 0.25),)),
    "salon": OpeningHours(_h(9, 20), _h(8, 18), _h(10, 17), closed=((0, 0.4), (6, 0.25))),
    "med-spa": OpeningHours(_h(9, 19), _h(9, 17), _h(10, 16), closed=((6, 0.7),)),
    "fitness": OpeningHours(_h(6, 21), _h(7, 19), _h(8, 18), closed=((6, 0.05),)),
}
