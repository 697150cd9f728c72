"""A world's records: elements, recipes, settings and the vocabulary that looks names up.

The YAML reader that builds them is :mod:`game.engine.world.reader`."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import UnknownElement

__all__ = [
    "FORMAT_VERSION",
    "NOTHING",
    "Element",
    "Recipe",
    "Example",
    "LEARN_SETTINGS",
    "Settings",
    "VARIANT_MODES",
    "Vocabulary",
    "FORBIDDEN_IN_NAMES",
    "MAX_NAME_CHARS",
    "fold",
    "name_problem",
]

FORMAT_VERSION = 1
NOTHING = "Nothing"  # shown when a pair makes nothing; reserved, no element may use it
MAX_NAME_CHARS = 60
FORBIDDEN_IN_NAMES = "+=#,\n\r\t"  # "+", "=" and "#" have a meaning in routes and batch input



def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be an element name (empty, a character that routes and batch
    input give a meaning to, a control character, too long), or None when it can be one."""
    if not value.strip():
        return "is empty"
    bad = [c for c in value if c in FORBIDDEN_IN_NAMES or unicodedata.category(c) in ("Cc", "Cs")]
    if bad:
        return f"{value[:20]!r} contains {bad[0]!r}, which names cannot contain"
    if len(value) > MAX_NAME_CHARS:
        return f"{value[:20]!r}... is longer than {MAX_NAME_CHARS} characters"
    return None


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
class Example:
    """A designer's example: ``a + b`` should make one of ``answers`` (the first is the best).

    Examples teach the world's learned map (recipes force an exact answer instead). ``source``
    and ``line`` say where it was written, for messages."""

    a: str
    b: str
    answers: tuple[str, ...]
    source: str = ""
    line: int = 0


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
        learn_rank: the rank of the learned map's correction ``W = I + A·Bᵀ`` fitted on the
            world's examples (:mod:`~game.engine.world.learned`); 0 = no map. Ignored when
            the world has no examples.
        learn_decay: weight decay toward the identity while fitting (larger = closer to the
            model's own space).
        learn_epochs: full passes over the examples.
        learn_temperature: the softmax temperature the examples are fitted with.
        learn_hubness: the hubness strength the map is fitted against (None = ``hubness``).
            A world may play with a stronger ``hubness`` than its map was fitted with: the
            map then learns what the examples say, and play spreads answers over more words
            (more discoveries per craft, a few points less agreement with the examples).

    The ``learn_*`` settings change results only through the map, whose digest is part of the
    world's fingerprint, so they are left out of :meth:`Vocabulary.content_hash`.
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
    learn_rank: int = 32
    learn_decay: float = 1e-3
    learn_epochs: int = 200
    learn_temperature: float = 20.0
    learn_hubness: float | None = None

    @property
    def fit_hubness(self) -> float:
        """The hubness strength the learned map is fitted against."""
        return self.hubness if self.learn_hubness is None else self.learn_hubness


LEARN_SETTINGS = ("learn_rank", "learn_decay", "learn_epochs", "learn_temperature", "learn_hubness")
VARIANT_MODES = ("keep", "stem", "word")


@dataclass(frozen=True)
class Vocabulary:
    """A parsed, valid world: its elements in file order plus the rules around them."""

    name: str
    starting: tuple[str, ...]
    elements: tuple[Element, ...]
    recipes: tuple[Recipe, ...] = ()
    banned: tuple[str, ...] = ()
    settings: Settings = Settings()
    examples: tuple[Example, ...] = ()
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
            "settings": {k: v for k, v in asdict(self.settings).items() if k not in LEARN_SETTINGS},
        }
        blob = json.dumps(canon, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()
