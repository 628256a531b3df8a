"""Placeholder replaced by the YAML loader."""

from __future__ import annotations

from pathlib import Path

from mockzenoti.scenarios.base import Scenario
from mockzenoti.scenarios.errors import ScenarioError


def load_yaml_scenario(path: Path) -> Scenario:
    """Not yet."""
    raise ScenarioError("YAML scenarios are not available yet", file=str(path))
