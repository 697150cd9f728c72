"""``embedcraft play`` and ``embedcraft try``: the game window, and what two elements make."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Iterable, Iterator, TextIO

from ..engine import EmbedcraftError
from ..engine.pairs import read_pair_lines
from ..engine.reading import capped_lines
from ..engine.runs.resume import choose_files
from ..paths import DEFAULT_VOCAB, data_dir, default_save_path
from .common import (
    describe,
    error,
    non_negative,
    note,
    one_line,
    open_world_for,
    pair_from,
    path_help,
    positive,
)

__all__ = ["add_commands"]

BATCH_CHUNK = 4_096  # pairs answered per engine call in --batch mode


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``play`` and ``try`` to the top-level parser's commands."""
    play = commands.add_parser("play", help="open the game window",
                               description="Open the game on a world; progress is saved as you play and on exit.")
    play.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help())
    play.add_argument("--save", type=Path, default=None,
                      help="save file (default: saves/default.json for the default world, "
                           "saves/<world file name>-<hash>.json for others; under $EMBEDCRAFT_HOME if set)")
    play.add_argument("--speedrun", metavar="TARGET", default=None,
                      help="a timed run from the starting elements to TARGET, saved in its own file "
                           "(saves/speedruns/...); the timer starts at your first drag")
    play.add_argument("--quit-after-frames", type=positive, default=None, help=argparse.SUPPRESS)
    play.set_defaults(handler=cmd_play)

    try_cmd = commands.add_parser("try", help="what do A and B make?",
                                  description="Print what A + B makes, with runners-up and scores. "
                                              "Names with spaces: quote them, or write `try black hole + water`.")
    try_cmd.add_argument("names", nargs="*", metavar="NAME", help="two element names (any case)")
    try_cmd.add_argument("--batch", metavar="FILE", help="read one `A + B` per line from FILE (- for standard input)")
    try_cmd.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help())
    try_cmd.add_argument("--top", type=non_negative, default=5, metavar="K", help="runners-up to show (default 5)")
    try_cmd.add_argument("--json", action="store_true", help="print JSON (one object per line with --batch)")
    try_cmd.set_defaults(handler=cmd_try)


def cmd_play(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from ..client.play import run  # pygame is imported only when the window is wanted

    files = choose_files(default_save_path(args.vocab), args.save, args.speedrun)
    return run(args.vocab, files, data_dir() / "settings.json", quit_after_frames=args.quit_after_frames, notify=note)


def cmd_try(args: argparse.Namespace) -> int:
    if args.batch is not None:
        if args.names:
            raise EmbedcraftError("give either two names or --batch FILE, not both")
        return _try_batch(args)
    a, b = pair_from(args.names)
    world, _ = open_world_for(args.vocab)
    combination = world.combine(a, b, top=args.top)
    if args.json:
        print(json.dumps(combination.to_json(), ensure_ascii=False))
    else:
        print(describe(world, combination))
    return 0


def _try_batch(args: argparse.Namespace) -> int:
    world, _ = open_world_for(args.vocab)
    failed = 0
    source = sys.stdin if args.batch == "-" else _open_text(args.batch)
    try:
        for chunk in _chunks(read_pair_lines(capped_lines(source), args.batch, answer="ignored"), BATCH_CHUNK):
            good = []
            for pair in chunk:
                try:
                    good.append((world.element(pair.a).name, world.element(pair.b).name))
                except EmbedcraftError as exc:
                    failed += 1
                    error(f"{args.batch}:{pair.line}: {exc}")
                    if args.json:
                        print(json.dumps({"a": pair.a, "b": pair.b, "line": pair.line, "error": str(exc)},
                                         ensure_ascii=False))
            for combination in world.combine_many(good, top=args.top):
                if args.json:
                    print(json.dumps(combination.to_json(), ensure_ascii=False))
                else:
                    print(one_line(combination))
    except OSError as exc:  # a line longer than any pair (a stream with no newline), a read error
        raise EmbedcraftError(f"{args.batch}: {exc.strerror or exc}") from None
    finally:
        if source is not sys.stdin:
            source.close()
    return 1 if failed else 0


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk



def _open_text(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8")  # a pipe is fine: lines are read with a cap
    except OSError as exc:
        raise EmbedcraftError(f"cannot read {path}: {exc.strerror or exc}") from exc
