"""The snippets of docs/pytest-plugin.md and the README are real tests.

Every fenced ``python`` block whose first line is a file name comment
(``# tests/test_world.py``) is written to that path in a fresh directory; the
files of one document then run together with pytest (strict asyncio mode, the
plugin as installed) and every test they define must pass.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from plugin_support import REPO, ini, run

BLOCK = re.compile(r"^```python\n# (?P<path>[\w/.-]+\.py)\n(?P<code>.*?)^```$", re.M | re.S)
TEST = re.compile(r"^\s*(?:async )?def test_", re.M)


def snippets(document: Path) -> dict[str, str]:
    """The document's file snippets by path (a path given twice is refused)."""
    found: dict[str, str] = {}
    for match in BLOCK.finditer(document.read_text(encoding="utf-8")):
        path = match["path"]
        assert path not in found, f"{document.name}: {path} appears twice"
        found[path] = match["code"]
    return found


@pytest.mark.parametrize("document", ["docs/pytest-plugin.md", "README.md"])
def test_the_snippets_pass(pytester: pytest.Pytester, document: str) -> None:
    files = snippets(REPO / document)
    assert any(path.endswith(".py") and "test_" in path for path in files), "no test snippet"
    ini(pytester)
    for path, code in files.items():
        target = pytester.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code, encoding="utf-8")
    tests = sum(len(TEST.findall(code)) for code in files.values())
    result = run(pytester, "-p", "no:randomly")
    result.assert_outcomes(passed=tests)
