"""The plugin as a package: its entry point, a light import, the example suite."""

from __future__ import annotations

import importlib.metadata
import re
import sys

import pytest
from plugin_support import EXAMPLES, ini, run


def test_registered_through_the_pytest11_entry_point() -> None:
    found = {e.name: e.value for e in importlib.metadata.entry_points(group="pytest11")}
    assert found.get("mockzenoti") == "mockzenoti.pytest_plugin"


def test_importing_the_plugin_is_light(pytester: pytest.Pytester) -> None:
    heavy = [
        "aiohttp",
        "mockzenoti.delivery",
        "mockzenoti.world",
        "mockzenoti.scenarios",
        "mockzenoti.testing.sink",
        "mockzenoti.generator",
        "faker",
        "jsonschema",
        "jsonschema_rs",
    ]
    code = (
        "import sys, mockzenoti.pytest_plugin\n"
        f"print('loaded:', [m for m in {heavy!r} if m in sys.modules])\n"
    )
    result = pytester.run(sys.executable, "-c", code, timeout=60)
    assert result.ret == 0, result.stderr.str()
    result.stdout.fnmatch_lines(["loaded: []"])


def test_the_plugin_can_be_switched_off(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile("def test_x(zenoti_sink):\n    pass\n")
    result = run(pytester, "-p", "no:mockzenoti")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'zenoti_sink' not found*"])


def test_the_markers_help_names_the_zenoti_marker(pytester: pytest.Pytester) -> None:
    ini(pytester)
    result = run(pytester, "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.zenoti(**settings): mockzenoti settings*"])


def test_the_example_consumer_suite_passes(pytester: pytest.Pytester) -> None:
    result = run(pytester, str(EXAMPLES))
    found = (
        re.findall(r"^(?:async )?def test_", f.read_text(), re.M)
        for f in EXAMPLES.rglob("test_*.py")
    )
    tests = sum(len(names) for names in found)
    result.assert_outcomes(passed=tests)
