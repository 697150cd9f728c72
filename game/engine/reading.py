"""Reading what a user hands us, with a size cap: files and streams are read only up to a limit,
and only regular files are read, so ``/dev/zero``, a FIFO or a directory given as a vocabulary,
a save, a route or a pairs file gets one clear error instead of filling memory or hanging.

Both helpers raise :class:`OSError` with a readable ``strerror``, so callers that already turn
``OSError`` into their own located error need no other case.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO, Iterator, TextIO

__all__ = ["MAX_LINE_CHARS", "capped_lines", "read_capped"]

MAX_LINE_CHARS = 64 * 1024  # one line of a batch or pairs file (a pair of names is far shorter)


def _too_large(limit: int) -> OSError:
    return OSError(errno.EFBIG, f"larger than {limit:,} bytes")


def read_capped(path: str | Path, limit: int, stream: BinaryIO | None = None) -> bytes:
    """The bytes of the regular file at ``path`` (or of ``stream`` when given, such as
    standard input), at most ``limit`` of them.

    Raises:
        OSError: it cannot be opened, is not a regular file, or holds more than ``limit`` bytes.
    """
    if stream is not None:
        data = stream.read(limit + 1)
    else:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError(errno.EISDIR, "is a directory")
            if not stat.S_ISREG(mode):
                raise OSError(errno.EINVAL, "not a regular file")
            with os.fdopen(fd, "rb", closefd=False) as handle:
                data = handle.read(limit + 1)
        finally:
            os.close(fd)
    if len(data) > limit:
        raise _too_large(limit)
    return data


def capped_lines(handle: TextIO, max_chars: int = MAX_LINE_CHARS) -> Iterator[str]:
    """The lines of ``handle`` one at a time, refusing one longer than ``max_chars`` (a stream
    with no newline would otherwise be read whole).

    Raises:
        OSError: a line is longer than ``max_chars``.
    """
    while True:
        line = handle.readline(max_chars + 1)
        if not line:
            return
        if len(line) > max_chars and not line.endswith("\n"):
            raise OSError(errno.EFBIG, f"a line is longer than {max_chars:,} characters")
        yield line

