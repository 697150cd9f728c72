"""Shortest routes: the fewest crafts from the starting elements to a target, with a proof.

The search works on a world's craft table (:func:`game.engine.designer.crafts.craft_table`):
a quick bottom-up pass finds a good route, then an iterative-deepening search back from the
target looks for a shorter one and proves a lower bound.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..runs.discovery import Craft
from ..world.world import World

__all__ = ["FoundRoute", "find_route"]


@dataclass(frozen=True)
class FoundRoute:
    """A route to ``target`` found by :func:`find_route`.

    Attributes:
        crafts: ``(a, b, result)`` in an order a player can follow.
        lower_bound: no route has fewer crafts than this (proven by the search). When it
            equals ``len(crafts)`` the route is a shortest one.
        seconds: time spent searching (after the craft table was ready).
        nodes: search states visited.
    """

    target: str
    crafts: tuple[tuple[str, str, str], ...]
    lower_bound: int
    seconds: float
    nodes: int

    @property
    def optimal(self) -> bool:
        return self.lower_bound >= len(self.crafts)

    def as_crafts(self) -> list[Craft]:
        return [Craft(a, b, r, True, 0) for a, b, r in self.crafts]

def find_route(world: World, target: str, table: tuple[np.ndarray, np.ndarray], *, time_limit: float = 10.0,
               clock: Callable[[], float] = time.monotonic) -> FoundRoute | None:
    """A route to ``target`` with the fewest crafts, or None when it cannot be made.

    A quick bottom-up pass finds a good route; an iterative-deepening search working back from
    the target then looks for a shorter one (see :meth:`_Search.improve`). When it ends within
    ``time_limit`` seconds the route is proven shortest; otherwise the best route found is
    returned with the lower bound the search proved.

    Raises:
        UnknownElement: ``target`` is not in this world.
    """
    names = [e.name for e in world.elements]
    goal = world.vocab.index_of(target)
    start = [world.vocab.index_of(n) for n in world.vocab.starting]
    began = clock()
    if goal in start:
        return FoundRoute(names[goal], (), 0, 0.0, 0)
    search = _Search(len(names), start, *table)
    plan = search.bottom_up(goal)
    if plan is None:
        return None
    best, lower, nodes = search.improve(goal, plan, began + time_limit, clock)
    crafts = tuple((names[i], names[j], names[r]) for r, (i, j) in _in_order(goal, best))
    return FoundRoute(names[goal], crafts, lower, clock() - began, nodes)


class _Search:
    """Recipes indexed both ways, for the two passes of :func:`find_route`."""

    def __init__(self, n: int, start: Sequence[int], pairs: np.ndarray, results: np.ndarray) -> None:
        self.n = n
        self.start = np.zeros(n, dtype=bool)
        self.start[list(start)] = True
        keep = (results >= 0) & (results != pairs[:, 0]) & (results != pairs[:, 1]) & ~self.start[np.maximum(results, 0)]
        pairs, results = pairs[keep].astype(np.int64), results[keep].astype(np.int64)
        order = np.argsort(results, kind="stable")
        self.pairs, self.results = pairs[order], results[order]
        bounds = np.searchsorted(self.results, np.arange(n + 1))
        self.making = [self.pairs[bounds[r]:bounds[r + 1]] for r in range(n)]  # recipes of each element
        self.cost = np.full(n, np.iinfo(np.int64).max // 4, dtype=np.int64)  # crafts in the bottom-up plan

    def bottom_up(self, goal: int) -> dict[int, tuple[int, int]] | None:
        """Knuth-style cheapest-first pass: each element's plan is the union of its inputs'
        plans plus itself, choosing the smallest union. Good, not always shortest."""
        # Each element's recipes as (other input, result), in one sorted array (CSR), because a
        # million Python tuples would take seconds to build.
        twice = self.pairs[:, 0] != self.pairs[:, 1]
        given = np.concatenate([self.pairs[:, 0], self.pairs[twice, 1]])
        other = np.concatenate([self.pairs[:, 1], self.pairs[twice, 0]])
        made = np.concatenate([self.results, self.results[twice]])
        order = np.argsort(given, kind="stable")
        other, made = other[order], made[order]
        bounds = np.searchsorted(given[order], np.arange(self.n + 1)).tolist()
        plans: dict[int, frozenset[int]] = {s: frozenset() for s in np.flatnonzero(self.start).tolist()}
        choice: dict[int, tuple[int, int]] = {}
        done: set[int] = set()
        heap = [(0, s) for s in sorted(plans)]
        while heap:
            size, e = heapq.heappop(heap)
            if e in done:
                continue
            done.add(e)
            self.cost[e] = size
            if e == goal:
                break
            for partner, r in zip(other[bounds[e]:bounds[e + 1]].tolist(), made[bounds[e]:bounds[e + 1]].tolist()):
                if partner not in done or r in done:
                    continue
                union = plans[e] | plans[partner]
                if r in union:
                    continue
                if r not in plans or len(union) + 1 < len(plans[r]):
                    plans[r] = union | {r}
                    choice[r] = (min(e, partner), max(e, partner))
                    heapq.heappush(heap, (len(plans[r]), r))
        if goal not in done:
            return None
        for e in range(self.n):  # elements the pass did not finish get their plan size as a guess
            if e not in done and e in plans:
                self.cost[e] = len(plans[e])
        return {r: choice[r] for r in plans[goal]}

    def depth(self, goal: int) -> int:
        """The fewest rounds of crafting that make ``goal`` (as in ``vocab reach``). Any route
        needs at least this many crafts: it holds a chain of that many distinct crafts."""
        depth = np.where(self.start, 0, -1)
        level = 0
        while depth[goal] < 0:
            level += 1
            ready = (depth[self.pairs[:, 0]] >= 0) & (depth[self.pairs[:, 1]] >= 0)
            fresh = np.unique(self.results[ready & (depth[self.results] < 0)])
            if not len(fresh):
                return -1
            depth[fresh] = level
        return int(depth[goal])

    def improve(self, goal: int, plan: dict[int, tuple[int, int]], deadline: float,
                clock: Callable[[], float]) -> tuple[dict[int, tuple[int, int]], int, int]:
        """Look for a shorter plan than ``plan`` by iterative deepening: a depth-first search
        back from the goal for a plan of at most ``bound`` crafts, for bound = the goal's
        depth, depth + 1, ... . A search that ends without a plan proves bound + 1 crafts
        are needed. Returns the best plan, the proven lower bound and the states visited."""
        nodes = [0]
        timed_out = [False]
        in_plan = np.zeros(self.n, dtype=bool)  # assigned or still needed

        def makes_cycle(r: int, i: int, j: int, chosen: dict[int, tuple[int, int]]) -> bool:
            stack, visited = [i, j], set()
            while stack:
                x = stack.pop()
                if x == r:
                    return True
                if x in visited or x not in chosen:
                    continue
                visited.add(x)
                stack.extend(chosen[x])
            return False

        def visit(chosen: dict[int, tuple[int, int]], needed: set[int], bound: int, seen: set,
                  stop: float, found: list) -> bool:
            """Search below this state for a plan of at most ``bound`` crafts (see :class:`_Found`)."""
            nodes[0] += 1
            bound = min(bound, found.limit)
            if nodes[0] % 256 == 0 and clock() > stop:
                timed_out[0] = True
            if timed_out[0]:
                return False
            if not needed:
                found.append(dict(chosen))
                return True
            key = frozenset(chosen.items())
            if key in seen:
                return False
            seen.add(key)
            budget = bound - len(chosen) - len(needed)  # new elements the plan may still add
            if budget < 0:
                return False
            in_plan[:] = self.start
            in_plan[list(chosen)] = True
            in_plan[list(needed)] = True
            options = []
            for r in needed:
                recipes = self.making[r]
                outside = ~in_plan[recipes]
                added = outside[:, 0].astype(np.int64) + outside[:, 1] - (outside[:, 0] & (recipes[:, 0] == recipes[:, 1]))
                fits = added <= budget
                if not fits.any():
                    return False  # r cannot be made within the bound
                options.append((int(fits.sum()), r, recipes[fits], added[fits]))
            _, r, recipes, added = min(options, key=lambda o: (o[0], o[1]))
            guess = added * 1_000_000 + self.cost[recipes[:, 0]] + self.cost[recipes[:, 1]]
            for k in np.lexsort((recipes[:, 1], recipes[:, 0], guess)).tolist():
                i, j = int(recipes[k, 0]), int(recipes[k, 1])
                if makes_cycle(r, i, j, chosen) or len(chosen) + len(needed) + int(added[k]) > min(bound, found.limit):
                    continue
                chosen[r] = (i, j)
                grown = (needed - {r}) | {x for x in (i, j) if not self.start[x] and x not in chosen}
                if visit(chosen, grown, bound, seen, stop, found) and not found.keep_going:
                    return True
                del chosen[r]
                if timed_out[0]:
                    return False
            return False

        # 1. Iterative deepening, for half the time: each bound searched in full proves it.
        began = clock()
        lower = max(1, self.depth(goal))
        while lower < len(plan):
            found = _Found(lower, keep_going=False)
            if visit({}, {goal}, lower, set(), began + (deadline - began) / 2, found):
                return found.best, lower, nodes[0]
            if timed_out[0]:
                break
            lower += 1
        if lower >= len(plan):
            return plan, lower, nodes[0]
        # 2. Branch and bound for the rest of the time: any shorter plan is an improvement.
        timed_out[0] = False
        improved = _Found(len(plan) - 1, keep_going=True)
        visit({}, {goal}, len(plan) - 1, set(), deadline, improved)
        best = improved.best or plan
        if not timed_out[0]:  # the whole tree was searched: the best plan is a shortest one
            lower = len(best)
        return best, lower, nodes[0]


class _Found:
    """Where the search puts a plan: ``limit`` is the most crafts a plan may have. In branch
    and bound (``keep_going``) each plan found lowers the limit and the search goes on."""

    def __init__(self, limit: int, keep_going: bool) -> None:
        self.limit = limit
        self.keep_going = keep_going
        self.best: dict | None = None

    def append(self, plan: dict) -> None:
        self.best = plan
        if self.keep_going:
            self.limit = len(plan) - 1


def _in_order(goal: int, plan: dict[int, tuple[int, int]]) -> list[tuple[int, tuple[int, int]]]:
    """The plan's crafts, each after the crafts of its inputs (depth first from the goal)."""
    out: list[tuple[int, tuple[int, int]]] = []
    placed: set[int] = set()

    def place(x: int) -> None:
        if x in placed or x not in plan:
            return
        placed.add(x)
        for part in plan[x]:
            place(part)
        out.append((x, plan[x]))

    place(goal)
    return out

