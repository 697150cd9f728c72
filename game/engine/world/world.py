"""A playable world, and where a craft is decided: A + B = the word nearest to vec(A) + vec(B).

:meth:`World.combine` is the one place every caller (the game, ``try``, ``reach``, ``verify``)
gets an answer from: a designer recipe wins; otherwise the vector rule's best word
(:class:`~game.engine.world.ranking.Ranker`), or "Nothing" when its score is below the world's
``nothing_threshold``. Banned words are never in the index. :attr:`World.fingerprint` names
everything an answer depends on, so two machines with the same fingerprint agree on every pair.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Sequence

import numpy as np

from .index import AnnIndex
from .learned import LearnedMap
from .ranking import SCORE_DECIMALS, Ranker
from .vocab import NOTHING, Element, Vocabulary

__all__ = ["RULE_VERSION", "Neighbour", "Combination", "World"]

RULE_VERSION = 2  # bump when a change here can change what a pair makes (saves record it)
# 2: an exhaustive index ranks every word exactly, so hubness scaling can lift any word, not only annoy's first few


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
                 raw: np.ndarray | None = None, penalty: np.ndarray | None = None,
                 learned: LearnedMap | None = None) -> None:
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
            learned: the learned map ``vectors`` were mapped with (None: the model's space).
        """
        self.vocab = vocab
        self.vectors = vectors
        self.raw_vectors = vectors if raw is None else raw
        self.learned = learned
        self.index = index
        self.ranker = Ranker([e.name for e in vocab.elements], vectors, index, items, vocab.settings, penalty)
        self._recipes = {
            _pair_key(vocab.index_of(r.a), vocab.index_of(r.b)): vocab.index_of(r.result) for r in vocab.recipes
        }
        self._threshold = vocab.settings.nothing_threshold
        self._memo: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

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
        return self.ranker.items

    @property
    def penalty(self) -> np.ndarray | None:
        """Each word's hubness penalty (None when the world has no ``hubness``)."""
        return self.ranker.penalty

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 over what decides results (computed once: nothing in a World changes): the combination rule's version, the vocabulary's
        content (elements, embedding texts, recipes, banned words, settings), the vectors and
        model (through the index manifest's hash), every index setting and the learned map's bytes."""
        manifest = self.index.manifest
        parts = [RULE_VERSION, self.vocab.content_hash(), manifest.vocab_hash, manifest.model_id, manifest.metric,
                 manifest.trees, manifest.search_k, manifest.seed]
        if self.learned is not None:  # worlds without a map keep the fingerprint they had before maps existed
            parts.append(["learned", self.learned.digest()])
        return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()

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
            ranked_ids, ranked_scores = self.ranker.ranked(np.array(todo, dtype=np.int64), depth)
            for key, r_ids, r_scores in zip(todo, ranked_ids, ranked_scores):
                self._memo[key] = (r_ids, r_scores)
        return [self._combination(i, j, top) for i, j in given]

    def results(self, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The fast path for analysis tools: result element ids (-1 = Nothing) and scores.

        Args:
            pairs: int array of shape (B, 2) of element positions.
        """
        pairs = np.sort(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), axis=1)
        ids, scores = self.ranker.ranked(pairs, 1)
        result, score, _ = self._decide(pairs, ids[:, 0], scores[:, 0])
        return result, score

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
        return float(self.ranker.scores(np.array([[i, j]]), np.array([[k]]))[0, 0])

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


def _pair_key(i: int, j: int) -> tuple[int, int]:
    return (i, j) if i <= j else (j, i)

