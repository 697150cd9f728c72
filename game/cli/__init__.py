"""The ``embedcraft`` command line: ``main`` builds the parser from one module per command
group (``vocab``, ``play``/``try``, ``route``/``save``); each handler parses its arguments,
calls the engine, and prints. Shared helpers are in ``common``; the progress bar in ``progress``.

It may import the engine, ``game.paths`` and (only inside ``play`` and ``vocab map``) the client.
"""

from .fds import ensure_standard_streams

ensure_standard_streams()  # first: before any import below opens a file on a free descriptor 0-2

from .main import build_parser, main  # noqa: E402

__all__ = ["build_parser", "main"]
