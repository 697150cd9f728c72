"""The ``embedcraft`` command line: parse arguments, call the engine, print. Nothing else."""

from __future__ import annotations

import argparse
import os
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, Iterator, Sequence, TextIO

import yaml

from . import __version__
from .engine import Combination, EmbedcraftError, World, check_vocab, load_vocab, open_world
from .engine.reach import reach_from_table, table_depths
from .engine.atomic import atomic_write_bytes, atomic_write_text
from .engine.discovery import format_ms
from .engine.embed import LazyEmbedder
from .engine.emojis import EmojiSuggester, fill_emoji
from .engine.quality import SPREAD_FIRST, evaluate, explain, read_pairs, spread
from .engine.vocab import Settings, override_settings
from .engine.route import craft_table, find_route, read_route, route_text, run_route
from .engine.savefile import SaveError, SaveFile, backup_path, read_save, world_fingerprint, write_save
from .engine.sharecode import decode_save, encode_save
from .engine.verify import verify_file
from .paths import DEFAULT_VOCAB, QUALITY_PAIRS, data_dir, default_save_path
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

    set_help = "try the world with a setting changed, e.g. --set hubness=0.5 (repeatable)"
    quality = vocab_commands.add_parser(
        "quality", help="hit@1/hit@5 on expected answers, spread and hubness of results",
        description="Score the rule on pairs with the answers a person expects (hit@1, hit@5), and look at all "
                    f"pairs of the first {SPREAD_FIRST} elements: distinct results, the most frequent result's "
                    "share (hubness) and how often a result is only a variant of an input. Recipes are not counted.")
    quality.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help)
    quality.add_argument("--pairs", type=Path, action="append", metavar="FILE",
                         help="evaluation file, `A + B = C | D` a line (repeatable; default: "
                              + ", ".join(_shown(p) for p in QUALITY_PAIRS) + ")")
    quality.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help=set_help)
    quality.add_argument("--misses", action="store_true", help="list every pair the rule got wrong")
    quality.add_argument("--json", action="store_true", help="print one JSON object")
    quality.set_defaults(handler=cmd_vocab_quality)

    why = vocab_commands.add_parser(
        "why", help="why does A + B make what it makes? candidates and scores under each rule",
        description="Show the best words for a pair under each refinement of the rule: plain cosine, centred "
                    "vectors, CSLS hubness scaling and this world's own settings (with variants it skips), "
                    "and what a designer recipe or the Nothing threshold changes.")
    why.add_argument("names", nargs="+", metavar="NAME", help="two element names, or `A + B` in quotes")
    why.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help)
    why.add_argument("--top", type=_non_negative, default=6, metavar="K", help="words shown per rule (default 6)")
    why.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help=set_help)
    why.set_defaults(handler=cmd_vocab_why)

    emoji_cmd = vocab_commands.add_parser(
        "emoji", help="suggest emoji for elements that have none",
        description="Suggest an emoji for every element without one: the emoji whose English name (from the "
                    "`emoji` package) is nearest the element in embedding space. Write new words as bare "
                    "`Name:` lines, then run this (with --write to fill the first suggestion in).")
    emoji_cmd.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help)
    emoji_cmd.add_argument("--top", type=_non_negative, default=3, metavar="K", help="suggestions per element (default 3)")
    emoji_cmd.add_argument("--all", action="store_true",
                           help="suggest for every element, and count how often the file's emoji is among them")
    emoji_cmd.add_argument("--write", action="store_true",
                           help="write the first suggestion into bare `Name:` lines (the old file is kept as .bak)")
    emoji_cmd.set_defaults(handler=cmd_vocab_emoji)

    map_cmd = vocab_commands.add_parser(
        "map", help="draw the vocabulary in 2-D (PCA) as a PNG, coloured by crafting depth",
        description="Draw every word at its place on the first two principal components of the rule's vectors, "
                    "coloured by the depth at which it can first be crafted (grey: unreachable), labelled with "
                    "emoji and names where they fit. Look for empty regions and tight clusters.")
    map_cmd.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help)
    map_cmd.add_argument("--out", type=Path, required=True, metavar="PNG", help="image to write (PNG)")
    map_cmd.add_argument("--size", type=_image_size, default=(2400, 1600), metavar="WxH",
                         help="image size in pixels (default 2400x1600)")
    map_cmd.add_argument("--labels", choices=("both", "emoji", "name"), default="both", help="what labels show")
    map_cmd.set_defaults(handler=cmd_vocab_map)

    play = commands.add_parser("play", help="open the game window",
                               description="Open the game on a world; progress is saved as you play and on exit.")
    play.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help)
    play.add_argument("--save", type=Path, default=None,
                      help="save file (default: saves/default.json for the default world, "
                           "saves/<world file name>-<hash>.json for others; under $EMBEDCRAFT_HOME if set)")
    play.add_argument("--speedrun", metavar="TARGET", default=None,
                      help="a timed run from the starting elements to TARGET, saved in its own file "
                           "(saves/speedruns/...); the timer starts at your first drag")
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

    route = commands.add_parser("route", help="run a route or find a shortest one",
                                description="Routes are text files, one craft a line: `A + B` or `A + B = C` "
                                            "(asserts the result); `#` starts a comment.")
    route_commands = route.add_subparsers(dest="route_command", metavar="ACTION")
    route_commands.required = True
    route_run = route_commands.add_parser("run", help="craft a route headless and write the save",
                                          description="Craft every line of ROUTE from the starting elements and "
                                                      "write the run as a save; stops at the first bad line.")
    route_run.add_argument("route", metavar="ROUTE", help="route file (- for standard input)")
    route_run.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help)
    route_run.add_argument("--save", type=Path, required=True, metavar="OUT", help="save file to write")
    route_run.add_argument("--force", action="store_true", help="replace OUT if it exists (kept as OUT.bak)")
    route_run.set_defaults(handler=cmd_route_run)
    route_find = route_commands.add_parser("find", help="print a shortest route to an element",
                                           description="Print a route with the fewest crafts from the starting "
                                                       "elements to TARGET. When the search cannot finish within "
                                                       "the time limit, the best route found is printed and "
                                                       "marked as possibly not the shortest.")
    route_find.add_argument("target", metavar="TARGET", nargs="+", help="element name (any case)")
    route_find.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help)
    route_find.add_argument("--time-limit", type=_seconds, default=5.0, metavar="SECONDS",
                            help="how long to search for a shorter route (default 5)")
    route_find.set_defaults(handler=cmd_route_find)

    save = commands.add_parser("save", help="verify, show, export and share saves",
                               description="Tools for save files: verify a run, show it, export it as a route, "
                                           "share it as a code.")
    save_commands = save.add_subparsers(dest="save_command", metavar="ACTION")
    save_commands.required = True
    verify = save_commands.add_parser("verify", help="replay a save and check every craft",
                                      description="Replay every craft of SAVE against the engine: each input "
                                                  "available, each result the same, times in order, the same "
                                                  "world. Exit 0 with a summary, or 1 naming the first bad step.")
    verify.add_argument("save", type=Path, metavar="SAVE")
    verify.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help)
    verify.set_defaults(handler=cmd_save_verify)
    show = save_commands.add_parser("show", help="print a readable summary of a save",
                                    description="Print what a save holds: its world, play time, discoveries "
                                                "and speedrun.")
    show.add_argument("save", type=Path, metavar="SAVE")
    show.set_defaults(handler=cmd_save_show)
    export = save_commands.add_parser("export", help="write a save's crafts as a route",
                                      description="Write the crafts of SAVE as a route (with times as comments).")
    export.add_argument("save", type=Path, metavar="SAVE")
    export.add_argument("--route", action="store_true", required=True, help="export as a route (the only format)")
    export.add_argument("--out", type=Path, default=None, help="file to write (default: standard output)")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists (kept as FILE.bak)")
    export.set_defaults(handler=cmd_save_export)
    code = save_commands.add_parser("code", help="print a save as a share code",
                                    description="Print SAVE as one line of text to paste anywhere; "
                                                "`embedcraft save import` turns it back into the same save.")
    code.add_argument("save", type=Path, metavar="SAVE")
    code.set_defaults(handler=cmd_save_code)
    import_ = save_commands.add_parser("import", help="turn a share code back into a save",
                                       description="Write the save a share code holds.")
    import_.add_argument("code", metavar="CODE", help="the share code (- to read it from standard input)")
    import_.add_argument("--save", type=Path, required=True, metavar="OUT", help="save file to write")
    import_.add_argument("--force", action="store_true", help="replace OUT if it exists (kept as OUT.bak)")
    import_.set_defaults(handler=cmd_save_import)
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


def _craft_table(world: World, report) -> tuple:
    """Every pair of reachable elements and what it makes, from the world's cache when it is
    up to date (``reach``, ``map`` and ``route find`` share it), else crafted with a progress bar."""
    bar = ProgressBar("crafting every pair", "pairs")
    table = craft_table(world, report.cache_dir, world_fingerprint(world), progress=bar)
    bar.close()
    return table


def cmd_vocab_reach(args: argparse.Namespace) -> int:
    world, report = _open(args.path)
    result = reach_from_table(world, _craft_table(world, report))
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


def _open_with(path: Path, assignments: list[str]) -> World:
    """The world in ``path``, with ``--set KEY=VALUE`` settings applied when there are any."""
    if not assignments:
        return _open(path)[0]
    vocab = load_vocab(path)
    settings = override_settings(vocab.settings, assignments)
    bar = ProgressBar("embedding", "words")
    world, _ = open_world(path, notify=_note, progress=bar, vocab=vocab, settings=settings)
    bar.close()
    return world


def cmd_vocab_quality(args: argparse.Namespace) -> int:
    files = args.pairs or list(QUALITY_PAIRS)
    sets = [(path, read_pairs(path)) for path in files]
    world = _open_with(args.path, args.set)
    scores = [(path, evaluate(world, pairs)) for path, pairs in sets]
    shape = spread(world)
    if args.json:
        print(json.dumps({"world": world.vocab.name, "settings": asdict(world.vocab.settings),
                          "pairs": {_shown(path): score.to_json() for path, score in scores},
                          "spread": shape.to_json()}, ensure_ascii=False))
        return 0
    changed = {k: v for k, v in asdict(world.vocab.settings).items() if v != getattr(Settings(), k)}
    print(f"{world.vocab.name!r} ({len(world.elements)} elements); settings: "
          + (", ".join(f"{k}={v}" for k, v in changed.items()) or "all default"))
    for path, score in scores:
        print(f"  {_shown(path)}: hit@1 {score.hit1_rate:6.1%}  hit@5 {score.hit5_rate:6.1%}  "
              f"({score.hit1}/{score.hit5} of {score.scored} pairs)")
        if score.unknown:
            print(f"    not in this world (pairs skipped): {', '.join(score.unknown)}")
        if args.misses:
            for miss in score.misses:
                print(f"    line {miss.pair.line}: {miss.pair.text}  -> {miss.got or 'Nothing'}")
    data = shape.to_json()
    print(f"  all {shape.pairs} pairs of the first {shape.elements} elements: {shape.distinct} distinct results; "
          f"most frequent {data['hub']} {shape.hub_share:.1%}; variant of an input {data['variant_share']:.1%}; "
          f"contains an input {data['contains_share']:.1%}; Nothing {data['nothing_share']:.1%}")
    print("  top results: " + ", ".join(f"{name} {count}" for name, count in shape.top))
    return 0


def cmd_vocab_why(args: argparse.Namespace) -> int:
    a, b = _split_pair(args.names)
    world = _open_with(args.vocab, args.set)
    combination = world.combine(a, b, top=0)
    candidates, labels = explain(world, a, b, top=args.top)
    print(_describe(world, combination))
    settings = world.vocab.settings
    print(f"settings: centre={settings.centre} hubness={settings.hubness:g} (k={settings.hubness_k}) "
          f"balance={settings.balance:g} variants={settings.variants} template={settings.template!r} "
          f"nothing_threshold={settings.nothing_threshold}")
    print(f"the best {args.top} words under any rule, ranked under each (" + "; ".join(f"{k} = {v}" for k, v in labels.items())
          + "; gap = |cos(word, A) - cos(word, B)|):")
    print(f"  {'word':<24} {'cosine':>12} {'centred':>12} {'penalty':>8} {'csls':>12} {'gap':>7} {'final':>12}")

    def cell(score: float | None, rank: int) -> str:
        return f"{'-':>12}" if score is None or not rank else f"{score:7.4f} #{rank:<3}"

    for c in candidates:
        csls = c.centred - c.penalty if settings.centre else c.cosine - c.penalty
        label = world.element(c.name).label
        print((f"  {label:<24} {cell(c.cosine, c.ranks['cosine'])} {cell(c.centred, c.ranks['centred'])} "
               f"{c.penalty:8.4f} {cell(csls, c.ranks['csls'])} {c.gap:7.4f} {cell(c.final, c.ranks['final'])}"
               + (f"  {c.note}" if c.note else "")).rstrip())
    if combination.rule == "recipe":
        print(f"a designer recipe makes it {combination.result}, whatever the scores")
    elif combination.rule == "nothing" and settings.nothing_threshold is not None:
        print(f"the best score is below nothing_threshold {settings.nothing_threshold}, so it makes Nothing")
    return 0


def cmd_vocab_emoji(args: argparse.Namespace) -> int:
    if args.write and args.all:
        raise EmbedcraftError("--write fills in missing emoji only; leave out --all")
    embedder = LazyEmbedder(notify=_note)  # one model for the new words and the emoji names
    world, _ = _open(args.path, embedder)
    wanted = [k for k, e in enumerate(world.elements) if args.all or not e.emoji]
    if not wanted:
        print(f"every element of {world.vocab.name!r} has an emoji (--all suggests for all of them)")
        return 0
    suggester = EmojiSuggester(embedder, data_dir() / "cache" / "emoji-names", notify=_note,
                               template=world.vocab.settings.template)
    found = suggester.suggest(world.raw_vectors[wanted], max(1, args.top))
    first = agree = 0
    for k, options in zip(wanted, found):
        element = world.elements[k]
        pick = options[0]
        others = "; also " + ", ".join(f"{o.emoji} {o.name} {o.score:.2f}" for o in options[1:]) if options[1:] else ""
        mine = ""
        if element.emoji:
            shown = [o.emoji.replace("\ufe0f", "") for o in options]
            own = element.emoji.replace("\ufe0f", "")
            first += shown[0] == own
            agree += own in shown
            mine = f"  (file: {element.emoji}{' - among the suggestions' if own in shown else ''})"
        print(f"{_yaml_key(element.name)}: \"{pick.emoji}\"  # {pick.name} {pick.score:.2f}{others}{mine}")
    if args.all:
        have = sum(1 for k in wanted if world.elements[k].emoji)
        print(f"the file's emoji is the first suggestion for {first} of {have} elements "
              f"and among the first {max(1, args.top)} for {agree}")
    if args.write:
        path = Path(args.path)
        text = path.read_text(encoding="utf-8")
        chosen = {world.elements[k].name: options[0].emoji for k, options in zip(wanted, found)}
        new_text, left = fill_emoji(text, chosen)
        if new_text != text:
            atomic_write_bytes(backup_path(path), text.encode("utf-8"))
            atomic_write_text(path, new_text)
        print(f"wrote {len(chosen) - len(left)} emoji into {_shown(path)} (the old file is {backup_path(path).name})")
        if left:
            print("not written (mapping form; add `emoji:` yourself): " + ", ".join(left))
    return 0


def cmd_vocab_map(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() != ".png":
        raise EmbedcraftError(f"--out must name a .png file, not {args.out}")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from .client.vocab_map import draw_map  # pygame only for this command

    world, report = _open(args.path)
    summary = draw_map(world, table_depths(world, _craft_table(world, report)), args.out, size=args.size,
                       labels=args.labels)
    print(f"wrote {_shown(args.out)}: {summary.elements} words, {summary.labelled} labelled, "
          f"{summary.unreachable} unreachable (grey); PC1 {summary.variance[0]:.1%}, PC2 {summary.variance[1]:.1%} "
          "of the variance")
    return 0


def _image_size(text: str) -> tuple[int, int]:
    w, x, h = text.lower().partition("x")
    if not x or not w.isdigit() or not h.isdigit() or not (600 <= int(w) <= 10000 and 400 <= int(h) <= 10000):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT between 600x400 and 10000x10000, not {text!r}")
    return int(w), int(h)


def _yaml_key(name: str) -> str:
    """``name`` as a YAML key: quoted when YAML would read it as something else."""
    plain = yaml.safe_load(f"{name}: x") if name.strip() == name else None
    return name if isinstance(plain, dict) and list(plain) == [name] else json.dumps(name, ensure_ascii=False)


def cmd_play(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from .client.app import run  # pygame is imported only when the window is wanted

    speedrun = args.speedrun
    if speedrun is None and args.save is not None and args.save.exists():
        try:
            held = read_save(args.save).speedrun
        except SaveError:
            held = None  # the game itself keeps a broken file aside and says so
        speedrun = held.target if held is not None else None
    if speedrun is not None:  # --save names the speedrun's file; the normal game keeps its own
        save, speedrun_save = default_save_path(args.vocab), args.save
    else:
        save, speedrun_save = args.save or default_save_path(args.vocab), None
    return run(args.vocab, save, data_dir() / "settings.json", quit_after_frames=args.quit_after_frames,
               notify=_note, speedrun=speedrun, speedrun_save=speedrun_save)


def cmd_route_run(args: argparse.Namespace) -> int:
    steps = read_route(args.route)
    _refuse_overwrite(args.save, args.force)
    world, _ = _open(args.vocab)
    save = run_route(world, steps, args.route)
    write_save(args.save, save)
    print(f"{args.route}: {len(save.crafts)} crafts, {len(save.discoveries)} discoveries; "
          f"saved in {_shown(args.save)}")
    return 0


def cmd_route_find(args: argparse.Namespace) -> int:
    world, report = _open(args.vocab)
    target = world.element(" ".join(args.target)).name
    table = _craft_table(world, report)
    found = find_route(world, target, table, time_limit=args.time_limit)
    if found is None:
        raise EmbedcraftError(f"{target} cannot be made from {', '.join(world.vocab.starting)} "
                              f"(see `{PROG} vocab reach`)")
    n = len(found.crafts)
    header = [f"Route to {target} in {world.vocab.name!r}: {n} craft{'s' if n != 1 else ''}"]
    if found.optimal:
        header.append("No route is shorter (proven by a complete search).")
    else:
        header.append(f"The search stopped after {args.time_limit:g} s: a route with fewer crafts may exist, "
                      f"but none with fewer than {found.lower_bound}.")
        _note(f"this route may not be the shortest (it has {n} crafts; at least {found.lower_bound} are needed); "
              f"a longer --time-limit may find a shorter one")
    print(route_text(found.as_crafts(), header), end="")
    return 0


def cmd_save_verify(args: argparse.Namespace) -> int:
    read_save(args.save, check_crafts=False)  # a file that is not a save fails before the world loads
    world, _ = _open(args.vocab)
    save, result = verify_file(world, args.save)
    summary = (f"{_shown(args.save)}: ok: {save.world.name!r}, {result.crafts} crafts, "
               f"{result.discoveries} discoveries, final time {format_ms(result.final_ms)}")
    if save.speedrun is not None:
        summary += f"; {_speedrun_summary(save)}"
    print(summary)
    return 0


def cmd_save_show(args: argparse.Namespace) -> int:
    save = read_save(args.save)
    found = save.discoveries
    nothing = sum(1 for c in save.crafts if c.result is None)
    lines = [
        f"{_shown(args.save)}",
        f"  world:       {save.world.name!r} (fingerprint {save.world.fingerprint[:16]})",
        f"  started:     {save.created} with {', '.join(save.starting)}",
        f"  played:      {format_ms(save.play_ms)}",
        f"  crafts:      {len(save.crafts)} ({len(found)} new, {nothing} made nothing)",
        f"  on canvas:   {len(save.canvas)} tiles",
    ]
    if save.speedrun is not None:
        lines.append(f"  speedrun:    {_speedrun_summary(save)}")
        lines.append("  splits:")
        lines.extend(f"    {format_ms(t):>10}  {name}" for name, t in save.splits)
    elif found:
        shown = found[-10:]
        lines.append(f"  discoveries ({'last 10 of ' if len(found) > 10 else ''}{len(found)}):")
        lines.extend(f"    {format_ms(c.t_ms):>10}  {c.result}  ({c.a} + {c.b})" for c in shown)
    print("\n".join(lines))
    return 0


def cmd_save_export(args: argparse.Namespace) -> int:
    save = read_save(args.save)
    header = [f"Embedcraft route exported from {Path(args.save).name}",
              f"world {save.world.name!r} (fingerprint {save.world.fingerprint[:16]}); "
              f"{len(save.crafts)} crafts, {len(save.discoveries)} discoveries, played {format_ms(save.play_ms)}"]
    if save.speedrun is not None:
        header.append(_speedrun_summary(save))
    text = route_text(save.crafts, header, times=True)
    if args.out is None:
        print(text, end="")
    else:
        _refuse_overwrite(args.out, args.force)
        if args.out.exists():
            atomic_write_bytes(backup_path(args.out), args.out.read_bytes())
        atomic_write_text(args.out, text)
        _note(f"wrote {len(save.crafts)} crafts to {_shown(args.out)}")
    return 0


def cmd_save_code(args: argparse.Namespace) -> int:
    print(encode_save(read_save(args.save)))
    return 0


def cmd_save_import(args: argparse.Namespace) -> int:
    code = sys.stdin.read(64 * 1024 * 1024) if args.code == "-" else args.code
    save = decode_save(code)
    _refuse_overwrite(args.save, args.force)
    write_save(args.save, save)
    print(f"{_shown(args.save)}: {save.world.name!r}, {len(save.crafts)} crafts, "
          f"{len(save.discoveries)} discoveries" + (f"; {_speedrun_summary(save)}" if save.speedrun else ""))
    return 0


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


def _open(path: Path, embedder: LazyEmbedder | None = None) -> tuple[World, object]:
    bar = ProgressBar("embedding", "words")
    world, report = open_world(path, embedder=embedder, notify=lambda message: _note(message), progress=bar)
    bar.close()
    return world, report


def _refuse_overwrite(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise EmbedcraftError(f"{_shown(path)} already exists; choose another name, or add --force to replace it "
                              f"(the old file is kept as {path.name}.bak)")


def _speedrun_summary(save: SaveFile) -> str:
    run = save.speedrun
    pauses = f", paused {run.pauses} time{'s' if run.pauses != 1 else ''}" if run.pauses else ""
    if save.finished_ms is None:
        return f"speedrun to {run.target}: not finished{pauses}"
    return f"speedrun to {run.target}: {format_ms(save.finished_ms)}{pauses}"


def _describe(world: World, c: Combination) -> str:
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


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 3600")
    return value


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
