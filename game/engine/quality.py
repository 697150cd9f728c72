"""How good are a world's combinations? Measured on pairs with the answers a person expects.

- :func:`read_pairs` reads an evaluation file: ``A + B = C`` a line, ``| D | E`` for other
  answers a person would also accept, ``#`` comments and blank lines.
- :func:`evaluate` scores the rule on those pairs: hit@1 (its answer is an accepted one) and
  hit@5 (an accepted answer is among its five best words).
- :func:`spread` looks at every pair of the world's first elements: how many distinct results
  they make, the share of the most frequent result (hubness), and how often a result is only a
  variant of an input.
- :func:`explain` shows one pair's best candidates under each refinement of the rule.

Designer recipes are left out of every number: they would score whatever a designer typed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .combine import World
from .errors import EmbedcraftError
from .rule import hub_penalty, is_variant, rule_space
from .vocab import MAX_NAME_CHARS, fold

__all__ = ["EvalPair", "PairsError", "PairScore", "Spread", "Candidate", "read_pairs", "parse_pairs", "evaluate",
           "spread", "explain", "SPREAD_FIRST"]

SPREAD_FIRST = 200  # spread() looks at all pairs of this many elements (20,100 pairs)
MAX_PAIRS_BYTES = 5 * 1024 * 1024


class PairsError(EmbedcraftError):
    """An evaluation file that cannot be read, with the file and line."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}")
        self.source, self.line, self.message = source, line, message


@dataclass(frozen=True)
class EvalPair:
    """``a + b`` should make one of ``answers`` (the first is the answer most people give)."""

    a: str
    b: str
    answers: tuple[str, ...]
    line: int

    @property
    def text(self) -> str:
        return f"{self.a} + {self.b} = {' | '.join(self.answers)}"


def read_pairs(path: str | Path) -> list[EvalPair]:
    """Read an evaluation file; raises :class:`PairsError` for the first bad line."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_PAIRS_BYTES:
            raise PairsError(str(path), 1, f"larger than {MAX_PAIRS_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PairsError(str(path), 1, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise PairsError(str(path), 1, f"cannot read: {exc.strerror or exc}") from None
    return parse_pairs(text, str(path))


def parse_pairs(text: str, source: str = "<pairs>") -> list[EvalPair]:
    out: list[EvalPair] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        left, eq, right = line.partition("=")
        inputs = [p.strip() for p in left.split("+")]
        answers = tuple(a.strip() for a in right.split("|"))
        if not eq or len(inputs) != 2 or not all(inputs) or not all(answers):
            raise PairsError(source, number, f"expected `A + B = C` (or `= C | D`), got {raw.strip()!r}")
        if any(len(n) > MAX_NAME_CHARS for n in (*inputs, *answers)):
            raise PairsError(source, number, f"a name is longer than {MAX_NAME_CHARS} characters")
        key = tuple(sorted(fold(n) for n in inputs))
        if key in seen:
            raise PairsError(source, number, f"{inputs[0]} + {inputs[1]} is already on line {seen[key]}")
        seen[key] = number
        out.append(EvalPair(inputs[0], inputs[1], answers, number))
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
    ids, scores = world.ranked(pairs, depth)
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


@dataclass(frozen=True)
class Candidate:
    """One word's scores for a pair under each refinement of the rule (rank 1 = best)."""

    name: str
    cosine: float  # the model's own vectors
    centred: float  # after subtracting the vocabulary mean
    penalty: float  # CSLS hubness penalty at the world's strength (or 1.0 when the world has none)
    gap: float  # |cos(word, a) - cos(word, b)| in the world's space; the world's rule subtracts balance x gap
    final: float | None  # the world's own rule; None when it skips this word
    ranks: dict[str, int]  # "cosine", "centred", "csls", "final" -> rank
    note: str  # why the world skips it, if it does


def explain(world: World, a: str, b: str, top: int = 8) -> tuple[list[Candidate], dict[str, str]]:
    """The best ``top`` words for ``a + b`` under each rule, exactly (every indexed word).

    Rules: ``cosine`` (plain sum, nearest word), ``centred`` (vectors minus their mean),
    ``csls`` (centred as the world sets it, minus the hubness penalty) and ``final`` (the world's
    settings, with variant exclusion). Returns the candidates and a label for each rule.
    """
    vocab = world.vocab
    i, j = vocab.index_of(a), vocab.index_of(b)
    settings = vocab.settings
    items = world.items
    raw = world.raw_vectors.astype(np.float64)
    centred_space = rule_space(world.raw_vectors, items, replace(settings, centre=True)).astype(np.float64)
    space = world.vectors.astype(np.float64)
    strength = settings.hubness if settings.hubness > 0 else 1.0
    penalty = world.penalty if world.penalty is not None else hub_penalty(
        world.vectors, items, replace(settings, hubness=strength))

    def cos(v: np.ndarray) -> np.ndarray:
        q = v[i] + v[j]
        norm = np.linalg.norm(q)
        return v @ (q / norm) if norm else np.zeros(len(v))

    c_raw, c_centred, c_space = cos(raw), cos(centred_space), cos(space)
    csls = c_space - penalty
    gap = np.abs(space @ space[i] - space @ space[j])
    final = c_space - settings.balance * gap - (world.penalty if world.penalty is not None else 0.0)
    skip = np.ones(len(raw), dtype=bool)
    skip[items] = False
    skip[[i, j]] = True
    names = [e.name for e in vocab.elements]
    notes = {k: "" for k in items.tolist()}
    excluded = skip.copy()
    if settings.variants != "keep":
        for k in items.tolist():
            if k not in (i, j) and (is_variant(names[k], names[i], settings.variants)
                                    or is_variant(names[k], names[j], settings.variants)):
                excluded[k] = True
                notes[k] = f"skipped: a variant of an input (variants: {settings.variants})"
    columns = {"cosine": (c_raw, skip), "centred": (c_centred, skip), "csls": (csls, skip), "final": (final, excluded)}
    ranks: dict[str, dict[int, int]] = {}
    shown: dict[int, None] = {}
    for rule, (score, hidden) in columns.items():
        order = [k for k in sorted(items.tolist(), key=lambda k: (-round(float(score[k]), 6), fold(names[k])))
                 if not hidden[k]]
        ranks[rule] = {k: r for r, k in enumerate(order, 1)}
        for k in order[:top]:
            shown.setdefault(k)
    out = []
    for k in shown:
        out.append(Candidate(names[k], float(c_raw[k]), float(c_centred[k]), float(penalty[k]), float(gap[k]),
                             None if excluded[k] else float(final[k]),
                             {rule: ranks[rule].get(k, 0) for rule in columns}, notes.get(k, "")))
    out.sort(key=lambda c: (c.ranks["final"] or 10**9, c.ranks["cosine"]))
    labels = {"cosine": "plain cosine", "centred": "centred cosine",
              "csls": f"CSLS (hubness {strength:g}, k={settings.hubness_k})", "final": "this world's rule" + (f" (balance {settings.balance:g})" if settings.balance else "")}
    return out, labels
