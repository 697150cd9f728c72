"""``embedcraft route ...`` and ``embedcraft save ...``: runs as routes, and saves to verify,
show, export and share."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..engine import EmbedcraftError
from ..engine.atomic import replace_keeping_backup
from ..engine.designer.shortest import find_route
from ..engine.runs.discovery import format_ms
from ..engine.runs.routes import read_route, route_text, run_route
from ..engine.runs.save_reader import read_save
from ..engine.runs.lock import SaveLock
from ..engine.runs.savefile import write_save
from ..engine.runs.sharecode import decode_save, encode_save
from ..engine.runs.verify import verify_file
from ..paths import DEFAULT_VOCAB
from .common import (
    PROG,
    craft_table_for,
    note,
    open_world_for,
    path_help,
    refuse_overwrite,
    seconds,
    shown,
    speedrun_summary,
)

__all__ = ["add_commands"]


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``route`` and ``save`` and their actions to the top-level parser's commands."""
    route = commands.add_parser("route", help="run a route or find a shortest one",
                                description="Routes are text files, one craft a line: `A + B` or `A + B = C` "
                                            "(asserts the result); `#` starts a comment.")
    route_commands = route.add_subparsers(dest="route_command", metavar="ACTION")
    route_commands.required = True
    route_run = route_commands.add_parser("run", help="craft a route headless and write the save",
                                          description="Craft every line of ROUTE from the starting elements and "
                                                      "write the run as a save; stops at the first bad line.")
    route_run.add_argument("route", metavar="ROUTE", help="route file (- for standard input)")
    route_run.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help())
    route_run.add_argument("--save", type=Path, required=True, metavar="OUT", help="save file to write")
    route_run.add_argument("--force", action="store_true", help="replace OUT if it exists (kept as OUT.bak)")
    route_run.set_defaults(handler=cmd_route_run)
    route_find = route_commands.add_parser("find", help="print a shortest route to an element",
                                           description="Print a route with the fewest crafts from the starting "
                                                       "elements to TARGET. When the search cannot finish within "
                                                       "the time limit, the best route found is printed and "
                                                       "marked as possibly not the shortest.")
    route_find.add_argument("target", metavar="TARGET", nargs="+", help="element name (any case)")
    route_find.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help())
    route_find.add_argument("--time-limit", type=seconds, default=5.0, metavar="SECONDS",
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
    verify.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help=path_help())
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


def cmd_route_run(args: argparse.Namespace) -> int:
    steps = read_route(args.route)
    refuse_overwrite(args.save, args.force)
    world, _ = open_world_for(args.vocab)
    save = run_route(world, steps, args.route)
    with SaveLock.acquire(args.save, "embedcraft route run"):
        refuse_overwrite(args.save, args.force)  # again: a window may have made it meanwhile
        write_save(args.save, save)
    print(f"{args.route}: {len(save.crafts)} crafts, {len(save.discoveries)} discoveries; "
          f"saved in {shown(args.save)}")
    return 0


def cmd_route_find(args: argparse.Namespace) -> int:
    world, report = open_world_for(args.vocab)
    target = world.element(" ".join(args.target)).name
    table = craft_table_for(world, report)
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
        note(f"this route may not be the shortest (it has {n} crafts; at least {found.lower_bound} are needed); "
              f"a longer --time-limit may find a shorter one")
    print(route_text(found.as_crafts(), header), end="")
    return 0


def cmd_save_verify(args: argparse.Namespace) -> int:
    read_save(args.save, check_crafts=False)  # a file that is not a save fails before the world loads
    world, _ = open_world_for(args.vocab)
    save, result = verify_file(world, args.save)
    summary = (f"{shown(args.save)}: ok: {save.world.name!r}, {result.crafts} crafts, "
               f"{result.discoveries} discoveries, final time {format_ms(result.final_ms)}")
    if save.speedrun is not None:
        summary += f"; {speedrun_summary(save)}"
    print(summary)
    return 0


def cmd_save_show(args: argparse.Namespace) -> int:
    save = read_save(args.save)
    found = save.discoveries
    nothing = sum(1 for c in save.crafts if c.result is None)
    lines = [
        f"{shown(args.save)}",
        f"  world:       {save.world.name!r} (fingerprint {save.world.fingerprint[:16]})",
        f"  started:     {save.created} with {', '.join(save.starting)}",
        f"  played:      {format_ms(save.play_ms)}",
        f"  crafts:      {len(save.crafts)} ({len(found)} new, {nothing} made nothing)",
        f"  on canvas:   {len(save.canvas)} tiles",
    ]
    if save.speedrun is not None:
        lines.append(f"  speedrun:    {speedrun_summary(save)}")
        lines.append("  splits:")
        lines.extend(f"    {format_ms(t):>10}  {name}" for name, t in save.splits)
    elif found:
        latest = found[-10:]
        lines.append(f"  discoveries ({'last 10 of ' if len(found) > 10 else ''}{len(found)}):")
        lines.extend(f"    {format_ms(c.t_ms):>10}  {c.result}  ({c.a} + {c.b})" for c in latest)
    print("\n".join(lines))
    return 0


def cmd_save_export(args: argparse.Namespace) -> int:
    save = read_save(args.save)
    header = [f"Embedcraft route exported from {Path(args.save).name}",
              f"world {save.world.name!r} (fingerprint {save.world.fingerprint[:16]}); "
              f"{len(save.crafts)} crafts, {len(save.discoveries)} discoveries, played {format_ms(save.play_ms)}"]
    if save.speedrun is not None:
        header.append(speedrun_summary(save))
    text = route_text(save.crafts, header, times=True)
    if args.out is None:
        print(text, end="")
    else:
        refuse_overwrite(args.out, args.force)
        replace_keeping_backup(args.out, text.encode("utf-8"))
        note(f"wrote {len(save.crafts)} crafts to {shown(args.out)}")
    return 0


def cmd_save_code(args: argparse.Namespace) -> int:
    print(encode_save(read_save(args.save)))
    return 0


def cmd_save_import(args: argparse.Namespace) -> int:
    code = sys.stdin.read(64 * 1024 * 1024) if args.code == "-" else args.code
    save = decode_save(code)
    with SaveLock.acquire(args.save, "embedcraft save import"):
        refuse_overwrite(args.save, args.force)
        write_save(args.save, save)
    print(f"{shown(args.save)}: {save.world.name!r}, {len(save.crafts)} crafts, "
          f"{len(save.discoveries)} discoveries" + (f"; {speedrun_summary(save)}" if save.speedrun else ""))
    return 0
