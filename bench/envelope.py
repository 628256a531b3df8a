"""The parts every hand-built Zenoti envelope shares: ids, times, the envelope, ``Fields``.

People-like strings (names, emails, phones, cities, companies, streets) come
from a ``Fields`` object, so the same shapes serve the stdlib builder
(``StdFields``: picks from short lists with ``random``) and the Faker builder
(``bench.builder.FakerFields``: one Faker call per field).
"""

from __future__ import annotations

import random
import time
from typing import Any, Protocol

__all__ = [
    "CLASS_NAMES",
    "EMPTY_DATE",
    "EPOCH_2024",
    "SERVICE_NAMES",
    "ZERO_GUID",
    "Fields",
    "Payload",
    "StdFields",
    "envelope",
    "guid",
    "naive",
]

Payload = dict[str, Any]
EPOCH_2024 = 1_704_067_200
EMPTY_DATE = "0001-01-01T00:00:00"
ZERO_GUID = "00000000-0000-0000-0000-000000000000"


class Fields(Protocol):
    """Where people-like strings come from."""

    def first_name(self) -> str: ...
    def last_name(self) -> str: ...
    def email(self) -> str: ...
    def phone(self) -> str: ...
    def city(self) -> str: ...
    def company(self) -> str: ...
    def street(self) -> str: ...
    def zip_code(self) -> str: ...


_FIRST = ["Joseph", "Maria", "Aisha", "Chen", "Olivia", "Liam", "Priya", "Noah", "Emma", "Diego"]
_LAST = ["Harrington", "Garcia", "Khan", "Nguyen", "Smith", "Okafor", "Rossi", "Novak", "Lee"]
_CITY = ["Chicago", "Bellevue", "Austin", "Denver", "Miami", "Seattle", "Boston", "Phoenix"]
_COMPANY = ["Glow Studio", "Zen Spa", "Core Fitness", "Luxe Salon", "Pure Day Spa"]
_DOMAIN = ["example.com", "mail.test", "inbox.test"]
SERVICE_NAMES = ["Laser Hair - Male", "Deep Tissue 60", "Hydrafacial", "Gel Manicure", "Haircut"]
CLASS_NAMES = ["Sunrise Yoga", "HIIT 45", "Spin Express", "Pilates Core", "abc camp"]


class StdFields:
    """``Fields`` from ``random`` and short lists (the stateless stdlib builder)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def first_name(self) -> str:
        return self.rng.choice(_FIRST)

    def last_name(self) -> str:
        return self.rng.choice(_LAST)

    def email(self) -> str:
        rng = self.rng
        return f"{rng.choice(_FIRST).lower()}.{rng.randrange(10000)}@{rng.choice(_DOMAIN)}"

    def phone(self) -> str:
        return f"+1 {self.rng.randrange(2000000000, 9999999999)}"

    def city(self) -> str:
        return self.rng.choice(_CITY)

    def company(self) -> str:
        return self.rng.choice(_COMPANY)

    def street(self) -> str:
        return f"{self.rng.randrange(1, 9999)} Main St"

    def zip_code(self) -> str:
        return f"{self.rng.randrange(10000, 99999)}"


def guid(rng: random.Random) -> str:
    """A random lowercase version-4 GUID."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def naive(second: int) -> str:
    """A unix second written as ``data`` datetimes are: no offset, no fraction."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))


def envelope(rng: random.Random, event_type: str, resource: str | None, data: Payload) -> Payload:
    """The v1 envelope around ``data``: ObjectIds of one second, a .NET-style timestamp."""
    second = EPOCH_2024 + rng.randrange(86400 * 365)
    tail = rng.getrandbits(64)
    frac = rng.randrange(1, 10_000_000)
    return {
        "id": f"{second:08x}{tail + 2:016x}",
        "event_id": f"{second:08x}{tail:016x}",
        "event_schema": "v1",
        "event_resource": resource,
        "event_type": event_type,
        "event_timestamp": f"{naive(second)}.{f'{frac:07d}'.rstrip('0')}Z",
        "data": data,
    }
