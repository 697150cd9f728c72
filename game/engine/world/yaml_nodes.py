"""Reading YAML node by node, so that every value keeps its line and column for errors.

:class:`NodeReader` holds the checks every part of a vocabulary shares (a text, a name, a
number in a range, a mapping with known keys); :mod:`~game.engine.world.reader` walks the
document with them. Only ``safe_load`` semantics, and less: a scalar is text, a number, a
true/false or empty, read as the format expects (a date-like ``2024-02-30`` stays the text it
is); explicit tags (``!!binary``, ``!!int``, ``!custom``...), merge keys and anchors or aliases
are refused with their line and column.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from ..errors import VocabError
from .vocab import name_problem

__all__ = ["NodeReader", "kind_of"]

_CORE = "tag:yaml.org,2002:"
_MAX_NUMBER_TEXT = 64  # digits of a number a vocabulary may hold (int() of 4,300+ digits raises)


class NodeReader:
    """Checks on YAML nodes; each problem is appended to :attr:`errors` as a located VocabError."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[VocabError] = []
        self._seen_nodes: set[int] = set()
        self._constructor = yaml.SafeLoader("")
        self._tagged: set[tuple[int, int]] = set()  # where an explicit tag starts a node

    def compose(self, text: str, loader: type = yaml.SafeLoader) -> yaml.Node | None:
        """The document's root node, noting every node that carries an explicit tag.

        Raises:
            yaml.YAMLError: the text is not YAML.
        """
        for event in yaml.parse(text, Loader=loader):
            tag = getattr(event, "tag", None)
            if tag is not None and tag != "!":
                self._tagged.add((event.start_mark.line, event.start_mark.column))
        return yaml.compose(text, Loader=loader)

    def error(self, node: yaml.Node | None, message: str) -> None:
        line, col = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (1, 1)
        self.errors.append(VocabError(self.path, line, col, message))

    def visit(self, node: yaml.Node) -> bool:
        # Anchors and aliases share one node object; refusing a second visit also stops
        # "billion laughs" files from expanding exponentially.
        if id(node) in self._seen_nodes:
            self.error(node, "YAML anchors and aliases (&, *) are not supported in vocabularies")
            return False
        self._seen_nodes.add(id(node))
        if (node.start_mark.line, node.start_mark.column) in self._tagged:
            self.error(node, f"YAML tags ({node.tag.replace(_CORE, '!!')}) are not supported in vocabularies; "
                             "write the value plainly (quote a text)")
            return False
        return True

    def scalar(self, node: yaml.Node) -> Any:
        """A scalar as a vocabulary means it: None, True/False, a number, else the text as written."""
        tag, text = node.tag, node.value
        if tag == _CORE + "null":
            return None
        if tag == _CORE + "bool":
            return text.lower() in ("yes", "true", "on")
        if tag in (_CORE + "int", _CORE + "float") and len(text) <= _MAX_NUMBER_TEXT:
            try:
                return self._constructor.construct_object(node, deep=True)
            except (ValueError, yaml.YAMLError):
                return text
        return text if isinstance(text, str) else None

    def string(self, node: yaml.Node, what: str, *, allow_null: bool = False) -> str | None:
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{what} must be a text, not a {kind_of(node)}")
            return None
        value = self.scalar(node)
        if value is None:
            if not allow_null:
                self.error(node, f"{what} is empty")
            return None
        if not isinstance(value, str):
            self.error(node, f"{what} must be a text, not {type(value).__name__} {node.value!r} (quote it)")
            return None
        return value

    def name(self, node: yaml.Node, what: str) -> str | None:
        """An element name; scalars such as 1984 or Yes are taken as written."""
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{what} must be a name, not a {kind_of(node)}")
            return None
        if node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~", "null", "Null", "NULL"):
            self.error(node, f"{what} is empty")
            return None
        value = " ".join(unicodedata.normalize("NFC", node.value).split())
        problem = name_problem(value)
        if problem is not None:
            self.error(node, f"{what} {problem}")
            return None
        return value

    def sequence(self, node: yaml.Node, must: str) -> list[yaml.Node]:
        """The items of a YAML list (none for an empty value); ``must`` ends the error for a
        node of another kind: "{must}, not a mapping"."""
        if not self.visit(node):
            return []
        if isinstance(node, yaml.ScalarNode) and self.scalar(node) is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{must}, not a {kind_of(node)}")
            return []
        return node.value

    def name_list(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
        out = []
        for item in self.sequence(node, f"{what} must be a list"):
            value = self.name(item, f"an entry of {what}")
            if value is not None:
                out.append((value, item))
        return out

    def number(self, node: yaml.Node, what: str, kind: type, lo: float, hi: float) -> Any:
        if not self.visit(node):
            return None
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else node
        if value is None:
            return None
        ok = isinstance(value, (int, float)) if kind is float else isinstance(value, int)
        if isinstance(value, bool) or not ok or (kind is float and not math.isfinite(value)):
            self.error(node, f"{what} must be {'a number' if kind is float else 'a whole number'}")
            return None
        if not lo <= value <= hi:
            self.error(node, f"{what} must be between {lo} and {hi}, not {value}")
            return None
        return kind(value)

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[yaml.Node, yaml.Node]] | None:
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping (key: value lines), not a {kind_of(node)}")
            return None
        return node.value

    def keyed(
        self, pairs: list[tuple[yaml.Node, yaml.Node]], allowed: tuple[str, ...], where: str
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Known keys of a mapping, reporting unknown and repeated ones."""
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in pairs:
            key = self.string(key_node, f"a key in {where}")
            if key is None:
                continue
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(allowed)})"
                self.error(key_node, f"unknown key {key!r} in {where}{hint}")
            elif key in out:
                self.error(key_node, f"key {key!r} is given twice in {where} (first at line {out[key][0].start_mark.line + 1})")
            else:
                out[key] = (key_node, value_node)
        return out

    def flag(self, node: yaml.Node, what: str) -> bool | None:
        if not self.visit(node):
            return None
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else node
        if not isinstance(value, bool):
            self.error(node, f"{what} must be true or false")
            return None
        return value

def kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "single value"

