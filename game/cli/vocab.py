"""``embedcraft vocab ...``: the designer's commands (check, build, reach, quality, why, emoji, map)."""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict
from pathlib import Path

import yaml

from ..engine import EmbedcraftError, check_vocab, load_vocab
from ..engine.designer.emojis import EmojiSuggester, agreement, same_emoji, write_emoji
from ..engine.designer.players import simulate
from ..engine.designer.quality import SPREAD_FIRST, evaluate, read_pairs, spread
from ..engine.designer.reach import reach_from_table, table_depths
from ..engine.designer.tune import cross_validate, hardest, without_map
from ..engine.designer.why import explain
from ..engine.world.embed import LazyEmbedder
from ..engine.world.examples import examples_path
from ..engine.world.vocab import Settings
from ..paths import DEFAULT_VOCAB, QUALITY_PAIRS, cache_root
from .common import (
    craft_table_for,
    describe,
    error,
    folds,
    non_negative,
    note,
    open_world_for,
    pair_from,
    path_help,
    shown,
)
from .progress import ProgressBar

__all__ = ["add_commands"]


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``vocab`` and its actions to the top-level parser's commands."""
    vocab = commands.add_parser("vocab", help="designer tools for vocabulary files",
                                description="Designer tools for vocabulary files.")
    vocab_commands = vocab.add_subparsers(dest="vocab_command", metavar="ACTION")
    vocab_commands.required = True

    check = vocab_commands.add_parser("check", help="validate a vocabulary file",
                                      description="Validate a vocabulary; every problem is printed as path:line:col: message.")
    check.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help())
    check.set_defaults(handler=cmd_vocab_check)

    build = vocab_commands.add_parser("build", help="embed new words and build the index",
                                      description="Embed the words that have no cached vector and (re)build the Annoy index.")
    build.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help())
    build.set_defaults(handler=cmd_vocab_build)

    reach_cmd = vocab_commands.add_parser("reach", help="which elements can be crafted, and at what depth",
                                          description="Combine every pair of reached elements until nothing new appears; "
                                                      "print how many elements each depth adds and which are unreachable.")
    reach_cmd.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help())
    reach_cmd.add_argument("--json", action="store_true", help="print one JSON object")
    reach_cmd.set_defaults(handler=cmd_vocab_reach)

    set_help = "try the world with a setting changed, e.g. --set hubness=0.5 (repeatable)"
    quality = vocab_commands.add_parser(
        "quality", help="hit@1/hit@5 on expected answers, spread and hubness of results",
        description="Score the rule on pairs with the answers a person expects (hit@1, hit@5), and look at all "
                    f"pairs of the first {SPREAD_FIRST} elements: distinct results, the most frequent result's "
                    "share (hubness) and how often a result is only a variant of an input. Recipes are not counted.")
    quality.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help())
    quality.add_argument("--pairs", type=Path, action="append", metavar="FILE",
                         help="evaluation file, `A + B = C | D` a line (repeatable; default: "
                              + ", ".join(shown(p) for p in QUALITY_PAIRS) + ")")
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
    why.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help())
    why.add_argument("--top", type=non_negative, default=6, metavar="K", help="words shown per rule (default 6)")
    why.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help=set_help)
    why.set_defaults(handler=cmd_vocab_why)

    tune = vocab_commands.add_parser(
        "tune", help="fit the world's learned map on its examples and show what it changes",
        description="Measure the learned map by k-fold cross-validation on the world's examples (hit@1 / hit@5 "
                    "on the examples left out, without and with the map), fit it on every example and store it in "
                    f"the world's cache, then show the spread over all pairs of the first {SPREAD_FIRST} elements, "
                    "simulated players and the examples the world still gets most wrong, before and after.")
    tune.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help())
    tune.add_argument("--folds", type=folds, default=5, metavar="K", help="cross-validation folds (default 5)")
    tune.add_argument("--no-cv", action="store_true", help="skip the cross-validation (only fit and compare)")
    tune.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help=set_help)
    tune.add_argument("--json", action="store_true", help="print one JSON object")
    tune.set_defaults(handler=cmd_vocab_tune)

    emoji_cmd = vocab_commands.add_parser(
        "emoji", help="suggest emoji for elements that have none",
        description="Suggest an emoji for every element without one: the emoji whose English name (from the "
                    "`emoji` package) is nearest the element in embedding space. Write new words as bare "
                    "`Name:` lines, then run this (with --write to fill the first suggestion in).")
    emoji_cmd.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help())
    emoji_cmd.add_argument("--top", type=non_negative, default=3, metavar="K", help="suggestions per element (default 3)")
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
    map_cmd.add_argument("path", nargs="?", type=Path, default=DEFAULT_VOCAB, help=path_help())
    map_cmd.add_argument("--out", type=Path, required=True, metavar="PNG", help="image to write (PNG)")
    map_cmd.add_argument("--size", type=_image_size, default=(2400, 1600), metavar="WxH",
                         help="image size in pixels (default 2400x1600)")
    map_cmd.add_argument("--labels", choices=("both", "emoji", "name"), default="both", help="what labels show")
    map_cmd.set_defaults(handler=cmd_vocab_map)



def cmd_vocab_check(args: argparse.Namespace) -> int:
    errors = check_vocab(args.path)
    for problem in errors:
        print(problem)
    if errors:
        error(f"{shown(args.path)}: {len(errors)} problem{'s' if len(errors) != 1 else ''}")
        return 1
    vocab = load_vocab(args.path)
    print(f"{shown(args.path)}: ok: {vocab.name!r}, {len(vocab)} elements, {len(vocab.recipes)} recipes, "
          f"{len(vocab.examples)} examples, {len(vocab.banned)} banned; starting with {', '.join(vocab.starting)}")
    return 0


def cmd_vocab_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    world, report = open_world_for(args.path)
    manifest = world.index.manifest
    print(f"{world.vocab.name!r}: {len(world.elements)} elements; embedded {report.embedded} new "
          f"({len(world.elements) - report.embedded} cached); index of {manifest.count} words "
          f"({manifest.trees} trees, search_k {manifest.search_k}) "
          f"{'built' if report.index_built else 'up to date'}; cache in {shown(report.cache_dir)}; "
          f"{time.perf_counter() - started:.1f} s")
    return 0


def cmd_vocab_reach(args: argparse.Namespace) -> int:
    world, report = open_world_for(args.path)
    result = reach_from_table(world, craft_table_for(world, report))
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


def cmd_vocab_quality(args: argparse.Namespace) -> int:
    files = args.pairs or list(QUALITY_PAIRS)
    sets = [(path, read_pairs(path)) for path in files]
    world, _ = open_world_for(args.path, settings=args.set)
    scores = [(path, evaluate(world, pairs)) for path, pairs in sets]
    shape = spread(world)
    if args.json:
        print(json.dumps({"world": world.vocab.name, "settings": asdict(world.vocab.settings),
                          "pairs": {shown(path): score.to_json() for path, score in scores},
                          "spread": shape.to_json()}, ensure_ascii=False))
        return 0
    changed = {k: v for k, v in asdict(world.vocab.settings).items() if v != getattr(Settings(), k)}
    print(f"{world.vocab.name!r} ({len(world.elements)} elements); settings: "
          + (", ".join(f"{k}={v}" for k, v in changed.items()) or "all default"))
    for path, score in scores:
        print(f"  {shown(path)}: hit@1 {score.hit1_rate:6.1%}  hit@5 {score.hit5_rate:6.1%}  "
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
    a, b = pair_from(args.names)
    world, _ = open_world_for(args.vocab, settings=args.set)
    combination = world.combine(a, b, top=0)
    candidates, labels = explain(world, a, b, top=args.top)
    print(describe(world, combination))
    settings = world.vocab.settings
    print(f"settings: centre={settings.centre} hubness={settings.hubness:g} (k={settings.hubness_k}) "
          f"balance={settings.balance:g} variants={settings.variants} template={settings.template!r} "
          f"nothing_threshold={settings.nothing_threshold}")
    print(f"the best {args.top} words under any rule, ranked under each (" + "; ".join(f"{k} = {v}" for k, v in labels.items())
          + "; gap = |cos(word, A) - cos(word, B)|):")
    learned = world.learned is not None
    print(f"  {'word':<24} {'cosine':>12} {'centred':>12} " + (f"{'learned':>12} " if learned else "")
          + f"{'penalty':>8} {'csls':>12} {'gap':>7} {'final':>12}")

    def cell(score: float | None, rank: int) -> str:
        return f"{'-':>12}" if score is None or not rank else f"{score:7.4f} #{rank:<3}"

    for c in candidates:
        label = world.element(c.name).label
        print((f"  {label:<24} {cell(c.cosine, c.ranks['cosine'])} {cell(c.centred, c.ranks['centred'])} "
               + (f"{cell(c.learned, c.ranks['learned'])} " if learned else "")
               + f"{c.penalty:8.4f} {cell(c.csls, c.ranks['csls'])} {c.gap:7.4f} {cell(c.final, c.ranks['final'])}"
               + (f"  {c.note}" if c.note else "")).rstrip())
    if combination.rule == "recipe":
        print(f"a designer recipe makes it {combination.result}, whatever the scores")
    elif combination.rule == "nothing" and settings.nothing_threshold is not None:
        print(f"the best score is below nothing_threshold {settings.nothing_threshold}, so it makes Nothing")
    return 0


def cmd_vocab_tune(args: argparse.Namespace) -> int:
    world, _ = open_world_for(args.path, settings=args.set)  # fits and stores the map when it is stale
    vocab = world.vocab
    if not vocab.examples:
        raise EmbedcraftError(f"{shown(args.path)} has no examples: add `A + B = C | D` lines to "
                              f"{shown(examples_path(args.path))} or an `examples:` list")
    if world.learned is None:
        raise EmbedcraftError("learn_rank is 0, so this world learns nothing from its examples")
    before = without_map(world)
    cv = None
    if not args.no_cv:
        bar = ProgressBar(f"cross-validating ({args.folds} folds)", "epochs")
        cv = cross_validate(world, args.folds, bar)
        bar.close()
    shapes = [spread(w) for w in (before, world)]
    players = [simulate(w) for w in (before, world)]
    hard = hardest(world)
    if args.json:
        print(json.dumps({
            "world": vocab.name, "examples": len(vocab.examples), "rank": world.learned.rank,
            "cv": None if cv is None else {"folds": cv.folds, "before": cv.before.to_json(),
                                           "after": {str(e): dict(zip(("hit1", "hit5"), map(lambda r: round(r, 4), cv.rates(e))))
                                                     for e in cv.after}},
            "spread": {"before": shapes[0].to_json(), "after": shapes[1].to_json()},
            "players": {"before": players[0].to_json(), "after": players[1].to_json()},
            "hardest": [{"example": f"{h.example.a} + {h.example.b} = {' | '.join(h.example.answers)}",
                         "got": h.got, "rank": h.rank} for h in hard]}, ensure_ascii=False))
        return 0
    print(f"{vocab.name!r}: {len(vocab.elements)} elements, {len(vocab.examples)} examples; learned map of rank "
          f"{world.learned.rank} ({vocab.settings.learn_epochs} epochs, decay {vocab.settings.learn_decay:g}, "
          f"temperature {vocab.settings.learn_temperature:g})")
    if cv is not None:
        b = cv.before
        print(f"held-out examples ({cv.folds}-fold): without the map hit@1 {b.hit1_rate:.1%} hit@5 {b.hit5_rate:.1%}")
        for epoch in sorted(cv.after):
            h1, h5 = cv.rates(epoch)
            mark = "  <- best" if epoch == cv.best_epoch and len(cv.after) > 1 else ""
            print(f"  with the map after {epoch:>5} epochs: hit@1 {h1:.1%} hit@5 {h5:.1%}{mark}")
    print(f"all {shapes[0].pairs} pairs of the first {shapes[0].elements} elements:")
    for label, shape in zip(("without the map", "with the map"), shapes):
        data = shape.to_json()
        print(f"  {label:<16} {shape.distinct} distinct results, most frequent {data['hub']} {shape.hub_share:.1%}")
    print(f"simulated players ({players[0].players} players, {players[0].crafts} random untried pairs each):")
    for label, report in zip(("without the map", "with the map"), players):
        top = ", ".join(f"{name} {share:.1%}" for name, share in report.top())
        print(f"  {label:<16} {report.mean_found:.1f} elements found, {report.new_share:.2f} new per craft; top: {top}")
    print(f"the {len(hard)} examples the world still gets most wrong (rank of the first accepted answer):")
    for h in hard:
        where = f"{shown(Path(h.example.source))}:{h.example.line}"
        rank = f"#{h.rank}" if h.rank else "not in the best 50"
        print(f"  {where}: {h.example.a} + {h.example.b} = {' | '.join(h.example.answers)}  -> "
              f"{h.got or 'Nothing'} ({rank})")
    return 0


def cmd_vocab_emoji(args: argparse.Namespace) -> int:
    if args.write and args.all:
        raise EmbedcraftError("--write fills in missing emoji only; leave out --all")
    embedder = LazyEmbedder(notify=note)  # one model for the new words and the emoji names
    world, _ = open_world_for(args.path, embedder)
    wanted = [k for k, e in enumerate(world.elements) if args.all or not e.emoji]
    if not wanted:
        print(f"every element of {world.vocab.name!r} has an emoji (--all suggests for all of them)")
        return 0
    suggester = EmojiSuggester(embedder, cache_root() / "emoji-names", notify=note,
                               template=world.vocab.settings.template)
    found = suggester.suggest(world.raw_vectors[wanted], max(1, args.top))
    for k, options in zip(wanted, found):
        element = world.elements[k]
        pick = options[0]
        others = "; also " + ", ".join(f"{o.emoji} {o.name} {o.score:.2f}" for o in options[1:]) if options[1:] else ""
        mine = ""
        if element.emoji:
            among = any(same_emoji(o.emoji, element.emoji) for o in options)
            mine = f"  (file: {element.emoji}{' - among the suggestions' if among else ''})"
        print(f"{_yaml_key(element.name)}: \"{pick.emoji}\"  # {pick.name} {pick.score:.2f}{others}{mine}")
    if args.all:
        first, among, have = agreement([world.elements[k].emoji for k in wanted], found)
        print(f"the file's emoji is the first suggestion for {first} of {have} elements "
              f"and among the first {max(1, args.top)} for {among}")
    if args.write:
        chosen = {world.elements[k].name: options[0].emoji for k, options in zip(wanted, found)}
        written, left, kept = write_emoji(Path(args.path), chosen)
        print(f"wrote {written} emoji into {shown(args.path)}"
              + (f" (the old file is {kept.name})" if kept else ""))
        if left:
            print("not written (mapping form; add `emoji:` yourself): " + ", ".join(left))
    return 0


def cmd_vocab_map(args: argparse.Namespace) -> int:
    if args.out.suffix.lower() != ".png":
        raise EmbedcraftError(f"--out must name a .png file, not {args.out}")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from ..client.vocab_map import draw_map  # pygame only for this command

    world, report = open_world_for(args.path)
    summary = draw_map(world, table_depths(world, craft_table_for(world, report)), args.out, size=args.size,
                       labels=args.labels)
    print(f"wrote {shown(args.out)}: {summary.elements} words, {summary.labelled} labelled, "
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


