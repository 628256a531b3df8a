"""Seeded creation of every entity: organizations, centers, staff, guests, bookings and sales.

- ``entities``: ``EntityFactory`` (organization, centers, staff, guests, id counters);
- ``bookings``: class sessions and bookings, appointment groups (and their invoices);
- ``sales``: invoices closed, memberships, packages, guest passes, feedback;
- ``people``: names, e-mails and phones from Faker pools drawn once per locale;
- ``draws``: ``random.Random``'s hot draws in one call each (the same bits).

Plain synchronous Python. The world creates and changes entities through it.
"""

from __future__ import annotations

from mockzenoti.factory.entities import BUSINESS_HOURS, EntityFactory, build_guest

__all__ = ["BUSINESS_HOURS", "EntityFactory", "build_guest"]
