"""Scenario files: stories told step by step in YAML, checked before they run.

- ``nodes``: YAML read into nodes that remember their line;
- ``language``: the actions and parameters, and the JSON Schema of a file's form
  (shipped as ``fixtures/scenario-file.schema.json``);
- ``form``: a file checked against that schema, problems said with file, line, field;
- ``program``: the steps and handles read into a ``Plan``;
- ``run``, ``actions``: the plan carried out in a world, each action one world operation;
- ``scenario``: ``FileScenario``, loading (form, plan, dry runs through the world).
"""

from __future__ import annotations

from mockzenoti.scenarios.files.scenario import (
    FileScenario,
    load_yaml_scenario,
    parse_yaml_scenario,
)

__all__ = ["FileScenario", "load_yaml_scenario", "parse_yaml_scenario"]
