"""The engine's named errors: expected failures that the CLI and the client turn into messages."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Iterable

__all__ = ["EmbedcraftError", "VocabError", "UnknownElement", "StorageError", "ModelUnavailable"]


class EmbedcraftError(Exception):
    """Base class: an expected failure whose message is shown to the user as it is."""


class VocabError(EmbedcraftError):
    """A problem in a vocabulary file, located by 1-based line and column."""

    def __init__(self, path: str | Path, line: int, col: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.col = col
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


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
