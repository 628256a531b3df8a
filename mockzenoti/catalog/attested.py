"""Forms that consumers of live Zenoti traffic attest, beyond the documented samples.

Public code that receives real Zenoti webhooks reads fields the docs' samples
do not show, or shows values the samples never take (FACTS.md, "Attested by
consumers of live traffic"). Each is one or two independent sources: stronger
than a guess, weaker than a documented sample. Where a sample is cut off or
silent they fill the gap; where a sample says otherwise the sample wins.

``ATTESTED`` lists them per event type, each with an example value and the
evidence in a line. The catalog shows them (``CatalogEntry.attested``), and
the schema builder (``tools/build_schemas.py``) lets every schema accept
them beside the documented form: a key the sample lacks becomes optional, a
value of another type widens the field's type. The samples stay unchanged.
A few ``inferred`` forms are listed the same way: what follows from an
attested one where no source says it (a companion without a phone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["ATTESTED", "Attested"]

Source = Literal["attested", "inferred"]


@dataclass(frozen=True, slots=True)
class Attested:
    """A form seen in live traffic at ``path`` (dotted, list items ``*``), like ``value``."""

    path: str
    value: Any
    evidence: str
    source: Source = "attested"

    def describe(self) -> str:
        """One line for the catalog listing."""
        return f"{self.path}: {self.evidence} ({self.source})"


_PHONE = Attested(
    "data.personal_info.mobile_phone",
    {"country_code": 224, "number": "07903624233"},
    "an object {country_code, number} (national form) for a guest with a mobile, null "
    "without one: three consumers read .number; a REST sample shows "
    '{country_code: 224, number: "07903624233"}',
)

ATTESTED: dict[str, tuple[Attested, ...]] = {
    "Invoice.Closed": (
        Attested(
            "data.invoice.invoice_number_prefix",
            "CH",
            'beside invoice_number, two letters per center ("CH", "WV"): read by a consumer '
            "from stored real events",
        ),
        Attested(
            "data.invoice.guest.email",
            "guest@example.com",
            "the guest's e-mail beside the documented guest_email: read by two consumers; "
            "a 2023 changelog entry",
        ),
        Attested(
            "data.invoice.is_closed",
            False,
            "false at times (a payment that leaves a balance): noted from live traffic",
        ),
        Attested(
            "data.invoice.is_refund",
            True,
            "true for refunds, whose totals and amounts are negative: noted from live traffic",
        ),
        Attested(
            "data.invoice.total_price.sum_total",
            -42.5,
            "negative in a refund: noted from live traffic",
        ),
    ),
    **{name: (_PHONE,) for name in ("Guest.Created", "Guest.Updated", "Guest.Deleted")},
    "AppointmentGroup.Created": (
        Attested(
            "data.utm_source",
            "booknow",
            '"booknow" for bookings through Zenoti\'s widget, with the upstream source or an '
            'affiliate id in utm_medium ("google"); front-desk bookings carry none (we send "")',
        ),
        Attested(
            "data.invoice_number_prefix",
            "CH",
            'two letters per center in live traffic ("CH", "WV"); the documented sample shows '
            '"BEL1"',
        ),
    ),
    **{
        name: (
            Attested(
                "data.training_virtual_guests.*.mobile_phone",
                None,
                "null for a companion without a mobile, as the guest record's mobile_phone is",
                "inferred",
            ),
        )
        for name in ("Class.Booking.Approved", "Class.Booking.Rejected")
    },
}
