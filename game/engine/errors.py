"""The engine's named errors: expected failures that the CLI and the client turn into messages.

Every error about the contents of a file or a text (a vocabulary, a route, a list of pairs,
a save, a replayed run) is a :class:`LocatedError`: it carries the source, and the line and
column when they are known, and prints as ``source:line:col: message``.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Iterable

__all__ = ["EmbedcraftError", "LocatedError", "VocabError", "UnknownElement", "StorageError", "ModelUnavailable"]


class EmbedcraftError(Exception):
    """Base class: an expected failure whose message is shown to the user as it is."""


class LocatedError(EmbedcraftError):
    """A problem found in a file or a text, located by 1-based line and column where known.

    Attributes:
        source: the file (or "share code", "<string>"...) the problem is in.
        line, col: 1-based position, or None when the problem is not on one line.
        message: the problem, without its location.
    """

    def __init__(self, source: str | Path, message: str, line: int | None = None, col: int | None = None) -> None:
        self.source = str(source)
        self.line = line
        self.col = col
        self.message = message
        super().__init__(str(self))

    @property
    def path(self) -> str:
        """The source, under the name most callers know it by."""
        return self.source

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.message}"


class VocabError(LocatedError):
    """A problem in a vocabulary file (or in ``--set`` settings), always with line and column."""

    def __init__(self, path: str | Path, line: int, col: int, message: str) -> None:
        super().__init__(path, message, line, col)


class UnknownElement(EmbedcraftError):
    """A name that is neither an element nor an alias of one in the current world."""

    def __init__(self, name: str, known: Iterable[str] = ()) -> None:
        self.name = name
        by_key = {k.casefold(): k for k in known}
        close = difflib.get_close_matches(name.casefold(), list(by_key), n=3, cutoff=0.75)
        self.suggestions = [by_key[k] for k in close]
        hint = f" (did you mean {', '.join(self.suggestions)}?)" if self.suggestions else ""
        super().__init__(f"unknown element {name!r}{hint}")


class StorageError(EmbedcraftError):
    """A file could not be read or written (missing, unreadable, disk full...)."""


class ModelUnavailable(EmbedcraftError):
    """The embedding model cannot be loaded on this machine."""
