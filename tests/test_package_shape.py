"""The package's shape: a small root, and no class split by size into a chain of base classes."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import mockzenoti

PACKAGE = Path(mockzenoti.__file__).parent
MAX_ROOT_MODULES = 12
MAX_CHAIN = 3


#: Not imported in this process: importing mockzenoti.locust imports Locust, which
#: monkey-patches the whole process with gevent (the session's ssl, sockets, threads) and
#: warns, as an error, that ssl came first. Its classes are checked in a process of their own.
_OWN_PROCESS = ("mockzenoti.locust",)


def _modules() -> list[str]:
    """Every module of the package, found from its files (walking would import packages)."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name.endswith("__main__") or name.startswith(_OWN_PROCESS):
            continue
        names.append(name)
    return names


def _project_chain(cls: type) -> list[str]:
    return [f"{c.__module__}.{c.__qualname__}" for c in cls.__mro__ if _ours(c)]


def _ours(cls: type) -> bool:
    return cls.__module__ == "mockzenoti" or cls.__module__.startswith("mockzenoti.")


def test_the_package_root_holds_at_most_twelve_modules() -> None:
    root = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(root) <= MAX_ROOT_MODULES, root


def test_no_class_inherits_through_a_chain_of_more_than_three_project_classes() -> None:
    too_long: dict[str, list[str]] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and obj.__module__ == name:
                chain = _project_chain(obj)
                if len(chain) > MAX_CHAIN:
                    too_long[chain[0]] = chain
    assert not too_long, too_long


def test_the_walk_sees_the_world_and_a_test_fixture_may_subclass_it() -> None:
    from mockzenoti.testing.world import ZenotiWorld
    from mockzenoti.world import World

    assert "mockzenoti.world.world" in _modules()
    assert len(_project_chain(World)) <= 2
    assert len(_project_chain(ZenotiWorld)) <= MAX_CHAIN


def test_the_locust_modules_chains_in_a_process_of_their_own() -> None:
    code = (
        "import importlib, inspect, json, sys\n"
        "names = sys.argv[1:]\n"
        "out = {}\n"
        "for name in names:\n"
        "    module = importlib.import_module(name)\n"
        "    for obj in vars(module).values():\n"
        "        if inspect.isclass(obj) and obj.__module__ == name:\n"
        "            out[name + '.' + obj.__qualname__] = sum(\n"
        "                c.__module__.startswith('mockzenoti.') for c in obj.__mro__)\n"
        "print(json.dumps(out))\n"
    )
    names = [
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
        for p in sorted((PACKAGE / "locust").glob("*.py"))
    ]
    done = subprocess.run(
        [sys.executable, "-c", code, *names],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    chains = json.loads(done.stdout)
    assert "mockzenoti.locust.user.ZenotiUser" in chains
    assert all(n <= MAX_CHAIN for n in chains.values()), chains
