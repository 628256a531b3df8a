"""The week's rhythm of a business: busy days and hours, and how far ahead guests book.

Plain data and small draws, read by ``Activity``. The figures are our reading
of how salons, spas, med spas and gyms fill their weeks (booking-software
reports and the businesses' own advertised peaks), not Zenoti's:

- **days**: salons and spas are busiest late in the week and on Saturdays,
  quiet on Mondays; med spas steady through the week; gyms busiest Monday to
  Wednesday, quieter at the weekend (``WEEKDAY_DEMAND``);
- **hours**: salons and spas fill the late afternoon and evening on
  weekdays and the late morning on weekends; gyms the early morning, the
  lunch hour and the evening (``HOUR_DEMAND``);
- **booking**: guests book online at any hour, most in the evening
  (``ONLINE_HOURS``), days ahead (``lead_days``: a median of four days);
  the front desk books during opening hours; walk-ins are booked minutes
  before they start. Class sessions are published a week ahead and booked
  more and more as they come closer (``class_lead``).
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

from mockzenoti.vocab import CenterKind

__all__ = [
    "HOUR_DEMAND",
    "ONLINE_HOUR",
    "ONLINE_HOURS",
    "WEEKDAY_DEMAND",
    "Weights",
    "class_lead",
    "hour_weight",
    "lead_days",
]

# Relative demand Monday..Sunday.
WEEKDAY_DEMAND: dict[CenterKind, tuple[float, ...]] = {
    "salon": (0.6, 0.8, 0.9, 1.1, 1.3, 1.6, 0.6),
    "spa": (0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 1.0),
    "med-spa": (0.9, 1.0, 1.0, 1.1, 1.1, 1.2, 0.5),
    "fitness": (1.25, 1.2, 1.15, 1.05, 0.85, 0.8, 0.7),
}


def _hours(spec: str, rest: float = 0.2) -> tuple[float, ...]:
    """24 hourly weights from ``"9:0.6 10:0.8 ..."`` (hours not named weigh ``rest``)."""
    named = {int(h): float(w) for h, w in (pair.split(":") for pair in spec.split())}
    return tuple(named.get(h, rest) for h in range(24))


# Relative demand by local hour of the start: (Monday to Friday, weekend).
HOUR_DEMAND: dict[CenterKind, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "salon": (
        _hours("9:.6 10:.8 11:.9 12:1 13:.9 14:.8 15:.9 16:1.2 17:1.5 18:1.5 19:1 20:.4"),
        _hours("8:.7 9:1.2 10:1.5 11:1.5 12:1.3 13:1.1 14:1 15:.8 16:.6 17:.4"),
    ),
    "spa": (
        _hours("9:.5 10:.7 11:.9 12:1 13:1 14:1 15:1 16:1.2 17:1.4 18:1.4 19:1.1 20:.6"),
        _hours("9:.8 10:1.2 11:1.4 12:1.4 13:1.3 14:1.2 15:1.1 16:1 17:.8 18:.6 19:.4"),
    ),
    "med-spa": (
        _hours("9:.6 10:.9 11:1 12:1.3 13:1.1 14:.8 15:.9 16:1.1 17:1.3 18:1"),
        _hours("9:.9 10:1.3 11:1.3 12:1.1 13:1 14:.8 15:.6"),
    ),
    "fitness": (
        _hours(
            "5:.5 6:1.5 7:1.6 8:1.2 9:.9 10:.5 11:.5 12:1 13:.6 14:.3 15:.4 16:.8 "
            "17:1.5 18:1.8 19:1.4 20:.7 21:.3"
        ),
        _hours("7:.8 8:1.3 9:1.6 10:1.6 11:1.3 12:1 13:.7 14:.5 15:.5 16:.6 17:.6 18:.4"),
    ),
}

# When guests book online, by local hour (0 to 23): at any hour, most in the evening.
ONLINE_HOURS: tuple[float, ...] = _hours(
    "0:.35 1:.15 2:.08 3:.05 4:.05 5:.1 6:.35 7:.9 8:1.5 9:1.9 10:2.1 11:2.2 12:2.4 13:2.3 "
    "14:2.1 15:2 16:2 17:2.1 18:2.3 19:2.6 20:2.8 21:2.6 22:1.8 23:.9"
)
_ONLINE_TOP = max(ONLINE_HOURS)


def hour_weight(hour: int) -> float:
    """How likely an online booking is at local ``hour``, from 0 to 1 (the evening peak)."""
    return ONLINE_HOURS[hour % 24] / _ONLINE_TOP


class Weights:
    """A weighted draw among ``items``, ready for many draws (cumulative weights, bisect)."""

    __slots__ = ("_cumulative", "_total", "items")

    def __init__(self, items: list[int], weights: list[float]) -> None:
        self.items = items
        self._cumulative = list(accumulate(weights))
        self._total = self._cumulative[-1] if self._cumulative else 0.0

    def __bool__(self) -> bool:
        return self._total > 0

    def draw(self, rng: random.Random) -> int:
        """One item, each as likely as its weight."""
        return self.items[bisect(self._cumulative, rng.random() * self._total)]

    def draw_first(self, rng: random.Random, count: int) -> int:
        """One of the first ``count`` items (at least one), each as likely as its weight."""
        cumulative = self._cumulative
        top = cumulative[min(max(count, 1), len(cumulative)) - 1]
        return self.items[bisect(cumulative, rng.random() * top)]


def lead_days(horizon: int) -> Weights:
    """Days between booking and visit for a booking made ahead (1 to ``horizon``), to draw.

    Close to half within three days, a third four to ten days ahead, the rest
    up to the horizon: a median of four days.
    """
    days = list(range(1, max(horizon, 1) + 1))
    weights = [0.15 if d <= 3 else 0.05 if d <= 10 else 0.2 / max(horizon - 10, 1) for d in days]
    return Weights(days, weights)


# The hour of the day (local) at which a guest books online, to draw.
ONLINE_HOUR = Weights(list(range(24)), list(ONLINE_HOURS))


def class_lead(rng: random.Random, window: int) -> int:
    """How long before its start a class is booked, out of ``window`` ticks it was open.

    More and more bookings as the session comes closer: a lead of ``window``
    times ``u ** 1.5`` (``u`` uniform), a median of a third of the window.
    """
    u = rng.random()
    return int(window * u * u**0.5)
