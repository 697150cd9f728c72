"""Open a world from a vocabulary file: validate it, bring its caches (vectors, index, hubness
penalty) up to date, and hand back the :class:`~game.engine.world.world.World`."""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from ..atomic import atomic_write_bytes, atomic_write_text
from ..errors import StorageError
from .embed import Embedder, EmbeddingCache, LazyEmbedder
from .index import (
    INDEX_FORMAT_VERSION,
    METRIC,
    AnnIndex,
    IndexManifest,
    auto_search_k,
    auto_trees,
    vectors_hash,
)
from .learned import MAP_VERSION, ExampleSet, FitOptions, LearnedMap, fit_map
from .reader import load_vocab
from .rule import HUB_SAMPLE, embed_text, fit_penalty, hub_penalty, rule_space, variant_pairs
from .vocab import Settings, Vocabulary, fold
from .world import World

__all__ = ["BuildReport", "open_world", "cache_dir_for", "per_file_name"]

PENALTY_VERSION = 1  # bump when hub_penalty changes what it computes (the cached file is then recomputed)

Notify = Callable[[str], None]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuildReport:
    """What :func:`open_world` had to do: how many words it embedded, whether it built the index."""

    embedded: int
    index_built: bool
    index_reason: str
    cache_dir: Path


def per_file_name(path: Path, digits: int) -> str:
    """``STEM-HASH``: a name for things kept per vocabulary file (a save, a fallback cache)
    that differs for two files of the same name in different folders."""
    key = hashlib.sha256(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:digits]
    return f"{Path(path).stem}-{key}"


def cache_dir_for(vocab_path: Path, fallback_root: Path | None = None) -> Path:
    """``vocab/NAME.cache/`` beside ``vocab/NAME.yaml``, or a per-file folder under
    ``fallback_root`` (the app passes its user-data cache folder) when the vocabulary's folder
    cannot be written, as in a read-only install. Without ``fallback_root`` it is the folder
    beside the file either way, and what cannot be written there is kept in memory."""
    beside = vocab_path.with_name(vocab_path.stem + ".cache")
    if beside.is_dir() and os.access(beside, os.W_OK) or os.access(vocab_path.parent, os.W_OK):
        return beside
    if fallback_root is None:
        return beside
    return fallback_root / per_file_name(vocab_path, 16)


def open_world(
    path: str | Path,
    *,
    embedder: Embedder | None = None,
    notify: Notify | None = None,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
    fallback_cache: Path | None = None,
    vocab: Vocabulary | None = None,
    settings: Settings | None = None,
    fit_progress: Progress | None = None,
) -> tuple[World, BuildReport]:
    """Load the world in the vocabulary file ``path``, embedding and indexing what is missing.

    Args:
        path: the vocabulary YAML file.
        embedder: defaults to the packaged MiniLM model, loaded only if a word lacks a vector.
        notify: receives one-line messages about rebuilds ("building the index...").
        progress: receives ``(done, total)`` while words are embedded.
        fit_progress: receives ``(epoch, epochs)`` while the learned map is fitted (when its
            examples, vectors or settings changed).
        cache_dir: where vectors and the index live; defaults to :func:`cache_dir_for`.
        fallback_cache: the folder :func:`cache_dir_for` falls back to for a vocabulary whose
            folder cannot be written.
        vocab: an already loaded vocabulary of ``path`` (skips reading it again).
        settings: try the world with these settings instead of the file's (``vocab quality
            --set``): the index (and, for another template, the vectors) live in
            ``NAME.cache/variants/`` so the world's own cache is never replaced.

    Raises:
        VocabError: the vocabulary is invalid. ModelUnavailable: words need embedding and the
        model cannot be loaded.
    """
    path = Path(path)
    say = notify or (lambda message: None)
    vocab = vocab or load_vocab(path)
    folder = home = cache_dir or cache_dir_for(path, fallback_cache)
    vectors_folder = folder
    if settings is not None and settings != vocab.settings:
        if settings.template != vocab.settings.template:
            vectors_folder = folder / "variants" / ("template-" + _short_hash(settings.template))
        vocab = replace(vocab, settings=settings)
        folder = folder / "variants" / _short_hash(json.dumps(asdict(settings), sort_keys=True))
    embedder = embedder or LazyEmbedder(notify=say)
    settings = vocab.settings
    texts = [embed_text(settings.template, e.text) for e in vocab.elements]
    cache = EmbeddingCache(vectors_folder, notify=say)
    raw, embedded = cache.vectors_for(texts, embedder, progress)

    banned = set(vocab.banned)
    items = [i for i, e in enumerate(vocab.elements) if e.name not in banned]
    vectors = rule_space(raw, items, settings)
    # A trial of other settings uses the world's own map when it was fitted from the same things,
    # and otherwise fits (and keeps) a map of its own in its own folder.
    learned = _cached_map([home, folder] if folder != home else [folder], vocab, embedder.model_id, texts, vectors,
                          items, say, fit_progress)
    if learned is not None:
        vectors = learned.apply(vectors)
    trees = settings.trees or auto_trees(len(items))
    expected = IndexManifest(
        format_version=INDEX_FORMAT_VERSION,
        model_id=embedder.model_id,
        dim=int(vectors.shape[1]),
        metric=METRIC,
        seed=settings.seed,
        trees=trees,
        search_k=settings.search_k or auto_search_k(len(items), trees),
        count=len(items),
        vocab_hash=vectors_hash(embedder.model_id, [texts[i] for i in items], vectors[items]),
        ann_sha256="",
    )
    ann_path, manifest_path = folder / "index.ann", folder / "index.json"
    index, reason = AnnIndex.load(expected, ann_path, manifest_path)
    if index is None:
        if reason != "no index yet":
            say(f"the index in {folder} cannot be used: {reason}; rebuilding it")
        say(f"building the index for {vocab.name!r} ({len(items)} words, {trees} trees)...")
        index = AnnIndex.build(vectors[items], model_id=expected.model_id, vocab_hash=expected.vocab_hash,
                               seed=expected.seed, trees=expected.trees, search_k=expected.search_k)
        try:
            index.save(ann_path, manifest_path)
        except StorageError as exc:
            say(f"{exc}; the index is kept in memory only")
    world = World(vocab, vectors, index, items, raw=raw, learned=learned, penalty=_cached_penalty(folder, expected, vectors, items,
                                                                          settings, say))
    return world, BuildReport(embedded, bool(reason), reason, folder)



def _cached_penalty(folder: Path, manifest: IndexManifest, vectors, items: list[int], settings: Settings,
                    say: Notify) -> np.ndarray | None:
    """The world's hubness penalty from ``folder/penalty.npy`` when it was computed for exactly
    these vectors and settings, else computed (half a second for 1,600 words) and stored there."""
    if settings.hubness <= 0:
        return None
    key = _short_hash(json.dumps([PENALTY_VERSION, HUB_SAMPLE, manifest.vocab_hash, settings.hubness,
                                  settings.hubness_k, settings.balance, settings.seed]))
    path, stamp = folder / "penalty.npy", folder / "penalty.json"
    reason = ""
    try:
        recorded = json.loads(stamp.read_text("utf-8"))
        if not isinstance(recorded, dict) or recorded.get("key") != key or "sha256" not in recorded:
            reason = ""  # made for other vectors or settings (or before digests): simply computed again
        elif not path.is_file():
            reason = "it is not a regular file"
        else:
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != recorded.get("sha256"):
                reason = "its bytes do not match the digest in penalty.json (damaged)"
            else:
                cached = np.load(io.BytesIO(data), allow_pickle=False)
                if cached.shape == (len(vectors),) and cached.dtype == np.float64 and np.isfinite(cached).all():
                    return cached
                reason = "it holds the wrong numbers"
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        reason = f"it cannot be read ({exc})"
    if reason:
        say(f"{path} cannot be used: {reason}; computing the hubness penalty again")
    penalty = hub_penalty(vectors, items, settings)
    try:
        buffer = io.BytesIO()
        np.save(buffer, penalty, allow_pickle=False)
        atomic_write_bytes(path, buffer.getvalue())
        atomic_write_text(stamp, json.dumps({"key": key, "sha256": hashlib.sha256(buffer.getvalue()).hexdigest()}) + "\n")
    except StorageError as exc:
        say(f"{exc}; the hubness penalty is computed again next time")
    return penalty


def fit_options(settings: Settings) -> FitOptions:
    """How a world with these settings fits its map."""
    return FitOptions(rank=settings.learn_rank, decay=settings.learn_decay, epochs=settings.learn_epochs,
                      temperature=settings.learn_temperature, seed=settings.seed, balance=settings.balance)


def example_set(vocab: Vocabulary, examples=None) -> ExampleSet:
    """``examples`` (default: all of the world's) as element positions, with the variants of
    each pair's inputs that the world's ``variants`` setting skips. Answers the rule can never
    give (variants of an input) are dropped, and examples left with none."""
    chosen = vocab.examples if examples is None else examples
    n = len(vocab.elements)
    variants_of: dict[int, list[int]] = {}
    for key in variant_pairs([e.name for e in vocab.elements], vocab.settings.variants).tolist():
        variants_of.setdefault(key % n, []).append(key // n)
    pairs, answers, skipped = [], [], []
    for e in chosen:
        i, j = vocab.index_of(e.a), vocab.index_of(e.b)
        skip = set(variants_of.get(i, ())) | set(variants_of.get(j, ()))
        kept = tuple(k for k in (vocab.index_of(name) for name in e.answers) if k not in skip)
        if kept:
            pairs.append((i, j))
            answers.append(kept)
            skipped.append(tuple(sorted(skip)))
    return ExampleSet(np.array(pairs, dtype=np.int64).reshape(-1, 2), tuple(answers), tuple(skipped))


def map_key(vocab: Vocabulary, model_id: str, texts: list[str], vectors: np.ndarray, options: FitOptions,
            examples=None) -> str:
    """What a learned map is fitted from: the rule's vectors (before the map), the examples, the
    options and the settings of the hubness penalty it is fitted with."""
    chosen = vocab.examples if examples is None else examples
    settings = vocab.settings
    canon = [MAP_VERSION, vectors_hash(model_id, texts, vectors), sorted(vocab.banned), asdict(options),
             settings.variants, [settings.fit_hubness, settings.hubness_k],
             [[fold(e.a), fold(e.b), [fold(n) for n in e.answers]] for e in chosen]]
    return hashlib.sha256(json.dumps(canon, ensure_ascii=False).encode("utf-8")).hexdigest()


def _cached_map(folders: list[Path], vocab: Vocabulary, model_id: str, texts: list[str], vectors: np.ndarray,
                items: list[int], say: Notify, progress: Progress | None) -> LearnedMap | None:
    """The world's learned map from ``learned.npz`` in the first of ``folders`` whose manifest
    says it was fitted from exactly these vectors, examples and settings and whose bytes match
    the manifest's digest; otherwise fitted again and stored in the last folder. None when the
    world learns nothing."""
    options = fit_options(vocab.settings)
    if not vocab.examples or options.rank <= 0:
        return None
    key = map_key(vocab, model_id, texts, vectors, options)
    for folder in folders:
        learned, reason = _stored_map(folder, key, vectors.shape[1])
        if learned is not None:
            return learned
    if reason:  # folder and reason are the last folder's: where the new map will be stored
        say(f"the learned map in {folder} cannot be used: {reason}; fitting it again")
    say(f"fitting the learned map on {len(vocab.examples)} examples (rank {options.rank}, {options.epochs} epochs)...")
    learned = fit_map(vectors, items, example_set(vocab), options, progress,
                      penalty=fit_penalty(vectors, items, vocab.settings))
    data = learned.to_bytes()
    try:
        atomic_write_bytes(folder / "learned.npz", data)
        atomic_write_text(folder / "learned.json", json.dumps({
            "format_version": MAP_VERSION, "key": key, "sha256": hashlib.sha256(data).hexdigest(),
            "rank": options.rank, "examples": len(vocab.examples)}, indent=1) + "\n")
    except StorageError as exc:
        say(f"{exc}; the learned map is fitted again next time")
    return learned


def _stored_map(folder: Path, key: str, dim: int) -> tuple[LearnedMap | None, str]:
    """The map in ``folder/learned.npz`` when ``learned.json`` holds ``key`` and the file's
    digest, else None and why not ("" when there is no map there)."""
    try:
        manifest = json.loads((folder / "learned.json").read_text("utf-8"))
        if not isinstance(manifest, dict) or manifest.get("key") != key:
            return None, "it was fitted from other examples, vectors or settings"
        data = (folder / "learned.npz").read_bytes()
        if hashlib.sha256(data).hexdigest() != manifest.get("sha256"):
            return None, "its bytes do not match the digest in learned.json (damaged)"
        return LearnedMap.from_bytes(data, dim), ""
    except FileNotFoundError:
        return None, ""
    except (OSError, ValueError) as exc:
        return None, f"it cannot be read ({exc})"


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
