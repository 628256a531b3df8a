"""YAML read into ``Node``s that remember their line, so every complaint can name it.

PyYAML composes the node tree (``yaml.compose``, safe loader); each scalar
becomes a Python value by its resolved tag, except that YAML 1.1's base-60
numbers are kept as text (``18:00`` stays ``"18:00"``, not 1080) and
timestamps stay text. Duplicate keys and non-text keys are refused.

Bounded: a document longer than ``MAX_SCENARIO_BYTES``, nested deeper than
``MAX_DEPTH`` or holding more than ``MAX_YAML_NODES`` values once its aliases
are expanded (an alias bomb, a recursive alias) is refused with a
``ScenarioError`` before it costs memory or a ``RecursionError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from mockzenoti.scenarios.errors import ScenarioError
from mockzenoti.security.limits import MAX_DEPTH, MAX_SCENARIO_BYTES, MAX_YAML_NODES

__all__ = ["Node", "field_name", "parse_field", "parse_nodes"]

_constructor = yaml.SafeLoader("")


@dataclass(slots=True)
class Node:
    """A YAML value with its 1-based ``line``: a scalar, a ``list`` or a ``dict`` of Nodes.

    ``key_lines`` gives, for a mapping, the line of each key.
    """

    value: Any
    line: int
    key_lines: dict[str, int] = field(default_factory=dict)

    @property
    def is_map(self) -> bool:
        """True for a mapping."""
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        """True for a sequence."""
        return isinstance(self.value, list)

    def plain(self) -> Any:
        """The value with every Node inside replaced by its plain value."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value

    def at(self, path: Sequence[str | int]) -> Node | None:
        """The node at ``path`` (keys and list indexes) under this one, or None."""
        node: Node = self
        for part in path:
            child = None
            if isinstance(node.value, dict) and isinstance(part, str):
                child = node.value.get(part)
            elif isinstance(node.value, list) and isinstance(part, int):
                child = node.value[part] if 0 <= part < len(node.value) else None
            if child is None:
                return None
            node = child
        return node

    def line_of(self, path: Sequence[str | int]) -> int:
        """The line of ``path``'s key (or list item) under this node; the nearest one found."""
        node, line = self, self.line
        for part in path:
            child = node.at([part])
            if child is None:
                break
            line = node.key_lines.get(part, child.line) if isinstance(part, str) else child.line
            node = child
        return line


def field_name(path: Sequence[str | int]) -> str:
    """A path as the messages write it: ``steps[2].book``, ``world.sizes.centers``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def parse_field(field: str) -> list[str | int]:
    """The path a field name (``steps[2].book``) stands for."""
    parts: list[str | int] = []
    for dotted in field.split("."):
        name, *indexes = dotted.split("[")
        if name:
            parts.append(name)
        parts.extend(int(i.rstrip("]")) for i in indexes)
    return parts


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, raw = node.tag, node.value
    if node.style is not None and node.style in "'\"":  # quoted: always text
        return raw
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return _constructor.construct_yaml_bool(node)
    if tag.endswith(":int") and ":" not in raw:
        return _constructor.construct_yaml_int(node)
    if tag.endswith(":float") and ":" not in raw:
        return _constructor.construct_yaml_float(node)
    return raw


def _is_text(value: str) -> bool:
    """True when ``value`` is Unicode text that UTF-8 can write (no lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing to compose a document nested deeper than ``MAX_DEPTH``."""

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self.file = file
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise ScenarioError(
                    f"nested more than {MAX_DEPTH} levels deep",
                    file=self.file,
                    line=mark.line + 1,
                    field="yaml",
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Converter:
    """Nodes to ``Node``s, counting every value made (aliases are expanded: each use counts)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.made = 0

    def convert(self, node: yaml.Node, depth: int = 1) -> Node:
        line = node.start_mark.line + 1
        self.made += 1
        if depth > MAX_DEPTH:
            raise ScenarioError(
                f"nested more than {MAX_DEPTH} levels deep", file=self.file, line=line, field="yaml"
            )
        if self.made > MAX_YAML_NODES:
            raise ScenarioError(
                f"the document holds more than {MAX_YAML_NODES:,} values once its aliases "
                "are expanded",
                file=self.file,
                line=line,
                field="yaml",
            )
        if isinstance(node, yaml.ScalarNode):
            value = _scalar(node)
            if isinstance(value, str) and not _is_text(value):
                raise ScenarioError(
                    "holds an escape that is no character (a lone surrogate such as \\ud800)",
                    file=self.file,
                    line=line,
                    field="yaml",
                )
            return Node(value, line)
        if isinstance(node, yaml.SequenceNode):
            return Node([self.convert(item, depth + 1) for item in node.value], line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, line, depth)
        raise ScenarioError(f"unsupported YAML node {node.tag}", file=self.file, line=line)

    def _mapping(self, node: yaml.MappingNode, line: int, depth: int) -> Node:
        file = self.file
        out: dict[str, Node] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError("a key must be a plain word", file=file, line=key_line)
            key = str(key_node.value)
            if not _is_text(key):
                raise ScenarioError(
                    "a key escapes a lone surrogate (such as \\ud800)", file=file, line=key_line
                )
            if key in out:
                raise ScenarioError(
                    f"{key!r} appears twice (first on line {lines[key]})",
                    file=file,
                    line=key_line,
                    field=key,
                )
            out[key] = self.convert(value_node, depth + 1)
            lines[key] = key_line
        return Node(out, line, lines)


def parse_nodes(text: str, file: str) -> Node:
    """The document in ``text`` as Nodes; a YAML syntax error names its line."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            f"the document is {size:,} bytes; a scenario is at most {MAX_SCENARIO_BYTES:,}",
            file=file,
            field="yaml",
        )
    loader: _BoundedLoader | None = None
    try:
        loader = _BoundedLoader(text, file)  # reading starts here: a NUL is refused at once
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(
            f"not valid YAML: {exc.problem or exc}", file=file, line=line, field="yaml"
        ) from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(f"not valid YAML: {exc}", file=file, field="yaml") from exc
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        raise ScenarioError("the file is empty", file=file, line=1)
    return _Converter(file).convert(root)
