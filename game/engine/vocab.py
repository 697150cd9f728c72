"""Vocabulary files: parse, validate (with line and column) and look up elements by name."""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import yaml

from .errors import UnknownElement, VocabError

__all__ = [
    "FORMAT_VERSION",
    "NOTHING",
    "Element",
    "Recipe",
    "Settings",
    "VARIANT_MODES",
    "Vocabulary",
    "check_vocab",
    "load_vocab",
    "override_settings",
    "parse_vocab",
    "fold",
]

FORMAT_VERSION = 1
NOTHING = "Nothing"  # shown when a pair makes nothing; reserved, no element may use it
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_NAME_CHARS = 60
FORBIDDEN_IN_NAMES = "+=#,\n\r\t"  # "+", "=" and "#" have a meaning in routes and batch input

_TOP_KEYS = ("format_version", "name", "description", "starting", "elements", "recipes", "banned", "settings")
_ELEMENT_KEYS = ("emoji", "aliases", "tags", "description", "embed")


def fold(name: str) -> str:
    """The case-insensitive matching key of a name: NFC, trimmed, casefolded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@dataclass(frozen=True)
class Element:
    """One word of the world.

    ``embed`` is the text given to the embedding model; it defaults to the name and lets a
    designer disambiguate ("Bat" -> "bat, the flying animal") without renaming the element.
    """

    name: str
    emoji: str | None = None
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    description: str = ""
    embed: str = ""

    @property
    def text(self) -> str:
        """What the embedding model sees for this element."""
        return self.embed or self.name

    @property
    def label(self) -> str:
        """Emoji and name, as shown to players."""
        return f"{self.emoji} {self.name}" if self.emoji else self.name


@dataclass(frozen=True)
class Recipe:
    """A designer override: ``a + b = result`` wins over the vectors."""

    a: str
    b: str
    result: str


@dataclass(frozen=True)
class Settings:
    """Engine settings a world may set; every one of them can change results, so all of them
    are part of :meth:`Vocabulary.content_hash` (and so of every save's world fingerprint).

    Attributes:
        nothing_threshold: the rule's score below which a pair makes "Nothing"; None = never.
        trees: Annoy trees; None = chosen from the world's size.
        search_k: Annoy nodes inspected per query; None = chosen from the world's size.
        seed: Annoy's random seed for building the trees (and for the hubness sample).
        template: the text the model embeds for a word, ``{}`` standing for the word (or its
            ``embed`` text): ``"{}"`` embeds the bare word, ``"a picture of {}"`` adds context.
        centre: subtract the vocabulary's mean vector before the index is built, so the
            direction every word shares does not decide results.
        hubness: CSLS-style local scaling: a word's score is lowered by ``hubness`` times its
            mean similarity to the pair sums nearest to it, so "hub" words that are close to
            everything stop winning every pair. 0 = off; 1 = CSLS proper.
        hubness_k: how many nearest pair sums that mean takes.
        balance: a word's score is lowered by ``balance`` times the gap between its cosines to
            the two inputs, ``|cos(w, a) - cos(w, b)|``, so a word that is about both inputs
            beats a near-synonym of one of them (Water + Fire: Steam rather than Rain). 0 = off;
            1 turns the sum into twice the smaller cosine.
        variants: which candidates count as mere variants of an input and are skipped:
            ``"keep"`` (none), ``"stem"`` (the same word up to plural, spaces and hyphens:
            Stone/Stones, Fire Place/Fireplace), ``"word"`` (also any result that
            contains an input as a whole word: Steam -> Steam Locomotive).
    """

    nothing_threshold: float | None = None
    trees: int | None = None
    search_k: int | None = None
    seed: int = 42
    template: str = "{}"
    centre: bool = False
    hubness: float = 0.0
    hubness_k: int = 10
    balance: float = 0.0
    variants: str = "keep"


VARIANT_MODES = ("keep", "stem", "word")
_TEXT_SETTINGS = ("template", "variants")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml composes the same nodes (and marks) 5x faster


@dataclass(frozen=True)
class Vocabulary:
    """A parsed, valid world: its elements in file order plus the rules around them."""

    name: str
    starting: tuple[str, ...]
    elements: tuple[Element, ...]
    recipes: tuple[Recipe, ...] = ()
    banned: tuple[str, ...] = ()
    settings: Settings = Settings()
    description: str = ""
    path: Path | None = None
    format_version: int = FORMAT_VERSION
    _by_key: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table: dict[str, int] = {}
        for i, element in enumerate(self.elements):
            for name in (element.name, *element.aliases):
                table.setdefault(fold(name), i)
        object.__setattr__(self, "_by_key", table)

    def __len__(self) -> int:
        return len(self.elements)

    def index_of(self, name: str) -> int:
        """The position of the element called ``name`` (or one of its aliases), any case.

        Raises:
            UnknownElement: no element or alias has that name.
        """
        found = self._by_key.get(fold(name))
        if found is None:
            raise UnknownElement(name, [e.name for e in self.elements])
        return found

    def get(self, name: str) -> Element:
        """The element called ``name`` (case-insensitive, aliases too); raises UnknownElement."""
        return self.elements[self.index_of(name)]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and fold(name) in self._by_key

    def content_hash(self) -> str:
        """SHA-256 of everything in the file that can change a combination's result."""
        canon = {
            "format_version": self.format_version,
            "elements": [[e.name, e.text] for e in self.elements],
            "starting": list(self.starting),
            "recipes": sorted(sorted([fold(r.a), fold(r.b)]) + [r.result] for r in self.recipes),
            "banned": sorted(self.banned),
            "settings": asdict(self.settings),
        }
        blob = json.dumps(canon, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- parsing


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
        node = yaml.compose("\n".join(lines) or "{}", Loader=yaml.SafeLoader)
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
        raw = path.read_bytes()
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
    return parse_vocab(text, path)


def parse_vocab(text: str, path: str | Path = "<string>") -> tuple[Vocabulary | None, list[VocabError]]:
    """Parse vocabulary YAML held in a string.

    Returns:
        ``(vocabulary, [])`` when valid, else ``(None, errors)`` with every problem found.
    """
    parser = _Parser(Path(path) if not isinstance(path, Path) else path)
    vocab = parser.run(text)
    errors = sorted(parser.errors, key=lambda e: (e.line, e.col))
    return (None, errors) if errors else (vocab, [])


class _Parser:
    """Walks the composed YAML node tree so that every value keeps its line and column."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[VocabError] = []
        self._seen_nodes: set[int] = set()
        self._constructor = yaml.SafeLoader("")

    # ---- helpers
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
        return True

    def scalar(self, node: yaml.Node) -> Any:
        return self._constructor.construct_object(node, deep=True)

    def string(self, node: yaml.Node, what: str, *, allow_null: bool = False) -> str | None:
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.error(node, f"{what} must be a text, not a {_kind(node)}")
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
            self.error(node, f"{what} must be a name, not a {_kind(node)}")
            return None
        if node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~", "null", "Null", "NULL"):
            self.error(node, f"{what} is empty")
            return None
        value = " ".join(unicodedata.normalize("NFC", node.value).split())
        if not value:
            self.error(node, f"{what} is empty")
            return None
        bad = [c for c in value if c in FORBIDDEN_IN_NAMES or unicodedata.category(c) == "Cc"]
        if bad:
            self.error(node, f"{what} {value!r} contains {bad[0]!r}, which names cannot contain")
            return None
        if len(value) > MAX_NAME_CHARS:
            self.error(node, f"{what} {value[:20]!r}... is longer than {MAX_NAME_CHARS} characters")
            return None
        return value

    def name_list(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
        if not self.visit(node):
            return []
        if isinstance(node, yaml.ScalarNode) and self.scalar(node) is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list, not a {_kind(node)}")
            return []
        out = []
        for item in node.value:
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
            self.error(node, f"{what} must be a mapping (key: value lines), not a {_kind(node)}")
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

    # ---- the document
    def run(self, text: str) -> Vocabulary | None:
        try:
            root = yaml.compose(text, Loader=_LOADER)
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
            if version is not None and version != FORMAT_VERSION:
                self.error(keys["format_version"][1], f"format_version {version} is not supported (this game reads {FORMAT_VERSION})")

        world_name = ""
        if "name" not in keys:
            self.error(root, "missing 'name:' (the world's name, shown to players)")
        else:
            world_name = self.string(keys["name"][1], "name") or ""

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

    def flag(self, node: yaml.Node, what: str) -> bool | None:
        if not self.visit(node):
            return None
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else node
        if not isinstance(value, bool):
            self.error(node, f"{what} must be true or false")
            return None
        return value

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
        if not self.visit(node):
            return []
        if isinstance(node, yaml.ScalarNode) and self.scalar(node) is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"recipes must be a list of [A, B, Result] entries, not a {_kind(node)}")
            return []
        out: list[Recipe] = []
        seen: dict[tuple[str, str], yaml.Node] = {}
        for item in node.value:
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


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "mapping"
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "single value"
