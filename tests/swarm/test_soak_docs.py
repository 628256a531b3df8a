"""docs/soak.md stays true: its report keys, its options, its locustfile."""

from __future__ import annotations

import re
from pathlib import Path

from mockzenoti.swarm import swarm_report
from mockzenoti.swarm.settings import ARGUMENTS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "soak.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    return DOC.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_every_report_key_is_explained() -> None:
    table = _section("The report")
    named = set(re.findall(r"^\| (.+?) \|", table, re.M))
    explained = {k for cell in named for k in re.findall(r"`(\w+)`", cell)}
    report = swarm_report(
        [],
        duration_s=1.0,
        settings={
            "url": None,
            "seed": "0",
            "scenario": "soak",
            "sizes": {},
            "signing": "none",
            "retry": "zenoti",
            "retry_scale": 1.0,
            "timeout": 10.0,
            "drain": 10.0,
            "deactivate_after": 20,
        },
    )
    assert set(report) - {"format"} <= explained


def test_every_option_is_in_the_table() -> None:
    table = _section("Your own locustfile")
    for arg in ARGUMENTS:
        assert f"`{arg.flag}" in table, arg.flag


def test_the_locustfile_shown_is_the_example() -> None:
    shown = _section("Your own locustfile").split("```python\n", 1)[1].split("```", 1)[0]
    example = (ROOT / "examples" / "locust" / "locustfile.py").read_text(encoding="utf-8")
    code = [line.split("#")[0].rstrip() for line in shown.splitlines()[1:]]
    for line in filter(None, code):
        assert line in example, line
