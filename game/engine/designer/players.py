"""Simulated players: how a world feels to a curious player who tries pairs at random.

Each player starts from the world's starting elements and, craft after craft, tries a pair
drawn uniformly from the pairs of what it has found that it has not tried yet (an element may
be paired with itself). Designer recipes count, as they do in the game: this measures what a
player meets. Seeded, so the same world always gives the same figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..world.world import World

__all__ = ["PLAYERS", "CRAFTS", "PlayerReport", "simulate"]

PLAYERS = 20
CRAFTS = 300


@dataclass(frozen=True)
class PlayerReport:
    """What ``players`` simulated players found in ``crafts`` crafts each."""

    players: int
    crafts: int
    found: tuple[int, ...]  # elements each player knows at the end, the starting ones included
    new: int  # crafts (over all players) whose result the player did not know yet
    made: tuple[tuple[str, int], ...]  # every result (Nothing included) and how many crafts made it, most first

    @property
    def mean_found(self) -> float:
        return float(np.mean(self.found)) if self.found else 0.0

    @property
    def new_share(self) -> float:
        total = self.players * self.crafts
        return self.new / total if total else 0.0

    def top(self, count: int = 5) -> tuple[tuple[str, float], ...]:
        """The ``count`` most frequent results and their share of all crafts."""
        total = max(1, self.players * self.crafts)
        return tuple((name, n / total) for name, n in self.made[:count])

    def to_json(self) -> dict:
        return {"players": self.players, "crafts": self.crafts, "mean_found": round(self.mean_found, 2),
                "new_per_craft": round(self.new_share, 4),
                "top": [[name, round(share, 4)] for name, share in self.top()]}


def simulate(world: World, players: int = PLAYERS, crafts: int = CRAFTS, seed: int = 0) -> PlayerReport:
    """Play ``players`` random players for ``crafts`` crafts each (see the module docstring)."""
    rng = np.random.default_rng(seed)
    start = [world.vocab.index_of(e.name) for e in world.starting]
    memo: dict[tuple[int, int], int] = {}
    made: Counter[str] = Counter()
    found, new = [], 0
    names = [e.name for e in world.elements]
    for _ in range(players):
        known = list(dict.fromkeys(start))
        have = set(known)
        tried: set[tuple[int, int]] = set()
        for _ in range(crafts):
            pair = _untried_pair(rng, known, tried)
            if pair is None:
                break  # every pair of what it has has been tried
            tried.add(pair)
            if pair not in memo:
                memo[pair] = int(world.results(np.array([pair]))[0][0])
            result = memo[pair]
            made[names[result] if result >= 0 else "Nothing"] += 1
            if result >= 0 and result not in have:
                have.add(result)
                known.append(result)
                new += 1
        found.append(len(known))
    return PlayerReport(players, crafts, tuple(found), new, tuple(made.most_common()))


def _untried_pair(rng: np.random.Generator, known: list[int], tried: set[tuple[int, int]]) -> tuple[int, int] | None:
    """A pair of ``known`` elements not in ``tried``, uniformly among those (sorted ids)."""
    n = len(known)
    total = n * (n + 1) // 2
    if len(tried) >= total:
        return None
    while True:  # rejection sampling: at most a few draws while most pairs are untried
        if len(tried) > total // 2:
            left = [(a, b) for x, a in enumerate(known) for b in known[x:] if (min(a, b), max(a, b)) not in tried]
            a, b = left[int(rng.integers(len(left)))]
            return (min(a, b), max(a, b))
        i, j = sorted(rng.integers(0, n, 2).tolist())
        if i != j and rng.random() < 0.5:
            continue  # (i, j) and (j, i) are one pair: keep every unordered pair equally likely
        a, b = known[i], known[j]
        pair = (min(a, b), max(a, b))
        if pair not in tried:
            return pair
