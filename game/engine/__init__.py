"""The Embedcraft engine: vocabularies, embeddings, the index and the combination rule.

Pure Python and numpy. It never imports pygame, and imports torch only when a word has to be
embedded (see :class:`SentenceTransformerEmbedder`).
"""

from .combine import Combination, Neighbour, World
from .embed import MODEL_ID, Embedder, EmbeddingCache, LazyEmbedder, SentenceTransformerEmbedder
from .errors import EmbedcraftError, ModelUnavailable, StorageError, UnknownElement, VocabError
from .reach import ReachResult, reach
from .vocab import NOTHING, Element, Recipe, Settings, Vocabulary, check_vocab, load_vocab, parse_vocab
from .world import BuildReport, open_world

__all__ = [
    "MODEL_ID",
    "NOTHING",
    "BuildReport",
    "Combination",
    "Element",
    "EmbedcraftError",
    "Embedder",
    "EmbeddingCache",
    "LazyEmbedder",
    "ModelUnavailable",
    "Neighbour",
    "ReachResult",
    "Recipe",
    "SentenceTransformerEmbedder",
    "Settings",
    "StorageError",
    "UnknownElement",
    "VocabError",
    "Vocabulary",
    "World",
    "check_vocab",
    "load_vocab",
    "open_world",
    "parse_vocab",
    "reach",
]
