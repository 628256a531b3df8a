"""Measurements of mockzenoti itself: start-up and imports.

``startup_help`` (wall time of ``mockzenoti --help``) and ``lazy_imports``
(the commands in ``IMPORT_CHECKS`` load none of ``HEAVY``). The end-to-end
ones (``generation_day``, ``delivery_soak``, ``memory_soak``, ``rate_1000``)
are in ``bench.mz_pending``.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path

from bench.metrics import median
from bench.procs import bench_env, run_bounded
from bench.registry import Bound, Context, Goal, Outcome, register

__all__ = ["HEAVY", "IMPORT_CHECKS", "heavy_modules", "imported_modules", "mockzenoti_command"]

# Commands that must start light: neither may import aiohttp or the server.
IMPORT_CHECKS: tuple[tuple[str, ...], ...] = (
    ("--help",),
    ("events",),
    ("generate", "Class.Booking.NoShow", "--count", "10"),
    ("run", "--help"),
    ("locust", "--help"),
)

# Modules that offline commands must not load.
HEAVY = ("aiohttp", "uvloop", "mockzenoti.server", "mockzenoti.delivery", "mockzenoti.sink")

_IMPORTS_SCRIPT = """
import json, sys
out = sys.argv.pop(1)
try:
    from mockzenoti.cli import main
    main(sys.argv[1:])
except SystemExit:
    pass
finally:
    with open(out, "w") as f:
        json.dump(sorted(sys.modules), f)
"""


def mockzenoti_command(python: str) -> list[str]:
    """The ``mockzenoti`` console script next to ``python`` (or ``python -m mockzenoti``)."""
    script = Path(python).parent / "mockzenoti"
    return [str(script)] if script.exists() else [python, "-m", "mockzenoti"]


def imported_modules(python: str, args: tuple[str, ...], root: Path) -> list[str]:
    """The modules loaded by a ``mockzenoti ARGS`` run (output discarded), sorted."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "modules.json"
        done = run_bounded(
            [python, "-c", _IMPORTS_SCRIPT, str(out), *args],
            timeout=60,
            cwd=Path(tmp),
            env=bench_env(root),
        )
        if not out.exists():
            raise RuntimeError(f"mockzenoti {' '.join(args)} did not finish: {done.stderr[-500:]}")
        modules: list[str] = json.loads(out.read_text())
    return modules


def heavy_modules(modules: list[str]) -> list[str]:
    """The entries of ``HEAVY`` that ``modules`` loaded (a package or any submodule)."""
    loaded = set(modules)
    return [h for h in HEAVY if h in loaded or any(m.startswith(h + ".") for m in loaded)]


@register(
    "startup_help",
    "ms",
    full=Bound(20, 30.0),
    quick=Bound(3, 10.0),
    goals=(Goal("value", "<=", 150),),
)
def startup_help(ctx: Context) -> Outcome:
    """Wall time of ``mockzenoti --help`` (median of repeated runs), and the interpreter's floor."""
    help_cmd = [*mockzenoti_command(ctx.python), "--help"]
    floor_cmd = [ctx.python, "-c", "pass"]
    helps: list[float] = []
    floors: list[float] = []
    deadline = time.perf_counter() + ctx.bound.seconds
    env = bench_env(ctx.root)
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(ctx.bound.count):
            for cmd, out in ((help_cmd, helps), (floor_cmd, floors)):
                start = time.perf_counter()
                subprocess.run(
                    cmd, stdout=subprocess.DEVNULL, cwd=tmp, env=env, check=True, timeout=30
                )
                out.append((time.perf_counter() - start) * 1000)
            if time.perf_counter() >= deadline:
                break
    return Outcome(
        median(helps),
        {"min_ms": min(helps), "runs": len(helps), "python_floor_ms": median(floors)},
    )


@register(
    "lazy_imports",
    "modules",
    full=Bound(len(IMPORT_CHECKS), 60.0),
    quick=Bound(len(IMPORT_CHECKS), 60.0),
    goals=(Goal("value", "<=", 0),),
)
def lazy_imports(ctx: Context) -> Outcome:
    """Heavy modules (aiohttp, uvloop, server, delivery) loaded by offline commands: want 0."""
    details: dict[str, object] = {}
    heavy_total = 0
    for args in IMPORT_CHECKS[: ctx.bound.count]:
        modules = imported_modules(ctx.python, args, ctx.root)
        heavy = heavy_modules(modules)
        heavy_total += len(heavy)
        key = " ".join(args)
        details[f"{key}: heavy"] = ", ".join(heavy) or "none"
        details[f"{key}: modules"] = len(modules)
    return Outcome(float(heavy_total), details)
