"""Running generated test files in a subprocess with the plugin as installed.

The subprocess is a fresh ``python -m pytest``: the ``mockzenoti`` plugin is
loaded through its ``pytest11`` entry point, exactly as in a consumer's suite.
Unrelated plugins of this environment are switched off to keep start-up short.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "consumer"

# Installed here for other reasons; they only slow a subprocess's start-up.
UNRELATED = ("schemathesis", "hypothesispytest", "faker", "anyio", "cacheprovider")


def ini(pytester: pytest.Pytester, mode: str = "strict") -> None:
    """A pytest.ini for the generated suite: pytest-asyncio's mode and loop scope."""
    pytester.makeini(
        f"""
        [pytest]
        asyncio_mode = {mode}
        asyncio_default_fixture_loop_scope = function
        """
    )


def run(pytester: pytest.Pytester, *args: str, timeout: float = 120) -> pytest.RunResult:
    """``pytest -p no:<unrelated> *args`` in a subprocess (bounded by ``timeout``)."""
    off = [arg for name in UNRELATED for arg in ("-p", f"no:{name}")]
    return pytester.runpytest_subprocess(*off, "-q", *args, timeout=timeout)
