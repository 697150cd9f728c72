"""The Annoy index over a world's vectors, with a manifest and checksum that annoy itself lacks.

Annoy's rules, encoded here: items are dense ids 0..n-1 (the caller keeps the id -> element
table), the seed is set before adding, the index is built once with ``n_jobs=1`` (a
multi-threaded build makes the trees depend on the core count), and ``load`` needs the
dimension and metric from us, because the file records neither. A truncated or damaged file
makes annoy crash or silently lose items, so the file's SHA-256 is checked before ``load``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..atomic import atomic_write_text, atomic_write_with

__all__ = ["INDEX_FORMAT_VERSION", "METRIC", "IndexManifest", "AnnIndex", "auto_trees", "auto_search_k", "vectors_hash"]

INDEX_FORMAT_VERSION = 1
METRIC = "angular"  # annoy's cosine distance; our vectors are unit length
EXHAUSTIVE_UP_TO = 2_000  # words; below this every query inspects every item (exact and still fast)

Notify = Callable[[str], None]


def auto_trees(n_items: int) -> int:
    """Trees for a world of ``n_items`` words when the world does not set ``trees``."""
    return 2 if n_items <= EXHAUSTIVE_UP_TO else 50


def auto_search_k(n_items: int, trees: int) -> int:
    """Nodes inspected per query when the world does not set ``search_k``.

    Up to ``EXHAUSTIVE_UP_TO`` words, ``n_items * trees`` makes annoy walk every tree to the
    end, so every item is a candidate and the result is exact. Larger worlds trade recall for
    speed; benchmarks/bench_combine.py measures both.
    """
    if n_items <= EXHAUSTIVE_UP_TO:
        return max(1, n_items * trees)
    return max(4_000, n_items // 20)


def vectors_hash(model_id: str, texts: Sequence[str], vectors: np.ndarray) -> str:
    """SHA-256 naming exactly which vectors, in which order, an index was built from."""
    digest = hashlib.sha256()
    digest.update(json.dumps([model_id, list(texts)], ensure_ascii=False).encode("utf-8"))
    digest.update(np.ascontiguousarray(vectors, dtype=np.float32).tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class IndexManifest:
    """The sidecar ``index.json`` describing an ``index.ann`` file."""

    format_version: int
    model_id: str
    dim: int
    metric: str
    seed: int
    trees: int
    search_k: int
    count: int
    vocab_hash: str
    ann_sha256: str


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class AnnIndex:
    """A loaded, verified Annoy index plus the settings it is queried with."""

    def __init__(self, annoy_index, manifest: IndexManifest) -> None:
        self._index = annoy_index
        self.manifest = manifest

    @property
    def search_k(self) -> int:
        return self.manifest.search_k

    def __len__(self) -> int:
        return self.manifest.count

    @property
    def exhaustive(self) -> bool:
        """Whether every query inspects every item (``search_k`` >= items x trees), which makes
        annoy's answer the exact nearest items."""
        return self.manifest.search_k >= self.manifest.count * self.manifest.trees

    def query(self, vector: Sequence[float], n: int) -> tuple[list[int], list[float]]:
        """Item ids of the ``n`` nearest items to ``vector`` by annoy's own (approximate) ranking,
        and their angular distances (``sqrt(2 - 2 cos)``)."""
        return self._index.get_nns_by_vector(vector, n, search_k=self.manifest.search_k, include_distances=True)

    @classmethod
    def build(cls, vectors: np.ndarray, *, model_id: str, vocab_hash: str, seed: int, trees: int,
              search_k: int) -> "AnnIndex":
        """Build an in-memory index over ``vectors`` (row i = item i); :meth:`save` writes it."""
        from annoy import AnnoyIndex

        count, dim = vectors.shape
        index = AnnoyIndex(dim, METRIC)
        index.set_seed(seed)
        for item, row in enumerate(vectors.tolist()):
            index.add_item(item, row)
        index.build(trees, n_jobs=1)
        manifest = IndexManifest(INDEX_FORMAT_VERSION, model_id, dim, METRIC, seed, trees, search_k,
                                 count, vocab_hash, "")
        return cls(index, manifest)

    def save(self, ann_path: Path, manifest_path: Path) -> None:
        """Write the index atomically, then its manifest with the file's SHA-256.

        Raises:
            StorageError: the files cannot be written; nothing half-written is left behind
                and the index stays usable in memory.
        """
        digest: list[str] = []

        def save(tmp: Path) -> bool:
            # Annoy writes the file itself (then memory-maps it, which survives the rename).
            saved = self._index.save(str(tmp))
            digest.append(_file_sha256(tmp))
            return saved

        atomic_write_with(ann_path, save)
        self.manifest = replace(self.manifest, ann_sha256=digest[0])
        atomic_write_text(manifest_path, json.dumps(asdict(self.manifest), indent=1) + "\n")

    @classmethod
    def load(cls, expected: IndexManifest, ann_path: Path, manifest_path: Path) -> tuple["AnnIndex | None", str]:
        """Load the index if its manifest and checksum match ``expected`` (ignoring the checksum field).

        Returns:
            ``(index, "")`` on success, or ``(None, reason)`` when it must be rebuilt.
        """
        if not ann_path.exists() or not manifest_path.exists():
            return None, "no index yet"
        try:
            found = IndexManifest(**json.loads(manifest_path.read_text("utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            return None, f"its manifest is unreadable ({exc})"
        mine = asdict(expected) | {"ann_sha256": found.ann_sha256}
        if asdict(found) != mine:
            changed = [k for k, v in mine.items() if asdict(found).get(k) != v]
            return None, f"it is stale ({', '.join(changed)} changed)"
        try:
            if _file_sha256(ann_path) != found.ann_sha256:
                return None, "its file is damaged or truncated (checksum mismatch)"
        except OSError as exc:
            return None, f"its file is unreadable ({exc.strerror or exc})"
        from annoy import AnnoyIndex

        index = AnnoyIndex(found.dim, METRIC)
        try:
            index.load(str(ann_path))
        except OSError as exc:
            return None, f"annoy could not load it ({exc})"
        if index.get_n_items() != found.count:
            index.unload()
            return None, f"it holds {index.get_n_items()} items, not {found.count}"
        return cls(index, found), ""
