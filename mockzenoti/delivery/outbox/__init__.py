"""The durable outbox: SQLite tables for events, deliveries, attempts, targets and runs."""

from __future__ import annotations

from mockzenoti.delivery.outbox.admin import spec_key
from mockzenoti.delivery.outbox.box import Outbox
from mockzenoti.delivery.outbox.records import (
    AttemptRecord,
    DeliveryDetail,
    DeliveryRecord,
    EventRecord,
    Page,
    RunRecord,
    TargetRecord,
)
from mockzenoti.delivery.outbox.schema import STATES, UNSETTLED
from mockzenoti.delivery.outbox.store import DEFAULT_OUTBOX, Database, StoredDelivery, WriteBatch

__all__ = [
    "DEFAULT_OUTBOX",
    "STATES",
    "UNSETTLED",
    "AttemptRecord",
    "Database",
    "DeliveryDetail",
    "DeliveryRecord",
    "EventRecord",
    "Outbox",
    "Page",
    "RunRecord",
    "StoredDelivery",
    "TargetRecord",
    "WriteBatch",
    "spec_key",
]
