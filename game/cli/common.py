"""What every command shares: opening a world with a progress bar, messages on stderr, the
argument types, and how a combination or a speedrun is printed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..engine import Combination, EmbedcraftError, World, open_world
from ..engine.designer.crafts import craft_table
from ..engine.pairs import split_pair
from ..engine.runs.discovery import format_ms
from ..engine.runs.savefile import SaveFile
from ..engine.world.caches import BuildReport
from ..engine.world.embed import LazyEmbedder
from ..engine.world.reader import load_vocab, override_settings
from ..paths import DEFAULT_VOCAB, cache_root
from .progress import ProgressBar

PROG = "embedcraft"


def path_help() -> str:
    return f"vocabulary file (default: {shown(DEFAULT_VOCAB)})"


def open_world_for(path: Path, embedder: LazyEmbedder | None = None, settings: list[str] | None = None
                   ) -> tuple[World, BuildReport]:
    """The world in ``path``, embedding what is missing with a progress bar; ``settings`` are
    ``--set KEY=VALUE`` assignments to try the world with (its own cache is never replaced)."""
    vocab = load_vocab(path)
    tried = override_settings(vocab.settings, settings) if settings else None
    bar, fitting = ProgressBar("embedding", "words"), ProgressBar("fitting the learned map", "epochs")
    world, report = open_world(path, embedder=embedder, notify=note, progress=bar, vocab=vocab, settings=tried,
                               fallback_cache=cache_root(), fit_progress=fitting)
    bar.close()
    fitting.close()
    return world, report


def craft_table_for(world: World, report: BuildReport) -> tuple:
    """Every pair of reachable elements and what it makes, from the world's cache when it is
    up to date (``reach``, ``map`` and ``route find`` share it), else crafted with a progress bar."""
    bar = ProgressBar("crafting every pair", "pairs")
    table = craft_table(world, report.cache_dir, progress=bar, notify=note)
    bar.close()
    return table


def pair_from(tokens: list[str]) -> tuple[str, str]:
    """Two element names from command-line words (``water fire`` or ``black hole + water``)."""
    pair = split_pair(tokens)
    if pair is None:
        raise EmbedcraftError("give two names, e.g. `embedcraft try water fire` or `embedcraft try black hole + water`")
    return pair


def refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise EmbedcraftError(f"{shown(path)} already exists; choose another name, or add --force to replace it "
                              f"(the old file is kept as {path.name}.bak)")


def speedrun_summary(save: SaveFile) -> str:
    run = save.speedrun
    pauses = f", paused {run.pauses} time{'s' if run.pauses != 1 else ''}" if run.pauses else ""
    if save.finished_ms is None:
        return f"speedrun to {run.target}: not finished{pauses}"
    return f"speedrun to {run.target}: {format_ms(save.finished_ms)}{pauses}"


def describe(world: World, c: Combination) -> str:
    def label(name: str | None) -> str:
        return world.element(name).label if name is not None else "Nothing"

    how = {"recipe": "designer recipe", "vector": "nearest word", "nothing": "below the Nothing threshold"}[c.rule]
    score = f", score {c.score:.4f}" if c.score is not None else ""
    lines = [f"{label(c.a)} + {label(c.b)} = {label(c.result)}   ({how}{score})"]
    if c.rule == "recipe" and c.runners_up:
        lines.append("   the recipe wins whatever the scores; by the vectors alone the best words are:")
    for rank, neighbour in enumerate(c.runners_up, start=2 if c.rule == "vector" else 1):
        lines.append(f"  {rank:>2}. {label(neighbour.name):<28} {neighbour.score:.4f}")
    return "\n".join(lines)


def one_line(c: Combination) -> str:
    text = f"{c.a} + {c.b} = {c.result_label}"
    if c.score is not None:
        text += f"\t{c.score:.4f}"
    if c.runners_up:
        text += "\t" + ", ".join(f"{n.name} {n.score:.4f}" for n in c.runners_up)
    return text


def _whole_number(text: str, lo: int, hi: int | None, bounds: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < lo or (hi is not None and value > hi):
        raise argparse.ArgumentTypeError(f"must be {bounds}")
    return value


def non_negative(text: str) -> int:
    """An argument type: a whole number from 0 to 100 (how many words to show)."""
    return _whole_number(text, 0, 100, "between 0 and 100")


def shown(path: Path) -> str:
    """A path relative to the current folder when it is inside it, for short messages."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 3600")
    return value


def folds(text: str) -> int:
    """An argument type: a number of cross-validation folds, from 2 to 100."""
    return _whole_number(text, 2, 100, "between 2 and 100")


def positive(text: str) -> int:
    """An argument type: a whole number of at least 1."""
    return _whole_number(text, 1, None, "at least 1")


def note(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def error(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)

