"""Helpers shared by the benchmarks: synthetic worlds, random pairs, exact search, timing, tables."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from game.engine.world.ranking import SCORE_DECIMALS, name_ranks
from game.engine.world.world import World
from game.engine.world.index import AnnIndex, auto_search_k, auto_trees
from game.engine.world.vocab import Element, Vocabulary

__all__ = [
    "SyntheticWorld", "build_world", "distinct_pairs", "exact_top1", "Latency", "print_table",
    "machine_summary", "single_blas_thread", "us", "ratio",
]

_EXACT_CHUNK = 256  # queries per float64 matrix product in exact_top1 (~200 MB at 100k words)


# ------------------------------------------------------------------ worlds


@dataclass
class SyntheticWorld:
    """A world over synthetic vectors named ``w0..w{n-1}``, built the way the engine builds one."""

    world: World
    index: AnnIndex
    vocab: Vocabulary
    vectors: np.ndarray
    names: list[str]
    build_seconds: float  # Annoy: adding the items and building the trees
    init_seconds: float  # World(...) construction

    def fresh_world(self) -> World:
        """A new World over the same index (its memo empty), using ``index.manifest`` as it is now."""
        return World(self.vocab, self.vectors, self.index, list(range(len(self.names))))


def build_world(vectors: np.ndarray, seed: int = 42) -> SyntheticWorld:
    """Build the vocabulary, the Annoy index (engine defaults for this size) and the World."""
    n = len(vectors)
    names = [f"w{i}" for i in range(n)]
    vocab = Vocabulary(name="synthetic", starting=("w0",), elements=tuple(Element(name) for name in names))
    trees = auto_trees(n)
    started = time.perf_counter()
    index = AnnIndex.build(vectors, model_id="synthetic", vocab_hash="x", seed=seed, trees=trees,
                           search_k=auto_search_k(n, trees))
    built = time.perf_counter()
    world = World(vocab, vectors, index, list(range(n)))
    return SyntheticWorld(world, index, vocab, vectors, names, built - started, time.perf_counter() - built)


def distinct_pairs(n: int, count: int, seed: int) -> np.ndarray:
    """``count`` random pairs ``(a, b)`` of word ids, ``a != b``, no unordered pair twice."""
    rng = np.random.default_rng(seed)
    found = np.empty(0, dtype=np.int64)
    while len(found) < count:
        a, b = rng.integers(0, n, size=(2, 2 * (count - len(found)) + 16))
        keys = np.minimum(a, b) * n + np.maximum(a, b)
        keys = keys[a != b]
        _, first = np.unique(np.concatenate([found, keys]), return_index=True)
        found = np.concatenate([found, keys])[np.sort(first)]  # keep first-seen order: still random
    found = found[:count]
    pairs = np.stack([found // n, found % n], axis=1)
    swap = rng.random(count) < 0.5  # the engine is symmetric; ask in both orders anyway
    pairs[swap] = pairs[swap][:, ::-1]
    return pairs


# ------------------------------------------------------------------ exact search


def exact_top1(vectors: np.ndarray, pairs: np.ndarray, names: Sequence[str]) -> tuple[np.ndarray, int]:
    """The exact answer to each pair by the game's rule, over every word, in float64.

    The rule is argmax of ``V @ q`` (``q`` = normalised ``V[a] + V[b]``, ``a`` and ``b``
    excluded); scores equal to ``SCORE_DECIMALS`` decimals count as a tie, broken by name as the
    engine does, so a tie is not counted as a miss.

    Returns:
        ``(result ids, number of pairs whose best score was such a tie)``.
    """
    v64 = vectors.astype(np.float64)
    ranks = name_ranks(names)
    out = np.empty(len(pairs), dtype=np.int64)
    ties = 0
    for start in range(0, len(pairs), _EXACT_CHUNK):
        chunk = pairs[start:start + _EXACT_CHUNK]
        query = v64[chunk[:, 0]] + v64[chunk[:, 1]]
        query /= np.linalg.norm(query, axis=1, keepdims=True)
        scores = query @ v64.T
        rows = np.arange(len(chunk))
        scores[rows, chunk[:, 0]] = -np.inf
        scores[rows, chunk[:, 1]] = -np.inf
        best = scores.argmax(axis=1)
        top = scores[rows, best]
        close = (scores >= (top - 10.0**-SCORE_DECIMALS)[:, None]).sum(axis=1) > 1
        for row in np.flatnonzero(close):  # rare: resolve exactly as the engine rounds
            keys = np.rint(scores[row] * 10.0**SCORE_DECIMALS)
            tied = np.flatnonzero(keys == keys.max())
            ties += len(tied) > 1
            best[row] = tied[np.argmin(ranks[tied])]
        out[start:start + len(chunk)] = best
    return out, ties


# ------------------------------------------------------------------ timing


@dataclass(frozen=True)
class Latency:
    """Per-call wall times, in seconds."""

    samples: np.ndarray

    @property
    def median(self) -> float:
        return float(np.median(self.samples))

    @property
    def mean(self) -> float:
        return float(self.samples.mean())

    @property
    def p95(self) -> float:
        return float(np.percentile(self.samples, 95))

    def __len__(self) -> int:
        return len(self.samples)


@contextlib.contextmanager
def single_blas_thread() -> Iterator[str]:
    """Limit BLAS to one thread inside the block; yields a note saying whether that worked.

    Exact baselines answering one query at a time run inside this: the engine answers one pair
    on one thread too, and OpenBLAS's multi-threaded matrix-vector product is several times
    *slower* than one thread on small VMs (8 ms instead of 1 ms at 10k x 384), which would
    flatter the engine.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield "BLAS threads not limited (threadpoolctl is not installed)"
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield "BLAS limited to 1 thread"


def us(seconds: float) -> str:
    """Seconds as microseconds for a table cell."""
    return f"{seconds * 1e6:,.0f}"


def ratio(value: float) -> str:
    """A ratio for a table cell: 2 decimals near 1, 2 significant digits below 1."""
    if value >= 10:
        return f"{value:,.1f}x"
    return f"{value:.2f}x" if value >= 1 else f"{value:.2g}x"


def machine_summary() -> str:
    """One line on what the numbers were measured on."""
    parts = [f"{os.cpu_count()} CPUs", f"numpy {np.__version__}"]
    try:
        from threadpoolctl import threadpool_info

        blas = [f"{i['internal_api']} {i['num_threads']} threads" for i in threadpool_info() if i["user_api"] == "blas"]
        parts += blas or ["BLAS: unknown"]
    except ImportError:
        parts.append("BLAS threads: unknown (no threadpoolctl)")
    return ", ".join(parts)


# ------------------------------------------------------------------ output


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str | None = None) -> None:
    """A plain text table: first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    if title:
        print(title)
    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))
    print()
