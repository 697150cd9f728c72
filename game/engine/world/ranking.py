"""The vector rule's ranking: for each pair, the words nearest the sum of its two vectors.

Annoy (or, for a batch on an exhaustive world, one matrix product) proposes candidates with
approximate float32 scores; every candidate that could be among the best is re-scored exactly
in float64 and ties are broken by the score rounded to ``SCORE_DECIMALS`` and then by name, so
every machine with the same vectors ranks the same words in the same order.

A word's score is ``cos(word, a + b) - balance * |cos(word, a) - cos(word, b)| - penalty(word)``
(see :mod:`~game.engine.world.rule`); the inputs themselves, and words the world counts as
variants of an input, are never candidates. Recipes and the Nothing threshold are not applied
here: they are the world's (:meth:`World.combine <game.engine.world.world.World.combine>`).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import numpy as np

from .embed import unit_rows
from .index import AnnIndex
from .rule import hub_penalty, variant_pairs
from .vocab import Settings, fold

__all__ = ["SCORE_DECIMALS", "APPROX_ERROR", "Ranker", "name_ranks"]

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

class Ranker:
    """Ranks a world's indexed words for pairs of its elements (element ids in, element ids out)."""

    def __init__(self, names: Sequence[str], vectors: np.ndarray, index: AnnIndex, items: Sequence[int],
                 settings: Settings, penalty: np.ndarray | None = None) -> None:
        """
        Args:
            names: every element's name, in vocabulary order (for the tie-break and variants).
            vectors: float32 unit vectors of the rule's space, one row per element.
            index: the Annoy index; its item ``k`` is element ``items[k]``.
            items: element positions of the index items (every element that is not banned).
            penalty: :func:`rule.hub_penalty` of these vectors and settings when the caller has
                it cached (default: computed here; None when the world has no hubness).
        """
        self.index = index
        self._n = len(names)
        self._v64 = vectors.astype(np.float64)
        self._items = np.asarray(items, dtype=np.int64)
        self._name_rank = np.append(name_ranks(names), len(names))  # the padding slot (-1) ranks last
        self.penalty = penalty if penalty is not None else hub_penalty(vectors, items, settings)  # or None
        self._penalty32 = None if self.penalty is None else self.penalty.astype(np.float32)
        self._balance = settings.balance
        self._v32 = np.ascontiguousarray(vectors, dtype=np.float32)
        self._gram: np.ndarray | None = None  # every word's cosine to every item, made on first need
        self._column = np.full(len(names), -1, dtype=np.int64)  # element id -> item position
        self._column[self._items] = np.arange(len(self._items))
        self._variants = variant_pairs(names, settings.variants)
        self._v32_items = self._v32[self._items] if index.exhaustive else None
        # The variants of each element, grouped by it: element g's are _variant_of[start[g]:start[g] + count[g]].
        given = self._variants % len(names)
        by_given = np.argsort(given, kind="stable")
        self._variant_of = self._variants[by_given] // len(names)
        self._variant_count = np.bincount(given, minlength=len(names))
        self._variant_start = np.cumsum(self._variant_count) - self._variant_count
        self._pool: ThreadPoolExecutor | None = None

    @property
    def items(self) -> np.ndarray:
        """Element positions of the words in the index (every element that is not banned)."""
        return self._items

    def scores(self, pairs: np.ndarray, words: np.ndarray) -> np.ndarray:
        """The rule's exact (float64) score of each row's ``words`` (B, K) for the row's pair
        (B, 2): the one formula every tool that shows a score uses."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        return self._exact_scores(np.asarray(words, dtype=np.int64).reshape(len(pairs), -1), self._queries(pairs), pairs)

    def _queries(self, pairs: np.ndarray) -> np.ndarray:
        """Each pair's unit sum ``(a + b) / |a + b|`` in float64 (zero for a zero sum)."""
        return unit_rows(self._v64[pairs[:, 0]] + self._v64[pairs[:, 1]])

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
            query = self._queries(chunk)
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
        keys = np.asarray(results, dtype=np.int64) * self._n + np.asarray(given, dtype=np.int64)
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


