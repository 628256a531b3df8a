"""The README's offline commands run as written and print what the README shows.

Every ``$ ...`` line of a plain fenced block that calls a ``mockzenoti`` command
working offline (catalog, generate, validate, scenarios, world, simulate) runs in a
shell, in a fresh directory that links the repository's ``fixtures/``, with
the venv's ``mockzenoti`` first on ``PATH``. The lines the README shows under
it (``...`` marks a cut) must appear in the real output, in order; a shown
line may be the end of a longer real one (``mockzenoti scenarios`` prints
full paths). The delivering commands need servers and are exercised by their
own tests; their README output was copied from real runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OFFLINE = {"events", "generate", "validate", "scenarios", "world", "simulate"}


def plain_blocks(text: str) -> list[list[str]]:
    """The lines of each fenced block without a language (```` ``` ```` alone opens it)."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    inside = False
    for line in text.splitlines():
        if line.startswith("```"):
            if inside:
                if current is not None:
                    blocks.append(current)
                inside, current = False, None
            else:
                inside = True
                current = [] if line == "```" else None
        elif current is not None:
            current.append(line)
    return blocks


def examples() -> list[tuple[str, list[str]]]:
    """(command, the output lines shown) for each offline ``$ mockzenoti`` line, in order."""
    found: list[tuple[str, list[str]]] = []
    for lines in plain_blocks((REPO / "README.md").read_text(encoding="utf-8")):
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            if not line.startswith("$ "):
                continue
            command = line[2:]
            while command.endswith("\\") and i < len(lines):
                command = command[:-1] + lines[i].strip()
                i += 1
            shown = []
            while i < len(lines) and not lines[i].startswith("$ "):
                shown.append(lines[i])
                i += 1
            used = re.search(r"(?:^|[|&;]\s*)mockzenoti (\w[\w-]*)", command)
            if used and used[1] in OFFLINE:
                found.append((command, shown))
    return found


EXAMPLES = examples()


def test_the_readme_has_offline_examples() -> None:
    names = {m for c, _ in EXAMPLES for m in re.findall(r"mockzenoti (\w+)", c)}
    assert names == OFFLINE, f"README examples found for {sorted(names)} only"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory for all examples, in README order (later ones read earlier files)."""
    path = tmp_path_factory.mktemp("readme")
    (path / "fixtures").symlink_to(REPO / "fixtures")
    return path


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_a_readme_command_prints_what_the_readme_shows(
    workdir: Path, command: str, shown: list[str]
) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("MOCKZENOTI_CONFIG", None)
    done = subprocess.run(
        command, shell=True, cwd=workdir, env=env, capture_output=True, text=True, timeout=120
    )
    real = (done.stdout + done.stderr).splitlines()
    if not any(line.strip() for line in shown):  # nothing shown: it must succeed quietly
        assert done.returncode == 0, f"{command!r} failed: {done.stderr}"
    at = 0
    for want in (line.rstrip() for line in shown):
        if not want or want.strip() == "...":
            continue
        while at < len(real) and not real[at].rstrip().endswith(want.strip()):
            at += 1
        assert at < len(real), f"{command!r} did not print {want!r}; it printed:\n" + "\n".join(
            real
        )
        at += 1
