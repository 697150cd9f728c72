"""A world and how it answers: the vocabulary records and their YAML reader, the embedder,
the Annoy index, the rule's refinements and ranking, :class:`World` (with its fingerprint)
and :func:`open_world`, which brings a world's caches up to date.

A craft is decided in :mod:`~game.engine.world.world` (recipes, threshold) on top of
:mod:`~game.engine.world.ranking` (the nearest words to a pair's sum). This folder imports
only numpy, PyYAML, annoy and the engine's shared modules (``errors``, ``atomic``); torch
only inside :class:`~game.engine.world.embed.SentenceTransformerEmbedder`. It never imports
``runs`` or ``designer``.
"""
