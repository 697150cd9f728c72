"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Every file the project writes goes through this module: saves, settings, caches (vectors,
the Annoy index, numpy arrays), routes, vocabularies the designer tools rewrite and PNGs.
The one file that grows instead, a save's craft journal, is appended to through
:class:`DurableAppender`: each record is written whole and fsynced before the call returns, and
a reader ignores a torn last line.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import StorageError

__all__ = ["DurableAppender", "atomic_write_bytes", "atomic_write_text", "atomic_write_with", "backup_path",
           "place_copy", "replace_keeping_backup"]


@contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    """A new empty temporary file in ``path``'s folder, removed again unless the body moved it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
    finally:
        try:
            tmp.unlink()
        except OSError:
            pass  # moved into place (or already gone)


def _fill_and_sync(tmp: Path, write: Callable[[Path], object], name: str) -> None:
    if write(tmp) is False:
        raise OSError(f"the writer of {name} reported a failure")
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())


def atomic_write_with(path: str | Path, write: Callable[[Path], object]) -> None:
    """Let ``write`` fill a temporary file beside ``path`` (for libraries that write to a file
    name themselves, such as Annoy), then fsync it and move it into place with ``os.replace``.

    Raises:
        StorageError: the directory cannot be written (read-only, disk full...), or ``write``
            raised OSError or returned False. The previous file, if any, is left untouched.
    """
    path = Path(path)
    if path.exists() and not path.is_file():  # a device, a FIFO, a folder: never replaced by a file
        raise StorageError(f"could not write {path}: it is not a regular file, and it is left as it is")
    try:
        with _temporary_beside(path) as tmp:
            _fill_and_sync(tmp, write, path.name)
            os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        raise StorageError(f"could not write {path}: {exc.strerror or exc}") from exc


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, fsync and ``os.replace``.

    Raises:
        StorageError: the directory cannot be written (read-only, disk full...).
            The previous file, if any, is left untouched.
    """
    atomic_write_with(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 ``text`` atomically; see :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))


def backup_path(path: str | Path) -> Path:
    """Where :func:`replace_keeping_backup` keeps the version a file replaced: ``PATH.bak``."""
    path = Path(path)
    return path.with_name(path.name + ".bak")


def replace_keeping_backup(path: str | Path, data: bytes) -> Path | None:
    """Write ``data`` to ``path`` atomically, first keeping the file it replaces (when it
    differs) as ``PATH.bak``.

    Returns:
        The backup's path when one was written, else None.
    Raises:
        StorageError: either file could not be written; ``path`` is then untouched.
    """
    path = Path(path)
    try:
        previous = path.read_bytes() if path.is_file() else None
    except OSError:
        previous = None
    kept = None
    if previous is not None and previous != data:
        kept = backup_path(path)
        atomic_write_bytes(kept, previous)
    atomic_write_bytes(path, data)
    return kept


def place_copy(source: str | Path, target: str | Path) -> None:
    """Put ``source``'s bytes at ``target``, which must not exist yet (FileExistsError if it
    does), so keeping a file aside never replaces another.

    A hard link is instant and atomic; file systems without links (FAT, some network drives)
    get a copy written through a temporary file and moved into place only if ``target`` is
    still free.

    Raises:
        FileExistsError: ``target`` exists. OSError: ``source`` cannot be read or the copy written.
    """
    source, target = Path(source), Path(target)
    try:
        os.link(source, target)
        return
    except FileExistsError:
        raise
    except OSError:
        pass
    data = source.read_bytes()
    with _temporary_beside(target) as tmp:
        _fill_and_sync(tmp, lambda p: p.write_bytes(data), target.name)
        if target.exists():
            raise FileExistsError(str(target))
        os.replace(tmp, target)
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; not every platform lets a directory be opened.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class DurableAppender:
    """Append records to one file, each flushed to the disk (fsync) before :meth:`append`
    returns. Open it on a file that :func:`atomic_write_bytes` has just written."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise StorageError(f"could not open {self.path}: {exc.strerror or exc}") from exc

    def append(self, data: bytes) -> None:
        """Write ``data`` at the end of the file and fsync it.

        Raises:
            StorageError: the write failed (disk full...); the file then ends with at most a
                torn record.
        """
        if self._fd is None:
            raise StorageError(f"{self.path} is closed")
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
            os.fsync(self._fd)
        except OSError as exc:
            raise StorageError(f"could not write {self.path}: {exc.strerror or exc}") from exc

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
