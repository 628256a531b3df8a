"""The package's shape: a small root, and no class split by size into a chain of base classes."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import mockzenoti

PACKAGE = Path(mockzenoti.__file__).parent
MAX_ROOT_MODULES = 12
MAX_CHAIN = 3


#: Packages left out of the walk: importing ``mockzenoti.locust`` imports Locust, whose gevent
#: monkey-patches this whole process (its own tests run it in subprocesses).
SEPARATE = ("mockzenoti.locust",)


def _modules() -> list[str]:
    """Every module of the package (without importing any: ``walk_packages`` would)."""
    names = []
    pending = [(PACKAGE, "mockzenoti.")]
    while pending:
        path, prefix = pending.pop()
        for info in pkgutil.iter_modules([str(path)], prefix):
            if info.name.endswith("__main__") or info.name.startswith(SEPARATE):
                continue
            names.append(info.name)
            if info.ispkg:
                pending.append((path / info.name.rsplit(".", 1)[1], info.name + "."))
    return sorted(names)


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
