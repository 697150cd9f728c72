"""The ``A + B = C | D`` line format, read in one place for routes, evaluation pairs and batches.

One pair a line: two names joined by ``+``, optionally ``= answer`` and, where the caller
allows it, ``| other answer``. ``#`` starts a comment; blank lines are skipped; runs of spaces
inside a name count as one. A line that is not a pair raises :class:`PairLineError` naming
the source and the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from .errors import LocatedError

__all__ = ["COMMENT", "PairLine", "PairLineError", "parse_pair_lines", "read_pair_lines", "split_pair"]

COMMENT = "#"


class PairLineError(LocatedError):
    """A line that is not ``A + B`` (or ``A + B = C``), with its source and 1-based line."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(source, message, line)


@dataclass(frozen=True)
class PairLine:
    """One pair: ``a + b``, the answers the line gives (empty: none) and its line number."""

    line: int
    a: str
    b: str
    answers: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The pair as a line: ``A + B`` or ``A + B = C | D``."""
        return f"{self.a} + {self.b}" + (f" = {' | '.join(self.answers)}" if self.answers else "")

    @property
    def expect(self) -> str | None:
        """The first answer, or None when the line gives none."""
        return self.answers[0] if self.answers else None


def _name(text: str) -> str:
    return " ".join(text.split())


def read_pair_lines(lines: Iterable[str], source: str = "<pairs>", *, answer: str = "optional",
                    alternatives: bool = False, max_chars: int | None = None) -> Iterator[PairLine]:
    """Parse pair lines one at a time (for streams such as ``try --batch -``).

    Args:
        answer: ``"optional"`` (``A + B`` or ``A + B = C``), ``"required"`` (``= C`` must be
            there) or ``"ignored"`` (whatever follows ``=`` is dropped).
        alternatives: allow ``= C | D | E``; otherwise a ``|`` is part of the answer's name.
        max_chars: refuse a name longer than this.
    Raises:
        PairLineError: the first line that is not a pair.
    """
    for number, raw in enumerate(lines, start=1):
        text = raw.split(COMMENT, 1)[0].strip()
        if not text:
            continue
        left, equals, right = text.partition("=")
        parts = left.split("+")
        shown = raw.strip()[:80]
        expected = "`A + B = C`" + (" (or `= C | D`)" if alternatives else "") if answer == "required" \
            else "`A + B`" + (" or `A + B = C`" if answer == "optional" else "")
        if len(parts) != 2 or (answer == "required" and not equals) or (answer != "ignored" and "=" in right):
            raise PairLineError(source, number, f"expected {expected}, got {shown!r}")
        a, b = (_name(p) for p in parts)
        answers: tuple[str, ...] = ()
        if equals and answer != "ignored":
            answers = tuple(_name(p) for p in right.split("|")) if alternatives else (_name(right),)
        if not a or not b or not all(answers):
            raise PairLineError(source, number, f"a name is missing in {shown!r}")
        if max_chars is not None and any(len(n) > max_chars for n in (a, b, *answers)):
            raise PairLineError(source, number, f"a name is longer than {max_chars} characters")
        yield PairLine(number, a, b, answers)


def parse_pair_lines(text: str, source: str = "<pairs>", **options) -> list[PairLine]:
    """Every pair in ``text``; see :func:`read_pair_lines` for the options."""
    return list(read_pair_lines(text.splitlines(), source, **options))


def split_pair(tokens: Iterable[str]) -> tuple[str, str] | None:
    """Two names from command-line words: ``["water", "fire"]`` or ``["black", "hole", "+", "water"]``.

    Returns None when the words are not exactly two names.
    """
    tokens = list(tokens)
    joined = " ".join(tokens)
    parts = [_name(p) for p in joined.split("+")] if "+" in joined else tokens
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]
