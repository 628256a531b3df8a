"""Progress output: a bar on a terminal, plain lines in CI, nothing when quiet."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from cli_support import ThreadSink, invoke

from mockzenoti.cli.progress import REDRAW, Progress, format_duration, resolve_mode


@dataclass
class FakeMetrics:
    states: dict[str, int] = field(default_factory=dict)
    accepted: int = 0


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


def progress(
    mode: str, total: int | None = 1000, width: int = 100
) -> tuple[Progress, FakeMetrics, FakeClock, io.StringIO]:
    metrics, clock, out = FakeMetrics(), FakeClock(), Terminal()
    shown = Progress(
        metrics,
        mode=mode,
        stream=out,
        total=lambda: total,  # type: ignore[arg-type]
        events_total=total,
        clock=clock,
        width=width,
    )
    return shown, metrics, clock, out


def test_the_bar_redraws_in_place_at_most_ten_times_a_second() -> None:
    bar, metrics, clock, out = progress("bar")
    for step in range(1, 201):  # two seconds of ticks every 10 ms
        clock.now += 0.01
        metrics.states["delivered"] = step * 2
        metrics.accepted = step * 2
        bar.tick()
    text = out.getvalue()
    draws = text.count("\r")
    assert 15 <= draws <= 2 * REDRAW + 1  # at most ten a second
    assert text.count("\x1b[K") == draws and "\n" not in text
    bar.finish()
    final = out.getvalue().rsplit("\r", 1)[1]
    assert final.endswith("\x1b[K\n")
    assert final.startswith(" 40% ") and "█" in final and "░" in final
    assert "400/1,000 delivered" in final and "events 400/1,000" in final
    assert "200/s" in final and "ETA 0:03" in final


def test_the_bar_without_a_total_shows_counts_and_elapsed_time() -> None:
    bar, metrics, clock, out = progress("bar", total=None)
    metrics.states.update(delivered=5, retrying=2, dead=1, held=3)
    clock.now += 7
    bar.tick()
    line = out.getvalue().strip("\r").removesuffix("\x1b[K")
    assert line == "5 delivered · 2 retrying · 1 dead · 3 held · 1/s · 0:07"


def test_the_bar_fits_a_narrow_terminal_dropping_details_first() -> None:
    for width, kept, dropped in [
        (120, ["events 500/1,000", "0 retrying", "0 dead"], []),
        (80, ["0 retrying", "0 dead", "█"], ["events"]),
        (40, [], ["events", "retrying", "dead", "█"]),
    ]:
        bar, metrics, clock, _ = progress("bar", width=width)
        clock.now += 1
        metrics.states["delivered"], metrics.accepted = 500, 500
        line = bar.bar_line(bar.snapshot())
        assert len(line) < width
        assert all(k in line for k in kept) and not any(d in line for d in dropped)
        assert "500/1,000 delivered" in line or width == 40


def test_plain_lines_come_every_interval_or_tenth_with_no_control_characters() -> None:
    lines, metrics, clock, out = progress("lines")
    for second in range(1, 31):  # 30 s: 0.2 % a second, then 6 % a second from 20 s
        clock.now += 1
        metrics.states["delivered"] = 2 * second if second < 20 else 40 + (second - 19) * 60
        lines.tick()
    metrics.states["delivered"] = 1000
    lines.finish()
    text = out.getvalue()
    assert "\r" not in text and "\x1b" not in text
    printed = text.splitlines()
    assert printed[0].startswith("progress 1% delivered=10 retrying=0 dead=0 held=0 ")
    shares = [p.split()[1] for p in printed[:-1]]
    assert shares == ["1%", "2%", "3%", "10%", "22%", "34%", "40%", "52%", "64%", "70%"]
    assert printed[-1].startswith("done 100% delivered=1000 ")
    assert "eta=" not in printed[-1] and "eta=" in printed[0]


def test_modes_are_resolved_from_the_option_the_terminal_and_quiet() -> None:
    assert resolve_mode("auto", False, Terminal()) == "bar"
    assert resolve_mode("auto", False, io.StringIO()) == "lines"
    assert resolve_mode("bar", True, Terminal()) == "none"
    assert resolve_mode("lines", False, Terminal()) == "lines"
    assert format_duration(3725) == "1:02:05" and format_duration(65) == "1:05"


def test_the_cli_prints_plain_lines_when_not_a_terminal(sink: ThreadSink) -> None:
    result = invoke("run", "class-lifecycle", "--events", "20", "--url", sink.url)
    assert result.exit_code == 0
    assert "\r" not in result.stderr and "\x1b" not in result.stderr
    assert "done 100% delivered=20 " in result.stderr
    assert "\r" not in result.stdout and "\x1b" not in result.stdout


def test_the_cli_draws_a_bar_when_told_it_is_a_terminal(sink: ThreadSink) -> None:
    result = invoke(
        "run",
        "class-lifecycle",
        "--events",
        "20",
        "--url",
        sink.url,
        env={"MOCKZENOTI_PROGRESS": "bar"},
    )
    assert result.exit_code == 0
    assert "\r" in result.stderr and "20/20 delivered" in result.stderr
    assert "done " not in result.stderr


def test_quiet_prints_only_the_summary(sink: ThreadSink) -> None:
    result = invoke("run", "class-lifecycle", "--events", "5", "--url", sink.url, "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.startswith("run 1 finished: all 5 deliveries delivered")
