"""Entities: the organization, its centers, people and what they buy and book.

Plain mutable dataclasses (``slots``, identity equality) that the renderers
read and the world simulation mutates: status codes, balances and timestamps
live on them. Instants are ``int`` .NET ticks since the Unix epoch, UTC
(``timefmt``); the renderers write them in Zenoti's forms. Back references
(``center``, ``group``) are left out of ``repr`` so that cycles print finitely.
Each entity that events are about has a ``key`` (``"class-booking:119986"``)
for per-entity ordering.
"""

from __future__ import annotations

from mockzenoti.model.bookings import (
    Appointment,
    AppointmentGroup,
    BookingState,
    ClassBooking,
    ClassSession,
    SessionState,
)
from mockzenoti.model.core import (
    Center,
    ClassOffering,
    CommunicationPreferences,
    Employee,
    Guest,
    Organization,
    Phone,
    Product,
    Room,
    Service,
)
from mockzenoti.model.packages import (
    GuestPackage,
    PackageBalance,
    PackagePlan,
    PackageRedemption,
)
from mockzenoti.model.sales import (
    INVOICE_CLOSED,
    INVOICE_OPEN,
    Cancellation,
    Feedback,
    Freeze,
    GuestMembership,
    GuestPassRedemption,
    Invoice,
    InvoiceItem,
    MembershipPlan,
    ServiceBalance,
    Transaction,
)

__all__ = [
    "INVOICE_CLOSED",
    "INVOICE_OPEN",
    "Appointment",
    "AppointmentGroup",
    "BookingState",
    "Cancellation",
    "Center",
    "ClassBooking",
    "ClassOffering",
    "ClassSession",
    "CommunicationPreferences",
    "Employee",
    "Feedback",
    "Freeze",
    "Guest",
    "GuestMembership",
    "GuestPackage",
    "GuestPassRedemption",
    "Invoice",
    "InvoiceItem",
    "MembershipPlan",
    "Organization",
    "PackageBalance",
    "PackagePlan",
    "PackageRedemption",
    "Phone",
    "Product",
    "Room",
    "Service",
    "ServiceBalance",
    "SessionState",
    "Transaction",
]
