"""``ZenotiRun``: one batch of events the emitter is delivering, and how it went.

A run is started by ``zenoti_emitter.run`` (a scenario), ``emit`` (one
event) or ``send`` (your events, or a ``zenoti_world``'s). Its delivery runs
on the plugin's background loop; the handle waits for it from any loop
(``await run.wait_delivered()``) or none (``run.wait_delivered_sync()``), and
reads the outbox: ``deliveries`` (ids, state, attempts, last answer),
``attempts(event_id)`` (the attempt log), ``report`` once finished.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mockzenoti.delivery.outbox import Outbox
from mockzenoti.delivery.outbox.admin import spec_key
from mockzenoti.delivery.outbox.records import AttemptRecord, DeliveryRecord
from mockzenoti.delivery.policy import RetryPolicy
from mockzenoti.delivery.reports import RunReport
from mockzenoti.delivery.targets import Target
from mockzenoti.errors import MockZenotiError, NotFound
from mockzenoti.event import Event
from mockzenoti.testing.errors import DeliveryFailed, WaitTimeout
from mockzenoti.testing.loop import LoopThread, refuse_blocking

if TYPE_CHECKING:
    from mockzenoti.delivery.outbox.records import DeliveryDetail
    from mockzenoti.rest import Sandbox

__all__ = ["ZenotiRun"]

_SHOWN = 5  # deliveries listed in a failure message


class ZenotiRun:
    """A run of events being delivered to the emitter's target (see the module docstring).

    ``events`` are the ``Event``s sent, in stream order; ``expected`` the
    state a correct consumer ends in (scenario and world runs); ``target``
    and ``policy`` say where and how they are sent.
    """

    def __init__(
        self,
        *,
        thread: LoopThread,
        outbox: Outbox,
        target: Target,
        spec: dict[str, Any],
        label: str,
        events: Sequence[Event],
        expected: dict[str, Any] | None,
        task: asyncio.Task[RunReport],
        wait_timeout: float,
        sandbox: Sandbox | None = None,
    ) -> None:
        self._thread = thread
        self._outbox = outbox
        self._task = task
        self._key = spec_key(spec)
        self._run_id: int | None = None
        self._expected = expected
        self.spec = spec
        self.label = label
        self.target = target
        self.events: list[Event] = list(events)
        self.wait_timeout = wait_timeout
        self._sandbox = sandbox

    def __repr__(self) -> str:
        state = "finished" if self.done else "delivering"
        return f"<ZenotiRun {self.label}: {len(self.events)} events, {state}>"

    # -- what it is ------------------------------------------------------------------------

    @property
    def policy(self) -> RetryPolicy:
        """The retry policy its deliveries follow."""
        return self.target.policy

    @property
    def event(self) -> Event:
        """The first event (the only one of an ``emit``)."""
        return self.events[0]

    @property
    def expected(self) -> dict[str, Any]:
        """The expected final state after these events (``docs/truth.md``).

        Scenario runs and ``send(zenoti_world)`` have one; ``emit`` and
        ``send(events)`` do not (``MockZenotiError``). With ``zenoti_api``, it
        includes what the test's writes through ``/v1`` did.
        """
        sandbox = self._sandbox
        if sandbox is not None and self._expected is not None:
            current = self._thread.call_soon(sandbox.expected)
            if current is not None:
                return current
        if self._expected is None:
            raise MockZenotiError(
                f"{self.label} has no expected state: only scenario runs "
                "(zenoti_emitter.run) and world runs (send(zenoti_world)) have one",
                field="expected",
            )
        return self._expected

    @property
    def done(self) -> bool:
        """True once every delivery is settled (delivered, dead or held)."""
        return self._task.done()

    @property
    def report(self) -> RunReport | None:
        """The engine's report once finished, else None."""
        if self._task.done() and not self._task.cancelled() and self._task.exception() is None:
            return self._task.result()
        return None

    # -- the outbox ------------------------------------------------------------------------

    @property
    def run_id(self) -> int | None:
        """The outbox's number for this run (None until the engine has taken it in)."""
        if self._run_id is None:
            report = self.report
            if report is not None:
                self._run_id = report.run_id
            else:
                for run in self._outbox.list_runs(limit=1000):
                    if run.spec_key == self._key:
                        self._run_id = run.id
                        break
        return self._run_id

    @property
    def deliveries(self) -> list[DeliveryRecord]:
        """One record per event sent: ``event_id``, ``delivery_id`` (the envelope ``id``),
        ``event_type``, ``state``, ``attempts``, ``last_status``, ``last_error``.

        Exact once the run is done; while it runs, states lag by a flush.
        """
        run_id = self.run_id
        if run_id is None:
            return []
        out: list[DeliveryRecord] = []
        while True:
            page = self._outbox.list_deliveries(run_id=run_id, limit=10_000, offset=len(out))
            out.extend(page.items)
            if not page.items or len(out) >= page.total:
                return out

    def delivery(self, event_id: str | None = None) -> DeliveryDetail:
        """The delivery of ``event_id`` (default: the first event) with its attempt log and body."""
        event_id = event_id or self.event.event_id
        run_id = self.run_id
        page = None
        if run_id is not None:
            page = self._outbox.list_deliveries(run_id=run_id, event_id=event_id, limit=1)
        if page is None or not page.items:
            raise NotFound(f"{self.label} has no delivery of event {event_id}", field="event_id")
        return self._outbox.get_delivery(page.items[0].pk)

    def attempts(self, event_id: str | None = None) -> list[AttemptRecord]:
        """The attempt log (time, outcome, status, latency, answer) of one event's delivery."""
        return self.delivery(event_id).attempts

    # -- waiting ---------------------------------------------------------------------------

    async def wait_delivered(
        self, timeout: float | None = None, *, check: bool = True
    ) -> RunReport:
        """Wait until every delivery is settled; return the report.

        Raises ``WaitTimeout`` after ``timeout`` seconds (default: the
        settings' ``wait_timeout``) with what is still pending, and, with
        ``check`` (default), ``DeliveryFailed`` when anything went dead or was
        held, listing those deliveries and their last answers.
        """
        __tracebackhide__ = True
        report = await self._thread.run(self._wait(timeout))
        self._check(report, check)
        return report

    def wait_delivered_sync(self, timeout: float | None = None, *, check: bool = True) -> RunReport:
        """``wait_delivered`` for synchronous tests (blocks)."""
        __tracebackhide__ = True
        refuse_blocking("wait_delivered_sync", "await run.wait_delivered()")
        report = self._thread.call(self._wait(timeout))
        self._check(report, check)
        return report

    async def _wait(self, timeout: float | None) -> RunReport:
        __tracebackhide__ = True
        timeout = self.wait_timeout if timeout is None else timeout
        try:
            return await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            if self._task.done():
                return self._task.result()
            raise WaitTimeout(self._stuck_message(timeout)) from None

    def _check(self, report: RunReport, check: bool) -> None:
        __tracebackhide__ = True
        if check and not report.ok:
            raise DeliveryFailed(self._failed_message(report))

    # -- messages --------------------------------------------------------------------------

    def summary(self) -> str:
        """One line: what the run is, where it goes, with which policy."""
        return (
            f"{self.label} ({len(self.events)} events) to {self.target.url} "
            f"with retry policy {self.policy.spec!r}"
        )

    def _counts(self) -> str:
        run_id = self.run_id
        counts = self._outbox.counts(run_id=run_id) if run_id is not None else {}
        shown = ", ".join(f"{state} {n}" for state, n in counts.items() if n)
        return shown or "nothing accepted yet"

    def _lines(self, states: tuple[str, ...]) -> list[str]:
        run_id = self.run_id
        if run_id is None:
            return []
        page = self._outbox.list_deliveries(run_id=run_id, state=states, limit=_SHOWN)
        lines = []
        for d in page.items:
            lines.append(f"  {d.state:<10} {d.event_type} event_id={d.event_id}: {self._story(d)}")
        if page.total > len(page.items):
            lines.append(f"  ... and {page.total - len(page.items)} more")
        return lines

    def _story(self, d: DeliveryRecord) -> str:
        """How far one delivery got: its attempts and the last answer."""
        tries = f"{d.attempts} attempt{'' if d.attempts == 1 else 's'}"
        if d.state == "delivering":
            return f"attempt {d.attempts} waiting for an answer"
        if d.state == "pending":
            return "waiting to be sent" if not d.attempts else f"waiting after {tries}"
        last = f"last answer {d.last_status}" if d.last_status is not None else "no answer"
        if d.last_error:
            last += f" ({d.last_error})"
        detail = self._outbox.get_delivery(d.pk)
        response = next((a.response for a in reversed(detail.attempts) if a.response), None)
        if response:
            last += f": {response[:80]!r}"
        return f"{tries}, {last}"

    def _stuck_message(self, timeout: float) -> str:
        lines = [f"{self.summary()} was not delivered within {timeout}s: {self._counts()}."]
        lines.extend(self._lines(("pending", "delivering", "retrying")))
        lines.append("(Is the target listening, and is the event loop serving it free to run?)")
        return "\n".join(lines)

    def _failed_message(self, report: RunReport) -> str:
        lines = [f"{self.summary()} settled with deliveries not delivered: {self._counts()}."]
        lines.extend(self._lines(("dead", "held", "discarded")))
        if report.inactive_targets:
            lines.append(
                f"The target was deactivated (after {self.target.deactivate_after} "
                "dead deliveries in a row); the rest were held."
            )
        return "\n".join(lines)
