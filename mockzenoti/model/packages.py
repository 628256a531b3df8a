"""Package entities: plans, a guest's package, its balances and redemptions."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockzenoti.model.core import Center, Employee, Guest, Product, Service
from mockzenoti.model.sales import Invoice

__all__ = ["GuestPackage", "PackageBalance", "PackagePlan", "PackageRedemption"]


@dataclass(slots=True, eq=False)
class PackagePlan:
    """A package as configured by the organization."""

    id: str
    name: str
    code: str
    price: float
    days: int
    services: list[tuple[Service, int]]
    type: int = 0
    otp_required: bool = False


@dataclass(slots=True, eq=False)
class PackageBalance:
    """Sessions of one service a package holds, with its apportioned price per session."""

    service: Service
    total: int
    unit_price: float
    used: int = 0

    @property
    def balance(self) -> int:
        """Sessions left."""
        return self.total - self.used


@dataclass(slots=True, eq=False)
class PackageRedemption:
    """A package service or product used on an invoice."""

    invoice: Invoice
    item_id: str
    therapist: Employee
    ticks: int
    center: Center = field(repr=False)
    service: Service | None = None
    product: Product | None = None
    reversed: bool = False


@dataclass(slots=True, eq=False, weakref_slot=True)
class GuestPackage:
    """A package sold to a guest, its balances and redemptions."""

    id: str  # user_package_id
    guest: Guest
    center: Center = field(repr=False)
    plan: PackagePlan
    invoice: Invoice
    purchased_ticks: int
    start_ticks: int
    end_ticks: int
    grace_days: int
    balances: list[PackageBalance]
    status: int = 1
    state: int = 2
    is_refunded: bool = False
    completed_schedules: int | None = None
    next_schedule_ticks: int | None = None
    has_first_redemption: bool = False
    start_validity_at_first_redemption: bool = False
    never_expires: bool = False
    redemptions: list[PackageRedemption] = field(default_factory=list)
    last_redemption: PackageRedemption | None = None

    @property
    def expiration_days(self) -> int:
        """Days between start and end of validity."""
        return (self.end_ticks - self.start_ticks) // 864_000_000_000

    @property
    def key(self) -> str:
        """Entity key for per-entity ordering."""
        return f"package:{self.id}"
