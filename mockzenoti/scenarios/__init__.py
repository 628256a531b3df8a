"""Scenarios: built-in stories and YAML files, run as seeded simulations with their truth.

```python
from mockzenoti.scenarios import load_scenario, builtin_scenarios, ScenarioError
scenario = load_scenario("class-lifecycle")      # a built-in name, or a path to a YAML file
sim = scenario.simulate(seed=7, events=60)       # or duration="8h"; sizes=...; catalog=...
for event in sim: ...                            # Event objects in emission order
sim.expected()                                   # the truth after the events handed out
sim.world.setup()                                # the fixed setup (centers, staff, services...)
```

Plain synchronous Python. See docs/scenarios.md and docs/truth.md.
"""

from __future__ import annotations

from pathlib import Path

from mockzenoti.errors import closest
from mockzenoti.scenarios.base import Scenario, Simulation
from mockzenoti.scenarios.builtin import BUILTINS, BuiltinScenario
from mockzenoti.scenarios.errors import ScenarioError

__all__ = [
    "BuiltinScenario",
    "Scenario",
    "ScenarioError",
    "Simulation",
    "builtin_scenarios",
    "load_scenario",
]


def builtin_scenarios() -> list[Scenario]:
    """The built-in scenarios, in the order ``mockzenoti scenarios`` lists them."""
    return list(BUILTINS.values())


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A built-in scenario by name, or a YAML scenario file by path (checked before returning).

    A malformed file raises ``ScenarioError`` naming the file, line and field.
    """
    text = str(name_or_path)
    if isinstance(name_or_path, str) and text in BUILTINS:
        return BUILTINS[text]
    path = Path(name_or_path)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        from mockzenoti.scenarios.files import load_yaml_scenario

        return load_yaml_scenario(path)
    hint = closest(text, BUILTINS)
    extra = f"; did you mean {', '.join(hint)}?" if hint else f"; built-ins: {', '.join(BUILTINS)}"
    raise ScenarioError(
        f"no built-in scenario or scenario file named {text!r}{extra}", field="scenario"
    )
