"""A world's examples: what its designer says pairs should make, ``A + B = C | D`` a line.

They live in an ``examples:`` list in the vocabulary file, or in a sibling file
``NAME.examples.txt`` beside ``NAME.yaml`` (or both). The line format is the one every pair
file uses (:mod:`game.engine.pairs`). Every problem is reported with its file, line and
column: a name the world does not have (with the closest one), a banned answer, an answer
that is one of its own inputs, a pair given twice.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable

from ..errors import VocabError
from ..reading import read_capped
from ..pairs import PairLineError, read_pair_lines
from .vocab import MAX_NAME_CHARS, Example, Vocabulary, fold

__all__ = ["MAX_EXAMPLES_BYTES", "examples_path", "read_examples", "with_sibling_examples"]

MAX_EXAMPLES_BYTES = 20 * 1024 * 1024

Lookup = Callable[[str], "str | None"]  # a name or alias -> the element's name, None when unknown


def examples_path(vocab_path: Path) -> Path:
    """``NAME.examples.txt`` beside ``NAME.yaml``."""
    return vocab_path.with_name(vocab_path.stem + ".examples.txt")


def read_examples(lines: Iterable[tuple[str, int, int]], source: Path, lookup: Lookup, names: list[str],
                  banned: set[str], seen: dict[tuple[str, str], str]) -> tuple[list[Example], list[VocabError]]:
    """Examples from ``(text, line, column of the text's first character)`` triples.

    Args:
        lookup: the world's name lookup; names: every element name (for "did you mean").
        seen: folded pairs already given (shared between the section and the file), updated.
    """
    out: list[Example] = []
    errors: list[VocabError] = []
    for text, line, col in lines:
        try:
            parsed = list(read_pair_lines([text], str(source), answer="required", alternatives=True,
                                          max_chars=MAX_NAME_CHARS))
        except PairLineError as exc:
            errors.append(VocabError(source, line, col, exc.message))
            continue
        if not parsed:
            continue
        pair = parsed[0]
        resolved: list[str] = []
        for position, name in enumerate((pair.a, pair.b, *pair.answers)):
            where = col + max(0, _find(text, name))
            found = lookup(name)
            if found is None:
                close = difflib.get_close_matches(name, names, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                errors.append(VocabError(source, line, where, f"unknown element {name!r}{hint}"))
            elif found in banned and position >= 2:  # a banned element may be an input, never an answer
                errors.append(VocabError(source, line, where, f"{found!r} is banned, so no pair can make it"))
            else:
                resolved.append(found)
        if len(resolved) != 2 + len(pair.answers):
            continue
        a, b, answers = resolved[0], resolved[1], tuple(dict.fromkeys(resolved[2:]))
        if a in answers or b in answers:
            errors.append(VocabError(source, line, col, f"{a} + {b}: an answer is one of the inputs, "
                                     "which the rule never gives"))
            continue
        key = tuple(sorted((fold(a), fold(b))))
        if key in seen:
            errors.append(VocabError(source, line, col, f"{a} + {b} is already given at {seen[key]}"))
            continue
        seen[key] = f"{source.name}:{line}"
        out.append(Example(a, b, answers, str(source), line))
    return out, errors


def with_sibling_examples(vocab: Vocabulary, path: Path) -> tuple[Vocabulary | None, list[VocabError]]:
    """``vocab`` with the examples of its sibling ``NAME.examples.txt`` added, when there is one."""
    try:
        if path.stat().st_size > MAX_EXAMPLES_BYTES:
            return None, [VocabError(path, 1, 1, f"larger than {MAX_EXAMPLES_BYTES} bytes")]
        text = read_capped(path, MAX_EXAMPLES_BYTES).decode("utf-8")
    except FileNotFoundError:
        return vocab, []
    except UnicodeDecodeError:
        return None, [VocabError(path, 1, 1, "not valid UTF-8 text")]
    except OSError as exc:
        return None, [VocabError(path, 1, 1, f"cannot read: {exc.strerror or exc}")]
    seen = {tuple(sorted((fold(e.a), fold(e.b)))): f"{Path(e.source).name}:{e.line}" for e in vocab.examples}
    found, errors = read_examples(file_lines(text), path, lambda name: vocab.get(name).name if name in vocab else None,
                                  [e.name for e in vocab.elements], set(vocab.banned), seen)
    if errors:
        return None, errors
    return replace(vocab, examples=vocab.examples + tuple(found)), []


def _find(text: str, name: str) -> int:
    """Where ``name`` starts in ``text`` (any case, -1 when spaced differently)."""
    return text.casefold().find(name.casefold())


def file_lines(text: str) -> list[tuple[str, int, int]]:
    """A sibling file's lines as ``(text, line, 1)``."""
    return [(raw, number, 1) for number, raw in enumerate(text.splitlines(), start=1)]
