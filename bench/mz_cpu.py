"""The sender's CPU per event, before and after a change, side by side in one run.

``delivery_cpu``: the soak of ``delivery_soak`` (``run soak --pace asap --retry
none --concurrency 64``, outbox and signing on), alternately with this tree's
code ("after") and with the package as it was at ``BEFORE`` ("before": ``git
archive`` of that commit), against the same receiver. Each side runs from a
copy of its package, compiled to bytecode first and put first on
``PYTHONPATH``: as an installed package runs (where ``PYTHONDONTWRITEBYTECODE``
is set, as on this machine, a source tree is compiled again at every start,
which is no part of sending). The figure is the sender's CPU microseconds per delivered event:
the command's own process, which delivers, apart from the child process that
simulates the world (``--offload``), whose CPU is reported beside it (a
richer world costs there, not in the sender). Each is the median of the
rounds; the goal is that the sender's "after" does not exceed "before".
Each side also runs a soak of one event after each long one: its CPU is the
start-up (``start_before_s``, ``start_after_s``), and the long soak's CPU less
it, per event, is the steady state (``steady_*_us_per_event``): what each
further event costs.
``BEFORE`` is main before issue 13 (the delivery core from parts); set
``MOCKZENOTI_BENCH_BEFORE`` to compare with another commit.
"""

from __future__ import annotations

import compileall
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.metrics import median
from bench.mz_pending import delivery_command
from bench.procs import bench_env, run_bounded
from bench.registry import Bound, Context, Goal, Outcome, Skip, register

__all__ = ["BEFORE", "checkout_before", "compiled_copy"]

#: main before issue 13 (the delivery core from parts).
BEFORE = "24ee6ff"

#: Runs the CLI and prints, at exit, the CPU of this process and of its children.
_MEASURED_CLI = """
import atexit, resource, sys
def _report():
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"cpu-split {own.ru_utime + own.ru_stime} {kids.ru_utime + kids.ru_stime}",
          file=sys.stderr)
atexit.register(_report)
from mockzenoti.cli import main
sys.argv[0] = "mockzenoti"
main()
"""
_SPLIT = re.compile(r"^cpu-split (\S+) (\S+)$", re.M)


def checkout_before(root: Path, ref: str, into: Path) -> Path:
    """The package and fixtures of commit ``ref`` under ``into`` (raises ``Skip`` without git)."""
    into.mkdir(parents=True, exist_ok=True)
    try:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", ref, "mockzenoti", "fixtures"],
            capture_output=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise Skip(f"cannot read commit {ref} with git: {exc}") from None
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True, timeout=60)
    _compile(into)
    return into


def compiled_copy(root: Path, into: Path) -> Path:
    """This tree's package and fixtures (as they are now) under ``into``, compiled."""
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("mockzenoti", "fixtures"):
        shutil.copytree(root / part, into / part, ignore=skip)
    _compile(into)
    return into


def _compile(tree: Path) -> None:
    if not compileall.compile_dir(tree / "mockzenoti", quiet=1):
        raise RuntimeError(f"cannot compile the package under {tree}")


def _soak_cpu(ctx: Context, count: int, workdir: Path, code: Path) -> tuple[float, float]:
    """The sender's and the world's CPU seconds in one soak of ``count`` events by the
    package under ``code``."""
    receiver = ctx.need_receiver()
    base = receiver.stats().requests
    cli = delivery_command(ctx.python, receiver.url, count, workdir)
    cmd = [ctx.python, "-c", _MEASURED_CLI, *cli[cli.index("run") :]]
    env = bench_env(ctx.root)
    env["PYTHONPATH"] = os.pathsep.join([str(code), env["PYTHONPATH"]])
    done = run_bounded(cmd, timeout=ctx.bound.seconds, cwd=workdir, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"soak failed ({done.returncode}): {done.stderr[-800:]}")
    received = receiver.stats().requests - base
    if received < count:
        raise RuntimeError(f"the receiver got {received} of {count} events")
    found = _SPLIT.search(done.stderr)
    if found is None:
        raise RuntimeError(f"the soak did not report its CPU: {done.stderr[-800:]}")
    return float(found[1]), float(found[2])


@register(
    "delivery_cpu",
    "us/event",
    full=Bound(40_000, 120.0),
    quick=Bound(2_000, 60.0),
    goals=(Goal("after_vs_before", "<=", 1.0),),
    needs_receiver=True,
)
def delivery_cpu(ctx: Context) -> Outcome:
    """The soak's CPU per event with this code ("after") and with ``BEFORE``'s, alternated."""
    ref = os.environ.get("MOCKZENOTI_BENCH_BEFORE", BEFORE)
    count = ctx.bound.count
    with tempfile.TemporaryDirectory() as tmp:
        old = checkout_before(ctx.root, ref, Path(tmp) / "before")
        new = compiled_copy(ctx.root, Path(tmp) / "after")
        runs: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
        starts: dict[str, list[float]] = {"before": [], "after": []}
        for turn in range(2):
            for code, side in ((old, "before"), (new, "after")):
                work = Path(tmp) / f"run-{turn}-{side}"
                work.mkdir()
                own, world = _soak_cpu(ctx, count, work, code)
                runs[side].append((own / count * 1e6, world / count * 1e6))
                (work / "start").mkdir()
                starts[side].append(_soak_cpu(ctx, 1, work / "start", code)[0])
    before = median([own for own, _ in runs["before"]])
    after = median([own for own, _ in runs["after"]])
    start_before, start_after = median(starts["before"]), median(starts["after"])
    steady_before = before - start_before / count * 1e6
    steady_after = after - start_after / count * 1e6
    return Outcome(
        after,
        {
            "before_us_per_event": before,
            "after_vs_before": after / before,
            "start_before_s": start_before,
            "start_after_s": start_after,
            "steady_before_us_per_event": steady_before,
            "steady_after_us_per_event": steady_after,
            "steady_after_vs_before": steady_after / steady_before,
            "before_runs": ", ".join(f"{own:.0f}" for own, _ in runs["before"]),
            "after_runs": ", ".join(f"{own:.0f}" for own, _ in runs["after"]),
            "world_before_us_per_event": median([w for _, w in runs["before"]]),
            "world_after_us_per_event": median([w for _, w in runs["after"]]),
            "before_ref": ref,
            "events": count,
        },
    )
