"""One writer per save: a lock beside the save, held while a window plays it or a command writes it.

``NAME.json.lock`` is locked with ``flock`` (an advisory lock the kernel drops when its holder
exits, however it exits), so a window that crashed or was killed never blocks the next one:
that is the stale-lock rule, kept by the operating system. The file also says who holds it
(process id, host, what it is doing and since when), so the second window can say which one
has the save. The file stays after release; only the lock on it matters.

Where ``flock`` does not exist (Windows), the lock is the file itself, created exclusively;
a lock file whose process is no longer alive on this host is taken over.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from ..errors import EmbedcraftError, StorageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["SaveLock", "SaveLocked", "lock_path"]

_MAX_INFO_BYTES = 4096  # what a lock file may say about its holder


class SaveLocked(EmbedcraftError):
    """Another process has the save open: its holder is described in the message."""

    def __init__(self, path: Path, holder: dict) -> None:
        self.path = path
        self.holder = holder
        doing = holder.get("what") if isinstance(holder.get("what"), str) else "Embedcraft"
        pid = holder.get("pid")
        since = holder.get("since")
        who = f"{doing[:40]} (process {pid}" if isinstance(pid, int) else f"{doing[:40]} (another process"
        if isinstance(since, str):
            who += f", since {since[:20]}"
        host = holder.get("host")
        if isinstance(host, str) and host != socket.gethostname():
            who += f", on {host[:60]}"
        super().__init__(f"{path} is open in {who}); close it first, or play another save with --save")


def lock_path(save: str | Path) -> Path:
    """Where the lock of the save at ``save`` lives: ``NAME.json.lock``."""
    save = Path(save)
    return save.with_name(save.name + ".lock")


def _read_holder(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(_MAX_INFO_BYTES).decode("utf-8", "replace"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


class SaveLock:
    """An exclusive hold on one save. Take it with :meth:`acquire`; release it with
    :meth:`release` (or use it as a context manager)."""

    def __init__(self, save: Path, fd: int | None) -> None:
        self.save = save
        self.path = lock_path(save)
        self._fd = fd
        self._released = False

    @classmethod
    def acquire(cls, save: str | Path, what: str = "an Embedcraft window") -> "SaveLock":
        """Lock the save at ``save`` for this process (``what`` says what it is doing).

        Raises:
            SaveLocked: another process holds it.
            StorageError: the lock file cannot be created (a read-only folder...).
        """
        save = Path(save)
        path = lock_path(save)
        if path.exists() and not path.is_file():
            raise StorageError(f"{path} is not a regular file; remove it to play this save")
        info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "what": what,
                           "since": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}).encode("utf-8")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if fcntl is None:  # pragma: no cover - Windows
                return cls._acquire_by_file(save, path, info)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as exc:
            raise StorageError(f"could not lock {save}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise SaveLocked(save, _read_holder(path)) from None
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, info, 0)
        except OSError:
            pass  # the lock holds without the note about its holder
        return cls(save, fd)

    @classmethod
    def _acquire_by_file(cls, save: Path, path: Path, info: bytes) -> "SaveLock":  # pragma: no cover - Windows
        for _ in range(2):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = _read_holder(path)
                if holder.get("host") == socket.gethostname() and not _alive(holder.get("pid")):
                    os.unlink(path)  # its holder crashed
                    continue
                raise SaveLocked(save, holder) from None
            os.write(fd, info)
            os.close(fd)
            return cls(save, None)
        raise SaveLocked(save, _read_holder(path))

    @property
    def held(self) -> bool:
        return not self._released

    def release(self) -> None:
        """Let the save go (idempotent)."""
        if self._released:
            return
        self._released = True
        if self._fd is None:  # pragma: no cover - Windows: the file is the lock
            try:
                self.path.unlink()
            except OSError:
                pass
        else:
            try:
                os.ftruncate(self._fd, 0)
            except OSError:
                pass
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> "SaveLock":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
