"""``WorldSizes``: how big a simulated organization is, with defaults per kind of business.

Every size is a parameter with a sensible default; ``None`` for the per-day
activity sizes means "what a center of this kind typically does"
(``SESSIONS_PER_DAY``, ``APPOINTMENTS_PER_DAY``). ``with_overrides`` checks a
mapping of user values (from the CLI, a YAML ``world:`` section or the API)
and names the field at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from mockzenoti.errors import MockZenotiError, closest
from mockzenoti.vocab import CENTER_KINDS, SITES, CenterKind

__all__ = ["APPOINTMENTS_PER_DAY", "LIMITS", "SESSIONS_PER_DAY", "WorldSizes"]

# Class sessions and appointment bookings per center and day, by kind.
SESSIONS_PER_DAY: dict[CenterKind, int] = {"fitness": 8, "spa": 3, "salon": 1, "med-spa": 1}
APPOINTMENTS_PER_DAY: dict[CenterKind, int] = {"spa": 36, "salon": 40, "med-spa": 24, "fitness": 12}

# (smallest, largest) accepted value of each integer size.
LIMITS: dict[str, tuple[int, int]] = {
    "centers": (1, len(SITES)),
    "guests": (1, 10_000_000),
    "staff": (2, 200),
    "sessions_per_day": (0, 500),
    "appointments_per_day": (0, 5_000),
}


@dataclass(frozen=True, slots=True)
class WorldSizes:
    """The size of a simulated organization.

    ``centers``: how many locations; ``guests``: the guest pool shared by all
    centers (guests are created lazily, when first needed); ``staff``:
    employees per center; ``sessions_per_day`` and ``appointments_per_day``:
    per center (None: the kind's typical figure); ``kind``: the business
    (None: chosen by the seed).
    """

    centers: int = 3
    guests: int = 3_000
    staff: int = 10
    sessions_per_day: int | None = None
    appointments_per_day: int | None = None
    kind: CenterKind | None = None

    def sessions(self, kind: CenterKind) -> int:
        """Class sessions per center and day for a center of ``kind``."""
        return SESSIONS_PER_DAY[kind] if self.sessions_per_day is None else self.sessions_per_day

    def appointments(self, kind: CenterKind) -> int:
        """Appointment bookings per center and day for a center of ``kind``."""
        if self.appointments_per_day is None:
            return APPOINTMENTS_PER_DAY[kind]
        return self.appointments_per_day

    def as_dict(self) -> dict[str, Any]:
        """The sizes as a JSON-ready mapping."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def with_overrides(
        self, values: Mapping[str, Any] | WorldSizes | None, *, prefix: str = ""
    ) -> WorldSizes:
        """These sizes with ``values`` applied; a bad name or value raises, naming the field.

        ``prefix`` is put before the field name in errors (``world.sizes.``).
        """
        if values is None:
            return self
        if isinstance(values, WorldSizes):
            return values
        known = [f.name for f in fields(self)]
        changes: dict[str, Any] = {}
        for name, value in values.items():
            key = str(name).replace("-", "_")
            if key not in known:
                hint = closest(key, known)
                extra = f"; did you mean {', '.join(hint)}?" if hint else f"; known: {known}"
                raise MockZenotiError(f"unknown world size {name!r}{extra}", field=prefix + key)
            changes[key] = _checked(key, value, prefix + key)
        return replace(self, **changes)


def _checked(key: str, value: Any, where: str) -> Any:
    if key == "kind":
        if value is None or value in CENTER_KINDS:
            return value
        raise MockZenotiError(
            f"kind must be one of {', '.join(CENTER_KINDS)} (got {value!r})", field=where
        )
    if value is None and key in ("sessions_per_day", "appointments_per_day"):
        return None
    low, high = LIMITS[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise MockZenotiError(f"{key} must be a whole number (got {value!r})", field=where)
    if not low <= value <= high:
        raise MockZenotiError(f"{key} must be between {low} and {high} (got {value})", field=where)
    return value
