"""``vocab tune``: how much a world's learned map helps, measured on examples it was not fitted on.

:func:`cross_validate` splits the examples into ``folds`` parts (seeded), fits a map on all
but one part and scores the left-out part under the world's full rule (hubness, balance,
variants), for every part in turn; it watches the left-out hit@1 at a few epochs on the way,
so a designer sees how many epochs are worth it. :func:`hardest` lists the examples the
fitted world still gets most wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..world.caches import example_set, fit_options
from ..world.index import AnnIndex, vectors_hash
from ..world.learned import LearnedMap, fit_map
from ..world.rule import fit_penalty, rule_space
from ..world.vocab import Example
from ..world.world import World
from .quality import PairScore, evaluate

__all__ = ["FOLDS", "CrossValidation", "cross_validate", "trial_world", "without_map", "hardest", "Hard"]

FOLDS = 5
WATCH = (0.25, 0.5, 0.75, 1.0)  # fractions of the epochs at which left-out pairs are scored

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CrossValidation:
    """Left-out scores summed over the folds: without a map, and with one at each watched epoch."""

    folds: int
    examples: int
    before: PairScore
    after: dict[int, tuple[int, int, int]]  # epoch -> (scored, hit@1, hit@5) over all folds

    def rates(self, epoch: int) -> tuple[float, float]:
        scored, hit1, hit5 = self.after[epoch]
        return (hit1 / scored, hit5 / scored) if scored else (0.0, 0.0)

    @property
    def final_epoch(self) -> int:
        return max(self.after)

    @property
    def best_epoch(self) -> int:
        return max(self.after, key=lambda e: (self.rates(e), -e))



def trial_world(world: World, learned: LearnedMap | None) -> World:
    """``world`` with another learned map (or none), in memory: the same vocabulary, model
    vectors and settings; a fresh index over the mapped vectors."""
    items = world.items.tolist()
    vectors = rule_space(world.raw_vectors, items, world.vocab.settings)
    if learned is not None:
        vectors = learned.apply(vectors)
    m = world.index.manifest
    index = AnnIndex.build(vectors[items], model_id=m.model_id, vocab_hash=vectors_hash(m.model_id, [], vectors[items]),
                           seed=m.seed, trees=m.trees, search_k=m.search_k)
    return World(world.vocab, vectors, index, items, raw=world.raw_vectors, learned=learned)


def fold_of(count: int, folds: int, seed: int) -> np.ndarray:
    """Which fold each of ``count`` examples is left out in (seeded, as even as can be)."""
    order = np.random.default_rng(seed).permutation(count)
    out = np.empty(count, dtype=np.int64)
    out[order] = np.arange(count) % folds
    return out


def cross_validate(world: World, folds: int = FOLDS, progress: Progress | None = None) -> CrossValidation:
    """Fit on ``folds - 1`` parts, score the part left out, for each part (see the module docstring)."""
    vocab = world.vocab
    examples = list(vocab.examples)
    if len(examples) < folds:
        raise ValueError(f"{len(examples)} examples cannot be split into {folds} folds")
    options = fit_options(vocab.settings)
    items = world.items.tolist()
    base = rule_space(world.raw_vectors, items, vocab.settings)
    penalty = fit_penalty(base, items, vocab.settings)
    plain = trial_world(world, None)
    before = evaluate(plain, examples)
    part = fold_of(len(examples), folds, vocab.settings.seed)
    watch = sorted({max(1, round(f * options.epochs)) for f in WATCH})
    totals = {e: [0, 0, 0] for e in watch}
    done = 0
    for k in range(folds):
        train = [e for e, p in zip(examples, part) if p != k]
        test = [e for e, p in zip(examples, part) if p == k]

        def check(epoch: int, learned: LearnedMap) -> None:
            if epoch in totals:
                score = evaluate(trial_world(world, learned), test)
                for slot, value in enumerate((score.scored, score.hit1, score.hit5)):
                    totals[epoch][slot] += value

        def step(epoch: int, _total: int) -> None:
            if progress:
                progress(done + epoch, folds * options.epochs)

        fit_map(base, items, example_set(vocab, train), options, step, check, penalty)
        done += options.epochs
    return CrossValidation(folds, len(examples), before, {e: tuple(v) for e, v in totals.items()})


@dataclass(frozen=True)
class Hard:
    """An example the world gets wrong: what it makes, and where the first accepted answer ranks."""

    example: Example
    got: str | None
    rank: int | None  # None: not among the best ``depth`` words


def hardest(world: World, count: int = 20, depth: int = 50) -> list[Hard]:
    """The ``count`` examples whose accepted answers the world ranks lowest (misses only)."""
    vocab = world.vocab
    examples: Sequence[Example] = vocab.examples
    if not examples:
        return []
    chosen = example_set(vocab)
    pairs = np.sort(chosen.pairs, axis=1)
    ids, _ = world.ranker.ranked(pairs, depth)
    result, _ = world.results(pairs)
    out = []
    for e, row, answers, got in zip(examples, ids.tolist(), chosen.answers, result.tolist()):
        if got in answers:
            continue
        ranks = [row.index(a) + 1 for a in answers if a in row]
        out.append(Hard(e, vocab.elements[got].name if got >= 0 else None, min(ranks) if ranks else None))
    out.sort(key=lambda h: (-(h.rank or depth + 1), h.example.source, h.example.line))
    return out[:count]


def without_map(world: World) -> World:
    """The same world in the model's own space (for before / after figures)."""
    return trial_world(world, None) if world.learned is not None else world

