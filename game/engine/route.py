"""Routes: the text format speedrunners write, crafting one headless, and finding a shortest one.

A route is one craft a line, ``A + B`` or ``A + B = C`` (the ``= C`` asserts the result;
``= Nothing`` asserts that the pair makes nothing). ``#`` starts a comment; blank lines are
ignored; names may contain spaces and any case, and aliases work as in the game.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from .combine import World
from .discovery import Craft, DiscoveryLog, format_ms
from .errors import EmbedcraftError, StorageError, UnknownElement
from .reach import reach
from .savefile import SaveFile, world_stamp
from .vocab import NOTHING, fold

__all__ = ["MAX_ROUTE_BYTES", "FoundRoute", "RouteError", "RouteStep", "find_route", "parse_route", "read_route",
           "route_text", "run_route"]

MAX_ROUTE_BYTES = 10 * 1024 * 1024
COMMENT = "#"


class RouteError(EmbedcraftError):
    """A route that cannot be run, located by its 1-based line."""

    def __init__(self, source: str | Path, line: int, message: str) -> None:
        self.source = str(source)
        self.line = line
        self.message = message
        super().__init__(f"{self.source}:{line}: {message}")


@dataclass(frozen=True)
class RouteStep:
    """One line of a route: ``a + b``, and the result it asserts (None: no assertion)."""

    line: int
    a: str
    b: str
    expect: str | None = None


# --------------------------------------------------------------------------- the text format


def parse_route(text: str, source: str | Path = "<route>") -> list[RouteStep]:
    """Read a route's text; raises RouteError naming the first line that is not a craft."""
    steps = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(COMMENT, 1)[0].strip()
        if not line:
            continue
        left, equals, right = line.partition("=")
        parts = left.split("+")
        if len(parts) != 2 or "=" in right:
            raise RouteError(source, line_no, f"expected `A + B` or `A + B = C`, got {raw.strip()[:80]!r}")
        a, b = (" ".join(p.split()) for p in parts)
        expect = " ".join(right.split()) if equals else None
        if not a or not b or expect == "":
            raise RouteError(source, line_no, f"a name is missing in {raw.strip()[:80]!r}")
        steps.append(RouteStep(line_no, a, b, expect))
    return steps


def read_route(path: str | Path) -> list[RouteStep]:
    """:func:`parse_route` on a file ("-" is standard input).

    Raises:
        StorageError: the file cannot be read or is not UTF-8 text. RouteError: a bad line.
    """
    import sys

    try:
        if str(path) == "-":
            raw = sys.stdin.buffer.read(MAX_ROUTE_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_ROUTE_BYTES + 1)
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_ROUTE_BYTES:
        raise StorageError(f"{path}: routes are at most {MAX_ROUTE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StorageError(f"{path}: not a route (not UTF-8 text at byte {exc.start})") from exc
    return parse_route(text, path)


def route_text(crafts: Iterable[Craft], header: Sequence[str] = (), times: bool = False) -> str:
    """Crafts as a route: ``A + B = C`` lines under ``# header`` comments; with ``times``
    each line ends with a comment giving its time and whether it discovered something."""
    lines = [f"{COMMENT} {h}" if h else COMMENT for h in header]
    for craft in crafts:
        line = f"{craft.a} + {craft.b} = {craft.result if craft.result is not None else NOTHING}"
        if times:
            line = f"{line:<48} {COMMENT} {format_ms(craft.t_ms)}{'  new' if craft.new else ''}"
        lines.append(line)
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- running a route


def run_route(world: World, steps: Sequence[RouteStep], source: str | Path = "<route>") -> SaveFile:
    """Craft ``steps`` in order from the starting elements, as a player would; returns the run
    as a save (every craft at 0 ms: a headless route takes no play time).

    Raises:
        RouteError: a name is unknown, a craft uses an element not made yet, or a result
            differs from the one the route asserts.
    """
    def name(text: str, line: int) -> str:
        try:
            return world.element(text).name
        except UnknownElement as exc:
            raise RouteError(source, line, str(exc)) from exc

    log = DiscoveryLog([e.name for e in world.starting])
    for step in steps:  # one line at a time, so the first bad line is the one named
        a, b = name(step.a, step.line), name(step.b, step.line)
        for part in (a, b):
            if part not in log:
                raise RouteError(source, step.line, f"{part!r} has not been made yet at this point of the route")
        expect = step.expect
        if expect is not None and fold(expect) != fold(NOTHING):
            expect = name(expect, step.line)
        made = world.combine(a, b, top=0)
        if expect is not None and fold(expect) != fold(made.result_label):
            raise RouteError(source, step.line, f"{a} + {b} makes {made.result_label}, not {expect}")
        log.record(a, b, made.result, 0)
    return SaveFile(world_stamp(world), log.starting, tuple(log.crafts))


# --------------------------------------------------------------------------- shortest routes


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


def craft_table(world: World, cache_dir: Path | None = None, fingerprint: str | None = None,
                progress: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of reachable elements and what it makes, from :func:`reach`.

    With ``cache_dir`` and ``fingerprint``, the table is kept in ``cache_dir/crafts.npz``
    for the next call on the same world (plain arrays; never unpickled).
    """
    path = cache_dir / "crafts.npz" if cache_dir is not None and fingerprint else None
    if path is not None and path.is_file():
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["fingerprint"]) == fingerprint:
                    pairs, results = data["pairs"], data["results"]
                    n = len(world.elements)
                    if (pairs.ndim == 2 and pairs.shape[1] == 2 and results.shape == (len(pairs),)
                            and pairs.dtype.kind == "i" and results.dtype.kind == "i"
                            and (len(pairs) == 0 or (pairs.min() >= 0 and pairs.max() < n
                                                     and results.min() >= -1 and results.max() < n))):
                        return pairs, results
        except Exception:  # noqa: BLE001 - a damaged cache (bad zip, bad arrays) is simply rebuilt
            pass
    table = reach(world, progress=progress, keep_table=True).table
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{time.time_ns()}.npz")
            np.savez(tmp, pairs=table[0], results=table[1], fingerprint=np.array(fingerprint))
            tmp.replace(path)
        except OSError:
            pass  # the cache only saves time
    return table


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
