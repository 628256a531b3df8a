"""The package's shape: a small root, and no class split by size into a chain of base classes."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import mockzenoti

PACKAGE = Path(mockzenoti.__file__).parent
MAX_ROOT_MODULES = 12
MAX_CHAIN = 3


#: Importing Locust monkey-patches the whole process for gevent (threads, sockets, ssl),
#: which would break every asyncio test after this one: those modules are walked in a
#: process of their own.
GEVENT = "mockzenoti.locust"


def _modules(*, gevent: bool = False) -> list[str]:
    """Every module's name, found on disk (``pkgutil.walk_packages`` would import packages)."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ["mockzenoti", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        if name.endswith("__main__"):
            continue
        if (name == GEVENT or name.startswith(GEVENT + ".")) == gevent:
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


def test_the_locust_modules_too_in_a_process_of_their_own() -> None:
    names = _modules(gevent=True)
    assert names, "no locust modules found"
    script = (
        "import importlib, inspect, sys\n"
        "for name in sys.argv[1:]:\n"
        "    module = importlib.import_module(name)\n"
        "    for obj in vars(module).values():\n"
        "        if inspect.isclass(obj) and obj.__module__ == name:\n"
        "            chain = [c for c in obj.__mro__ if c.__module__.startswith('mockzenoti')]\n"
        f"            if len(chain) > {MAX_CHAIN}:\n"
        "                print(name, [c.__qualname__ for c in chain])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *names],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == "", done.stdout
