"""The vocabulary YAML reader: a file (or ``--set`` assignments) in, a valid Vocabulary or
every problem with its file, line and column out."""

from __future__ import annotations

import difflib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import yaml

from ..errors import VocabError
from ..reading import read_capped
from .examples import examples_path, read_examples, with_sibling_examples
from .vocab import (
    FORMAT_VERSION,
    NOTHING,
    VARIANT_MODES,
    Element,
    Recipe,
    Settings,
    Vocabulary,
    fold,
)
from .yaml_nodes import NodeReader

__all__ = ["MAX_FILE_BYTES", "check_vocab", "load_vocab", "override_settings", "parse_vocab"]

MAX_FILE_BYTES = 50 * 1024 * 1024
_TOP_KEYS = ("format_version", "name", "description", "starting", "elements", "recipes", "banned", "settings",
             "examples")
_ELEMENT_KEYS = ("emoji", "aliases", "tags", "description", "embed")
_TEXT_SETTINGS = ("template", "variants")
MAX_WORLD_NAME = 100  # characters; the name is shown in the window's title and every save
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml composes the same nodes (and marks) 5x faster


def load_vocab(path: str | Path) -> Vocabulary:
    """Read and validate a vocabulary file.

    Raises:
        VocabError: the first problem found, with file, line and column.
    """
    vocab, errors = _parse_file(Path(path))
    if errors:
        raise errors[0]
    assert vocab is not None
    return vocab


def override_settings(base: Settings, assignments: list[str], source: str = "--set") -> Settings:
    """``base`` with ``KEY=VALUE`` assignments applied, validated like a file's ``settings:``
    (``centre=true``, ``hubness=0.5``, ``nothing_threshold=null`` to switch it off).

    Raises:
        VocabError: the first bad assignment (its line is its position among the assignments).
    """
    lines = []
    for number, text in enumerate(assignments, 1):
        key, eq, value = text.partition("=")
        if not eq or not key.strip():
            raise VocabError(Path(source), number, 1, f"expected KEY=VALUE, got {text!r}")
        key, value = key.strip(), value.strip()
        if key in _TEXT_SETTINGS and value:
            value = json.dumps(value)  # taken as written: `template={}` is the text "{}", not a mapping
        lines.append(f"{key}: {value or 'null'}")
    parser = _Parser(Path(source))
    try:
        node = parser.compose("\n".join(lines) or "{}")
    except yaml.YAMLError as exc:
        raise VocabError(Path(source), 1, 1, f"cannot read the settings: {exc}") from None
    given = parser.settings(node)
    if parser.errors:
        raise parser.errors[0]
    keys = [line.split(":", 1)[0] for line in lines]
    nulls = {k: None for k, line in zip(keys, lines) if line.endswith(": null") and k == "nothing_threshold"}
    return replace(base, **({k: getattr(given, k) for k in keys} | nulls))


def check_vocab(path: str | Path) -> list[VocabError]:
    """Every problem in a vocabulary file, in file order (empty when the file is valid)."""
    return _parse_file(Path(path))[1]


def _parse_file(path: Path) -> tuple[Vocabulary | None, list[VocabError]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [VocabError(path, 1, 1, f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")]
        raw = read_capped(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        return None, [VocabError(path, 1, 1, "no such vocabulary file")]
    except IsADirectoryError:
        return None, [VocabError(path, 1, 1, "is a directory, not a vocabulary file")]
    except OSError as exc:
        return None, [VocabError(path, 1, 1, f"cannot read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [VocabError(path, line, col, "not valid UTF-8 text")]
    vocab, errors = parse_vocab(text, path)
    if vocab is None:
        return vocab, errors
    return with_sibling_examples(vocab, examples_path(path))


def parse_vocab(text: str, path: str | Path = "<string>") -> tuple[Vocabulary | None, list[VocabError]]:
    """Parse vocabulary YAML held in a string.

    Returns:
        ``(vocabulary, [])`` when valid, else ``(None, errors)`` with every problem found.
    """
    parser = _Parser(Path(path) if not isinstance(path, Path) else path)
    vocab = parser.run(text)
    errors = sorted(parser.errors, key=lambda e: (e.line, e.col))
    return (None, errors) if errors else (vocab, [])

class _Parser(NodeReader):
    """Walks a vocabulary document with the checks of :class:`NodeReader`."""

    def run(self, text: str) -> Vocabulary | None:
        try:
            root = self.compose(text, _LOADER)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = exc.problem or exc.context or "invalid YAML"
            self.errors.append(VocabError(self.path, line, col, f"YAML syntax error: {problem}"))
            return None
        except yaml.YAMLError as exc:
            self.errors.append(VocabError(self.path, 1, 1, f"YAML error: {exc}"))
            return None
        if root is None:
            self.errors.append(VocabError(self.path, 1, 1, "the file is empty; see vocab/default.yaml for the format"))
            return None
        top = self.mapping(root, "the file")
        if top is None:
            return None
        keys = self.keyed(top, _TOP_KEYS, "the file")

        version = None
        if "format_version" not in keys:
            self.error(root, f"missing 'format_version: {FORMAT_VERSION}'")
        else:
            version = self.number(keys["format_version"][1], "format_version", int, 0, 10**9)
            if version is None and not self.errors:
                self.error(keys["format_version"][1], f"format_version must be {FORMAT_VERSION}")
            if version is not None and version != FORMAT_VERSION:
                self.error(keys["format_version"][1], f"format_version {version} is not supported (this game reads {FORMAT_VERSION})")

        world_name = ""
        if "name" not in keys:
            self.error(root, "missing 'name:' (the world's name, shown to players)")
        else:
            world_name = self.string(keys["name"][1], "name") or ""
            if len(world_name) > MAX_WORLD_NAME:
                self.error(keys["name"][1], f"name is {len(world_name):,} characters long; keep it under {MAX_WORLD_NAME}")
                world_name = world_name[:MAX_WORLD_NAME]

        description = ""
        if "description" in keys:
            description = self.string(keys["description"][1], "description", allow_null=True) or ""

        settings = self.settings(keys["settings"][1]) if "settings" in keys else Settings()

        elements: list[Element] = []
        known: dict[str, tuple[str, yaml.Node]] = {}  # folded name or alias -> (element name, node)
        if "elements" not in keys:
            self.error(root, "missing 'elements:' (the words of the world)")
        else:
            elements = self.elements(keys["elements"][1], known)

        def resolve(name: str, node: yaml.Node, where: str) -> str | None:
            hit = known.get(fold(name))
            if hit is None:
                close = difflib.get_close_matches(name, [e.name for e in elements], n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.error(node, f"unknown element {name!r} in {where}{hint}")
                return None
            return hit[0]

        starting: list[str] = []
        if "starting" not in keys:
            self.error(root, "missing 'starting:' (the elements a new game begins with)")
        else:
            node = keys["starting"][1]
            errors_before = len(self.errors)
            for name, item in self.name_list(node, "starting"):
                resolved = resolve(name, item, "starting")
                if resolved is None:
                    continue
                if resolved in starting:
                    self.error(item, f"{resolved!r} is listed twice in starting")
                else:
                    starting.append(resolved)
            if not starting and len(self.errors) == errors_before:
                self.error(node, "starting must list at least one element")

        banned: list[str] = []
        if "banned" in keys:
            for name, item in self.name_list(keys["banned"][1], "banned"):
                resolved = resolve(name, item, "banned")
                if resolved is not None and resolved not in banned:
                    banned.append(resolved)

        recipes = self.recipes(keys["recipes"][1], resolve, set(banned)) if "recipes" in keys else []

        examples = []
        if "examples" in keys and elements:
            lines = []
            for item in self.sequence(keys["examples"][1], "examples must be a list of 'A + B = C' lines"):
                text = self.string(item, "an example")
                if text is not None:
                    quoted = 1 if getattr(item, "style", None) in ("'", '"') else 0
                    lines.append((text, item.start_mark.line + 1, item.start_mark.column + 1 + quoted))
            examples, problems = read_examples(lines, self.path, lambda name: known.get(fold(name), (None,))[0],
                                               [e.name for e in elements], set(banned), {})
            self.errors.extend(problems)

        if elements and len(set(banned)) >= len(elements):
            self.error(keys["banned"][1], "every element is banned, so no pair could make anything")
        if self.errors:
            return None
        return Vocabulary(
            name=world_name,
            starting=tuple(starting),
            elements=tuple(elements),
            recipes=tuple(recipes),
            banned=tuple(banned),
            settings=settings,
            examples=tuple(examples),
            description=description,
            path=self.path,
            format_version=FORMAT_VERSION,
        )

    def settings(self, node: yaml.Node) -> Settings:
        pairs = self.mapping(node, "settings")
        if pairs is None:
            return Settings()
        keys = self.keyed(pairs, tuple(Settings.__dataclass_fields__), "settings")
        values: dict[str, Any] = {}
        limits = {
            "nothing_threshold": (float, -2.0, 1.0),
            "trees": (int, 1, 1000),
            "search_k": (int, 1, 10**9),
            "seed": (int, 0, 2**31 - 1),
            "hubness": (float, 0.0, 2.0),
            "hubness_k": (int, 1, 1000),
            "balance": (float, 0.0, 1.0),
            "learn_rank": (int, 0, 384),
            "learn_decay": (float, 0.0, 10.0),
            "learn_epochs": (int, 1, 100_000),
            "learn_temperature": (float, 0.1, 1000.0),
            "learn_hubness": (float, 0.0, 2.0),
        }
        for key, (_, value_node) in keys.items():
            what = f"settings.{key}"
            if key in limits:
                kind, lo, hi = limits[key]
                value = self.number(value_node, what, kind, lo, hi)
            elif key == "centre":
                value = self.flag(value_node, what)
            elif key == "template":
                value = self.string(value_node, what)
                if value is not None and value.count("{}") != 1:
                    self.error(value_node, f"{what} must contain {{}} exactly once (where the word goes), "
                               f"not {value!r}")
                    value = None
            else:  # variants
                value = self.string(value_node, what)
                if value is not None and value not in VARIANT_MODES:
                    self.error(value_node, f"{what} must be one of {', '.join(VARIANT_MODES)}, not {value!r}")
                    value = None
            if value is not None:
                values[key] = value
        return Settings(**values)

    def elements(self, node: yaml.Node, known: dict[str, tuple[str, yaml.Node]]) -> list[Element]:
        pairs = self.mapping(node, "elements")
        if pairs is None:
            return []
        if not pairs:
            self.error(node, "elements is empty; add at least the starting elements")
        out: list[Element] = []

        def claim(name: str, owner: str, at: yaml.Node) -> bool:
            key = fold(name)
            if key == fold(NOTHING):
                self.error(at, f"{NOTHING!r} is reserved for pairs that make nothing; choose another name")
                return False
            if key in known:
                first_owner, first_node = known[key]
                what = "element" if fold(first_owner) == key else f"alias of {first_owner!r}"
                same_text = " ".join(str(first_node.value).split()) == name
                self.error(at, f"{name!r} is already defined as an {what} at line {first_node.start_mark.line + 1}"
                           + ("" if same_text else " (names match ignoring case)"))
                return False
            known[key] = (owner, at)
            return True

        for key_node, value_node in pairs:
            name = self.name(key_node, "an element name")
            if name is None:
                continue
            element = self.element(name, value_node)
            if element is None or not claim(name, name, key_node):
                continue
            for alias, alias_node in element[1]:
                claim(alias, name, alias_node)
            out.append(element[0])
        return out

    def element(self, name: str, node: yaml.Node) -> tuple[Element, list[tuple[str, yaml.Node]]] | None:
        if isinstance(node, yaml.ScalarNode):
            emoji = self.string(node, f"the emoji of {name!r}", allow_null=True)
            if emoji is not None and not self.check_emoji(emoji, node, name):
                return None
            return Element(name=name, emoji=emoji or None), []
        pairs = self.mapping(node, f"element {name!r}")
        if pairs is None:
            return None
        keys = self.keyed(pairs, _ELEMENT_KEYS, f"element {name!r}")
        emoji = None
        if "emoji" in keys:
            emoji = self.string(keys["emoji"][1], f"the emoji of {name!r}", allow_null=True)
            if emoji is not None and not self.check_emoji(emoji, keys["emoji"][1], name):
                emoji = None
        aliases: list[tuple[str, yaml.Node]] = []
        if "aliases" in keys:
            alias_node = keys["aliases"][1]
            if isinstance(alias_node, yaml.ScalarNode) and isinstance(self.scalar(alias_node), str):
                value = self.name(alias_node, f"an alias of {name!r}")
                aliases = [(value, alias_node)] if value else []
            else:
                aliases = self.name_list(alias_node, f"the aliases of {name!r}")
        tags: list[str] = []
        if "tags" in keys:
            tags = [t for t, _ in self.name_list(keys["tags"][1], f"the tags of {name!r}")]
        description = ""
        if "description" in keys:
            description = self.string(keys["description"][1], f"the description of {name!r}", allow_null=True) or ""
        embed = ""
        if "embed" in keys:
            embed = (self.string(keys["embed"][1], f"the embed text of {name!r}") or "").strip()
        element = Element(
            name=name,
            emoji=emoji or None,
            aliases=tuple(a for a, _ in aliases),
            tags=tuple(tags),
            description=description,
            embed=embed,
        )
        return element, aliases

    def check_emoji(self, emoji: str, node: yaml.Node, name: str) -> bool:
        stripped = emoji.strip()
        if not stripped or len(stripped) > 16 or any(c.isascii() and c.isalpha() for c in stripped):
            self.error(node, f"the emoji of {name!r} should be one emoji, not {emoji!r}"
                       " (use 'description:' in a mapping for text)")
            return False
        return True

    def recipes(self, node: yaml.Node, resolve: Callable[[str, yaml.Node, str], str | None], banned: set[str]) -> list[Recipe]:
        out: list[Recipe] = []
        seen: dict[tuple[str, str], yaml.Node] = {}
        for item in self.sequence(node, "recipes must be a list of [A, B, Result] entries"):
            if not self.visit(item):
                continue
            if not isinstance(item, yaml.SequenceNode) or len(item.value) != 3:
                self.error(item, "a recipe must be a list of three names: [A, B, Result]")
                continue
            names = [self.name(part, "a recipe name") for part in item.value]
            if any(n is None for n in names):
                continue
            resolved = [resolve(n, part, "recipes") for n, part in zip(names, item.value)]  # type: ignore[arg-type]
            if any(r is None for r in resolved):
                continue
            a, b, result = resolved  # type: ignore[misc]
            if result in banned:
                self.error(item.value[2], f"recipe result {result!r} is banned")
                continue
            key = tuple(sorted((fold(a), fold(b))))
            if key in seen:
                self.error(item, f"a recipe for {a} + {b} is already given at line {seen[key].start_mark.line + 1}")
                continue
            seen[key] = item  # type: ignore[index]
            out.append(Recipe(a, b, result))
        return out


