"""``mockzenoti simulate`` output pinned byte for byte: the world's stream for a seed never drifts.

``tests/golden/simulate.json`` holds, for each case, the SHA-256 of the events
``simulate`` writes, the number of lines and the SHA-256 of its truth file.
They were taken before the package was reshaped (issue 14) and must not change
with refactoring: only a deliberate change of what the world does may rewrite
them (``python tests/test_golden_simulate.py --write``, and say why in the commit).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mockzenoti.cli import cli

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).with_name("golden") / "simulate.json"
SCENARIOS = ROOT / "fixtures" / "scenarios"

CASES: dict[str, list[str]] = {
    "class-lifecycle-1": ["class-lifecycle", "--seed", "1"],
    "appointment-lifecycle-2": ["appointment-lifecycle", "--seed", "2"],
    "guest-lifecycle-3": ["guest-lifecycle", "--seed", "3"],
    "membership-lifecycle-4": ["membership-lifecycle", "--seed", "4"],
    "package-lifecycle-5": ["package-lifecycle", "--seed", "5"],
    "day-in-the-life-7": ["day-in-the-life", "--seed", "7"],
    "day-in-the-life-text-2-centers": ["day-in-the-life", "--seed", "golden", "--centers", "2"],
    "soak-3000": ["soak", "--seed", "11", "--events", "3000"],
    "soak-6h": ["soak", "--seed", "12", "--duration", "6h", "--guests", "500"],
    "busy-class-week-1": [str(SCENARIOS / "busy-class-week.yaml"), "--seed", "1"],
    "busy-class-week-2": [str(SCENARIOS / "busy-class-week.yaml"), "--seed", "2"],
    "no-show-after-cancel-3": [str(SCENARIOS / "no-show-after-cancel.yaml"), "--seed", "3"],
    "reschedule-4": [str(SCENARIOS / "reschedule.yaml"), "--seed", "4"],
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def simulate(args: list[str], truth: Path) -> dict[str, object]:
    """What ``mockzenoti simulate ARGS --expect TRUTH`` writes, summed up."""
    result = CliRunner().invoke(cli, ["simulate", *args, "--expect", str(truth)])
    assert result.exit_code == 0, result.output
    out = result.stdout_bytes
    return {"events": out.count(b"\n"), "sha256": _sha(out), "truth": _sha(truth.read_bytes())}


@pytest.mark.parametrize("case", sorted(CASES))
def test_simulate_writes_the_pinned_bytes(case: str, tmp_path: Path) -> None:
    pinned = json.loads(GOLDEN.read_text())[case]
    assert simulate(CASES[case], tmp_path / "truth.json") == pinned


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        found = {c: simulate(a, Path(tmp) / f"{c}.json") for c, a in sorted(CASES.items())}
    GOLDEN.write_text(json.dumps(found, indent=1) + "\n")
