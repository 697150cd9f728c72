"""A world's craft table: every pair of reachable elements and what it makes, cached.

``vocab reach``, ``vocab map`` and ``route find`` all read it; building it crafts every pair
(:func:`~game.engine.designer.reach.reach`), so it is kept in the world's cache folder as
``crafts.npz``, plain arrays never unpickled, with ``crafts.json`` beside it: a key over what
the answers were computed from (the fingerprint, and the digests of the hubness penalty and
learned map the world actually loaded) and the SHA-256 of ``crafts.npz``. A table whose key or
digest does not match, or that names the right fingerprint but was not written with its
manifest, is crafted again, and the designer is told why.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Callable

import numpy as np

from ..atomic import atomic_write_bytes, atomic_write_text
from ..errors import StorageError
from ..world.world import World
from .reach import reach

__all__ = ["CRAFTS_FILE", "craft_table"]

CRAFTS_FILE = "crafts.npz"
CRAFTS_MANIFEST = "crafts.json"


def craft_table(world: World, cache_dir: Path | None = None, progress: Callable[[int, int], None] | None = None,
                notify: Callable[[str], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of reachable elements and what it makes, from :func:`reach`.

    With ``cache_dir``, the table is read from ``cache_dir/crafts.npz`` when it was made for
    this world's fingerprint, and otherwise crafted and kept there for the next call
    (``notify`` hears why when it cannot be kept).
    """
    fingerprint = world.fingerprint
    key = table_key(world)
    path = cache_dir / CRAFTS_FILE if cache_dir is not None else None
    if path is not None:
        table, reason = _stored_table(world, path, cache_dir / CRAFTS_MANIFEST, key)
        if table is not None:
            return table
        if reason and notify is not None:
            notify(f"{path} cannot be used: {reason}; crafting every pair again")
    table = reach(world, progress=progress, keep_table=True).table
    if path is not None:
        buffer = io.BytesIO()
        np.savez(buffer, pairs=table[0], results=table[1], fingerprint=np.array(fingerprint))
        data = buffer.getvalue()
        try:
            atomic_write_bytes(path, data)
            atomic_write_text(cache_dir / CRAFTS_MANIFEST, json.dumps(
                {"key": key, "sha256": hashlib.sha256(data).hexdigest()}) + "\n")
        except StorageError as exc:  # the cache only saves time: say so, and go on
            if notify is not None:
                notify(f"{exc}; the craft table will be crafted again next time")
    return table


def table_key(world: World) -> str:
    """What a craft table's answers depend on: the fingerprint, and the digests of the penalty
    and the map this world loaded (a damaged or swapped one gives another key)."""
    penalty = world.penalty
    parts = [world.fingerprint,
             hashlib.sha256(np.ascontiguousarray(penalty, dtype=np.float64).tobytes()).hexdigest() if penalty is not None
             else "-",
             world.learned.digest() if world.learned is not None else "-"]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def _stored_table(world: World, path: Path, manifest: Path, key: str) -> tuple[tuple[np.ndarray, np.ndarray] | None, str]:
    """The table in ``path`` when ``manifest`` holds ``key`` and its digest, else None and why
    not ("" when there is none, or it was made for another world)."""
    try:
        recorded = json.loads(manifest.read_text("utf-8"))
    except FileNotFoundError:
        return None, "it has no crafts.json (its origin is unknown)" if path.exists() else ""
    except (OSError, ValueError) as exc:
        return None, f"crafts.json cannot be read ({exc})"
    if not isinstance(recorded, dict) or recorded.get("key") != key:
        return None, ""  # made for another world, settings or map
    if not path.is_file():
        return None, "it is missing or not a regular file" if path.exists() else ""
    try:
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != recorded.get("sha256"):
            return None, "its bytes do not match the digest in crafts.json (damaged)"
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            pairs, results = arrays["pairs"], arrays["results"]
    except Exception as exc:  # noqa: BLE001 - a damaged cache (bad zip, bad arrays) is simply rebuilt
        return None, f"it cannot be read ({exc})"
    n = len(world.elements)
    if not (pairs.ndim == 2 and pairs.shape[1] == 2 and results.shape == (len(pairs),)
            and pairs.dtype.kind == "i" and results.dtype.kind == "i"
            and (len(pairs) == 0 or (pairs.min() >= 0 and pairs.max() < n and results.min() >= -1 and results.max() < n))):
        return None, "its arrays have the wrong shape or values"
    return (pairs, results), ""
