"""Documented samples as real traffic carries them.

The docs show some samples with the full envelope and some as the bare
``data`` object; real traffic always carries the envelope (observed by a
consumer), so bare samples are wrapped in one here. Three samples are cut short
in every public copy; the parts we completed are listed in ``COMPLETIONS`` and
shown by the catalog. A few samples carry placeholders or typos that no real
sender could emit (``"<guid>"``, a GUID with a ``t`` in it); ``REPAIRS`` lists
each replacement and why. The fixture files themselves stay verbatim.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockzenoti.catalog.entries import CatalogEntry

__all__ = ["COMPLETIONS", "REPAIRS", "Completion", "Repair", "documented_event"]


@dataclass(frozen=True, slots=True)
class Repair:
    """Replace the value at ``path`` (dotted, list indexes as numbers) in a sample."""

    path: str
    value: Any
    why: str

    def describe(self) -> str:
        """One line for the catalog listing."""
        return f"{self.path}: {self.why}"


@dataclass(frozen=True, slots=True)
class Completion:
    """A part of a truncated sample that mockzenoti completed in the docs' style."""

    path: str
    what: str
    apply: Callable[[dict[str, Any]], None]

    def describe(self) -> str:
        """One line for the catalog listing."""
        return f"{self.path}: {self.what}"


# Envelope used to wrap data-only samples: the machine part seen in Zenoti's
# 2022 samples, a fixed second, and a counter per entry.
_WRAP_SECOND = 0x6239C000  # 2022-03-22T12:26:40Z
_WRAP_MACHINE = "a961750e01"

_CF_EMAIL = "Cloudflare's email obfuscation replaced the address in the public copy"
_PLACEHOLDER = "the docs show a placeholder, not a value"
_BAD_GUID = (
    "'t' is not a hex digit: a typo in the docs (t sits next to f on the keyboard); "
    "no sender emits it and the GUID pattern stays strict"
)

REPAIRS: dict[str, tuple[Repair, ...]] = {
    "Guest.OptedOut": (
        Repair(
            "data.id",
            "7c1f0b4e-93a2-4d6e-b0a8-5f2e61c4d7a9",
            _PLACEHOLDER + ' ("<guid>"): a lowercase GUID, as guest ids are written',
        ),
        Repair(
            "data._id",
            712345,
            _PLACEHOLDER + ' ("<bigint>"): an integer, as Guest.Created writes the guest\'s _id',
        ),
        Repair("data.details.email", "john.doe@example.com", _CF_EMAIL),
        *(
            r
            for i, number in enumerate(("2065550143", "2065550178", "2065550199"))
            for r in (
                Repair(
                    f"data.details.phone.{i}.country_code",
                    1,
                    _PLACEHOLDER + ' ("<country_code>"): an integer dialling code, as every '
                    "documented phone object writes country_code",
                ),
                Repair(
                    f"data.details.phone.{i}.number",
                    number,
                    _PLACEHOLDER + ' ("<number>"): a string of digits, as the Employee '
                    "samples' phone objects write number",
                ),
            )
        ),
    ),
    "Class.Booking.Approved": (
        Repair("data.center_id", "442af543-6b2c-7677-65f3-4dff40d43987", _BAD_GUID),
    ),
    "Class.Booking.Rejected": (
        Repair("data.center_id", "442af543-6b2c-7677-65f3-4dff40d43987", _BAD_GUID),
    ),
}


def _invoice_transaction(event: dict[str, Any]) -> None:
    invoice = event["data"]["invoice"]
    invoice["transactions"] = [
        {
            "id": "19ad50a1-270d-4110-a3f0-ef36535b40dd",
            "payment_type": 0,
            "name": "Cash",
            "payment_instrument_id": "00000000-0000-0000-0000-000000000000",
            "amount_paid": invoice["total_price"]["sum_total"],
            "transaction_date": "2022-03-11T14:22:41",
        }
    ]


def _invoice_total_paid(event: dict[str, Any]) -> None:
    invoice = event["data"]["invoice"]
    invoice["total_amount_paid"] = sum(t["amount_paid"] for t in invoice["transactions"])


def _membership_balance_item(event: dict[str, Any]) -> None:
    item = event["data"]["service_balance"][0]
    item["discount_details"] = {
        "discount_type": 0,
        "peak_discount": 0,
        "offpeak_discount": 0,
        "post_credit_peak_discount": 0,
        "post_credit_offpeak_discount": 0,
    }
    item["price"] = None


def _membership_auto_renewal(event: dict[str, Any]) -> None:
    event["data"]["auto_renewal"] = {
        "selected_option": {
            "renew_status": False,
            "is_expired": False,
            "renew_membership_amount": 0,
            "id": "35ddb48d-59c5-4d23-8e75-d47c9eb8056a",
            "name": event["data"]["membership"]["name"],
        }
    }


def _package_fourth_service(event: dict[str, Any]) -> None:
    item = event["data"]["services"][3]
    item["price"] = None
    item["package_service_price"] = item["balance_amount"] / item["balance"]
    item["sale_as_part_of_package_or_membership_only"] = False
    item["book_with_partial_balance"] = 1


COMPLETIONS: dict[str, tuple[Completion, ...]] = {
    "Invoice.Closed": (
        Completion(
            "data.invoice.transactions.0",
            "the docs stop after 'transactions: [ {'; one payment in Zenoti's field style: "
            "a GUID id, payment_type coded as the docs code class registration payments "
            "(Cash 0 ... Package 17; here 0), name and payment_instrument_id as that payment "
            "object has them (zero GUID: cash has no instrument), amount_paid (attested: "
            "the field a consumer reads from live traffic) equal to total_price.sum_total, "
            "transaction_date in the data datetime form",
            _invoice_transaction,
        ),
        Completion(
            "data.invoice.total_amount_paid",
            "the cut also lost what follows transactions; total_amount_paid, the sum of the "
            "payments' amount_paid (attested: another consumer reads it), ends the invoice",
            _invoice_total_paid,
        ),
    ),
    "Guest.Membership.Created": (
        Completion(
            "data.service_balance.0",
            "the docs stop after exists_in_current_center; the item ends with "
            "discount_details (five zero amounts) and price (null), the keys "
            "Guest.Membership.Reinstate's item carries after exists_in_current_center",
            _membership_balance_item,
        ),
        Completion(
            "data.auto_renewal",
            "the cut also lost what follows service_balance; Guest.Membership.Reinstate, "
            "whose keys are otherwise a subset of this sample's, ends with auto_renewal, so "
            "it is added in that shape (renew_status false for this non-recurring "
            "membership, the option named after it)",
            _membership_auto_renewal,
        ),
    ),
    "Guest.Package.Creation": (
        Completion(
            "data.services.3",
            "the docs stop after balance_amount in the fourth item; it gets the keys the "
            "other three carry after it: price null (as in all three), "
            "package_service_price = balance_amount / balance (as in the two other items "
            "with a balance), "
            "sale_as_part_of_package_or_membership_only false (two of three), "
            "book_with_partial_balance 1 (all three)",
            _package_fourth_service,
        ),
    ),
}


def _set(doc: Any, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    last = parts[-1]
    if isinstance(doc, list):
        doc[int(last)] = value
    else:
        doc[last] = value


def documented_event(entry: CatalogEntry) -> dict[str, Any] | None:
    """The entry's documented sample, enveloped, completed and repaired; None if undocumented."""
    raw = entry.raw_sample
    if raw is None:
        return None
    event: dict[str, Any] = copy.deepcopy(raw)
    if entry.sample_kind == "data-only":
        index = _wrap_order().index(entry.name)
        counter = 0xDDA100 + 4 * index
        event = {
            "id": f"{_WRAP_SECOND:08x}{_WRAP_MACHINE}{counter + 1:06x}",
            "event_id": f"{_WRAP_SECOND:08x}{_WRAP_MACHINE}{counter:06x}",
            "event_schema": "v1",
            "event_resource": entry.event_resource,
            "event_type": entry.event_type,
            "event_timestamp": "2022-03-22T12:26:40.5120417Z",
            "data": event,
        }
    else:
        event["event_type"] = entry.event_type
    for completion in COMPLETIONS.get(entry.name, ()):
        completion.apply(event)
    for repair in REPAIRS.get(entry.name, ()):
        _set(event, repair.path, copy.deepcopy(repair.value))
    return event


def _wrap_order() -> list[str]:
    from mockzenoti.catalog.entries import _ROWS

    return [r.name for r in _ROWS]
