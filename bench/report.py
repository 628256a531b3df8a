"""Turning outcomes into ratios, goal verdicts, the printed table and the JSON document."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from bench.metrics import median
from bench.registry import Goal, Measurement, Outcome

__all__ = ["CPU_FIGURE", "combine_rounds", "evaluate", "fmt", "render_table", "summary"]

# The detail that gives events per second of the measured process's own CPU
# time: ratios of it are shown beside wall-clock ratios (steadier when shared).
CPU_FIGURE = "events_per_cpu_s"

_WIDTHS = (30, 12, 10, 28, 7, 9, 6)
_HEADER = ("measurement", "figure", "unit", "vs reference", "ratio", "goal", "result")


def fmt(x: Any) -> str:
    """A figure for the table: thousands grouped when large, 3 significant digits when small."""
    if isinstance(x, list | tuple):
        return "/".join(fmt(v) for v in x)
    if x is None or isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    if math.isinf(x) or math.isnan(x):
        return str(x)
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def combine_rounds(outcomes: Sequence[Outcome]) -> Outcome:
    """One outcome from several rounds: the median value, the details of the median round.

    ``details["round_values"]`` lists every round's value when there was more than one.
    """
    measured = [o for o in outcomes if o.value is not None]
    if not measured:
        return outcomes[-1]
    mid = median([o.value for o in measured if o.value is not None])
    closest = min(measured, key=lambda o: abs((o.value or 0.0) - mid))
    details = dict(closest.details)
    if len(outcomes) > 1:
        details["round_values"] = [o.value for o in outcomes]
    notes = "; ".join(sorted({o.note for o in outcomes if o.note}))
    return Outcome(mid, details, notes)


def _observed(goal: Goal, outcome: Outcome, ratios: dict[str, float | None]) -> float | None:
    if goal.figure == "value":
        return outcome.value
    if goal.figure.startswith("vs:"):
        return ratios.get(goal.figure[3:])
    value = outcome.details.get(goal.figure)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _figure(outcome: Outcome | None, per_cpu: bool) -> float | None:
    if outcome is None:
        return None
    if not per_cpu:
        return outcome.value
    x = outcome.details.get(CPU_FIGURE)
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def _ratio(name: str, ref: str, results: dict[str, Outcome], per_cpu: bool = False) -> float | None:
    mine, base = _figure(results.get(name), per_cpu), _figure(results.get(ref), per_cpu)
    if mine is None or not base:
        return None
    return mine / base


def _median_ratio(
    name: str, ref: str, rounds: Sequence[dict[str, Outcome]], per_cpu: bool
) -> tuple[float | None, list[float | None]]:
    within = [_ratio(name, ref, r, per_cpu) for r in rounds]
    measured = [x for x in within if x is not None]
    return (median(measured) if measured else None), within


def evaluate(
    measurement: Measurement,
    outcome: Outcome,
    results: dict[str, Outcome],
    rounds: Sequence[dict[str, Outcome]] = (),
) -> dict[str, Any]:
    """The JSON entry of one measurement: figure, details, ratios to references, goal verdicts.

    With ``rounds`` (each round's outcomes), a ratio is the median of the
    ratios measured within each round, side by side, rather than the ratio of
    two medians taken at different moments of a noisy machine.
    """
    refs = list(measurement.refs)
    refs += [g.figure[3:] for g in measurement.goals if g.figure.startswith("vs:")]
    ratios: dict[str, float | None] = {}
    cpu_ratios: dict[str, float] = {}
    per_round: dict[str, list[float | None]] = {}
    mine = {**results, measurement.name: outcome}
    for ref in dict.fromkeys(refs):
        ratios[ref], per_round[ref] = _median_ratio(measurement.name, ref, rounds, False)
        if ratios[ref] is None:
            ratios[ref] = _ratio(measurement.name, ref, mine)
        cpu, _ = _median_ratio(measurement.name, ref, rounds, True)
        cpu = cpu if cpu is not None else _ratio(measurement.name, ref, mine, True)
        if cpu is not None:
            cpu_ratios[ref] = cpu
    goals = []
    for goal in measurement.goals:
        observed = _observed(goal, outcome, ratios)
        goals.append(
            {
                "figure": goal.figure,
                "op": goal.op,
                "target": goal.target,
                "observed": observed,
                "pass": None if observed is None else goal.holds(observed),
            }
        )
    return {
        "unit": measurement.unit,
        "value": outcome.value,
        "doc": measurement.doc,
        "details": outcome.details,
        "note": outcome.note,
        "ratios": ratios,
        "ratio_rounds": per_round,
        "cpu_ratios": cpu_ratios,
        "goals": goals,
    }


def _row(*cells: str) -> str:
    out = []
    for i, (cell, width) in enumerate(zip(cells, _WIDTHS, strict=True)):
        out.append(cell.rjust(width) if i in (1, 4, 5) else cell.ljust(width))
    return "  ".join(out).rstrip()


def _verdict(goal: dict[str, Any]) -> tuple[str, str]:
    text = f"{goal['op']} {goal['target']:g}"
    return text, {True: "PASS", False: "FAIL", None: "n/a"}[goal["pass"]]


def render_table(entries: dict[str, dict[str, Any]], width: int = 120) -> str:
    """The aligned table printed at the end of a run."""
    lines = [_row(*_HEADER), _row(*("-" * w for w in _WIDTHS))]
    for name, e in entries.items():
        value = "skipped" if e["value"] is None else fmt(e["value"])
        sub: list[tuple[str, str, str, str, str, str, str]] = []
        for goal in e["goals"]:
            if goal["figure"] == "value":
                sub.append(("", "", "", "", "", *_verdict(goal)))
        for ref, ratio in e["ratios"].items():
            goal = next((g for g in e["goals"] if g["figure"] == f"vs:{ref}"), None)
            verdict = _verdict(goal) if goal else ("", "")
            sub.append(("", "", "", ref, "n/a" if ratio is None else f"{ratio:.2f}", *verdict))
            cpu = e.get("cpu_ratios", {}).get(ref)
            if cpu is not None:
                sub.append(("", "", "", "  same, per CPU-second", f"{cpu:.2f}", "", ""))
        for goal in e["goals"]:
            if goal["figure"] != "value" and not goal["figure"].startswith("vs:"):
                observed = "n/a" if goal["observed"] is None else fmt(goal["observed"])
                sub.append((f"  {goal['figure']}", observed, "", "", "", *_verdict(goal)))
        first = sub.pop(0) if sub and not sub[0][0] else ("",) * 7
        lines.append(_row(name, value, e["unit"], *first[3:]))
        lines += [_row(*s) for s in sub]
        shown = {g["figure"] for g in e["goals"]}
        extra = [f"{k}={fmt(v)}" for k, v in e["details"].items() if k not in shown]
        if extra:
            lines.append(_wrap("    ", ", ".join(extra), width))
        if e["note"]:
            lines.append(_wrap("    note: ", e["note"], width))
    return "\n".join(lines)


def _wrap(prefix: str, text: str, width: int) -> str:
    words, lines, line = text.split(" "), [], prefix
    for word in words:
        if len(line) + len(word) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = " " * len(prefix)
        line += word + " "
    lines.append(line.rstrip())
    return "\n".join(lines)


def summary(entries: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Counts of goals passed, failed and not evaluated, and of skipped measurements."""
    verdicts = [g["pass"] for e in entries.values() for g in e["goals"]]
    return {
        "goals_passed": verdicts.count(True),
        "goals_failed": verdicts.count(False),
        "goals_not_evaluated": verdicts.count(None),
        "skipped": sum(e["value"] is None for e in entries.values()),
    }
