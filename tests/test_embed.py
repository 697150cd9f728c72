"""The embedding cache: only missing words are embedded; damaged caches are never trusted."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import FakeEmbedder
from game.engine import EmbeddingCache, LazyEmbedder, StorageError
from game.engine.world.embed import unit_rows


def test_first_run_embeds_everything_then_nothing(tmp_path):
    cache, fake = EmbeddingCache(tmp_path / "c"), FakeEmbedder()
    vectors, new = cache.vectors_for(["a", "b", "c"], fake)
    assert new == 3 and vectors.shape == (3, 16) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    again, new = EmbeddingCache(tmp_path / "c").vectors_for(["a", "b", "c"], FakeEmbedder())
    assert new == 0 and np.array_equal(again, vectors)


def test_adding_one_word_to_a_big_vocabulary_embeds_one_word(tmp_path):
    words = [f"word {i}" for i in range(10_000)]
    EmbeddingCache(tmp_path).vectors_for(words, FakeEmbedder())
    fake = FakeEmbedder()
    vectors, new = EmbeddingCache(tmp_path).vectors_for(words + ["brand new"], fake)
    assert new == 1 and fake.calls == [["brand new"]] and len(vectors) == 10_001


def test_removed_words_are_pruned_and_order_follows_the_request(tmp_path):
    cache = EmbeddingCache(tmp_path)
    full, _ = cache.vectors_for(["a", "b", "c"], FakeEmbedder())
    part, new = cache.vectors_for(["c", "a"], FakeEmbedder())
    assert new == 0 and np.array_equal(part, full[[2, 0]])
    assert json.loads(cache.manifest_path.read_text())["texts"] == ["c", "a"]


def test_other_model_means_re_embedding(tmp_path):
    EmbeddingCache(tmp_path).vectors_for(["a", "b"], FakeEmbedder(model_id="one"))
    messages = []
    _, new = EmbeddingCache(tmp_path, notify=messages.append).vectors_for(["a", "b"], FakeEmbedder(model_id="two"))
    assert new == 2 and "re-embedding" in messages[0]


@pytest.mark.parametrize("damage", ["truncate", "flip", "manifest", "shape"])
def test_damaged_cache_is_rebuilt_with_a_message(tmp_path, damage):
    cache = EmbeddingCache(tmp_path)
    good, _ = cache.vectors_for(["a", "b", "c"], FakeEmbedder())
    if damage == "truncate":
        cache.npy_path.write_bytes(cache.npy_path.read_bytes()[:100])
    elif damage == "flip":
        raw = bytearray(cache.npy_path.read_bytes())
        raw[-1] ^= 0xFF
        cache.npy_path.write_bytes(bytes(raw))
    elif damage == "manifest":
        cache.manifest_path.write_text("{not json")
    else:
        manifest = json.loads(cache.manifest_path.read_text())
        manifest["texts"].append("extra")
        cache.manifest_path.write_text(json.dumps(manifest))
    messages = []
    vectors, new = EmbeddingCache(tmp_path, notify=messages.append).vectors_for(["a", "b", "c"], FakeEmbedder())
    assert new == 3 and np.array_equal(vectors, good)
    assert "damaged" in messages[0]


def test_unwritable_cache_keeps_vectors_in_memory(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise StorageError("could not write x: No space left on device")

    monkeypatch.setattr("game.engine.world.embed.atomic_write_bytes", refuse)
    messages = []
    vectors, new = EmbeddingCache(tmp_path, notify=messages.append).vectors_for(["a"], FakeEmbedder())
    assert new == 1 and vectors.shape == (1, 16)
    assert "No space left on device" in messages[0] and "in memory only" in messages[0]


def test_lazy_embedder_builds_the_model_only_when_asked():
    built = []

    def factory():
        built.append(1)
        return FakeEmbedder()

    lazy = LazyEmbedder(factory, model_id="fake")
    assert not lazy.loaded and built == []
    assert lazy.embed(["x"]).shape == (1, 16)
    lazy.embed(["y"])
    assert built == [1]


def test_normalise_rows_keeps_zero_rows():
    out = unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert np.allclose(out, [[0.6, 0.8], [0.0, 0.0]])
