"""Routes: the text format speedrunners write, and crafting one headless (shortest routes are
:mod:`game.engine.designer.shortest`).

A route is one craft a line, ``A + B`` or ``A + B = C`` (the ``= C`` asserts the result;
``= Nothing`` asserts that the pair makes nothing). ``#`` starts a comment; blank lines are
ignored; names may contain spaces and any case, and aliases work as in the game.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import LocatedError, StorageError, UnknownElement
from ..pairs import COMMENT, PairLine, PairLineError, parse_pair_lines
from ..reading import read_capped
from ..world.vocab import NOTHING, fold
from ..world.world import World
from .discovery import Craft, DiscoveryLog, format_ms
from .savefile import SaveFile, world_stamp

__all__ = ["MAX_ROUTE_BYTES", "RouteError", "RouteStep", "parse_route", "read_route", "route_text", "run_route"]

MAX_ROUTE_BYTES = 10 * 1024 * 1024
RouteStep = PairLine  # one line of a route: ``a + b`` and the result it asserts (``expect``; None: no assertion)


class RouteError(LocatedError):
    """A route that cannot be run, located by its 1-based line."""

    def __init__(self, source: str | Path, line: int, message: str) -> None:
        super().__init__(source, message, line)


# --------------------------------------------------------------------------- the text format


def parse_route(text: str, source: str | Path = "<route>") -> list[RouteStep]:
    """Read a route's text; raises RouteError naming the first line that is not a craft."""
    try:
        return parse_pair_lines(text, str(source))
    except PairLineError as exc:
        raise RouteError(source, exc.line or 0, exc.message) from exc


def read_route(path: str | Path) -> list[RouteStep]:
    """:func:`parse_route` on a file ("-" is standard input).

    Raises:
        StorageError: the file cannot be read or is not UTF-8 text. RouteError: a bad line.
    """
    try:
        raw = read_capped(path, MAX_ROUTE_BYTES, sys.stdin.buffer if str(path) == "-" else None)
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(raw) > MAX_ROUTE_BYTES:
        raise StorageError(f"{path}: routes are at most {MAX_ROUTE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StorageError(f"{path}: not a route (not UTF-8 text at byte {exc.start})") from exc
    return parse_route(text, path)


def route_text(crafts: Iterable[Craft], header: Sequence[str] = (), times: bool = False) -> str:
    """Crafts as a route: ``A + B = C`` lines under ``# header`` comments; with ``times``
    each line ends with a comment giving its time and whether it discovered something."""
    lines = [f"{COMMENT} {h}" if h else COMMENT for h in header]
    for craft in crafts:
        line = f"{craft.a} + {craft.b} = {craft.result if craft.result is not None else NOTHING}"
        if times:
            line = f"{line:<48} {COMMENT} {format_ms(craft.t_ms)}{'  new' if craft.new else ''}"
        lines.append(line)
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- running a route


def run_route(world: World, steps: Sequence[RouteStep], source: str | Path = "<route>") -> SaveFile:
    """Craft ``steps`` in order from the starting elements, as a player would; returns the run
    as a save (every craft at 0 ms: a headless route takes no play time).

    Raises:
        RouteError: a name is unknown, a craft uses an element not made yet, or a result
            differs from the one the route asserts.
    """
    def name(text: str, line: int) -> str:
        try:
            return world.element(text).name
        except UnknownElement as exc:
            raise RouteError(source, line, str(exc)) from exc

    log = DiscoveryLog([e.name for e in world.starting])
    for step in steps:  # one line at a time, so the first bad line is the one named
        a, b = name(step.a, step.line), name(step.b, step.line)
        for part in (a, b):
            if part not in log:
                raise RouteError(source, step.line, f"{part!r} has not been made yet at this point of the route")
        expect = step.expect
        if expect is not None and fold(expect) != fold(NOTHING):
            expect = name(expect, step.line)
        made = world.combine(a, b, top=0)
        if expect is not None and fold(expect) != fold(made.result_label):
            raise RouteError(source, step.line, f"{a} + {b} makes {made.result_label}, not {expect}")
        log.record(a, b, made.result, 0)
    return SaveFile(world_stamp(world), log.starting, tuple(log.crafts))
