"""The combination rule: A + B = the vocabulary word nearest to vec(A) + vec(B).

Annoy proposes candidates; they are re-ranked exactly in float64 and ties are broken by the
score rounded to ``SCORE_DECIMALS`` and then by name, so every machine that has the same
vectors gets the same answer. Designer recipes win over the vectors, banned words are never
in the index, and with a ``nothing_threshold`` a pair whose best score is below it makes
"Nothing". Every caller (the game, ``try``, ``reach``) goes through :meth:`World.ranked`.

A world's settings refine the rule (see :mod:`game.engine.rule`): the vectors may be centred
before the index is built, each word's score may be lowered by its hubness (CSLS), and words
that are only variants of an input may be skipped. The score of a word is then
``cos(word, a + b) - penalty(word)``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .index import AnnIndex
from .rule import hub_penalty, variant_pairs
from .vocab import NOTHING, Element, Vocabulary, fold

__all__ = ["RULE_VERSION", "SCORE_DECIMALS", "Neighbour", "Combination", "World", "name_ranks"]

RULE_VERSION = 1  # bump when a change here can change what a pair makes (saves record it)
SCORE_DECIMALS = 6  # scores equal to this many decimals count as ties, broken by name
ANN_EXTRA = 8  # extra annoy candidates beyond what is shown, so exact re-ranking can reorder them
HUB_EXTRA = 40  # more candidates when hubness re-scoring can lift a word past closer ones
_CHUNK = 512  # pairs re-ranked per numpy step (bounds memory at ~50 MB for 384-d)
_WORKERS = max(1, min(4, os.cpu_count() or 1))
_THREADED_FROM = 64  # queries; smaller batches are not worth a thread hand-off
_MISSING = np.iinfo(np.int64).min + 1  # negating it must not overflow


@dataclass(frozen=True)
class Neighbour:
    """A candidate word and its cosine score against the pair's summed vector."""

    name: str
    score: float


@dataclass(frozen=True)
class Combination:
    """What a pair makes, and why.

    ``rule`` is ``"recipe"`` (a designer override), ``"vector"`` (nearest word) or
    ``"nothing"`` (below the world's threshold, or no candidate at all).
    """

    a: str
    b: str
    result: str | None
    score: float | None
    rule: str
    runners_up: tuple[Neighbour, ...] = ()

    @property
    def result_label(self) -> str:
        return self.result if self.result is not None else NOTHING

    def to_json(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "result": self.result,
            "score": None if self.score is None else round(self.score, SCORE_DECIMALS),
            "rule": self.rule,
            "runners_up": [{"name": n.name, "score": round(n.score, SCORE_DECIMALS)} for n in self.runners_up],
        }


class World:
    """A playable world: a vocabulary, its unit vectors and the Annoy index over them.

    Pure Python and numpy: no pygame, no torch. Build one with :func:`game.engine.open_world`.
    """

    def __init__(self, vocab: Vocabulary, vectors: np.ndarray, index: AnnIndex, items: Sequence[int],
                 raw: np.ndarray | None = None) -> None:
        """
        Args:
            vocab: the validated vocabulary.
            vectors: float32 unit vectors the rule works with (see :func:`rule.rule_space`),
                one row per element in vocabulary order; the index holds these.
            index: the Annoy index; its item ``k`` is element ``items[k]``.
            items: element positions of the index items (every element that is not banned).
            raw: the model's own vectors, before any centring (default: ``vectors``).
        """
        self.vocab = vocab
        self.vectors = vectors
        self.raw_vectors = vectors if raw is None else raw
        self.index = index
        self._v64 = vectors.astype(np.float64)
        self._items = np.asarray(items, dtype=np.int64)
        names = [e.name for e in vocab.elements]
        self._name_rank = np.append(name_ranks(names), len(names))  # the padding slot (-1) ranks last
        self._recipes = {
            _pair_key(vocab.index_of(r.a), vocab.index_of(r.b)): vocab.index_of(r.result) for r in vocab.recipes
        }
        self._threshold = vocab.settings.nothing_threshold
        self.penalty = hub_penalty(vectors, items, vocab.settings)  # per element, or None
        self._variants = variant_pairs(names, vocab.settings.variants)
        self._memo: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self._pool: ThreadPoolExecutor | None = None

    # ------------------------------------------------------------------ names
    @property
    def elements(self) -> tuple[Element, ...]:
        return self.vocab.elements

    def element(self, name: str) -> Element:
        """The element called ``name`` (any case, or an alias); raises UnknownElement."""
        return self.vocab.get(name)

    @property
    def items(self) -> np.ndarray:
        """Element positions of the words in the index (every element that is not banned)."""
        return self._items

    @property
    def starting(self) -> tuple[Element, ...]:
        return tuple(self.vocab.get(n) for n in self.vocab.starting)

    # ------------------------------------------------------------------ combining
    def combine(self, a: str, b: str, top: int = 5) -> Combination:
        """What ``a + b`` makes, with up to ``top`` runners-up. Symmetric and memoised.

        Raises:
            UnknownElement: ``a`` or ``b`` is not in this world.
        """
        return self.combine_many([(a, b)], top)[0]

    def combine_many(self, pairs: Iterable[tuple[str, str]], top: int = 5) -> list[Combination]:
        """:meth:`combine` for many pairs at once (one vectorised pass for the uncached ones)."""
        given = [(self.vocab.index_of(a), self.vocab.index_of(b)) for a, b in pairs]
        depth = top + 1
        todo = [k for k in dict.fromkeys(_pair_key(i, j) for i, j in given) if not self._is_memoised(k, depth)]
        if todo:
            ranked_ids, ranked_scores = self.ranked(np.array(todo, dtype=np.int64), depth)
            for key, r_ids, r_scores in zip(todo, ranked_ids, ranked_scores):
                self._memo[key] = (r_ids, r_scores)
        return [self._combination(i, j, top) for i, j in given]

    def results(self, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The fast path for analysis tools: result element ids (-1 = Nothing) and scores.

        Args:
            pairs: int array of shape (B, 2) of element positions.
        """
        pairs = np.sort(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), axis=1)
        ids, scores = self.ranked(pairs, 1)
        result, score, _ = self._decide(pairs, ids[:, 0], scores[:, 0])
        return result, score

    def ranked(self, pairs: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``depth`` best words for each pair by the vector rule alone (no recipes, no threshold).

        Returns:
            ``(ids, scores)`` of shape (B, depth); ``-1`` / ``nan`` where fewer candidates exist.
        """
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        out_ids = np.full((len(pairs), depth), -1, dtype=np.int64)
        out_scores = np.full((len(pairs), depth), np.nan)
        extra = ANN_EXTRA + (HUB_EXTRA if self.penalty is not None else 0) + (4 if len(self._variants) else 0)
        want = min(depth + 2 + extra, len(self._items))
        for start in range(0, len(pairs), _CHUNK):
            chunk = pairs[start:start + _CHUNK]
            query = self._v64[chunk[:, 0]] + self._v64[chunk[:, 1]]
            norms = np.linalg.norm(query, axis=1, keepdims=True)
            query = query / np.where(norms == 0, 1.0, norms)
            cands = self._candidates(query, want)
            valid = (cands >= 0) & (cands != chunk[:, :1]) & (cands != chunk[:, 1:])
            if len(self._variants):
                valid &= ~self.is_variant(cands, chunk[:, :1]) & ~self.is_variant(cands, chunk[:, 1:])
            scores = np.einsum("bkd,bd->bk", self._v64[cands], query)
            if self.penalty is not None:
                scores -= self.penalty[cands]
            keys = np.rint(scores * 10.0**SCORE_DECIMALS).astype(np.int64) * (len(self._name_rank) + 1)
            keys -= self._name_rank[cands]
            keys[~valid] = _MISSING
            order = np.argsort(-keys, axis=1, kind="stable")[:, :depth]
            take = np.take_along_axis
            chosen_ok = take(valid, order, axis=1)
            width = order.shape[1]
            out_ids[start:start + len(chunk), :width] = np.where(chosen_ok, take(cands, order, axis=1), -1)
            out_scores[start:start + len(chunk), :width] = np.where(chosen_ok, take(scores, order, axis=1), np.nan)
        return out_ids, out_scores

    def is_variant(self, results: np.ndarray, given: np.ndarray) -> np.ndarray:
        """Elementwise: is element ``results`` only a variant of element ``given`` under the
        world's ``variants`` setting (always False with ``"keep"``)?"""
        if not len(self._variants):
            return np.zeros(np.broadcast(results, given).shape, dtype=bool)
        keys = np.asarray(results, dtype=np.int64) * len(self.vocab.elements) + np.asarray(given, dtype=np.int64)
        return np.isin(keys, self._variants)

    # ------------------------------------------------------------------ internals
    def _candidates(self, query: np.ndarray, want: int) -> np.ndarray:
        """Annoy's ``want`` best element ids per query row (-1 padded).

        Annoy releases the GIL while it searches, so large batches use a thread per core.
        """
        rows = query.tolist()
        cands = np.full((len(rows), want), -1, dtype=np.int64)

        def fill(lo: int, hi: int) -> None:
            for row in range(lo, hi):
                found = self.index.query(rows[row], want)
                cands[row, :len(found)] = self._items[found]

        workers = _WORKERS if len(rows) >= _THREADED_FROM else 1
        if workers == 1:
            fill(0, len(rows))
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="annoy")
            bounds = np.linspace(0, len(rows), workers + 1).astype(int)
            list(self._pool.map(fill, bounds[:-1], bounds[1:]))
        return cands

    def _is_memoised(self, key: tuple[int, int], depth: int) -> bool:
        hit = self._memo.get(key)
        return hit is not None and hit[0].shape[0] >= depth

    def _decide(self, pairs: np.ndarray, best: np.ndarray, best_score: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Apply recipes and the Nothing threshold to the vector rule's best word of each pair.

        Args:
            pairs: (B, 2) element positions, each row sorted; best / best_score: the vector
                rule's best word per pair (-1 / nan when there is no candidate).
        Returns:
            ``(result ids, -1 = Nothing; scores; rules)``, one of "recipe", "vector", "nothing".
        """
        result, score = best.copy(), best_score.copy()
        if self._threshold is not None:
            result[(result >= 0) & (score < self._threshold)] = -1
        rules = ["vector" if r >= 0 else "nothing" for r in result.tolist()]
        if self._recipes:
            for row, (i, j) in enumerate(pairs.tolist()):
                forced = self._recipes.get((i, j))
                if forced is not None:
                    result[row], score[row], rules[row] = forced, self._score(i, j, forced), "recipe"
        return result, score, rules

    def _score(self, i: int, j: int, k: int) -> float:
        query = self._v64[i] + self._v64[j]
        norm = np.linalg.norm(query)
        penalty = 0.0 if self.penalty is None else float(self.penalty[k])
        return float(self._v64[k] @ (query / norm)) - penalty if norm else 0.0

    def _combination(self, i: int, j: int, top: int) -> Combination:
        """The memoised ranking of a pair as a Combination naming ``i`` and ``j`` in the order given."""
        key = _pair_key(i, j)
        ids, scores = self._memo[key]
        names = self.vocab.elements
        ranked = [(int(k), float(s)) for k, s in zip(ids, scores) if k >= 0]
        a, b = names[i].name, names[j].name
        best_id, best_score = ranked[0] if ranked else (-1, np.nan)
        result, score, rules = self._decide(np.array([key]), np.array([best_id]), np.array([best_score]))
        chosen, rule = int(result[0]), rules[0]
        shown = float(score[0]) if ranked or rule == "recipe" else None
        if rule == "nothing":
            return Combination(a, b, None, shown, rule, tuple(Neighbour(names[k].name, s) for k, s in ranked[:top]))
        others = [Neighbour(names[k].name, s) for k, s in ranked if k != chosen][:top]
        return Combination(a, b, names[chosen].name, shown, rule, tuple(others))


def name_ranks(names: Sequence[str]) -> np.ndarray:
    """Each name's position in the tie-break order: folded name, then name as written."""
    order = sorted(range(len(names)), key=lambda i: (fold(names[i]), names[i]))
    ranks = np.empty(len(names), dtype=np.int64)
    ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(names))
    return ranks


def _pair_key(i: int, j: int) -> tuple[int, int]:
    return (i, j) if i <= j else (j, i)
