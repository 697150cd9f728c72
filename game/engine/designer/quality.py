"""How good are a world's combinations? Measured on pairs with the answers a person expects.

- :func:`read_pairs` reads an evaluation file: ``A + B = C`` a line, ``| D | E`` for other
  answers a person would also accept, ``#`` comments and blank lines.
- :func:`evaluate` scores the rule on those pairs: hit@1 (its answer is an accepted one) and
  hit@5 (an accepted answer is among its five best words).
- :func:`spread` looks at every pair of the world's first elements: how many distinct results
  they make, the share of the most frequent result (hubness), and how often a result is only a
  variant of an input.

(:mod:`~game.engine.designer.why` shows one pair's best candidates under each refinement.)

Designer recipes are left out of every number: they would score whatever a designer typed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..pairs import PairLine, PairLineError, parse_pair_lines
from ..reading import read_capped
from ..world.rule import is_variant
from ..world.vocab import MAX_NAME_CHARS, fold
from ..world.world import World

__all__ = ["EvalPair", "PairScore", "Spread", "read_pairs", "parse_pairs", "evaluate", "spread", "SPREAD_FIRST"]

EvalPair = PairLine  # ``a + b`` should make one of ``answers`` (the first is the answer most people give)

SPREAD_FIRST = 200  # spread() looks at all pairs of this many elements (20,100 pairs)
MAX_PAIRS_BYTES = 5 * 1024 * 1024



def read_pairs(path: str | Path) -> list[EvalPair]:
    """Read an evaluation file; raises :class:`PairLineError` for the first bad line."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_PAIRS_BYTES:
            raise PairLineError(str(path), 1, f"larger than {MAX_PAIRS_BYTES} bytes")
        text = read_capped(path, MAX_PAIRS_BYTES).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PairLineError(str(path), 1, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise PairLineError(str(path), 1, f"cannot read: {exc.strerror or exc}") from None
    return parse_pairs(text, str(path))


def parse_pairs(text: str, source: str = "<pairs>") -> list[EvalPair]:
    """The pairs of an evaluation file: each must give its answers, and no pair may come twice."""
    out = parse_pair_lines(text, source, answer="required", alternatives=True, max_chars=MAX_NAME_CHARS)
    seen: dict[tuple[str, ...], int] = {}
    for p in out:
        key = tuple(sorted(fold(n) for n in (p.a, p.b)))
        if key in seen:
            raise PairLineError(source, p.line, f"{p.a} + {p.b} is already on line {seen[key]}")
        seen[key] = p.line
    return out


@dataclass(frozen=True)
class Miss:
    pair: EvalPair
    got: str | None  # None = Nothing


@dataclass(frozen=True)
class PairScore:
    """How the rule did on an evaluation set."""

    scored: int
    hit1: int
    hit5: int
    misses: tuple[Miss, ...]
    unknown: tuple[str, ...]  # names the world does not have (their pairs are not scored)

    @property
    def hit1_rate(self) -> float:
        return self.hit1 / self.scored if self.scored else 0.0

    @property
    def hit5_rate(self) -> float:
        return self.hit5 / self.scored if self.scored else 0.0

    def to_json(self) -> dict:
        return {"pairs": self.scored, "hit1": round(self.hit1_rate, 4), "hit5": round(self.hit5_rate, 4),
                "unknown": list(self.unknown)}


def _rule_results(world: World, pairs: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """The vector rule's ``depth`` best words per pair, with the Nothing threshold applied to the
    first; recipes left out."""
    pairs = np.sort(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), axis=1)
    ids, scores = world.ranker.ranked(pairs, depth)
    threshold = world.vocab.settings.nothing_threshold
    first = ids[:, 0].copy()
    if threshold is not None:
        first[(first >= 0) & (scores[:, 0] < threshold)] = -1
    return first, ids


def evaluate(world: World, pairs: list[EvalPair], top: int = 5) -> PairScore:
    """Score the rule on ``pairs``: hit@1 and hit@``top``. Pairs naming a word the world does
    not have are skipped and their names listed in ``unknown``."""
    vocab = world.vocab
    unknown: dict[str, None] = {}
    usable: list[tuple[EvalPair, int, int, set[int]]] = []
    for p in pairs:
        missing = [n for n in (p.a, p.b, *p.answers) if n not in vocab]
        for name in missing:
            unknown.setdefault(name)
        if p.a in vocab and p.b in vocab:
            accepted = {vocab.index_of(n) for n in p.answers if n in vocab}
            if accepted:
                usable.append((p, vocab.index_of(p.a), vocab.index_of(p.b), accepted))
    if not usable:
        return PairScore(0, 0, 0, (), tuple(unknown))
    first, ids = _rule_results(world, np.array([(i, j) for _, i, j, _ in usable]), top)
    hit1 = hit5 = 0
    misses = []
    names = vocab.elements
    for (p, _, _, accepted), got, row in zip(usable, first.tolist(), ids.tolist()):
        if got in accepted:
            hit1 += 1
        else:
            misses.append(Miss(p, names[got].name if got >= 0 else None))
        hit5 += bool(accepted.intersection(row))
    return PairScore(len(usable), hit1, hit5, tuple(misses), tuple(unknown))


@dataclass(frozen=True)
class Spread:
    """What all pairs of the first ``elements`` words make."""

    elements: int
    pairs: int
    distinct: int
    top: tuple[tuple[str, int], ...]  # the most frequent results and their counts
    variant: int  # results that are the same word as an input (plural, spacing)
    contains: int  # results that contain an input as a whole word (Steam -> Steam Engine)
    nothing: int

    @property
    def hub_share(self) -> float:
        return self.top[0][1] / self.pairs if self.top else 0.0

    def to_json(self) -> dict:
        return {"elements": self.elements, "pairs": self.pairs, "distinct": self.distinct,
                "hub": self.top[0][0] if self.top else None, "hub_share": round(self.hub_share, 4),
                "variant_share": round(self.variant / self.pairs, 4) if self.pairs else 0.0,
                "contains_share": round(self.contains / self.pairs, 4) if self.pairs else 0.0,
                "nothing_share": round(self.nothing / self.pairs, 4) if self.pairs else 0.0,
                "top": [[name, count] for name, count in self.top]}


def spread(world: World, first: int = SPREAD_FIRST, shown: int = 5) -> Spread:
    """Every pair (including an element with itself) of the first ``first`` elements, in file order."""
    n = min(first, len(world.elements))
    a, b = np.triu_indices(n)
    pairs = np.stack([a, b], axis=1)
    result, _ = _rule_results(world, pairs, 1)
    names = [e.name for e in world.elements]
    made = Counter(r for r in result.tolist() if r >= 0)
    top = tuple((names[k], c) for k, c in made.most_common(shown))
    variant = contains = 0
    for (i, j), r in zip(pairs.tolist(), result.tolist()):
        if r < 0:
            continue
        if is_variant(names[r], names[i]) or is_variant(names[r], names[j]):
            variant += 1
        if is_variant(names[r], names[i], "word") or is_variant(names[r], names[j], "word"):
            contains += 1
    return Spread(n, len(pairs), len(made), top, variant, contains, int((result < 0).sum()))


