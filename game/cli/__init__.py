"""The ``embedcraft`` command line: ``main`` builds the parser from one module per command
group (``vocab``, ``play``/``try``, ``route``/``save``); each handler parses its arguments,
calls the engine, and prints. Shared helpers are in ``common``; the progress bar in ``progress``.

It may import the engine, ``game.paths`` and (only inside ``play`` and ``vocab map``) the client.
"""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
