"""Tools for the people who make worlds: reachability (and the craft table it keeps in a
world's cache), shortest routes, quality measures on expected answers, why a pair makes what
it makes, emoji suggestions and the data of the vocabulary map (its PNG is drawn by
``game.client.vocab_map``).

It may import ``game.engine.world``, ``game.engine.runs`` and the engine's shared modules,
never pygame or the app's user-data paths.
"""
