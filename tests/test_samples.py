"""Completions of the truncated samples and repairs of impossible values."""

from __future__ import annotations

import json
from typing import Any

from mockzenoti.catalog import load_catalog
from mockzenoti.catalog.formats import matches
from mockzenoti.catalog.samples import COMPLETIONS, REPAIRS

CATALOG = load_catalog()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_the_catalog_lists_the_three_completed_samples() -> None:
    completed = {e.name: e.completed for e in CATALOG if e.completed}
    assert set(completed) == {
        "Invoice.Closed",
        "Guest.Membership.Created",
        "Guest.Package.Creation",
    }
    assert completed["Invoice.Closed"][0].startswith("data.invoice.transactions.0: ")
    assert [c.split(":")[0] for c in completed["Guest.Membership.Created"]] == [
        "data.service_balance.0",
        "data.auto_renewal",
    ]
    assert completed["Guest.Package.Creation"][0].startswith("data.services.3: ")
    assert set(COMPLETIONS) == set(completed)


def test_invoice_transactions_carry_one_payment_and_the_fixture_stays_verbatim() -> None:
    entry = CATALOG.get("Invoice.Closed")
    assert entry.raw_sample["data"]["invoice"]["transactions"] == []
    sample = entry.sample
    assert sample is not None
    invoice = sample["data"]["invoice"]
    (transaction,) = invoice["transactions"]
    assert transaction["payment_type"] in range(18)
    # amount_paid, as consumers of live traffic read it; no invented "amount"
    assert "amount" not in transaction
    assert transaction["amount_paid"] == invoice["total_price"]["sum_total"]
    assert invoice["total_amount_paid"] == transaction["amount_paid"]
    assert list(invoice)[-2:] == ["transactions", "total_amount_paid"]
    assert matches("guid", transaction["id"])
    assert matches("datetime", transaction["transaction_date"])


def test_membership_balance_item_ends_as_reinstates_item_does() -> None:
    created = CATALOG.get("Guest.Membership.Created").sample
    reinstate = CATALOG.get("Guest.Membership.Reinstate").sample
    assert created is not None and reinstate is not None
    item = list(created["data"]["service_balance"][0])
    model = list(reinstate["data"]["service_balance"][0])
    tail = model[model.index("exists_in_current_center") :]
    assert item[-len(tail) :] == tail
    assert list(created["data"])[-2:] == ["service_balance", "auto_renewal"]
    assert set(created["data"]["auto_renewal"]["selected_option"]) == set(
        reinstate["data"]["auto_renewal"]["selected_option"]
    )


def test_package_fourth_service_has_the_keys_of_the_other_three() -> None:
    entry = CATALOG.get("Guest.Package.Creation")
    assert len(entry.raw_sample["services"][3]) < len(entry.raw_sample["services"][0])
    sample = entry.sample
    assert sample is not None
    services = sample["data"]["services"]
    assert all(list(s) == list(services[0]) for s in services)
    assert services[3]["package_service_price"] == services[3]["balance_amount"]


def test_repairs_are_listed_and_remove_every_placeholder() -> None:
    repaired = {e.name for e in CATALOG if e.repaired}
    assert (
        repaired
        == set(REPAIRS)
        == {
            "Guest.OptedOut",
            "Class.Booking.Approved",
            "Class.Booking.Rejected",
        }
    )
    opted_out = CATALOG.get("Guest.OptedOut")
    raw_text = json.dumps(opted_out.raw_sample)
    assert "<guid>" in raw_text and "[email" in raw_text  # the fixture stays verbatim
    texts = _strings(opted_out.sample)
    assert not [t for t in texts if t.startswith("<") or "protected" in t]
    assert all(r.why for rs in REPAIRS.values() for r in rs)
    for name in ("Class.Booking.Approved", "Class.Booking.Rejected"):
        entry = CATALOG.get(name)
        assert not matches("guid", entry.raw_sample["center_id"])
        sample = entry.sample
        assert sample is not None
        assert matches("guid", sample["data"]["center_id"])


def test_repaired_types_follow_the_documented_siblings() -> None:
    sample = CATALOG.get("Guest.OptedOut").sample
    assert sample is not None
    assert isinstance(sample["data"]["_id"], int)
    for phone in sample["data"]["details"]["phone"]:
        assert isinstance(phone["country_code"], int)
        assert phone["number"].isdigit()
