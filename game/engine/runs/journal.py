"""The craft journal: every drop is on disk the moment the player makes it.

A save is written whole (atomically) when something is discovered and every few seconds
otherwise; between two writes, the crafts of a game that is killed would be lost. So beside
``NAME.json`` lives ``NAME.json.journal``, one JSON object per line:

- a header naming the save it continues: ``{"journal": 1, "world": FINGERPRINT, "created":
  CREATED, "base": N}``, where N is how many crafts that save held when the journal started;
- then one line per drop, in the order the player made them: ``{"a": A, "b": B, "t_ms": T}``.

A drop is written (and fsynced) when the tiles are let go, before its answer is computed:
the answer is the world's, so loading the game computes it again. When a save is written,
the journal starts again from it, keeping only the drops that save does not hold yet. A kill
between the two writes leaves a save that holds some of the journal's drops: they are the
save's crafts after ``base``, and loading skips them. A torn last line (a kill in the middle
of a write) is ignored.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ..atomic import DurableAppender, atomic_write_bytes
from ..errors import LocatedError, StorageError
from ..reading import read_capped

__all__ = ["Drop", "Journal", "JournalError", "JournalHead", "journal_path", "read_journal"]

JOURNAL_VERSION = 1
MAX_JOURNAL_BYTES = 32 * 1024 * 1024  # about 500,000 drops: far past any game between two saves
_MAX_NAME = 200
_MAX_MS = 10**12


class JournalError(LocatedError):
    """A journal that cannot be used (not a journal, damaged before its last line...)."""


@dataclass(frozen=True)
class Drop:
    """Two tiles let go on each other at ``t_ms`` of play."""

    a: str
    b: str
    t_ms: int

    def line(self) -> bytes:
        return (json.dumps({"a": self.a, "b": self.b, "t_ms": self.t_ms}, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class JournalHead:
    """Which save a journal continues, and how many of its crafts it started after."""

    world: str
    created: str
    base: int

    def line(self) -> bytes:
        return (json.dumps({"journal": JOURNAL_VERSION, "world": self.world, "created": self.created,
                            "base": self.base}) + "\n").encode("utf-8")


def journal_path(save: str | Path) -> Path:
    """Where the journal of the save at ``save`` lives: ``NAME.json.journal``."""
    save = Path(save)
    return save.with_name(save.name + ".journal")


def _int(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def read_journal(path: str | Path) -> tuple[JournalHead, list[Drop]]:
    """The journal at ``path``: its header and its drops (a torn last line left out).

    Raises:
        FileNotFoundError: there is no journal.
        JournalError: it is not a regular file, too large, or damaged before its last line.
    """
    path = Path(path)
    try:
        data = read_capped(path, MAX_JOURNAL_BYTES)
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise JournalError(path, "not a regular file") from None
    except OSError as exc:
        raise JournalError(path, f"cannot be read: {exc.strerror or exc}") from exc
    complete = data.split(b"\n")[:-1]  # what follows the last newline was never finished
    if not complete:
        raise JournalError(path, "has no header line", 1)
    head = _parse(path, complete[0], 1)
    if not (isinstance(head, dict) and head.get("journal") == JOURNAL_VERSION and isinstance(head.get("world"), str)
            and isinstance(head.get("created"), str) and _int(head.get("base"), 0, _MAX_MS)):
        raise JournalError(path, "the first line is not a journal header of this version", 1)
    drops = []
    for number, raw in enumerate(complete[1:], start=2):
        item = _parse(path, raw, number)
        if not (isinstance(item, dict) and set(item) == {"a", "b", "t_ms"}
                and all(isinstance(item[k], str) and 0 < len(item[k]) <= _MAX_NAME for k in ("a", "b"))
                and _int(item["t_ms"], 0, _MAX_MS)):
            raise JournalError(path, "not a drop (expected a, b and t_ms)", number)
        drops.append(Drop(item["a"], item["b"], item["t_ms"]))
    return JournalHead(head["world"], head["created"], head["base"]), drops


def _parse(path: Path, raw: bytes, number: int) -> object:
    if len(raw) > 4096:
        raise JournalError(path, "line is too long", number)
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise JournalError(path, "line is not JSON", number) from None


class Journal:
    """The open journal of a game in progress; safe to use from two threads (the game adds
    drops, the saving thread starts it again after each save).

    Raises (every method): StorageError when the file cannot be written.
    """

    def __init__(self, path: Path, head: JournalHead, drops: Sequence[Drop] = ()) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._world, self._created = head.world, head.created
        self._drops: list[Drop] = []
        self._start = 0  # how many drops of this game came before self._drops[0]
        self._appender: DurableAppender | None = None
        self._write(head.base, list(drops))

    def _write(self, base: int, drops: list[Drop]) -> None:
        head = JournalHead(self._world, self._created, base)
        # The new file first: if it cannot be written, the old one (and its appender) go on.
        atomic_write_bytes(self.path, head.line() + b"".join(d.line() for d in drops))
        if self._appender is not None:
            self._appender.close()
            self._appender = None
        self._appender = DurableAppender(self.path)
        self._drops = drops

    @property
    def count(self) -> int:
        """Drops added since this journal was opened (the position the next one gets)."""
        with self._lock:
            return self._start + len(self._drops)

    def add(self, drop: Drop) -> None:
        """Write one drop durably (it is on disk when this returns)."""
        with self._lock:
            if self._appender is None:
                raise StorageError(f"{self.path} is closed")
            self._appender.append(drop.line())
            self._drops.append(drop)

    def restart(self, base: int, kept_from: int) -> None:
        """A save holding ``base`` crafts was written: start again from it, keeping the drops
        from position ``kept_from`` (a :attr:`count`) on: those the save does not hold, and any
        added since."""
        with self._lock:
            skip = min(max(kept_from - self._start, 0), len(self._drops))
            self._write(base, self._drops[skip:])
            self._start += skip

    def close(self) -> None:
        with self._lock:
            if self._appender is not None:
                self._appender.close()
                self._appender = None
