"""Pure geometry for the vocabulary map: a 2-D PCA of the vectors and non-overlapping labels."""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["pca_2d", "fit_to_box", "place_labels"]

Rect = tuple[float, float, float, float]  # x, y, width, height


def pca_2d(vectors: np.ndarray) -> tuple[np.ndarray, tuple[float, float]]:
    """The rows of ``vectors`` projected on their first two principal components.

    Returns ``(points of shape (n, 2), share of the variance each axis explains)``. The sign of
    each axis is fixed (its largest loading is positive) so the same vectors always give the
    same picture.
    """
    v = np.asarray(vectors, dtype=np.float64)
    if len(v) == 0:
        return np.zeros((0, 2)), (0.0, 0.0)
    centred = v - v.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2]
    if axes.shape[0] < 2:
        axes = np.vstack([axes, np.zeros((2 - axes.shape[0], v.shape[1]))])
    for row in axes:
        k = int(np.argmax(np.abs(row)))
        if row[k] < 0:
            row *= -1
    variance = s**2
    total = float(variance.sum()) or 1.0
    shares = tuple(float(x) / total for x in np.append(variance, [0.0, 0.0])[:2])
    return centred @ axes.T, shares  # type: ignore[return-value]


def fit_to_box(points: np.ndarray, box: Rect) -> np.ndarray:
    """Scale and move ``points`` to fill ``box`` (keeping their aspect ratio), centred in it."""
    points = np.asarray(points, dtype=np.float64)
    x, y, w, h = box
    if len(points) == 0:
        return points.reshape(0, 2)
    lo, hi = points.min(axis=0), points.max(axis=0)
    span = np.where(hi - lo == 0, 1.0, hi - lo)
    scale = min(w / span[0], h / span[1])
    size = (hi - lo) * scale
    offset = np.array([x + (w - size[0]) / 2, y + (h - size[1]) / 2])
    out = (points - lo) * scale + offset
    out[:, 1] = 2 * offset[1] + size[1] - out[:, 1]  # screen y grows downwards; keep "up" up
    return out


def place_labels(anchors: np.ndarray, sizes: Sequence[tuple[float, float]], order: Sequence[int],
                 bounds: Rect, gap: float = 2.0) -> list[Rect | None]:
    """Greedy label placement: in ``order``, put each label centred on its anchor, or just
    right, left, above or below it, where it overlaps no label placed before; else skip it.

    Returns each label's rectangle (None = not placed), indexed like ``anchors``.
    """
    bx, by, bw, bh = bounds
    cell = max(8.0, max((max(w, h) for w, h in sizes), default=8.0))
    grid: dict[tuple[int, int], list[Rect]] = {}
    out: list[Rect | None] = [None] * len(anchors)

    def cells(r: Rect):
        x0, y0 = int((r[0] - bx) // cell), int((r[1] - by) // cell)
        x1, y1 = int((r[0] + r[2] - bx) // cell), int((r[1] + r[3] - by) // cell)
        return [(cx, cy) for cx in range(x0, x1 + 1) for cy in range(y0, y1 + 1)]

    def free(r: Rect) -> bool:
        if r[0] < bx or r[1] < by or r[0] + r[2] > bx + bw or r[1] + r[3] > by + bh:
            return False
        for key in cells(r):
            for o in grid.get(key, ()):
                if (r[0] < o[0] + o[2] + gap and o[0] < r[0] + r[2] + gap
                        and r[1] < o[1] + o[3] + gap and o[1] < r[1] + r[3] + gap):
                    return False
        return True

    for k in order:
        ax, ay = float(anchors[k][0]), float(anchors[k][1])
        w, h = sizes[k]
        for dx, dy in ((-w / 2, -h / 2), (4, -h / 2), (-w - 4, -h / 2), (-w / 2, -h - 4), (-w / 2, 4)):
            r = (ax + dx, ay + dy, float(w), float(h))
            if free(r):
                out[k] = r
                for key in cells(r):
                    grid.setdefault(key, []).append(r)
                break
    return out
