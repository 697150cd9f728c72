"""The ``embedcraft`` command line: parse arguments, call the engine, print. Nothing else."""

from __future__ import annotations

import argparse
import os
import json
import sys
import time
from pathlib import Path
from typing import Iterable, Iterator, Sequence, TextIO

from . import __version__
from .engine import Combination, EmbedcraftError, World, check_vocab, load_vocab, open_world, reach
from .paths import DEFAULT_VOCAB, data_dir, default_save_path
from .progress import ProgressBar

__all__ = ["main", "build_parser"]

PROG = "embedcraft"
BATCH_CHUNK = 4_096  # pairs answered per engine call in --batch mode


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Embedcraft: combine concepts; A + B is the word nearest to vec(A) + vec(B).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    vocab = commands.add_parser("vocab", help="designer tools for vocabulary files",
                                description="Designer tools for vocabulary files.")
    vocab_commands = vocab.add_subparsers(dest="vocab_command", metavar="ACTION")
    vocab_commands.required = True
    path_help = f"vocabulary file (default: {_shown(DEFAULT_VOCAB)})"

    check = vocab_commands.add_parser("check", help="validate a vocabulary file",
                                      description="Validate a vocabulary; every problem is printed as path:line:col: message.")
    check.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help)
    check.set_defaults(handler=cmd_vocab_check)

    build = vocab_commands.add_parser("build", help="embed new words and build the index",
                                      description="Embed the words that have no cached vector and (re)build the Annoy index.")
    build.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help)
    build.set_defaults(handler=cmd_vocab_build)

    reach_cmd = vocab_commands.add_parser("reach", help="which elements can be crafted, and at what depth",
                                          description="Combine every pair of reached elements until nothing new appears; "
                                                      "print how many elements each depth adds and which are unreachable.")
    reach_cmd.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help)
    reach_cmd.add_argument("--json", action="store_true", help="print one JSON object")
    reach_cmd.set_defaults(handler=cmd_vocab_reach)

    play = commands.add_parser("play", help="open the game window",
                               description="Open the game on a world; progress is saved as you play and on exit.")
    play.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help)
    play.add_argument("--save", type=Path, default=None,
                      help="save file (default: saves/default.json for the default world, "
                           "saves/<world file name>-<hash>.json for others; under $EMBEDCRAFT_HOME if set)")
    play.add_argument("--quit-after-frames", type=_positive, default=None, help=argparse.SUPPRESS)
    play.set_defaults(handler=cmd_play)

    try_cmd = commands.add_parser("try", help="what do A and B make?",
                                  description="Print what A + B makes, with runners-up and scores. "
                                              "Names with spaces: quote them, or write `try black hole + water`.")
    try_cmd.add_argument("names", nargs="*", metavar="NAME", help="two element names (any case)")
    try_cmd.add_argument("--batch", metavar="FILE", help="read one `A + B` per line from FILE (- for standard input)")
    try_cmd.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help)
    try_cmd.add_argument("--top", type=_non_negative, default=5, metavar="K", help="runners-up to show (default 5)")
    try_cmd.add_argument("--json", action="store_true", help="print JSON (one object per line with --batch)")
    try_cmd.set_defaults(handler=cmd_try)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failure, 2 usage error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except EmbedcraftError as exc:
        _error(str(exc))
        return 1
    except UnicodeDecodeError as exc:
        _error(f"the input is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return 1
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        # `embedcraft try --batch ... | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0


# ------------------------------------------------------------------------ commands


def cmd_vocab_check(args: argparse.Namespace) -> int:
    errors = check_vocab(args.path)
    for error in errors:
        print(error)
    if errors:
        _error(f"{_shown(args.path)}: {len(errors)} problem{'s' if len(errors) != 1 else ''}")
        return 1
    vocab = load_vocab(args.path)
    print(f"{_shown(args.path)}: ok: {vocab.name!r}, {len(vocab)} elements, {len(vocab.recipes)} recipes, "
          f"{len(vocab.banned)} banned; starting with {', '.join(vocab.starting)}")
    return 0


def cmd_vocab_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    world, report = _open(args.path)
    manifest = world.index.manifest
    print(f"{world.vocab.name!r}: {len(world.elements)} elements; embedded {report.embedded} new "
          f"({len(world.elements) - report.embedded} cached); index of {manifest.count} words "
          f"({manifest.trees} trees, search_k {manifest.search_k}) "
          f"{'built' if report.index_built else 'up to date'}; cache in {_shown(report.cache_dir)}; "
          f"{time.perf_counter() - started:.1f} s")
    return 0


def cmd_vocab_reach(args: argparse.Namespace) -> int:
    world, _ = _open(args.path)
    bar = ProgressBar("reach", "pairs")
    result = reach(world, progress=bar)
    bar.close()
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return 0
    total = len(world.elements)
    print(f"{world.vocab.name!r}: {len(result.depths)} of {total} elements reachable "
          f"({result.pairs_tried} pairs combined)")
    for depth, count in result.counts_by_depth().items():
        print(f"  depth {depth:>2}: {count:>5} {'(starting)' if depth == 0 else ''}".rstrip())
    if result.unreachable:
        print(f"unreachable ({len(result.unreachable)}):")
        for name in result.unreachable:
            print(f"  {world.element(name).label}")
    else:
        print("unreachable: none")
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from .client.app import run  # pygame is imported only when the window is wanted

    save = args.save or default_save_path(args.vocab)
    return run(args.vocab, save, data_dir() / "settings.json", quit_after_frames=args.quit_after_frames,
               notify=_note)


def cmd_try(args: argparse.Namespace) -> int:
    if args.batch is not None:
        if args.names:
            raise EmbedcraftError("give either two names or --batch FILE, not both")
        return _try_batch(args)
    a, b = _split_pair(args.names)
    world, _ = _open(args.vocab)
    combination = world.combine(a, b, top=args.top)
    if args.json:
        print(json.dumps(combination.to_json(), ensure_ascii=False))
    else:
        print(_describe(world, combination))
    return 0


def _try_batch(args: argparse.Namespace) -> int:
    world, _ = _open(args.vocab)
    failed = 0
    source = sys.stdin if args.batch == "-" else _open_text(args.batch)
    try:
        for chunk in _chunks(_batch_lines(source), BATCH_CHUNK):
            good = []
            for line_no, a, b in chunk:
                try:
                    good.append((world.element(a).name, world.element(b).name))
                except EmbedcraftError as exc:
                    failed += 1
                    _error(f"{args.batch}:{line_no}: {exc}")
                    if args.json:
                        print(json.dumps({"a": a, "b": b, "line": line_no, "error": str(exc)}, ensure_ascii=False))
            for combination in world.combine_many(good, top=args.top):
                if args.json:
                    print(json.dumps(combination.to_json(), ensure_ascii=False))
                else:
                    print(_one_line(combination))
    finally:
        if source is not sys.stdin:
            source.close()
    return 1 if failed else 0


# ------------------------------------------------------------------------ helpers


def _open(path: Path) -> tuple[World, object]:
    bar = ProgressBar("embedding", "words")
    world, report = open_world(path, notify=lambda message: _note(message), progress=bar)
    bar.close()
    return world, report


def _describe(world: World, c: Combination) -> str:
    def label(name: str | None) -> str:
        return world.element(name).label if name is not None else "Nothing"

    how = {"recipe": "designer recipe", "vector": "nearest word", "nothing": "below the Nothing threshold"}[c.rule]
    score = f", score {c.score:.4f}" if c.score is not None else ""
    lines = [f"{label(c.a)} + {label(c.b)} = {label(c.result)}   ({how}{score})"]
    for rank, neighbour in enumerate(c.runners_up, start=2 if c.rule == "vector" else 1):
        lines.append(f"  {rank:>2}. {label(neighbour.name):<28} {neighbour.score:.4f}")
    return "\n".join(lines)


def _one_line(c: Combination) -> str:
    text = f"{c.a} + {c.b} = {c.result_label}"
    if c.score is not None:
        text += f"\t{c.score:.4f}"
    if c.runners_up:
        text += "\t" + ", ".join(f"{n.name} {n.score:.4f}" for n in c.runners_up)
    return text


def _split_pair(tokens: Sequence[str]) -> tuple[str, str]:
    joined = " ".join(tokens)
    if "+" in joined:
        parts = [p.strip() for p in joined.split("+")]
    else:
        parts = list(tokens)
    if len(parts) != 2 or not all(parts):
        raise EmbedcraftError("give two names, e.g. `embedcraft try water fire` or `embedcraft try black hole + water`")
    return parts[0], parts[1]


def _batch_lines(source: TextIO) -> Iterator[tuple[int, str, str]]:
    for line_no, raw in enumerate(source, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("=", 1)[0].split("+")]
        if len(parts) != 2 or not all(parts):
            raise EmbedcraftError(f"line {line_no}: expected `A + B`, got {raw.strip()!r}")
        yield line_no, parts[0], parts[1]


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
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise EmbedcraftError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0 or value > 100:
        raise argparse.ArgumentTypeError("must be between 0 and 100")
    return value


def _shown(path: Path) -> str:
    """A path relative to the current folder when it is inside it, for short messages."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _note(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)
