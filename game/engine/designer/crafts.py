"""A world's craft table: every pair of reachable elements and what it makes, cached.

``vocab reach``, ``vocab map`` and ``route find`` all read it; building it crafts every pair
(:func:`~game.engine.designer.reach.reach`), so it is kept in the world's cache folder as
``crafts.npz``, plain arrays keyed to the world's fingerprint, and never unpickled.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

import numpy as np

from ..atomic import atomic_write_bytes
from ..errors import StorageError
from ..world.world import World
from .reach import reach

__all__ = ["CRAFTS_FILE", "craft_table"]

CRAFTS_FILE = "crafts.npz"


def craft_table(world: World, cache_dir: Path | None = None, progress: Callable[[int, int], None] | None = None,
                notify: Callable[[str], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of reachable elements and what it makes, from :func:`reach`.

    With ``cache_dir``, the table is read from ``cache_dir/crafts.npz`` when it was made for
    this world's fingerprint, and otherwise crafted and kept there for the next call
    (``notify`` hears why when it cannot be kept).
    """
    fingerprint = world.fingerprint
    path = cache_dir / CRAFTS_FILE if cache_dir is not None else None
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
        buffer = io.BytesIO()
        np.savez(buffer, pairs=table[0], results=table[1], fingerprint=np.array(fingerprint))
        try:
            atomic_write_bytes(path, buffer.getvalue())
        except StorageError as exc:  # the cache only saves time: say so, and go on
            if notify is not None:
                notify(f"{exc}; the craft table will be crafted again next time")
    return table
