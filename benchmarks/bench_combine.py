"""One-pair combination latency and recall@1 of the engine against exact numpy search.

For worlds of 1k, 10k and 100k synthetic 384-d words (see :mod:`benchmarks.synthetic`) this
builds the Annoy index and the World exactly as the engine does (default ``trees`` and
``search_k`` for the size), then times ``world.combine(a, b, top=0)`` one call at a time over
distinct random pairs (never repeated, so the memo never answers). The baseline, measured in
the same run, is the plain exact search a newcomer would write: ``scores = V @ q`` over every
word (float32), exclude ``a`` and ``b``, argmax. Agreement is the share of pairs where the
engine's answer equals the exact answer (float64, over every word, same tie rule).

At the largest size a ``search_k`` sweep shows the recall/speed trade-off, and the result is
checked against the requirement in :data:`REQUIREMENT`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from game.engine.world.ranking import SCORE_DECIMALS

from . import synthetic
from .common import (Latency, SyntheticWorld, build_world, distinct_pairs, exact_top1, print_table, ratio,
                     single_blas_thread, us)

REQUIREMENT = "at 100k: engine >= 5x faster than exact with 100% agreement on 10,000 pairs"
REQUIRED_SPEEDUP = 5.0
REQUIRED_PAIRS = 10_000
WARMUP = 50  # calls before timing, on pairs of their own


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]
    engine_pairs: int  # pairs timed through the engine, and checked for agreement
    exact_pairs: int  # pairs timed through the exact baseline (a subset)
    sweep_latency_pairs: int  # single calls timed per search_k in the sweep
    sweep_factors: tuple[int, ...] = (1, 2, 4, 8)


FULL = Plan(sizes=(1_000, 10_000, 100_000), engine_pairs=REQUIRED_PAIRS, exact_pairs=1_000, sweep_latency_pairs=1_000)
QUICK = Plan(sizes=(1_000, 10_000), engine_pairs=2_000, exact_pairs=300, sweep_latency_pairs=500)


@dataclass(frozen=True)
class SizeResult:
    n: int
    trees: int
    search_k: int
    build_seconds: float
    init_seconds: float
    engine: Latency
    exact: Latency
    agree: int
    ties: int
    blas_note: str

    @property
    def speedup_median(self) -> float:
        return self.exact.median / self.engine.median

    @property
    def speedup_mean(self) -> float:
        return self.exact.mean / self.engine.mean


# ------------------------------------------------------------------ measurements


def time_engine(world, names: list[str], pairs: np.ndarray) -> tuple[Latency, np.ndarray]:
    """Latency of one ``combine(a, b, top=0)`` call per pair, and the result ids."""
    ids = {name: i for i, name in enumerate(names)}
    samples = np.empty(len(pairs))
    results = np.empty(len(pairs), dtype=np.int64)
    clock = time.perf_counter
    for row, (a, b) in enumerate(pairs.tolist()):
        name_a, name_b = names[a], names[b]
        started = clock()
        combination = world.combine(name_a, name_b, top=0)
        samples[row] = clock() - started
        results[row] = ids[combination.result] if combination.result is not None else -1
    return Latency(samples), results


def time_exact(vectors: np.ndarray, pairs: np.ndarray) -> tuple[Latency, str]:
    """Latency of the naive exact search, one pair at a time: ``V @ q``, exclude a and b, argmax.

    Returns the latency and a note on how BLAS was threaded (see ``single_blas_thread``).
    """
    samples = np.empty(len(pairs))
    clock = time.perf_counter
    with single_blas_thread() as note:
        for row, (a, b) in enumerate(pairs.tolist()):
            started = clock()
            query = vectors[a] + vectors[b]
            query /= np.linalg.norm(query)
            scores = vectors @ query
            scores[a] = scores[b] = -np.inf
            int(scores.argmax())
            samples[row] = clock() - started
    return Latency(samples), note


def measure_size(built: SyntheticWorld, plan: Plan, seed: int) -> tuple[SizeResult, np.ndarray, np.ndarray]:
    """Engine and exact latency plus agreement at one size; also returns the pairs and exact answers."""
    n = len(built.names)
    pairs = distinct_pairs(n, WARMUP + plan.engine_pairs, seed)
    warm, pairs = pairs[:WARMUP], pairs[WARMUP:]
    time_engine(built.world, built.names, warm)
    time_exact(built.vectors, warm)
    engine, got = time_engine(built.world, built.names, pairs)
    exact, blas_note = time_exact(built.vectors, pairs[:plan.exact_pairs])
    truth, ties = exact_top1(built.vectors, pairs, built.names)
    manifest = built.index.manifest
    result = SizeResult(n, manifest.trees, manifest.search_k, built.build_seconds, built.init_seconds,
                        engine, exact, int((got == truth).sum()), ties, blas_note)
    return result, pairs, truth


def sweep(built: SyntheticWorld, pairs: np.ndarray, truth: np.ndarray, exact: Latency, plan: Plan) -> list[list[str]]:
    """Rows of the search_k sweep: latency on single calls, agreement on every pair via ``results``."""
    base = built.index.manifest
    rows = []
    try:
        for factor in plan.sweep_factors:
            built.index.manifest = replace(base, search_k=base.search_k * factor)
            world = built.fresh_world()
            latency, _ = time_engine(world, built.names, pairs[:plan.sweep_latency_pairs])
            got, _ = world.results(pairs)
            agree = int((got == truth).sum())
            label = f"{built.index.manifest.search_k:,}" + (" (auto)" if factor == 1 else f" ({factor}x)")
            rows.append([label, us(latency.median), us(latency.p95), ratio(exact.median / latency.median),
                         f"{agree:,}/{len(pairs):,}", f"{100 * agree / len(pairs):.2f}%"])
            del world
    finally:
        built.index.manifest = base
    return rows


# ------------------------------------------------------------------ report


def print_shape(real: np.ndarray, spectrum: synthetic.Spectrum, sample: np.ndarray) -> None:
    lo, hi = synthetic.FIT_RANKS
    print(f"synthetic vectors: power law fitted to PCA eigenvalues {lo}..{hi} of the {len(real)} real "
          f"vectors: alpha = {spectrum.alpha:.3f}")
    print_table(["statistic", f"real ({len(real)})", f"synthetic (sample of {min(len(real), len(sample))})"],
                synthetic.shape_report(real, sample))


def print_sizes(results: list[SizeResult]) -> None:
    print_table(
        ["words", "trees", "search_k", "annoy build s", "World() s"],
        [[f"{r.n:,}", r.trees, f"{r.search_k:,}", f"{r.build_seconds:.1f}", f"{r.init_seconds:.2f}"] for r in results],
        title="build (engine defaults for each size)",
    )
    print_table(
        ["words", "engine pairs", "engine median µs", "engine p95 µs", "exact pairs", "exact median µs",
         "exact p95 µs", "speedup (median)", "speedup (mean)", "agreement", "tied pairs"],
        [[f"{r.n:,}", f"{len(r.engine):,}", us(r.engine.median), us(r.engine.p95), f"{len(r.exact):,}",
          us(r.exact.median), us(r.exact.p95), ratio(r.speedup_median), ratio(r.speedup_mean),
          f"{r.agree:,}/{len(r.engine):,} ({100 * r.agree / len(r.engine):.2f}%)", r.ties] for r in results],
        title="combine(a, b, top=0), one call at a time, vs exact float32 `V @ q` + argmax (speedup = exact / engine)",
    )
    print(f"exact baseline: {results[0].blas_note}; agreement: engine answer == exact float64 answer over every word;")
    print(f"tied pairs: best score tied to {SCORE_DECIMALS} decimals, broken by name as the engine does (not misses)")
    print()


def print_verdict(result: SizeResult | None) -> None:
    print(f"requirement: {REQUIREMENT}")
    if result is None or result.n != 100_000 or len(result.engine) < REQUIRED_PAIRS:
        print("  not checked: needs the full run (100k words, 10,000 pairs); --quick skips it")
        return
    speedup = min(result.speedup_median, result.speedup_mean)
    fast = speedup >= REQUIRED_SPEEDUP
    exact = result.agree == len(result.engine)
    print(f"  speedup {ratio(result.speedup_median)} (median), {ratio(result.speedup_mean)} (mean): "
          f"{'>=' if fast else '<'} {REQUIRED_SPEEDUP:g}x")
    print(f"  agreement {result.agree:,}/{len(result.engine):,} ({100 * result.agree / len(result.engine):.2f}%)"
          f"{'' if exact else f', {len(result.engine) - result.agree} pairs differ'}")
    print(f"  at the default settings (trees {result.trees}, search_k {result.search_k:,}): "
          f"{'MET' if fast and exact else 'NOT MET'}")


def main(quick: bool = False) -> None:
    plan = QUICK if quick else FULL
    real = synthetic.load_real()
    spectrum = synthetic.fit_spectrum(real)
    results: list[SizeResult] = []
    last = None
    for n in plan.sizes:
        built = build_world(synthetic.generate(n, spectrum))
        if n == plan.sizes[-1]:
            print_shape(real, spectrum, built.vectors)
        result, pairs, truth = measure_size(built, plan, seed=n)
        results.append(result)
        last = (built, pairs, truth, result)
    print_sizes(results)
    built, pairs, truth, result = last
    print_table(
        ["search_k", "median µs", "p95 µs", "speedup vs exact (median)", "agreement", "%"],
        sweep(built, pairs, truth, result.exact, plan),
        title=f"search_k sweep at {result.n:,} words ({built.index.manifest.trees} trees; latency on "
              f"{min(plan.sweep_latency_pairs, len(pairs)):,} single calls, agreement on all {len(pairs):,} pairs "
              f"via World.results)",
    )
    print_verdict(result)


if __name__ == "__main__":
    main()
