"""The catalog's index: names, sections, naming status, renames."""

from __future__ import annotations

import pytest

from mockzenoti.catalog import load_catalog
from mockzenoti.errors import ConfigError, UnknownEventType


def test_catalog_has_every_documented_type_and_the_inferred_ones() -> None:
    catalog = load_catalog()
    assert len(catalog) == 36
    kinds = [e.sample_kind for e in catalog]
    assert kinds.count("envelope") == 18
    assert kinds.count("data-only") == 17
    assert catalog.get("Guest.OptedIn").shape_of == "Guest.OptedOut"
    assert catalog.get("Class.Booking.Approved").inferred
    assert not catalog.get("Class.Booking.NoShow").inferred


def test_unknown_type_suggests_closest_names() -> None:
    with pytest.raises(UnknownEventType) as info:
        load_catalog().get("Class.Booking.Noshow")
    assert "Class.Booking.NoShow" in info.value.suggestions


def test_inferred_names_can_be_renamed_and_documented_ones_cannot() -> None:
    catalog = load_catalog(renames={"Appointment.Started": "Appointment.Start"})
    entry = catalog.get("Appointment.Started")
    assert entry.event_type == "Appointment.Start"
    assert catalog.get("Appointment.Start") is entry
    with pytest.raises(ConfigError) as info:
        load_catalog(renames={"Guest.Created": "Guest.New"})
    assert info.value.field == "event_types.Guest.Created"
    with pytest.raises(UnknownEventType):
        load_catalog(renames={"Nope.Event": "X"})


def test_data_only_samples_are_wrapped_in_an_envelope() -> None:
    entry = load_catalog().get("Guest.Package.Redemption")
    sample = entry.sample
    assert sample is not None
    assert set(sample) == {
        "id",
        "event_id",
        "event_schema",
        "event_resource",
        "event_type",
        "event_timestamp",
        "data",
    }
    assert sample["data"] == entry.raw_sample
