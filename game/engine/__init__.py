"""The Embedcraft engine: pure Python and numpy, never pygame, torch only to embed new words.

Three folders tell where a thing lives:

- ``world/``: what a world is and how it answers a pair (vocabulary records and their YAML
  reader, embeddings, the Annoy index, the rule, :class:`World`, :func:`open_world`);
- ``runs/``: what a player does in a world (discovery log, save files, replay, verify, share
  codes, routes, and the rules for resuming a save);
- ``designer/``: tools for the people who make worlds (reach, shortest routes, quality, why,
  emoji suggestions, map data).

Beside them sit the modules all three share: ``errors`` (the named errors, located ones with
file, line and column), ``atomic`` (the one way any file is written) and ``pairs`` (the one
reader of ``A + B = C`` lines). The engine never imports pygame, ``game.client``,
``game.cli`` or the app's user-data paths (``game.paths``): folders and paths are passed in.
"""

from .errors import (
    EmbedcraftError,
    LocatedError,
    ModelUnavailable,
    StorageError,
    UnknownElement,
    VocabError,
)
from .world.caches import BuildReport, open_world
from .world.embed import (
    MODEL_ID,
    Embedder,
    EmbeddingCache,
    LazyEmbedder,
    SentenceTransformerEmbedder,
)
from .world.reader import check_vocab, load_vocab, parse_vocab
from .world.vocab import NOTHING, Element, Recipe, Settings, Vocabulary
from .world.world import Combination, Neighbour, World

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
    "LocatedError",
    "ModelUnavailable",
    "Neighbour",
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
]
