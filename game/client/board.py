"""The canvas model: tiles at world positions, their stacking order and their animations.

Plain Python: the renderer reads it, intents change it, and the tests drive it without a
window. Times are passed in (seconds from any monotonic clock) so animations are testable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .geometry import Point, Rect, best_overlap, topmost_at

__all__ = ["Tile", "Board", "POP_SECONDS", "BOUNCE_SECONDS", "BOUNCE_DISTANCE"]

POP_SECONDS = 0.25  # a new tile grows from small to full size in this time
BOUNCE_SECONDS = 0.3  # two tiles that made Nothing slide apart in this time
BOUNCE_DISTANCE = 56.0  # world px each tile moves away from the other on Nothing
DUPLICATE_OFFSET = (18.0, 18.0)  # world px between a tile and its double-click copy

Measure = Callable[[str], tuple[float, float]]


@dataclass
class _Slide:
    start: Point
    end: Point
    t0: float
    seconds: float

    def at(self, now: float) -> tuple[Point, bool]:
        t = 1.0 if self.seconds <= 0 else min(1.0, max(0.0, (now - self.t0) / self.seconds))
        ease = 1 - (1 - t) ** 3  # ease-out cubic
        return Point(self.start.x + (self.end.x - self.start.x) * ease,
                     self.start.y + (self.end.y - self.start.y) * ease), t >= 1.0


@dataclass
class Tile:
    """An element on the canvas. ``x, y`` is the tile's centre in world coordinates."""

    id: int
    name: str
    x: float
    y: float
    w: float
    h: float
    born: float = -math.inf  # when it appeared (for the pop animation)
    busy: bool = False  # waiting for a combination result
    busy_since: float = 0.0  # when it started waiting
    fresh: bool = False  # the result of a new discovery (drawn highlighted for a while)
    slide: _Slide | None = field(default=None, repr=False)

    @property
    def rect(self) -> Rect:
        return Rect.centred(self.x, self.y, self.w, self.h)

    def scale(self, now: float) -> float:
        """Drawing scale for the pop animation: grows to 1 with a small overshoot."""
        t = (now - self.born) / POP_SECONDS
        if t >= 1:
            return 1.0
        if t <= 0:
            return 0.4
        return 0.4 + 0.6 * (1 + 2.2 * (t - 1) ** 3 + 1.2 * (t - 1) ** 2)


class Board:
    """The tiles on the canvas, bottom to top."""

    def __init__(self, measure: Measure) -> None:
        """
        Args:
            measure: the on-screen size ``(w, h)`` of a tile showing an element name.
        """
        self._measure = measure
        self.tiles: list[Tile] = []
        self._next_id = 1

    def __len__(self) -> int:
        return len(self.tiles)

    def __iter__(self):
        return iter(self.tiles)

    def get(self, tile_id: int) -> Tile | None:
        for tile in self.tiles:
            if tile.id == tile_id:
                return tile
        return None

    # ------------------------------------------------------------------ queries
    def tile_at(self, p: Point | tuple[float, float]) -> Tile | None:
        """The top-most tile under world point ``p``."""
        found = topmost_at([t.rect for t in self.tiles], p)
        return None if found is None else self.tiles[found]

    def drop_target(self, tile: Tile) -> Tile | None:
        """The tile that ``tile`` is dropped onto: the idle one it covers most."""
        others = [t for t in self.tiles if t.id != tile.id and not t.busy]
        found = best_overlap(tile.rect, [t.rect for t in others])
        return None if found is None else others[found]

    # ------------------------------------------------------------------ changes
    def add(self, name: str, x: float, y: float, now: float = -math.inf) -> Tile:
        """Put a new tile for ``name`` centred on world point ``(x, y)``, on top."""
        w, h = self._measure(name)
        tile = Tile(self._next_id, name, float(x), float(y), w, h, born=now)
        self._next_id += 1
        self.tiles.append(tile)
        return tile

    def move(self, tile: Tile, x: float, y: float) -> None:
        tile.x, tile.y, tile.slide = float(x), float(y), None

    def raise_(self, tile: Tile) -> None:
        """Bring ``tile`` to the top of the stack."""
        self.tiles.remove(tile)
        self.tiles.append(tile)

    def remove(self, tile: Tile) -> None:
        if tile in self.tiles:
            self.tiles.remove(tile)

    def duplicate(self, tile: Tile, now: float = -math.inf, offset: tuple[float, float] = DUPLICATE_OFFSET) -> Tile:
        """A copy of ``tile`` next to it, on top."""
        return self.add(tile.name, tile.x + offset[0], tile.y + offset[1], now)

    def clear(self, keep: Iterable[Tile] = ()) -> int:
        """Remove every tile except ``keep``; returns how many went."""
        kept = {t.id for t in keep}
        before = len(self.tiles)
        self.tiles = [t for t in self.tiles if t.id in kept]
        return before - len(self.tiles)

    def bounce(self, a: Tile, b: Tile, now: float, distance: float = BOUNCE_DISTANCE) -> None:
        """Slide ``a`` and ``b`` apart along the line between their centres."""
        dx, dy = b.x - a.x, b.y - a.y
        length = math.hypot(dx, dy)
        if length < 1e-6:
            dx, dy, length = 1.0, 0.0, 1.0
        ux, uy = dx / length, dy / length
        for tile, sign in ((a, -1.0), (b, 1.0)):
            end = Point(tile.x + sign * ux * distance, tile.y + sign * uy * distance)
            tile.slide = _Slide(Point(tile.x, tile.y), end, now, BOUNCE_SECONDS)

    def update(self, now: float) -> bool:
        """Advance animations to ``now``; True while anything is still moving."""
        moving = False
        for tile in self.tiles:
            if tile.slide is not None:
                (tile.x, tile.y), done = tile.slide.at(now)
                if done:
                    tile.slide = None
                else:
                    moving = True
            if now - tile.born < POP_SECONDS:
                moving = True
        return moving
