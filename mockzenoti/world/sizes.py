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
from mockzenoti.vocab import CENTER_KINDS, COUNTRIES, SITES, CenterKind

__all__ = ["APPOINTMENTS_PER_DAY", "CLIENTELE_SHARE", "LIMITS", "SESSIONS_PER_DAY", "WorldSizes"]

# Class sessions and appointment bookings per center and day, by kind.
SESSIONS_PER_DAY: dict[CenterKind, int] = {"fitness": 8, "spa": 3, "salon": 1, "med-spa": 1}
APPOINTMENTS_PER_DAY: dict[CenterKind, int] = {"spa": 36, "salon": 40, "med-spa": 24, "fitness": 12}

# The share of the guest pool that predates the stream, unless ``clientele`` says otherwise.
CLIENTELE_SHARE = 0.6

# (smallest, largest) accepted value of each integer size.
LIMITS: dict[str, tuple[int, int]] = {
    "centers": (1, len(SITES)),
    "guests": (1, 10_000_000),
    "staff": (2, 200),
    "sessions_per_day": (0, 500),
    "appointments_per_day": (0, 5_000),
    "countries": (1, len(COUNTRIES)),
    "clientele": (0, 10_000_000),
}
_NULLABLE = ("sessions_per_day", "appointments_per_day", "clientele")


@dataclass(frozen=True, slots=True)
class WorldSizes:
    """The size of a simulated organization.

    ``centers``: how many locations; ``guests``: the guest pool shared by all
    centers (guests are created lazily, when first needed); ``staff``:
    employees per center; ``sessions_per_day`` and ``appointments_per_day``:
    per center (None: the kind's typical figure); ``kind``: the business
    (None: chosen by the seed); ``countries``: how many countries the centers
    are spread over (one region by default); ``country``: the ISO code of the
    (first) country (None: chosen by the seed); ``clientele``: how many of the
    pool's guests predate the stream, a consumer never sees their
    ``Guest.Created`` (None: three fifths of the pool).
    """

    centers: int = 3
    guests: int = 3_000
    staff: int = 10
    sessions_per_day: int | None = None
    appointments_per_day: int | None = None
    kind: CenterKind | None = None
    countries: int = 1
    country: str | None = None
    clientele: int | None = None

    def existing_guests(self) -> int:
        """How many guests of the pool predate the stream."""
        if self.clientele is None:
            return int(self.guests * CLIENTELE_SHARE)
        return self.clientele

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
        sizes = replace(self, **changes)
        if sizes.clientele is not None and sizes.clientele > sizes.guests:
            raise MockZenotiError(
                f"clientele must not exceed guests ({sizes.clientele} > {sizes.guests}): "
                "the guests who predate the stream are part of the pool",
                field=prefix + "clientele",
            )
        return sizes


def _checked(key: str, value: Any, where: str) -> Any:
    if key == "kind":
        if value is None or value in CENTER_KINDS:
            return value
        raise MockZenotiError(
            f"kind must be one of {', '.join(CENTER_KINDS)} (got {value!r})", field=where
        )
    if key == "country":
        code = value.upper() if isinstance(value, str) else value
        if code is None or code in COUNTRIES:
            return code
        raise MockZenotiError(
            f"country must be one of {', '.join(COUNTRIES)} (got {value!r})", field=where
        )
    if value is None and key in _NULLABLE:
        return None
    low, high = LIMITS[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise MockZenotiError(f"{key} must be a whole number (got {value!r})", field=where)
    if not low <= value <= high:
        raise MockZenotiError(f"{key} must be between {low} and {high} (got {value})", field=where)
    return value
