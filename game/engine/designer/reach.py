"""Reachability: which elements can be crafted from the starting ones, and at what depth."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..world.world import World

__all__ = ["ReachResult", "reach", "reach_from_table", "table_depths"]

_BATCH = 8_192  # pairs per call into the combination rule; the progress bar moves once per batch


@dataclass(frozen=True)
class ReachResult:
    """The outcome of :func:`reach`.

    Attributes:
        depths: every reachable element's name -> fewest rounds needed (0 = starting).
        made_from: each reachable non-starting element -> the first pair found that makes it.
        unreachable: names of elements no sequence of crafts can make, in vocabulary order.
        pairs_tried: distinct pairs combined.
        table: with ``keep_table``, every pair of reachable elements (element positions,
            shape (P, 2)) and what it makes (shape (P,), -1 for Nothing).
    """

    depths: dict[str, int]
    made_from: dict[str, tuple[str, str]]
    unreachable: tuple[str, ...]
    pairs_tried: int
    table: tuple[np.ndarray, np.ndarray] | None = None

    def counts_by_depth(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for depth in self.depths.values():
            counts[depth] = counts.get(depth, 0) + 1
        return dict(sorted(counts.items()))

    def to_json(self) -> dict:
        order = sorted(self.depths, key=lambda name: (self.depths[name], name.casefold()))
        return {
            "reachable": order,
            "unreachable": list(self.unreachable),
            "depths": {name: self.depths[name] for name in order},
            "counts_by_depth": {str(d): c for d, c in self.counts_by_depth().items()},
            "made_from": {name: list(pair) for name, pair in self.made_from.items()},
            "pairs_tried": self.pairs_tried,
        }


def reach(world: World, progress: Callable[[int, int], None] | None = None, keep_table: bool = False) -> ReachResult:
    """Combine every pair of reached elements, round after round, until nothing new appears.

    Round ``d`` combines each element first reached in round ``d-1`` with every element reached
    so far (pairs of older elements were combined in earlier rounds), through the same rule as
    the game (:meth:`World.results`), so the answer is what a player can actually craft.

    Args:
        progress: receives ``(pairs done, pairs known so far)`` after every batch.
        keep_table: also return every pair combined and its result (see :class:`ReachResult`).
    """
    n = len(world.elements)
    depth = np.full(n, -1, dtype=np.int64)
    made_from: dict[int, tuple[int, int]] = {}
    reached = sorted({world.vocab.index_of(name) for name in world.vocab.starting})
    depth[reached] = 0
    frontier_start, level, done, known = 0, 0, 0, 0
    kept_pairs: list[np.ndarray] = []
    kept_results: list[np.ndarray] = []
    while frontier_start < len(reached):
        level += 1
        old = np.asarray(reached[:frontier_start], dtype=np.int64)
        new = np.asarray(reached[frontier_start:], dtype=np.int64)
        upper = np.triu_indices(len(new))
        pairs = np.concatenate([
            np.stack(np.meshgrid(new, old, indexing="ij"), axis=-1).reshape(-1, 2),
            np.stack([new[upper[0]], new[upper[1]]], axis=1),
        ])
        known += len(pairs)
        found: list[int] = []
        for start in range(0, len(pairs), _BATCH):
            chunk = pairs[start:start + _BATCH]
            results, _ = world.results(chunk)
            if keep_table:
                kept_pairs.append(chunk.astype(np.int32))
                kept_results.append(results.astype(np.int32))
            for (i, j), r in zip(chunk.tolist(), results.tolist()):
                if r >= 0 and depth[r] < 0:
                    depth[r] = level
                    made_from[r] = (i, j)
                    found.append(r)
            done += len(chunk)
            if progress:
                progress(done, known)
        frontier_start = len(reached)
        reached.extend(sorted(found))
    names = [e.name for e in world.elements]
    return ReachResult(
        depths={names[i]: int(depth[i]) for i in reached},
        made_from={names[r]: (names[i], names[j]) for r, (i, j) in made_from.items()},
        unreachable=tuple(names[i] for i in range(n) if depth[i] < 0),
        pairs_tried=done,
        table=(np.concatenate(kept_pairs or [np.zeros((0, 2), np.int32)]),
               np.concatenate(kept_results or [np.zeros(0, np.int32)])) if keep_table else None,
    )


def table_depths(world: World, table: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Each element's depth (as :func:`reach` counts it) from a craft table; -1 = unreachable.

    A result's depth is one more than the deeper input of the shallowest pair that makes it.
    """
    pairs, results = table
    depth = np.full(len(world.elements), -1, dtype=np.int64)
    depth[[world.vocab.index_of(name) for name in world.vocab.starting]] = 0
    made = results >= 0
    pairs, results = pairs[made], results[made]
    level = 0
    while True:
        known = depth >= 0
        ready = known[pairs[:, 0]] & known[pairs[:, 1]] & ~known[results]
        ready &= np.maximum(depth[pairs[:, 0]], depth[pairs[:, 1]]) == level
        level += 1
        if not ready.any():
            if not (known[pairs[:, 0]] & known[pairs[:, 1]] & ~known[results]).any():
                return depth
            continue
        depth[np.unique(results[ready])] = level


def reach_from_table(world: World, table: tuple[np.ndarray, np.ndarray]) -> ReachResult:
    """The :func:`reach` result read off a craft table that :func:`reach` made (``keep_table``),
    without combining anything again: the same depths, and the same first pair for each element,
    because the table lists the pairs in the order :func:`reach` combined them."""
    pairs, results = table
    depth = table_depths(world, table)
    names = [e.name for e in world.elements]
    made = results >= 0
    found, first = np.unique(results[made], return_index=True)
    where = np.flatnonzero(made)[first]  # each result's first pair in the table
    in_order = np.argsort(where)
    reached = [i for i in np.argsort(depth, kind="stable").tolist() if depth[i] >= 0]
    return ReachResult(
        depths={names[i]: int(depth[i]) for i in reached},
        made_from={names[r]: (names[pairs[k, 0]], names[pairs[k, 1]])
                   for r, k in zip(found[in_order].tolist(), where[in_order].tolist()) if depth[r] > 0},
        unreachable=tuple(names[i] for i in range(len(names)) if depth[i] < 0),
        pairs_tried=len(pairs),
    )
