"""The combination rule: A + B = the vocabulary word nearest to vec(A) + vec(B).

Annoy proposes candidates; they are re-ranked exactly in float64 and ties are broken by the
score rounded to ``SCORE_DECIMALS`` and then by name, so every machine that has the same
vectors gets the same answer. Designer recipes win over the vectors, banned words are never
in the index, and with a ``nothing_threshold`` a pair whose best score is below it makes
"Nothing". Every caller (the game, ``try``, ``reach``) goes through :meth:`World.ranked`.

A world's settings refine the rule (see :mod:`game.engine.rule`): the vectors may be centred
before the index is built, each word's score may be lowered by how unevenly it relates to the
two inputs (``balance``) and by its hubness (CSLS), and words that are only variants of an input
may be skipped. The score of a word is then
``cos(word, a + b) - balance * |cos(word, a) - cos(word, b)| - penalty(word)``.
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

RULE_VERSION = 2  # bump when a change here can change what a pair makes (saves record it)
# 2: an exhaustive index ranks every word exactly, so hubness scaling can lift any word, not only annoy's first few
SCORE_DECIMALS = 6  # scores equal to this many decimals count as ties, broken by name
ANN_EXTRA = 8  # extra annoy candidates beyond what is shown, so exact re-ranking can reorder them
HUB_EXTRA = 40  # more candidates when hubness or balance re-scoring can lift a word past closer ones
_CHUNK = 512  # pairs re-ranked per numpy step
_RESCORE_CELLS = 16_384  # candidate rows scored exactly per einsum step (~50 MB for 384-d)
_WORKERS = max(1, min(4, os.cpu_count() or 1))
_THREADED_FROM = 64  # queries; smaller batches are not worth a thread hand-off
_MATMUL_FROM = 16  # queries; an exhaustive world scores batches this large with one matrix product
APPROX_ERROR = 1e-4  # bound on |float32 or annoy cosine - exact cosine| for unit vectors (observed < 1e-6)
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
                 raw: np.ndarray | None = None, penalty: np.ndarray | None = None) -> None:
        """
        Args:
            vocab: the validated vocabulary.
            vectors: float32 unit vectors the rule works with (see :func:`rule.rule_space`),
                one row per element in vocabulary order; the index holds these.
            index: the Annoy index; its item ``k`` is element ``items[k]``.
            items: element positions of the index items (every element that is not banned).
            raw: the model's own vectors, before any centring (default: ``vectors``).
            penalty: :func:`rule.hub_penalty` of these vectors and settings, when the caller
                has it cached (default: computed here).
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
        self.penalty = penalty if penalty is not None else hub_penalty(vectors, items, vocab.settings)  # or None
        self._penalty32 = None if self.penalty is None else self.penalty.astype(np.float32)
        self._balance = vocab.settings.balance
        self._v32 = np.ascontiguousarray(vectors, dtype=np.float32)
        self._gram: np.ndarray | None = None  # every word's cosine to every item, made on first need
        self._column = np.full(len(vocab.elements), -1, dtype=np.int64)  # element id -> item position
        self._column[self._items] = np.arange(len(self._items))
        self._variants = variant_pairs(names, vocab.settings.variants)
        self._v32_items = self._v32[self._items] if index.exhaustive else None
        # The variants of each element, grouped by it: element g's are _variant_of[start[g]:start[g] + count[g]].
        given = self._variants % len(names)
        by_given = np.argsort(given, kind="stable")
        self._variant_of = self._variants[by_given] // len(names)
        self._variant_count = np.bincount(given, minlength=len(names))
        self._variant_start = np.cumsum(self._variant_count) - self._variant_count
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

        Candidates come with approximate (float32) scores; every candidate that could be among
        the ``depth`` best by those is re-scored exactly in float64, so the answer does not
        depend on how the candidates were found (see :meth:`_approx_scores`).

        Returns:
            ``(ids, scores)`` of shape (B, depth); ``-1`` / ``nan`` where fewer candidates exist.
        """
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        out_ids = np.full((len(pairs), depth), -1, dtype=np.int64)
        out_scores = np.full((len(pairs), depth), np.nan)
        if depth <= 0:
            return out_ids, out_scores
        rescored = self.penalty is not None or self._balance
        extra = ANN_EXTRA + (HUB_EXTRA if rescored else 0) + (4 if len(self._variants) else 0)
        want = min(depth + 2 + extra, len(self._items))
        for start in range(0, len(pairs), _CHUNK):
            chunk = pairs[start:start + _CHUNK]
            query = self._v64[chunk[:, 0]] + self._v64[chunk[:, 1]]
            norms = np.linalg.norm(query, axis=1, keepdims=True)
            query = query / np.where(norms == 0, 1.0, norms)
            cands, approx = self._approx_scores(chunk, query, want)
            cols = self._shortlist(approx, depth)
            short = np.where(cols >= 0, np.take_along_axis(cands, np.maximum(cols, 0), axis=1), -1)
            valid = cols >= 0
            scores = self._exact_scores(short, query, chunk)
            keys = np.rint(scores * 10.0**SCORE_DECIMALS).astype(np.int64) * (len(self._name_rank) + 1)
            keys -= self._name_rank[short]
            keys[~valid] = _MISSING
            order = np.argsort(-keys, axis=1, kind="stable")[:, :depth]
            take = np.take_along_axis
            chosen_ok = take(valid, order, axis=1)
            width = order.shape[1]
            out_ids[start:start + len(chunk), :width] = np.where(chosen_ok, take(short, order, axis=1), -1)
            out_scores[start:start + len(chunk), :width] = np.where(chosen_ok, take(scores, order, axis=1), np.nan)
        return out_ids, out_scores

    @staticmethod
    def _shortlist(approx: np.ndarray, depth: int) -> np.ndarray:
        """Which candidates are worth an exact score: their columns in ``approx``, a row each,
        padded with -1.

        In every row those are the candidates whose approximate score (``-inf`` = none) comes
        within ``2 * APPROX_ERROR`` plus the tie rounding of the row's ``depth``-th best. No
        exact score is more than APPROX_ERROR from its approximation, so the exact ``depth``
        best are always among them; usually they are only a few.
        """
        kth = min(depth, approx.shape[1]) - 1
        best = approx.max(axis=1) if kth == 0 else -np.partition(-approx, kth, axis=1)[:, kth]
        floor = np.where(np.isfinite(best), best - 2 * APPROX_ERROR - 10.0**-SCORE_DECIMALS, np.finfo(np.float32).min)
        rows, cols = np.nonzero(approx >= floor[:, None].astype(approx.dtype))  # row by row, in column order
        counts = np.bincount(rows, minlength=len(approx))
        out = np.full((len(approx), max(1, int(counts.max(initial=0)))), -1, dtype=np.int64)
        out[rows, np.arange(len(rows)) - (np.cumsum(counts) - counts)[rows]] = cols
        return out

    def _exact_scores(self, cands: np.ndarray, query: np.ndarray, pairs: np.ndarray) -> np.ndarray:
        """The rule's float64 score of each row's candidates: the cosine to the pair's unit sum
        ``query``, minus ``balance`` times the gap between the cosines to the two inputs, minus
        the hubness penalty. A block of rows at a time, which bounds memory."""
        rows = max(1, _RESCORE_CELLS // max(1, cands.shape[1]))
        out = []
        for lo in range(0, len(cands), rows):
            words = self._v64[cands[lo:lo + rows]]
            score = np.einsum("bkd,bd->bk", words, query[lo:lo + rows])
            if self._balance:
                score -= self._balance * _input_gap(words, self._v64, pairs[lo:lo + rows])
            out.append(score)
        scores = np.concatenate(out) if out else np.zeros(cands.shape)
        if self.penalty is not None:
            scores -= self.penalty[cands]
        return scores

    def is_variant(self, results: np.ndarray, given: np.ndarray) -> np.ndarray:
        """Elementwise: is element ``results`` only a variant of element ``given`` under the
        world's ``variants`` setting (always False with ``"keep"``)?"""
        if not len(self._variants):
            return np.zeros(np.broadcast(results, given).shape, dtype=bool)
        keys = np.asarray(results, dtype=np.int64) * len(self.vocab.elements) + np.asarray(given, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._variants, keys), len(self._variants) - 1)
        return self._variants[at] == keys

    # ------------------------------------------------------------------ internals
    def _approx_scores(self, pairs: np.ndarray, query: np.ndarray, want: int) -> tuple[np.ndarray, np.ndarray]:
        """Each pair's candidates (element ids, -1 padded) and their approximate (float32) rule
        scores: ``-inf`` for padding, the inputs and variants of an input that the world skips.

        A world whose index is exhaustive (every query inspects every item, so annoy's answer is
        exact) gets every item as a candidate: from annoy for a few queries, from one float32
        matrix product for a batch (the same items and the same scores up to float32 rounding,
        about 10x faster). Otherwise annoy gives its ``want`` best.
        """
        if self.index.exhaustive and len(query) >= _MATMUL_FROM:
            approx = query.astype(np.float32) @ self._v32_items.T  # columns are the items, in order
            cands = np.broadcast_to(self._items, approx.shape)
            if self._balance:
                gram = self._item_cosines()
                approx -= self._balance * np.abs(gram[pairs[:, 0]] - gram[pairs[:, 1]])
            if self._penalty32 is not None:
                approx -= self._penalty32[self._items]
            rows, ids = self._skipped(pairs)
            cols = self._column[ids]
            approx[rows[cols >= 0], cols[cols >= 0]] = -np.inf
            return cands, approx
        positions, approx = self._annoy(query, len(self._items) if self.index.exhaustive else want)
        cands = np.where(positions >= 0, self._items[np.maximum(positions, 0)], -1)
        if self._balance and self.index.exhaustive:
            gram, at = self._item_cosines(), np.maximum(positions, 0)
            approx -= self._balance * np.abs(np.take_along_axis(gram[pairs[:, 0]], at, axis=1)
                                             - np.take_along_axis(gram[pairs[:, 1]], at, axis=1))
        elif self._balance:
            approx -= self._balance * _input_gap(self._v32[cands], self._v32, pairs)
        if self._penalty32 is not None:
            approx -= self._penalty32[cands]
        skip = (cands == pairs[:, :1]) | (cands == pairs[:, 1:])
        if len(self._variants):
            skip |= self.is_variant(cands, pairs[:, :1]) | self.is_variant(cands, pairs[:, 1:])
        approx[skip] = -np.inf
        return cands, approx

    def _item_cosines(self) -> np.ndarray:
        """Every word's float32 cosine to every item (11 MB for 1,600 words), for ``balance`` on
        an exhaustive world; made on first use, so opening a world does not pay for it."""
        if self._gram is None:
            self._gram = self._v32 @ self._v32_items.T
        return self._gram

    def _skipped(self, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every ``(row, element)`` the rule never answers for the pair in that row: its two
        inputs and, by the world's ``variants`` setting, the variants of either."""
        rows = [np.arange(len(pairs)), np.arange(len(pairs))]
        ids = [pairs[:, 0], pairs[:, 1]]
        if len(self._variants):
            for given in (pairs[:, 0], pairs[:, 1]):
                first, count = self._variant_start[given], self._variant_count[given]
                row = np.repeat(np.arange(len(pairs)), count)
                offset = np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
                rows.append(row)
                ids.append(self._variant_of[np.repeat(first, count) + offset])
        return np.concatenate(rows), np.concatenate(ids)

    def _annoy(self, query: np.ndarray, want: int) -> tuple[np.ndarray, np.ndarray]:
        """Annoy's ``want`` nearest items per query row (item positions, -1 padded) and their
        approximate cosines (float32; ``-inf`` for padding). Annoy releases the GIL while it
        searches, so large batches use a thread per core."""
        rows = query.tolist()
        positions = np.full((len(rows), want), -1, dtype=np.int64)
        approx = np.full((len(rows), want), -np.inf, dtype=np.float32)

        def fill(lo: int, hi: int) -> None:
            for row in range(lo, hi):
                found, distances = self.index.query(rows[row], want)
                positions[row, :len(found)] = found
                approx[row, :len(found)] = 1.0 - np.square(distances) / 2  # annoy's angular distance -> cosine

        workers = _WORKERS if len(rows) >= _THREADED_FROM else 1
        if workers == 1:
            fill(0, len(rows))
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="annoy")
            bounds = np.linspace(0, len(rows), workers + 1).astype(int)
            list(self._pool.map(fill, bounds[:-1], bounds[1:]))
        return positions, approx

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
        if not norm:
            return 0.0
        return float(self._exact_scores(np.array([[k]]), (query / norm)[None, :], np.array([[i, j]]))[0, 0])

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


def _input_gap(words: np.ndarray, vectors: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """``|cos(w, a) - cos(w, b)|`` for each row's candidate vectors ``words`` (B, K, d) and the
    row's pair ``a, b`` of rows of ``vectors``, in the vectors' precision."""
    return np.abs(np.einsum("bkd,bd->bk", words, vectors[pairs[:, 0]])
                  - np.einsum("bkd,bd->bk", words, vectors[pairs[:, 1]]))


def name_ranks(names: Sequence[str]) -> np.ndarray:
    """Each name's position in the tie-break order: folded name, then name as written."""
    order = sorted(range(len(names)), key=lambda i: (fold(names[i]), names[i]))
    ranks = np.empty(len(names), dtype=np.int64)
    ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(names))
    return ranks


def _pair_key(i: int, j: int) -> tuple[int, int]:
    return (i, j) if i <= j else (j, i)
