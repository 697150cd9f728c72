"""A player's runs: the discovery log, save files (read, checked, written atomically with a
backup), the one :func:`~game.engine.runs.replay.replay` of a run's crafts, verification,
share codes, routes, and the rules for resuming a save (a broken save kept aside, the backup,
a save from an older world, speedrun files) in :mod:`~game.engine.runs.resume`.

It may import ``game.engine.world`` and the engine's shared modules, never ``designer``,
pygame or the app's user-data paths: callers pass folders and paths in.
"""
