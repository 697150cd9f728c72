"""``embedcraft vocab map``: the vocabulary drawn in two dimensions, straight to a PNG.

Each word is a dot at its place on the first two principal components of the rule's vectors,
coloured by the depth at which players can first craft it (grey = unreachable), labelled with
its emoji and name wherever the label fits without covering another.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from ..engine.atomic import atomic_write_bytes  # noqa: E402
from ..engine.designer.projection import fit_to_box, pca_2d, place_labels  # noqa: E402
from ..engine.errors import StorageError  # noqa: E402
from ..engine.world.world import World  # noqa: E402
from .render import Renderer  # noqa: E402

__all__ = ["MapSummary", "draw_map", "depth_colour", "LABEL_MODES"]

LABEL_MODES = ("both", "emoji", "name")
BACKGROUND = (250, 249, 245)
INK = (40, 42, 48)
MUTED = (120, 122, 130)
UNREACHABLE = (170, 170, 170)
# depth 0, 1, 2, ... (a perceptually even ramp, dark blue to yellow); deeper reuse the last
# Depth colours, shallow to deep: a sequence of clearly different hues (purple, blues, greens,
# yellow, orange, reds), so neighbouring depths stay apart even when a world is only 6 deep.
PALETTE = [(68, 1, 84), (72, 40, 140), (49, 92, 190), (30, 150, 200), (30, 170, 140), (90, 190, 80),
           (190, 210, 40), (250, 200, 30), (245, 140, 40), (220, 70, 40), (160, 20, 40)]
LEGEND_W = 300


@dataclass(frozen=True)
class MapSummary:
    elements: int
    labelled: int
    unreachable: int
    variance: tuple[float, float]


def depth_colour(depth: int, deepest: int) -> tuple[int, int, int]:
    """The palette spread over depths 0..``deepest``, so a shallow world still uses all of it."""
    if depth < 0:
        return UNREACHABLE
    step = (len(PALETTE) - 1) / deepest if deepest > 0 else 0.0
    return PALETTE[min(round(depth * step), len(PALETTE) - 1)]


def draw_map(world: World, depths: np.ndarray, out: Path, size: tuple[int, int] = (2400, 1600),
             labels: str = "both", renderer: Renderer | None = None) -> MapSummary:
    """Draw ``world`` (``depths`` per element, -1 = unreachable) into the PNG file ``out``.

    Raises:
        StorageError: the PNG cannot be written (the previous file, if any, is untouched).
    """
    if not pygame.font.get_init():
        pygame.font.init()
    renderer = renderer or Renderer()
    width, height = size
    surface = pygame.Surface(size)
    surface.fill(BACKGROUND)
    elements = world.elements
    items = np.asarray(world.items, dtype=np.int64)
    points, variance = pca_2d(world.vectors[items])
    plot = (30.0, 80.0, float(width - LEGEND_W - 60), float(height - 110))
    xy = fit_to_box(points, (plot[0] + 20, plot[1] + 20, plot[2] - 40, plot[3] - 40))

    emoji_px, text_px = 22, 13
    sizes, pictures = [], []
    for k in items.tolist():
        e = elements[k]
        parts = []
        if labels in ("both", "emoji"):
            parts.append(renderer.emoji(e.emoji or "", emoji_px, e.name))
        if labels in ("both", "name"):  # the starting elements, where every route begins, in bold
            parts.append(renderer.text(e.name, text_px + 2 * (depths[k] == 0), INK, bold=bool(depths[k] == 0)))
        w = sum(p.get_width() for p in parts) + 3 * (len(parts) - 1)
        h = max(p.get_height() for p in parts)
        sizes.append((w, h))
        pictures.append(parts)
    order = sorted(range(len(items)), key=lambda r: (depths[items[r]] < 0, depths[items[r]], r))
    placed = place_labels(xy, sizes, order, plot)

    deepest = int(depths.max(initial=0))
    for r in sorted(range(len(items)), key=lambda r: -int(depths[items[r]])):  # shallow dots on top
        k = int(items[r])
        colour = depth_colour(int(depths[k]), deepest)
        pygame.draw.circle(surface, colour, (float(xy[r][0]), float(xy[r][1])), 4)
    for r, rect in enumerate(placed):
        if rect is None:
            continue
        x = rect[0]
        for part in pictures[r]:
            surface.blit(part, (x, rect[1] + (rect[3] - part.get_height()) / 2))
            x += part.get_width() + 3

    title = renderer.text(f"{world.vocab.name}: {len(items)} words", 26, INK, bold=True)
    surface.blit(title, (30, 24))
    sub = renderer.text(f"PCA of the rule's vectors: x = PC1 ({variance[0]:.1%} of the variance), "
                        f"y = PC2 ({variance[1]:.1%}); colour = crafting depth", 15, MUTED)
    surface.blit(sub, (40 + title.get_width(), 34))
    pygame.draw.rect(surface, (225, 224, 218), plot, 1)

    lx, ly = width - LEGEND_W, 90
    surface.blit(renderer.text("Depth", 18, INK, bold=True), (lx, ly))
    ly += 34
    counts: dict[int, int] = {}
    for k in items.tolist():
        counts[int(depths[k])] = counts.get(int(depths[k]), 0) + 1
    for depth in sorted(d for d in counts if d >= 0):
        pygame.draw.circle(surface, depth_colour(depth, deepest), (lx + 8, ly + 9), 7)
        label = "starting" if depth == 0 else f"depth {depth}"
        surface.blit(renderer.text(f"{label}: {counts[depth]}", 15, INK), (lx + 24, ly))
        ly += 24
    unreachable = counts.get(-1, 0)
    pygame.draw.circle(surface, UNREACHABLE, (lx + 8, ly + 9), 7)
    surface.blit(renderer.text(f"unreachable: {unreachable}", 15, INK), (lx + 24, ly))
    ly += 40
    labelled = sum(1 for p in placed if p is not None)
    for line in (f"{labelled} of {len(items)} labelled", "(the rest would overlap;", "shallow words go first)"):
        surface.blit(renderer.text(line, 14, MUTED), (lx, ly))
        ly += 20

    png = io.BytesIO()
    try:
        pygame.image.save(surface, png, "png")
    except pygame.error as exc:
        raise StorageError(f"cannot write {out}: {exc}") from exc
    atomic_write_bytes(out, png.getvalue())
    return MapSummary(len(items), labelled, unreachable, variance)
