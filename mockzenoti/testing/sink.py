"""The ``zenoti_sink`` fixture: one recording receiver per session, a fresh view per test.

``SinkServer`` runs a ``mockzenoti.sink.Sink`` on 127.0.0.1 (ephemeral port)
on the plugin's background loop for the whole session. Each test gets a
``ZenotiSink``: the server reset to the test's settings, with reading
helpers, assertions that explain themselves, and waits that work from any
event loop (``await sink.wait_for(3)``) or none (``sink.wait_for_sync(3)``).
Everything that changes the sink's state runs on the background loop's
thread, so recording and waiting are thread-safe.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import fields as dataclass_fields
from typing import Any

from mockzenoti.sink import Sink, SinkCall, SinkSettings
from mockzenoti.testing.errors import WaitTimeout
from mockzenoti.testing.loop import LoopThread
from mockzenoti.testing.matching import describe_fields, matches, no_match_message, type_counts
from mockzenoti.testing.settings import ZenotiSettings

__all__ = ["SinkServer", "ZenotiSink", "sink_settings_for"]


def sink_settings_for(settings: ZenotiSettings) -> SinkSettings:
    """What the sink answers in a test: verify signatures when the test signs them."""
    if settings.scheme == "none" or settings.secret is None:
        return SinkSettings()
    return SinkSettings(secrets=(settings.secret,), scheme=settings.scheme)  # type: ignore[arg-type]


def _accepted(call: SinkCall) -> bool:
    return 200 <= call.status < 300 and call.json is not None


class SinkServer:
    """The session's sink, serving on the background loop until ``stop()``."""

    def __init__(self, thread: LoopThread) -> None:
        self.thread = thread
        self.sink = Sink()
        self.url = thread.call(self.sink.start())

    def restore(self, settings: SinkSettings) -> None:
        """Forget every call and answer as ``settings`` say (on the loop's thread)."""

        def apply() -> None:
            self.sink.configure(
                **{f.name: getattr(settings, f.name) for f in dataclass_fields(settings)}
            )
            self.sink.reset()

        self.thread.call_soon(apply)

    def stop(self) -> None:
        """Stop serving."""
        self.thread.call(self.sink.stop())


class _Tally:
    """Counts the calls ``predicate`` accepts, scanning only calls it has not seen."""

    def __init__(self, sink: Sink, predicate: Callable[[SinkCall], bool]) -> None:
        self.sink, self.predicate = sink, predicate
        self.seen = self.count = 0

    def __call__(self) -> int:
        calls = self.sink.calls
        if len(calls) < self.seen:  # cleared meanwhile
            self.seen = self.count = 0
        for call in calls[self.seen :]:
            self.count += self.predicate(call)
        self.seen = len(calls)
        return self.count


class ZenotiSink:
    """The session's sink as one test sees it (the ``zenoti_sink`` fixture).

    ``url`` receives webhooks on any path. ``events`` are the parsed payloads
    the sink accepted (2xx), in arrival order, duplicates included; ``calls``
    are every request (``method``, ``headers``, ``body``, ``json``, ``status``:
    the answer given, ``signature_ok``, ``attempt``, ``duplicate``).
    """

    def __init__(self, server: SinkServer, settings: ZenotiSettings) -> None:
        self._server = server
        self._sink = server.sink
        self._thread = server.thread
        self._baseline = sink_settings_for(settings)
        self.wait_timeout = settings.wait_timeout
        server.restore(self._baseline)

    # -- reading ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>/``: post webhooks here (any path)."""
        return self._server.url

    @property
    def settings(self) -> SinkSettings:
        """How the sink answers now."""
        return self._sink.settings

    @property
    def calls(self) -> list[SinkCall]:
        """Every request received, in arrival order (a snapshot)."""
        return list(self._sink.calls)

    @property
    def call_count(self) -> int:
        """Requests received."""
        return len(self._sink.calls)

    @property
    def events(self) -> list[Any]:
        """Parsed payloads the sink accepted (2xx), in arrival order, duplicates included."""
        return [c.json for c in self.calls if _accepted(c)]

    @property
    def last(self) -> Any:
        """The last accepted payload, or None."""
        events = self.events
        return events[-1] if events else None

    def events_of(self, event_type: str | None = None, /, **fields: Any) -> list[Any]:
        """Accepted payloads of ``event_type`` (None: any) whose ``fields`` match (see matching)."""
        return [e for e in self.events if matches(e, event_type, fields)]

    def counts(self) -> dict[str, int]:
        """Requests, accepted, rejected, unique events, duplicates, bad signatures."""
        return self._sink.counts()

    # -- asserting -------------------------------------------------------------------------

    def assert_received(self, event_type: str | None = None, /, **fields: Any) -> Any:
        """Assert an accepted event of ``event_type`` matches ``fields``; return the first one.

        ``fields`` name data keys (``registration_id=4242``), envelope keys
        (``event_id=...``) or dotted paths (``**{"data.guest.first_name": "Maya"}``);
        a dict value matches a subset, a callable is a predicate. The failure
        lists the closest events received, same type first.
        """
        __tracebackhide__ = True
        events = self.events
        for event in events:
            if matches(event, event_type, fields):
                return event
        rejected = self.call_count - len(events)
        raise AssertionError(
            no_match_message("zenoti_sink", events, event_type, fields, rejected=rejected)
        )

    def assert_not_received(self, event_type: str | None = None, /, **fields: Any) -> None:
        """Assert no accepted event of ``event_type`` matches ``fields``."""
        __tracebackhide__ = True
        found = self.events_of(event_type, **fields)
        if found:
            ids = ", ".join(str(e.get("event_id")) for e in found[:5])
            raise AssertionError(
                f"zenoti_sink received {len(found)} x {describe_fields(event_type, fields)} "
                f"(event_id {ids}{', ...' if len(found) > 5 else ''})"
            )

    # -- waiting ---------------------------------------------------------------------------

    async def wait_for(
        self,
        n: int = 1,
        *,
        timeout: float | None = None,
        event_type: str | None = None,
        calls: bool = False,
        **fields: Any,
    ) -> list[Any]:
        """Wait until ``n`` accepted events (of ``event_type``, matching ``fields``) arrived.

        ``calls=True`` counts requests of any answer instead. Returns the
        matching events; raises ``WaitTimeout`` saying what arrived. Works from
        any event loop: the wait runs on the plugin's loop.
        """
        __tracebackhide__ = True
        return await self._thread.run(self._wait(n, timeout, event_type, calls, fields))

    def wait_for_sync(
        self,
        n: int = 1,
        *,
        timeout: float | None = None,
        event_type: str | None = None,
        calls: bool = False,
        **fields: Any,
    ) -> list[Any]:
        """``wait_for`` for synchronous tests (blocks)."""
        __tracebackhide__ = True
        return self._thread.call(self._wait(n, timeout, event_type, calls, fields))

    async def _wait(
        self,
        n: int,
        timeout: float | None,
        event_type: str | None,
        calls: bool,
        fields: Mapping[str, Any],
    ) -> list[Any]:
        __tracebackhide__ = True
        timeout = self.wait_timeout if timeout is None else timeout
        if calls:
            tally = _Tally(self._sink, lambda c: True)
        else:
            tally = _Tally(
                self._sink, lambda c: _accepted(c) and matches(c.json, event_type, fields)
            )
        try:
            await self._sink.wait_until(lambda: tally() >= n, timeout)
        except TimeoutError:
            raise WaitTimeout(
                self._timeout_message(n, timeout, event_type, calls, fields)
            ) from None
        return self.calls if calls else self.events_of(event_type, **fields)

    def _timeout_message(
        self, n: int, timeout: float, event_type: str | None, calls: bool, fields: Mapping[str, Any]
    ) -> str:
        all_calls = self.calls
        events = [c.json for c in all_calls if _accepted(c)]
        if calls:
            wanted, got = f"{n} requests", len(all_calls)
        else:
            wanted = f"{n} x {describe_fields(event_type, fields)}"
            got = sum(1 for e in events if matches(e, event_type, fields))
        lines = [f"zenoti_sink.wait_for timed out after {timeout}s: wanted {wanted}, got {got}."]
        if events:
            lines.append(f"Accepted {len(events)} events: {type_counts(events)}.")
        else:
            lines.append("No event was accepted.")
        errors = Counter(
            f"{c.status} ({c.reason})" if c.reason else str(c.status)
            for c in all_calls
            if not _accepted(c)
        )
        if errors:
            answers = ", ".join(f"{k} x{v}" for k, v in errors.most_common())
            lines.append(f"Answered {sum(errors.values())} requests with an error: {answers}.")
        return "\n".join(lines)

    # -- changing --------------------------------------------------------------------------

    def configure(self, **changes: Any) -> SinkSettings:
        """Change how the sink answers in this test (``fail_first=2``, ``status=503``,
        ``latency=0.2``, ``retry_after="1"`` ...; see ``SinkSettings``)."""
        return self._thread.call_soon(lambda: self._sink.configure(**changes))

    def clear(self) -> None:
        """Forget every call received so far (settings stay)."""
        self._thread.call_soon(self._sink.reset)

    def reset(self) -> None:
        """Forget every call and restore the test's settings (what each test starts with)."""
        self._server.restore(self._baseline)
