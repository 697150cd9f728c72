"""A small terminal progress bar with a rate, for long CLI commands."""

from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

__all__ = ["ProgressBar"]

BAR_WIDTH = 28  # characters
REDRAW_EVERY = 0.1  # seconds between redraws on a terminal


class ProgressBar:
    """Call it with ``(done, total)``; call :meth:`close` at the end.

    On a terminal it redraws one line in place; elsewhere (logs, CI, tests) it writes only the
    final line, so logs stay readable.
    """

    def __init__(self, label: str, unit: str, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic, live: bool | None = None) -> None:
        self.label = label
        self.unit = unit
        self.stream = stream or sys.stderr
        self.clock = clock
        self.live = self.stream.isatty() if live is None else live
        self._start = clock()
        self._last_draw = float("-inf")
        self._done = 0
        self._total = 0

    def __call__(self, done: int, total: int) -> None:
        self._done, self._total = done, total
        now = self.clock()
        if self.live and (now - self._last_draw >= REDRAW_EVERY or done >= total):
            self._last_draw = now
            self.stream.write("\r" + self.line())
            self.stream.flush()

    def rate(self) -> float:
        elapsed = self.clock() - self._start
        return self._done / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        total = max(self._total, 1)
        filled = int(BAR_WIDTH * min(self._done, total) / total)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        return (f"{self.label} [{bar}] {100 * self._done / total:5.1f}% "
                f"{self._done}/{self._total} {self.rate():,.{0 if self.rate() >= 10 else 1}f} {self.unit}/s")

    def close(self) -> None:
        if self._total == 0 and self._done == 0:
            return
        self.stream.write(("\r" if self.live else "") + self.line() + "\n")
        self.stream.flush()
