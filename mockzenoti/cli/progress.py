"""Progress for long deliveries: a bar on a terminal, plain lines in CI logs.

``Progress`` reads the delivery ``Metrics`` counters (deliveries by state, events
accepted) that the engine keeps anyway; it subscribes to nothing, so watching
costs the engine nothing. On a terminal (``bar``) one line is redrawn in place at
most ``REDRAW`` times a second: a bar when the total is known, counts, rate and
ETA. Elsewhere (``lines``) a plain line is printed every ``interval`` seconds or
at each further tenth of the total, whichever comes first, at most once a second,
with no control characters. ``none`` prints nothing.

Failures show while they happen: both kinds of line name each failing target's
last error and when its next retry is due (``Metrics.targets``); once the first
attempts to a target have all failed, a plain ``warning:`` line says so with a
hint (``connection refused: is anything listening on 127.0.0.1:9?``), and when
timeouts pile up another points at ``--timeout`` and ``--concurrency``.

``resolve_mode("auto", quiet, stream)`` picks ``bar`` on a TTY, else ``lines``;
``MOCKZENOTI_PROGRESS`` / ``--progress`` force one (tests force ``bar``).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, TextIO

from mockzenoti.cli.hints import failing_line, short_error, timeouts_line

if TYPE_CHECKING:
    from mockzenoti.delivery.observe import TargetHealth

__all__ = ["REDRAW", "Mode", "Progress", "Snapshot", "format_duration", "resolve_mode"]

Mode = Literal["bar", "lines", "none"]
REDRAW = 10  # redraws per second at most, on a terminal
_SETTLED = ("delivered", "dead", "held", "discarded")
#: Timeouts that make a warning, when they are also a fifth of the attempts or more.
TIMEOUTS_WARNING = 5


class MetricsLike(Protocol):
    """What ``Progress`` reads: ``delivery.Metrics`` has it."""

    @property
    def states(self) -> Mapping[str, int]:
        """Deliveries by state."""

    @property
    def accepted(self) -> int:
        """Stream events accepted by this process."""

    @property
    def targets(self) -> Mapping[str, TargetHealth]:
        """Each target's answers so far, by name."""


def resolve_mode(choice: str, quiet: bool, stream: TextIO) -> Mode:
    """``none`` when quiet; ``auto``: ``bar`` on a terminal (not ``TERM=dumb``), else ``lines``."""
    if quiet or choice == "none":
        return "none"
    if choice in ("bar", "lines"):
        return choice  # type: ignore[return-value]
    isatty = getattr(stream, "isatty", None)
    tty = bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
    return "bar" if tty else "lines"


def format_duration(seconds: float) -> str:
    """``0:07``, ``12:34``, ``1:02:03``."""
    whole = max(0, round(seconds))
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The numbers one progress line shows."""

    delivered: int
    retrying: int
    dead: int
    held: int
    settled: int
    total: int | None
    events: int
    events_total: int | None
    rate: float
    elapsed: float
    problems: tuple[str, ...] = ()

    @property
    def fraction(self) -> float | None:
        """Settled deliveries over the expected total (None when unknown)."""
        if not self.total:
            return None
        return min(1.0, self.settled / self.total)

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate (None when unknown)."""
        if self.total is None or self.rate <= 0:
            return None
        return max(0, self.total - self.settled) / self.rate


class Progress:
    """Draws progress from delivery counters; see the module docstring.

    ``total()`` estimates the deliveries this process will settle (None:
    unknown); ``events_total`` is the events the stream will hand this
    process; ``events_offset`` the events a killed run had already accepted.
    ``urls`` names each target's URL (for the problems shown and the hints);
    ``warn_after``: failed attempts, none delivered, that make a target's
    warning; ``timeout``/``concurrency``: named in the timeouts warning;
    ``wall``: the clock retries are due by (the engine's: unix seconds).
    """

    def __init__(
        self,
        metrics: MetricsLike,
        *,
        mode: Mode,
        stream: TextIO,
        total: Callable[[], int | None] = lambda: None,
        events_total: int | None = None,
        events_offset: int = 0,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
        width: int | None = None,
        urls: Mapping[str, str] | None = None,
        warn_after: int = 3,
        timeout: float | None = None,
        concurrency: int | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.metrics = metrics
        self.mode: Mode = mode
        self.stream = stream
        self._total = total
        self._events_total = events_total
        self._events_offset = events_offset
        self._interval = interval
        self._clock = clock
        self._width = width
        self._start = clock()
        self._window: deque[tuple[float, int]] = deque()
        # lines: the first one after a second at least (a short run prints only "done")
        self._last_draw = float("-inf") if mode == "bar" else self._start
        self._last_tenth = 0
        self._drawn = False
        self._urls = dict(urls or {})
        self._warn_after = warn_after
        self._timeout = timeout
        self._concurrency = concurrency
        self._wall = wall
        self._warned: set[str] = set()
        encoding = (getattr(stream, "encoding", None) or "").lower()
        self._blocks = ("█", "░") if encoding.replace("-", "") == "utf8" else ("#", ".")

    # -- numbers -------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The current numbers (and one more sample for the rate)."""
        now = self._clock()
        states = self.metrics.states
        settled = sum(states.get(s, 0) for s in _SETTLED)
        window = self._window
        window.append((now, settled))
        while len(window) > 2 and now - window[0][0] > 5.0:
            window.popleft()
        elapsed = now - self._start
        t0, s0 = window[0]
        span = now - t0
        rate = (settled - s0) / span if span >= 0.5 else (settled / elapsed if elapsed > 0 else 0)
        return Snapshot(
            delivered=states.get("delivered", 0),
            retrying=states.get("retrying", 0),
            dead=states.get("dead", 0),
            held=states.get("held", 0),
            settled=settled,
            total=self._total(),
            events=self._events_offset + self.metrics.accepted,
            events_total=None
            if self._events_total is None
            else self._events_offset + self._events_total,
            rate=rate,
            elapsed=elapsed,
            problems=self.problems(),
        )

    def _health(self) -> Mapping[str, TargetHealth]:
        found: Mapping[str, TargetHealth] = getattr(self.metrics, "targets", {})
        return found

    def problems(self) -> tuple[str, ...]:
        """Each failing target: its URL, last error and when its next retry is due."""
        out = []
        now = self._wall()
        for name, health in self._health().items():
            if not health.failing:
                continue
            text = f"{self._urls.get(name, name)}: {short_error(health.last_error)}"
            due = health.next_retry_at
            if due is not None and due > now:
                text += f", next retry in {format_duration(due - now)}"
            elif (
                due is not None
                and health.last_failure_at is not None
                and due > health.last_failure_at
            ):
                text += ", retry due now"
            out.append(text)
        return tuple(out)

    def warnings(self) -> list[str]:
        """Warnings not given yet: targets whose first attempts all failed; piling timeouts."""
        out = []
        attempts = timeouts = 0
        for name, health in self._health().items():
            attempts += health.attempts
            timeouts += health.timeouts
            if name in self._warned or health.successes or health.attempts < self._warn_after:
                continue
            self._warned.add(name)
            out.append(failing_line(self._urls.get(name, name), health.attempts, health.last_error))
        piling = timeouts >= TIMEOUTS_WARNING and timeouts * 5 >= attempts
        if piling and "\0timeouts" not in self._warned:
            self._warned.add("\0timeouts")
            out.append(timeouts_line(timeouts, attempts, self._timeout, self._concurrency))
        return out

    def _warn(self) -> None:
        """Print the warnings due, each on a line of its own (above the bar)."""
        lines = self.warnings()
        if not lines:
            return
        clear = "\r\x1b[K" if self.mode == "bar" and self._drawn else ""
        self.stream.write(clear + "".join(line + "\n" for line in lines))
        self.stream.flush()

    # -- drawing -------------------------------------------------------------------------------

    def bar_line(self, snap: Snapshot) -> str:
        """The terminal line: bar (when the total is known), counts, rate, ETA.

        It never reaches the last column (a wrapped line cannot be redrawn in
        place): details are dropped first (events, retrying, held, dead), then
        the bar, then the end of the text.
        """
        done = (
            f"{snap.delivered:,}/{snap.total:,}"
            if snap.total is not None
            else f"{snap.delivered:,}"
        )
        eta = snap.eta
        tail = [
            f"{snap.rate:,.0f}/s",
            f"ETA {format_duration(eta)}" if eta is not None else format_duration(snap.elapsed),
        ]
        details = {
            "dead": f"{snap.dead:,} dead",
            "held": f"{snap.held:,} held" if snap.held else "",
            "retrying": f"{snap.retrying:,} retrying",
            "events": f"events {snap.events:,}/{snap.events_total:,}"
            if snap.events_total is not None
            else "",
        }
        columns = (self._width or shutil.get_terminal_size((100, 20)).columns) - 1
        fraction = snap.fraction
        trouble = snap.problems[:1]  # the first failing target; the line has no room for more
        for drop in ("", "events", "retrying", "held", "dead"):
            details.pop(drop, None)
            shown = [details[k] for k in ("retrying", "dead", "held", "events") if details.get(k)]
            text = " · ".join([f"{done} delivered", *shown, *tail, *trouble])
            if fraction is None:
                if len(text) <= columns:
                    return text
                continue
            room = min(30, columns - len(text) - 6)
            if room >= 10:
                full = int(fraction * room)
                filled, empty = self._blocks
                return f"{fraction:4.0%} {filled * full}{empty * (room - full)} {text}"
        line = text if fraction is None else f"{fraction:4.0%} {text}"
        return line[:columns]

    def plain_line(self, snap: Snapshot, word: str = "progress") -> str:
        """The CI line: ``progress 42% delivered=... rate=.../s eta=... elapsed=...``."""
        fields = [word]
        if snap.fraction is not None:
            fields.append(f"{snap.fraction:.0%}")
        fields += [
            f"delivered={snap.delivered}",
            f"retrying={snap.retrying}",
            f"dead={snap.dead}",
            f"held={snap.held}",
        ]
        if snap.events_total is not None:
            fields.append(f"events={snap.events}/{snap.events_total}")
        elif snap.events:
            fields.append(f"events={snap.events}")
        fields.append(f"rate={snap.rate:.0f}/s")
        if snap.eta is not None and word == "progress":
            fields.append(f"eta={format_duration(snap.eta)}")
        fields.append(f"elapsed={format_duration(snap.elapsed)}")
        line = " ".join(fields)
        if snap.problems and word == "progress":
            line += " | " + " | ".join(snap.problems)
        return line

    def tick(self) -> None:
        """Draw if it is time to (called about ``REDRAW`` times a second)."""
        if self.mode == "none":
            return
        self._warn()
        now = self._clock()
        if self.mode == "bar":
            if now - self._last_draw >= 1 / REDRAW:
                self._last_draw = now
                self._draw_bar(self.snapshot())
            return
        snap = self.snapshot()
        tenth = int((snap.fraction or 0) * 10)
        due = now - self._last_draw >= self._interval
        if (due or tenth > self._last_tenth) and now - self._last_draw >= 1.0 and tenth < 10:
            self._last_draw, self._last_tenth = now, tenth
            self.stream.write(self.plain_line(snap) + "\n")
            self.stream.flush()

    def _draw_bar(self, snap: Snapshot) -> None:
        self.stream.write("\r" + self.bar_line(snap) + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def finish(self) -> None:
        """The last state: the bar drawn once more and ended, or a final ``done`` line."""
        if self.mode == "none":
            return
        self._warn()
        snap = self.snapshot()
        if self.mode == "bar":
            self._draw_bar(snap)
            self.stream.write("\n")
        else:
            self.stream.write(self.plain_line(snap, "done") + "\n")
        self.stream.flush()

    async def run(self) -> None:
        """Tick until cancelled (run it as a task beside the delivery)."""
        if self.mode == "none":
            return
        while True:
            self.tick()
            await asyncio.sleep(1 / REDRAW)
