"""The plugin's fixtures used directly in this project's own suite (strict mode).

The subprocess tests prove the plugin from outside; these cover the rest of
the emitter's inputs (raw payloads, Events, lists, YAML files) and settings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mockzenoti.errors import ConfigError, MockZenotiError, NotFound, OverrideError
from mockzenoti.generator import generate, generate_many
from mockzenoti.testing.emitter import ZenotiEmitter
from mockzenoti.testing.sink import ZenotiSink

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"


@pytest.mark.asyncio
async def test_raw_payloads_and_events_go_as_given(
    zenoti_emitter: ZenotiEmitter, zenoti_sink: ZenotiSink
) -> None:
    run = await zenoti_emitter.emit({"event_type": "Custom.Thing", "data": {"x": 1}}, {"data.x": 2})
    assert zenoti_sink.last == {**run.event.payload, "data": {"x": 2}}
    assert len(run.event.event_id) == 24 and run.event.id != run.event.event_id
    with pytest.raises(MockZenotiError, match="has no expected state"):
        _ = run.expected

    event = generate("Guest.Created", seed=1)
    await zenoti_emitter.emit(event, {"data.code": "NOPE"})
    assert zenoti_sink.last["data"]["code"] == "NOPE" != event.payload["data"]["code"]
    assert zenoti_sink.last["event_id"] == event.event_id


@pytest.mark.asyncio
async def test_send_a_list_then_clear(
    zenoti_emitter: ZenotiEmitter, zenoti_sink: ZenotiSink
) -> None:
    events = list(generate_many("Guest.Updated", 5, seed=3))
    run = await zenoti_emitter.send(events)
    await run.wait_delivered()
    assert {e["event_id"] for e in zenoti_sink.events} == {e.event_id for e in events}
    assert zenoti_sink.events_of("Guest.Updated") == zenoti_sink.events
    assert zenoti_sink.events_of("Guest.Created") == []
    zenoti_sink.clear()
    assert zenoti_sink.events == [] and zenoti_sink.call_count == 0
    with pytest.raises(ConfigError, match="Event objects"):
        await zenoti_emitter.send([{"event_type": "x"}])  # type: ignore[list-item]


@pytest.mark.zenoti(outbox="tmp")
def test_a_file_outbox_in_tmp_path(zenoti_emitter: ZenotiEmitter, tmp_path: Path) -> None:
    run = zenoti_emitter.emit_sync("Guest.Created")
    assert (tmp_path / "zenoti-outbox.sqlite").exists()
    assert run.delivery().body == run.event.body()
    assert [a.outcome for a in run.attempts()] == ["success"]
    with pytest.raises(NotFound, match="has no delivery of event nope"):
        run.delivery("nope")


def test_a_yaml_scenario_file(zenoti_emitter: ZenotiEmitter, zenoti_sink: ZenotiSink) -> None:
    run = zenoti_emitter.run_sync(SCENARIOS / "no-show-after-cancel.yaml", seed=1)
    states = {b["state"] for b in run.expected["bookings"].values()}
    assert {"noshow", "cancelled"} <= states
    zenoti_sink.assert_received("Class.Booking.NoShow")
    assert len(zenoti_sink.events) == run.expected["events"] == len(run.events)


def test_what_emit_and_run_refuse(zenoti_emitter: ZenotiEmitter) -> None:
    with pytest.raises(ConfigError, match="never ends"):
        zenoti_emitter.run_sync("soak")
    with pytest.raises(OverrideError):
        zenoti_emitter.emit_sync("Guest.Created", {"data.no_such_field": 1})
    with pytest.raises(ConfigError, match="an event type, an Event or a payload dict"):
        zenoti_emitter.emit_sync(42)  # type: ignore[arg-type]
    assert zenoti_emitter.runs == []
