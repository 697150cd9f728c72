"""Per-pair cost of answering many pairs at once, as ``embedcraft try --batch`` does.

On a 20,000-word synthetic world (:mod:`benchmarks.synthetic`, engine default index settings)
this times ``world.combine_many(pairs, top=5)`` on 20,000 distinct random pairs, in one call
and in the CLI's chunks of ``game.cli.BATCH_CHUNK``, each on a fresh World so the memo never
answers. The baseline, measured in the same run on a subset of the same pairs, is a naive exact
search per pair: ``V @ q`` over every word (float32), exclude a and b, ``argpartition`` top 6
(the result and 5 runners-up), sorted. For context, one more exact row answers all the pairs
with a matrix product per chunk of queries instead of one ``V @ q`` per pair.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from game.cli.play import BATCH_CHUNK

from . import synthetic
from .common import SyntheticWorld, build_world, distinct_pairs, print_table, ratio, single_blas_thread, us

DEPTH = 6  # the result plus top=5 runners-up
GEMM_CHUNK = 512  # queries per matrix product in the batched exact row
WARMUP = 200  # pairs combined before timing (enough to start the engine's thread pool)


@dataclass(frozen=True)
class Plan:
    words: int
    pairs: int
    naive_pairs: int  # subset timed through the naive exact loop


FULL = Plan(words=20_000, pairs=20_000, naive_pairs=2_000)
QUICK = Plan(words=10_000, pairs=5_000, naive_pairs=500)


@dataclass(frozen=True)
class Row:
    label: str
    pairs: int
    seconds: float
    top1: np.ndarray  # result id per timed pair (for agreement with the naive baseline)

    @property
    def per_pair(self) -> float:
        return self.seconds / self.pairs


def name_pairs(names: list[str], pairs: np.ndarray) -> list[tuple[str, str]]:
    return [(names[a], names[b]) for a, b in pairs.tolist()]


def time_engine(built: SyntheticWorld, warm: np.ndarray, pairs: np.ndarray, chunk: int | None, label: str) -> Row:
    """``combine_many(top=5)`` on every pair, in one call or in chunks, on a fresh World.

    The World is first warmed (thread pool started) on ``warm``, pairs not among ``pairs``.
    """
    world = built.fresh_world()
    world.combine_many(name_pairs(built.names, warm), top=5)
    asked = name_pairs(built.names, pairs)
    step = chunk or len(asked)
    started = time.perf_counter()
    answers = []
    for start in range(0, len(asked), step):
        answers.extend(world.combine_many(asked[start:start + step], top=5))
    seconds = time.perf_counter() - started
    ids = {name: i for i, name in enumerate(built.names)}
    return Row(label, len(pairs), seconds, np.array([ids.get(c.result, -1) for c in answers]))


def time_naive(vectors: np.ndarray, pairs: np.ndarray) -> tuple[Row, str]:
    """The naive exact loop: one ``V @ q`` and ``argpartition`` per pair (BLAS on one thread)."""
    top1 = np.empty(len(pairs), dtype=np.int64)
    with single_blas_thread() as note:
        started = time.perf_counter()
        for row, (a, b) in enumerate(pairs.tolist()):
            query = vectors[a] + vectors[b]
            query /= np.linalg.norm(query)
            scores = vectors @ query
            scores[a] = scores[b] = -np.inf
            best = np.argpartition(-scores, DEPTH)[:DEPTH]
            best = best[np.argsort(-scores[best])]
            top1[row] = best[0]
        seconds = time.perf_counter() - started
    return Row("naive exact: V @ q + argpartition per pair", len(pairs), seconds, top1), note


def time_gemm(vectors: np.ndarray, pairs: np.ndarray) -> Row:
    """Exact top 6 for every pair, one matrix product per chunk of queries (BLAS threads as default)."""
    top1 = np.empty(len(pairs), dtype=np.int64)
    started = time.perf_counter()
    for start in range(0, len(pairs), GEMM_CHUNK):
        chunk = pairs[start:start + GEMM_CHUNK]
        query = vectors[chunk[:, 0]] + vectors[chunk[:, 1]]
        query /= np.linalg.norm(query, axis=1, keepdims=True)
        scores = query @ vectors.T
        rows = np.arange(len(chunk))[:, None]
        scores[rows, chunk] = -np.inf
        best = np.argpartition(-scores, DEPTH, axis=1)[:, :DEPTH]
        best = np.take_along_axis(best, np.argsort(-np.take_along_axis(scores, best, axis=1), axis=1), axis=1)
        top1[start:start + len(chunk)] = best[:, 0]
    seconds = time.perf_counter() - started
    return Row(f"exact, batched: matrix product per {GEMM_CHUNK} pairs", len(pairs), seconds, top1)


def main(quick: bool = False) -> None:
    plan = QUICK if quick else FULL
    spectrum = synthetic.fit_spectrum(synthetic.load_real())
    built = build_world(synthetic.generate(plan.words, spectrum))
    manifest = built.index.manifest
    print(f"{plan.words:,} synthetic words (alpha {spectrum.alpha:.3f}), trees {manifest.trees}, "
          f"search_k {manifest.search_k:,}; annoy build {built.build_seconds:.1f} s")
    pairs = distinct_pairs(plan.words, WARMUP + plan.pairs, seed=7)
    warm, pairs = pairs[:WARMUP], pairs[WARMUP:]
    subset = pairs[:plan.naive_pairs]
    naive, note = time_naive(built.vectors, subset)
    rows = [
        time_engine(built, warm, pairs, None, f"engine: combine_many(all {plan.pairs:,} pairs, top=5)"),
        time_engine(built, warm, pairs, BATCH_CHUNK, f"engine: combine_many in CLI chunks of {BATCH_CHUNK:,}"),
        time_gemm(built.vectors, pairs),
    ]
    table = [[naive.label, f"{naive.pairs:,}", f"{naive.seconds:.2f}", us(naive.per_pair), "1.00x", "(baseline)"]]
    for row in rows:
        agree = int((row.top1[:len(subset)] == naive.top1).sum())
        table.append([row.label, f"{row.pairs:,}", f"{row.seconds:.2f}", us(row.per_pair),
                      ratio(naive.per_pair / row.per_pair), f"{100 * agree / len(subset):.2f}%"])
    print_table(["method", "pairs", "total s", "per pair µs", "speedup vs naive", "top-1 = naive"], table,
                title=f"batch cost per pair (naive exact timed on the first {len(subset):,} pairs; {note})")


if __name__ == "__main__":
    main()
