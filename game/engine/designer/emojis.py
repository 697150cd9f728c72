"""Emoji suggestions for designers: the emoji whose name is nearest an element in embedding space.

The catalogue is the ``emoji`` package's English names ("red apple", "volcano"), filtered to the
emoji the game's font can draw. Names are embedded once with the world's model and cached in
the user data folder; an element's suggestion is the emoji names nearest its own vector.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import yaml

from ..atomic import replace_keeping_backup
from ..errors import EmbedcraftError, StorageError
from ..world.embed import Embedder, EmbeddingCache, unit_rows
from ..world.rule import embed_text

__all__ = ["MAX_EMOJI_VERSION", "EmojiName", "Suggestion", "catalogue", "EmojiSuggester", "agreement", "fill_emoji",
           "same_emoji", "write_emoji"]

MAX_EMOJI_VERSION = 15.1  # assets/fonts/NotoColorEmoji.ttf draws Emoji 15.1; newer ones show as boxes
_SKIN_TONES = {chr(c) for c in range(0x1F3FB, 0x1F400)}
_REGIONAL = (0x1F1E6, 0x1F1FF)
_TAGS = (0xE0020, 0xE007F)


@dataclass(frozen=True)
class EmojiName:
    emoji: str
    name: str  # "red apple"


@dataclass(frozen=True)
class Suggestion:
    emoji: str
    name: str
    score: float


def catalogue() -> list[EmojiName]:
    """Every fully qualified emoji up to :data:`MAX_EMOJI_VERSION`, without skin-tone variants
    and flags, with its English name; in a fixed order (by name)."""
    try:
        import emoji as emoji_package
    except ImportError as exc:  # pragma: no cover - it is a dependency
        raise EmbedcraftError("the `emoji` package is missing; run `make install`") from exc
    qualified = emoji_package.STATUS["fully_qualified"]
    out = []
    for char, data in emoji_package.EMOJI_DATA.items():
        if data.get("status") != qualified or data.get("E", 99) > MAX_EMOJI_VERSION:
            continue
        if any(c in _SKIN_TONES for c in char) or any(_REGIONAL[0] <= ord(c) <= _REGIONAL[1] or
                                                        _TAGS[0] <= ord(c) <= _TAGS[1] for c in char):
            continue
        name = data["en"].strip(":").replace("_", " ").strip()
        out.append(EmojiName(char, re.sub(r"\s+", " ", name)))
    out.sort(key=lambda e: (e.name.casefold(), e.emoji))
    return out


class EmojiSuggester:
    """Nearest emoji names to element vectors, for one embedding model."""

    def __init__(self, embedder: Embedder, cache_dir: Path, notify=None, template: str = "{}") -> None:
        """Args:
            template: the world's ``template``, so emoji names are embedded the way its words
                are ("a picture of volcano" beside "a picture of Volcano").
        """
        self.names = catalogue()
        texts = [embed_text(template, e.name) for e in self.names]
        if template != "{}":
            cache_dir = cache_dir / ("template-" + hashlib.sha256(template.encode("utf-8")).hexdigest()[:12])
        cache = EmbeddingCache(cache_dir, notify=notify)
        vectors, _ = cache.vectors_for(texts, embedder)
        self.vectors = unit_rows(vectors, np.float32)

    def suggest(self, vectors: np.ndarray, top: int = 3) -> list[list[Suggestion]]:
        """The ``top`` emoji for each row of ``vectors`` (the elements' embedding vectors)."""
        rows = unit_rows(np.asarray(vectors).reshape(-1, self.vectors.shape[1]), np.float32)
        scores = rows @ self.vectors.T
        top = max(1, min(top, len(self.names)))
        out = []
        for row in scores:
            best = np.argsort(-np.round(row, 6), kind="stable")[:top]
            out.append([Suggestion(self.names[k].emoji, self.names[k].name, float(row[k])) for k in best])
        return out


_BARE = re.compile(r"^(?P<head>\s*(?P<quote>[\"']?)(?P<key>.*?)(?P=quote)\s*:)(?P<value>\s*(?:null|~)?\s*)"
                   r"(?P<comment>#.*)?$")


def fill_emoji(text: str, chosen: dict[str, str]) -> tuple[str, list[str]]:
    """Write ``chosen`` emoji into a vocabulary's text for elements written as a bare
    ``Name:`` line (no value, ``null`` or ``~``); comments and every other line stay as they are.

    Returns:
        ``(new text, names that could not be filled in place)`` (mapping-form elements).
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    elements = None
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "elements" and isinstance(value, yaml.MappingNode):
                elements = value
    lines = text.splitlines(keepends=True)
    left: list[str] = []
    for key, value in (elements.value if elements is not None else []):
        name = str(key.value)
        if name not in chosen:
            continue
        row = key.start_mark.line
        bare = isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:null"
        match = _BARE.match(lines[row].rstrip("\r\n")) if bare else None
        if match is None:
            left.append(name)
            continue
        ending = lines[row][len(lines[row].rstrip("\r\n")):]
        comment = f"  {match['comment']}" if match["comment"] else ""
        lines[row] = f"{match['head']} \"{chosen[name]}\"{comment}{ending}"
    return "".join(lines), left


def same_emoji(a: str, b: str) -> bool:
    """Whether two emoji are the same picture (the variation selector U+FE0F aside)."""
    return a.replace("\ufe0f", "") == b.replace("\ufe0f", "")


def agreement(emoji: Sequence[str | None], suggestions: Sequence[Sequence[Suggestion]]) -> tuple[int, int, int]:
    """How well suggestions agree with a file's own emoji, over the elements that have one.

    Returns:
        ``(first, among, have)``: elements whose emoji is the first suggestion, is among the
        suggestions, and that have an emoji at all.
    """
    first = among = have = 0
    for own, options in zip(emoji, suggestions):
        if not own:
            continue
        have += 1
        first += bool(options) and same_emoji(options[0].emoji, own)
        among += any(same_emoji(o.emoji, own) for o in options)
    return first, among, have


def write_emoji(path: Path, chosen: dict[str, str]) -> tuple[int, list[str], Path | None]:
    """Fill ``chosen`` emoji into the vocabulary file ``path`` (see :func:`fill_emoji`),
    atomically, keeping the previous file as ``PATH.bak``.

    Returns:
        ``(emoji written, names left for the designer, the backup's path or None)``.
    Raises:
        StorageError: the file cannot be read or written.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StorageError(f"cannot read {path}: {exc}") from exc
    new_text, left = fill_emoji(text, chosen)
    kept = replace_keeping_backup(path, new_text.encode("utf-8")) if new_text != text else None
    return len(chosen) - len(left), left, kept
