"""Core entities: organization, centers and what they offer, staff, guests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mockzenoti.vocab import COUNTRIES, CenterKind, ClassTemplate, Country, Site

if TYPE_CHECKING:
    from mockzenoti.model.packages import PackagePlan
    from mockzenoti.model.sales import MembershipPlan

__all__ = [
    "Center",
    "ClassOffering",
    "CommunicationPreferences",
    "Employee",
    "Guest",
    "Organization",
    "Phone",
    "Product",
    "Room",
    "Service",
]


# The trunk prefix dialled before a national number at home, by calling code ("0" in the
# United Kingdom, Australia and India; none in North America).
_TRUNK: dict[int, str] = {c.phone_code: c.trunk_prefix for c in COUNTRIES.values()}


@dataclass(frozen=True, slots=True)
class Phone:
    """A phone number as Zenoti splits it: country calling code and national digits.

    ``number`` is the national significant number (no trunk prefix): the
    employee samples' phone objects write it so (``61`` / ``237872988``).
    """

    country_code: int
    number: str

    @property
    def display(self) -> str:
        """``+91 9885117036``: the form Invoice.Closed writes."""
        return f"+{self.country_code} {self.number}"

    @property
    def national(self) -> str:
        """The number as dialled at home: ``07903624233`` in the UK, ``2065550143`` in the US.

        The form a guest's ``mobile_phone.number`` takes (REST sample
        ``{country_code: 224, number: "07903624233"}``, attested).
        """
        return _TRUNK.get(self.country_code, "") + self.number


@dataclass(slots=True, eq=False)
class Organization:
    """A Zenoti organization (tenant): its centers and the short name staff records show."""

    id: str
    name: str
    short_name: str  # employee job_info.company_name
    domain: str  # staff e-mail domain
    kind: CenterKind  # the kind of business; its centers default to it
    centers: list[Center] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Room:
    """A treatment room or studio of a center."""

    id: str
    name: str


@dataclass(slots=True, eq=False)
class Service:
    """A bookable service (or add-on) as configured at a center."""

    id: str
    name: str
    code: str
    minutes: int
    price: float
    is_add_on: bool
    category_type: int


@dataclass(slots=True, eq=False)
class Product:
    """A retail product sold at a center."""

    id: str
    name: str
    code: str
    price: float


@dataclass(slots=True, eq=False)
class ClassOffering:
    """A class on a center's menu; each scheduled occurrence is a ``ClassSession``."""

    class_id: int
    workshop_id: int
    template: ClassTemplate

    @property
    def name(self) -> str:
        """The class name shown on the schedule."""
        return self.template.name


@dataclass(slots=True, eq=False)
class Center:
    """A location of the organization, with its own zone, hours and catalog."""

    id: str
    org: Organization = field(repr=False)
    name: str
    code: str
    invoice_prefix: str
    kind: CenterKind
    site: Site
    country: Country
    phone: Phone
    opens_minute: int  # local weekday business hours, minutes after midnight
    closes_minute: int
    rooms: list[Room] = field(default_factory=list, repr=False)
    services: list[Service] = field(default_factory=list, repr=False)
    products: list[Product] = field(default_factory=list, repr=False)
    employees: list[Employee] = field(default_factory=list, repr=False)
    classes: list[ClassOffering] = field(default_factory=list, repr=False)
    membership_plans: list[MembershipPlan] = field(default_factory=list, repr=False)
    package_plans: list[PackagePlan] = field(default_factory=list, repr=False)
    product_tax_rate: float = 0.0
    next_invoice_number: int = 1001
    next_receipt_number: int = 501
    # (opens, closes) local minutes per weekday, Monday first; None: closed that day.
    # Empty: every day opens_minute to closes_minute.
    weekly_hours: tuple[tuple[int, int] | None, ...] = ()

    @property
    def tz(self) -> str:
        """The center's IANA time zone."""
        return self.site.tz

    @property
    def currency(self) -> str:
        """The ISO 4217 code of the center's prices (its country's)."""
        return self.country.currency

    def hours_on(self, weekday: int) -> tuple[int, int] | None:
        """(opens, closes) in local minutes on ``weekday`` (0 Monday), or None when closed."""
        if not self.weekly_hours:
            return (self.opens_minute, self.closes_minute)
        return self.weekly_hours[weekday]

    @property
    def key(self) -> str:
        """Entity key for per-entity ordering."""
        return f"center:{self.id}"

    def providers(self) -> list[Employee]:
        """Staff who perform services (everyone but the front desk)."""
        return [e for e in self.employees if e.active and e.bookable and e.job_name != "FRONT DESK"]

    def take_invoice_number(self) -> int:
        """The next invoice number of this center (numbers are per center)."""
        self.next_invoice_number += 1
        return self.next_invoice_number - 1

    def take_receipt_number(self) -> int:
        """The next receipt number of this center."""
        self.next_receipt_number += 1
        return self.next_receipt_number - 1


@dataclass(slots=True, eq=False)
class Employee:
    """A staff member: therapist, stylist, instructor, front desk."""

    id: str
    center: Center = field(repr=False)
    code: str
    first_name: str
    last_name: str
    email: str
    gender: int  # -1 not specified, 0 male, 1 female (inferred)
    mobile: Phone
    job_id: str
    job_name: str
    start_ticks: int  # employment start (the renderer writes its local date)
    created_by: str = "00000000-0000-0000-0000-000000000000"
    middle_name: str = ""
    nick_name: str = ""
    show_in_catalog: bool = False
    active: bool = True
    hired_in_stream: bool = False  # introduced by an Employee.Created of the stream
    bookable: bool = True  # takes new appointments (False once leaving)
    holds: list[object] = field(default_factory=list, repr=False)  # live work assigned

    @property
    def name(self) -> str:
        """First and last name, as Zenoti's ``therapist_name`` fields show."""
        return f"{self.first_name} {self.last_name}"

    @property
    def key(self) -> str:
        """Entity key for per-entity ordering."""
        return f"employee:{self.id}"


@dataclass(slots=True, eq=False)
class CommunicationPreferences:
    """A guest's opt-in state per category and channel: ``"opted-in"`` or ``"opted-out"``."""

    marketing_email: str = "opted-in"
    marketing_sms: str = "opted-in"
    marketing_whatsapp: str = "opted-in"
    transactional_email: str = "opted-in"
    transactional_sms: str = "opted-in"
    transactional_whatsapp: str = "opted-in"

    def get(self, category: str, channel: str) -> str:
        """The state of one category (marketing, transactional) and channel."""
        value: str = getattr(self, f"{category}_{channel}")
        return value

    def set(self, category: str, channel: str, state: str) -> None:
        """Change one category and channel to ``opted-in`` or ``opted-out``."""
        setattr(self, f"{category}_{channel}", state)

    def as_dict(self) -> dict[str, dict[str, str]]:
        """The states by category and channel, as ``current_preferences`` writes them."""
        return {
            "marketing": {
                "email": self.marketing_email,
                "sms": self.marketing_sms,
                "whatsapp": self.marketing_whatsapp,
            },
            "transactional": {
                "email": self.transactional_email,
                "sms": self.transactional_sms,
                "whatsapp": self.transactional_whatsapp,
            },
        }


@dataclass(slots=True, eq=False)
class Guest:
    """A client of the organization, registered at a home center."""

    id: str
    number: int  # the ``_id`` bigint
    code: str
    center: Center = field(repr=False)
    first_name: str
    last_name: str
    email: str
    gender: int
    mobile: Phone | None  # None: the guest gave no mobile number
    home_phone: Phone | None
    work_phone: Phone | None
    zip_code: str
    created_ticks: int
    middle_name: str = ""
    preferences: CommunicationPreferences = field(default_factory=CommunicationPreferences)
    optin_codes: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)  # sms, email, m-sms, m-email, wa
    loyalty_opt_in: bool = True
    dob_incomplete_year: str | None = None
    deleted: bool = False
    index: int = -1  # position in the world's guest pool (-1: not pooled)
    introduced: bool = False  # known to a consumer: Guest.Created sent, or predates the stream
    predates_stream: bool = False  # a client from before the stream: no Guest.Created for them
    greeted: bool = False  # (predating guests) an event of the stream has named them
    holds: list[object] = field(default_factory=list, repr=False)  # live bookings, sales

    @property
    def name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"

    @property
    def key(self) -> str:
        """Entity key for per-entity ordering."""
        return f"guest:{self.id}"
