"""Sales entities: invoices, memberships, guest passes and feedback (packages: ``packages``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockzenoti.model.bookings import AppointmentGroup, ClassSession
from mockzenoti.model.core import Center, Employee, Guest, Service

__all__ = [
    "INVOICE_CLOSED",
    "INVOICE_OPEN",
    "Cancellation",
    "Feedback",
    "Freeze",
    "GuestMembership",
    "GuestPassRedemption",
    "Invoice",
    "InvoiceItem",
    "MembershipPlan",
    "ServiceBalance",
    "Transaction",
    "round_cents",
]

INVOICE_OPEN = 0
INVOICE_CLOSED = 4


def round_cents(value: float) -> float:
    """``round(value, 2)`` as a float, with ``-0.0`` written ``0.0``."""
    value += 0.0
    # Most amounts are whole, and round() goes through decimal text: skip it for them.
    return value if value.is_integer() else round(value, 2)


@dataclass(slots=True, eq=False)
class InvoiceItem:
    """One line of an invoice: a service (``type`` 0) or a product (``type`` 2)."""

    id: str  # invoice_item_id
    item_id: str  # the service's or product's id
    name: str
    code: str
    type: int
    list_price: float
    quantity: int
    sold_by: Employee
    discount: float = 0.0
    tax_rate: float = 0.0

    @property
    def sales(self) -> float:
        """Price after discount, before tax."""
        return round_cents(self.list_price * self.quantity - self.discount)

    @property
    def tax(self) -> float:
        """Tax on the discounted price."""
        return round_cents(self.sales * self.tax_rate)

    @property
    def final(self) -> float:
        """What the guest pays for this line."""
        return round_cents(self.sales + self.tax)


@dataclass(slots=True, eq=False)
class Transaction:
    """A payment collected against an invoice.

    ``payment_type`` codes (documented for class registration payments): Cash 0,
    GiftCard 1, DiscoverCard 2, ... Mastercard 5, DebitCard 7, Visa 11, Amex 12 ...
    ``instrument_id`` is the stored card or gift card (the zero GUID for cash).
    """

    id: str
    payment_type: int
    name: str
    instrument_id: str
    amount: float
    ticks: int


@dataclass(slots=True, eq=False)
class Invoice:
    """An invoice of a center: its lines, payments and the day and moment it closed."""

    id: str
    center: Center = field(repr=False)
    guest: Guest
    number: int
    opened_ticks: int
    items: list[InvoiceItem] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    group: AppointmentGroup | None = field(default=None, repr=False)
    receipt_number: int | None = None
    closed_ticks: int | None = None
    status: int = INVOICE_OPEN  # 0 open, 4 closed (inferred from the samples)
    is_refund: bool = False  # a refund: negative lines and payments (``refund_of`` is refunded)
    refund_of: Invoice | None = field(default=None, repr=False)
    paid_ticks: int | None = None  # when a payment last came in (closed or not)

    @property
    def is_closed(self) -> bool:
        """True once the invoice has been closed (paid)."""
        return self.closed_ticks is not None

    @property
    def paid(self) -> float:
        """What the payments so far add up to (``total_amount_paid``)."""
        return round_cents(sum(t.amount for t in self.transactions))

    @property
    def net_price(self) -> float:
        """Sum of the lines' discounted prices."""
        return round_cents(sum(i.sales for i in self.items))

    @property
    def tax(self) -> float:
        """Sum of the lines' taxes."""
        return round_cents(sum(i.tax for i in self.items))

    @property
    def total(self) -> float:
        """What the guest pays in all."""
        return round_cents(self.net_price + self.tax)

    @property
    def key(self) -> str:
        """Entity key for per-entity ordering."""
        return f"invoice:{self.id}"


@dataclass(slots=True, eq=False)
class MembershipPlan:
    """A membership as configured by the organization."""

    id: str
    name: str
    code: str
    price: float
    months: int
    service_credit: float
    included: list[tuple[Service, int]]
    guest_passes: int
    type: int = 1
    terms: str | None = None
    otp_required: bool = False


@dataclass(slots=True, eq=False)
class ServiceBalance:
    """Sessions of one service a membership holds, and how many are spent."""

    service: Service
    total: int
    used: int = 0
    transferred: int = 0
    expired: int = 0

    @property
    def balance(self) -> int:
        """Sessions left."""
        return self.total - self.used - self.transferred - self.expired


@dataclass(slots=True, eq=False)
class Freeze:
    """A pause of a membership."""

    start_ticks: int
    end_ticks: int
    fee: float
    comments: str
    by: Employee
    type: int = 2
    fee_type: int = 2


@dataclass(slots=True, eq=False)
class Cancellation:
    """The cancellation of a membership: when asked, when effective, why and by whom."""

    initiated_ticks: int
    cancel_ticks: int
    termination_ticks: int
    reason: str
    by: Employee


@dataclass(slots=True, eq=False, weakref_slot=True)
class GuestMembership:
    """A membership sold to a guest; ``invoice.id`` is its group_user_membership_id."""

    id: str  # user_membership_id
    guest: Guest
    center: Center = field(repr=False)
    plan: MembershipPlan
    invoice: Invoice
    purchased_ticks: int
    expiry_ticks: int
    member_code: str
    balances: list[ServiceBalance]
    credit_total: float
    guestpass_total: int
    guestpass_balance: int
    status: int = 1
    recurrence_status: int = -1  # -1 on creation, 3 for a collecting recurring plan (seen)
    is_refunded: bool = False
    next_collection_ticks: int | None = None
    grace_period_days: int = 0
    grace_period_ticks: int | None = None  # end of grace after a cancellation
    payment_duration: int = 0
    payment_duration_type: int = 0
    default_payment_info: str | None = None
    freeze: Freeze | None = None
    cancellation: Cancellation | None = None
    renewal_option_id: str = ""

    @property
    def key(self) -> str:
        """Entity key for per-entity ordering."""
        return f"membership:{self.id}"


@dataclass(slots=True, eq=False)
class GuestPassRedemption:
    """A guest pass of a membership redeemed for a visitor's class registration."""

    id: str
    guestpass_id: str
    membership: GuestMembership
    guest: Guest  # the visitor who used the pass
    session: ClassSession
    invoice_id: str
    ticks: int


@dataclass(slots=True, eq=False)
class Feedback:
    """A guest's feedback on an appointment group (V1: four ratings; V2: one rating and tags)."""

    group: AppointmentGroup
    version: int
    rating: int
    ratings: tuple[int, int, int, int]  # service, therapist, ambience, cleanliness
    tags: list[tuple[int, str]]
    comments: str
    recommendation: bool
    share_feedback: bool
    source: int = 0
