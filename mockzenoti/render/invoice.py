"""Invoice section: ``Invoice.Closed``.

The documented sample is cut short after ``"transactions": [ {``; a
transaction has the shape the catalog's completion gives it (``samples.py``),
with the paid amount in ``amount_paid`` as consumers of live traffic read it.
Beyond the sample, and attested by those consumers: ``invoice_number_prefix``
beside ``invoice_number``, the guest's ``email`` beside ``guest_email``,
``total_amount_paid`` after the transactions, ``is_closed: false`` when a
payment leaves a balance, and refunds (``is_refund: true``, negative amounts).
"""

from __future__ import annotations

from typing import Any

from mockzenoti.model import Invoice, InvoiceItem, Transaction
from mockzenoti.model.sales import round_cents
from mockzenoti.render._common import ZERO_GUID, midnight_utc, money, utc
from mockzenoti.render.appointment import appointment_item

__all__ = [
    "INVOICE_ITEM_CURRENCY_ID",
    "invoice_body",
    "invoice_closed",
    "receipt_text",
    "transaction",
]

# The only documented invoice item currency_id; what currency it stands for is not documented.
INVOICE_ITEM_CURRENCY_ID = 148


def receipt_text(invoice: Invoice) -> str:
    """The receipt number as Invoice.Closed and AppointmentGroup.Status write it ("0" if none)."""
    return "0" if invoice.receipt_number is None else f"R{invoice.receipt_number}"


def _item(item: InvoiceItem, sales: float, tax: float) -> dict[str, Any]:
    return {
        "invoice_item_id": item.id,
        "id": item.item_id,
        "name": item.name,
        "type": item.type,
        "code": item.code,
        "price": {
            "currency_id": INVOICE_ITEM_CURRENCY_ID,
            "sales": money(sales),
            "tax": money(tax),
            "final": money(sales + tax),
            "discount": money(item.discount),
        },
        "quantity": item.quantity,
        "sale_by_id": item.sold_by.id,
        "therapist_name": item.sold_by.name,
    }


def transaction(tx: Transaction) -> dict[str, Any]:
    """One payment of an invoice (the shape the catalog's completed sample gives it)."""
    return {
        "id": tx.id,
        "payment_type": tx.payment_type,
        "name": tx.name,
        "payment_instrument_id": tx.instrument_id,
        "amount_paid": money(tx.amount),
        "transaction_date": utc(tx.ticks),
    }


def invoice_closed(invoice: Invoice) -> dict[str, Any]:
    """``Invoice.Closed`` data for a closed invoice, or one a payment left open.

    ``invoice_date`` is the UTC instant of local midnight of the day of the
    event (the sample's ``08:00:00`` for a Pacific-winter center): the day the
    invoice closed, or the day of the payment that left it open. An open
    invoice is written ``is_closed: false``, unlocked, receipt ``"0"``.
    """
    at = invoice.closed_ticks if invoice.closed_ticks is not None else invoice.paid_ticks
    if at is None:
        raise ValueError(f"invoice {invoice.id} is neither closed nor paid in part")
    return {"invoice": invoice_body(invoice)}


def invoice_body(invoice: Invoice) -> dict[str, Any]:
    """The invoice object of ``Invoice.Closed``, for an open invoice too (REST's invoice).

    Dated the day it closed, else the day of its last payment, else the day it
    opened. An open invoice is ``lock``/``is_closed`` false, with no receipt
    (``"0"``); one nobody paid has no transactions.
    """
    center = invoice.center
    guest = invoice.guest
    group = invoice.group
    # Each line's amounts once (the same arithmetic as InvoiceItem and Invoice).
    items = []
    net = tax = 0.0
    for item in invoice.items:
        line_sales = round_cents(item.list_price * item.quantity - item.discount)
        line_tax = round_cents(line_sales * item.tax_rate)
        net += line_sales
        tax += line_tax
        items.append(_item(item, line_sales, line_tax))
    net, tax = round_cents(net), round_cents(tax)
    closed = invoice.closed_ticks is not None
    day = invoice.closed_ticks if closed else invoice.paid_ticks
    if day is None:
        day = invoice.opened_ticks
    transactions = invoice.transactions
    paid = transactions[0].amount if len(transactions) == 1 else invoice.paid
    return {
        "id": invoice.id,
        "invoice_number": str(invoice.number),
        "invoice_number_prefix": center.invoice_prefix,
        "receipt_number": receipt_text(invoice),
        "appointment_group_id": group.id if group is not None else ZERO_GUID,
        "lock": closed,
        "is_closed": closed,
        "is_refund": invoice.is_refund,
        "invoice_date": midnight_utc(day, center.tz),
        "center_id": center.id,
        "total_price": {
            "currency_id": 0,
            "net_price": money(net),
            "tax": money(tax),
            "rounding_adjustment": 0,
            "sum_total": money(net + tax),
        },
        "guest": {
            "id": guest.id,
            "first_name": guest.first_name,
            "last_name": guest.last_name,
            "gender": guest.gender,
            "code": guest.code,
            "mobile_phone": guest.mobile.display if guest.mobile is not None else "",
            "guest_email": guest.email,
            "email": guest.email,
        },
        "invoice_items": items,
        "appointments": (  # a refund has no appointments of its own
            [appointment_item(a) for a in group.appointments]
            if group is not None and not invoice.is_refund
            else []
        ),
        "transactions": [transaction(t) for t in transactions],
        "total_amount_paid": money(paid),
    }
