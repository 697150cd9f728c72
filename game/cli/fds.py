"""Standard streams that exist: a command started with stdin, stdout or stderr closed
(``embedcraft try water fire <&-``) gets ``/dev/null`` in their place before anything else
opens a file, so no file the game opens later lands on descriptor 0, 1 or 2 and is read,
written or closed as if it were a stream."""

from __future__ import annotations

import io
import os
import sys

__all__ = ["ensure_standard_streams"]


def ensure_standard_streams() -> None:
    """Open ``/dev/null`` on each of descriptors 0-2 that is closed, and give Python a stream
    on it where it has none (``sys.stdin`` is None when the process started without fd 0)."""
    for fd, mode in ((0, os.O_RDONLY), (1, os.O_WRONLY), (2, os.O_WRONLY)):
        try:
            os.fstat(fd)
            continue
        except OSError:
            pass
        try:
            null = os.open(os.devnull, mode)
        except OSError:
            continue
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
    for name, fd, reading in (("stdin", 0, True), ("stdout", 1, False), ("stderr", 2, False)):
        if getattr(sys, name) is None:
            try:
                stream = io.TextIOWrapper(io.FileIO(fd, "r" if reading else "w", closefd=False),
                                          encoding="utf-8", errors="replace", line_buffering=not reading)
            except OSError:
                continue
            setattr(sys, name, stream)
