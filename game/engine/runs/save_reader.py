"""Reading a save: every field checked, the first problem named in one line (:class:`SaveError`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..reading import read_capped
from ..world.vocab import NOTHING, fold, name_problem
from .discovery import Craft
from .replay import ReplayError, replay
from .savefile import (
    FORMAT_VERSION,
    KIND,
    MAX_MS,
    MAX_SAVE_BYTES,
    MAX_TILES,
    SaveError,
    SaveFile,
    Speedrun,
    TileState,
    WorldStamp,
)

__all__ = ["parse_save", "read_save"]


def read_save(path: str | Path, expect: WorldStamp | None = None, check_crafts: bool = True) -> SaveFile:
    """Load and check a save file.

    Args:
        expect: the world the save must belong to; a save of another world is refused.
        check_crafts: check that every craft uses elements made before it and is truly
            marked new, that times never go backwards, and that the speedrun's time and
            splits are the crafts' own. :func:`~game.engine.runs.verify.verify_save`
            turns this off and checks the same while replaying, to name the first bad step.
    Raises:
        SaveError: the file is missing, too large, not JSON, of another version or malformed,
            belongs to another world, or its crafts use elements before they were made.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SAVE_BYTES:
            raise SaveError(path, f"the file is {size:,} bytes; saves are at most {MAX_SAVE_BYTES:,}")
        raw = read_capped(path, MAX_SAVE_BYTES)
    except OSError as exc:
        raise SaveError(path, f"cannot read the save: {exc.strerror or exc}") from exc
    return parse_save(raw, path, expect, check_crafts)


def parse_save(raw: bytes, source: str | Path, expect: WorldStamp | None = None, check_crafts: bool = True) -> SaveFile:
    """Check the bytes of a save (from a file or a share code); ``source`` names them in errors.

    Raises:
        SaveError: as :func:`read_save`.
    """
    if len(raw) > MAX_SAVE_BYTES:
        raise SaveError(source, f"the save is {len(raw):,} bytes; saves are at most {MAX_SAVE_BYTES:,}")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SaveError(source, f"not a save file (not UTF-8 text at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise SaveError(source, f"not a save file (not JSON: {exc.msg} at line {exc.lineno} column {exc.colno})") from exc
    except RecursionError as exc:
        raise SaveError(source, "not a save file (JSON nested too deeply)") from exc
    return _parse(source, data, expect, check_crafts)


def _parse(path: str | Path, data: Any, expect: WorldStamp | None, check_crafts: bool) -> SaveFile:
    def fail(message: str) -> SaveError:
        return SaveError(path, message)

    if not isinstance(data, dict):
        raise fail("not a save file (the top level is not a JSON object)")
    if data.get("kind") != KIND:
        raise fail("not an Embedcraft save file (no \"kind\": \"embedcraft-save\")")
    version = data.get("format_version")
    if version not in (1, FORMAT_VERSION) or isinstance(version, bool):
        raise fail(f"format_version {version!r} is not supported (this game reads 1 to {FORMAT_VERSION})")

    world = _field(data, "world", dict, fail)
    stamp = WorldStamp(_name(world, "name", fail, "world."), _field(world, "fingerprint", str, fail, "world."))
    if len(stamp.fingerprint) > 128 or not all(c in "0123456789abcdef" for c in stamp.fingerprint):
        raise fail("world.fingerprint must be at most 128 lowercase hexadecimal digits")
    if expect is not None and stamp.fingerprint != expect.fingerprint:
        raise fail(f"this save belongs to another world: it was made in {stamp.name!r} "
                   f"(fingerprint {stamp.fingerprint[:16]}), and this is {expect.name!r} "
                   f"(fingerprint {expect.fingerprint[:16]})")
    created = _field(data, "created", str, fail)
    if len(created) > 64 or not created.isprintable():
        raise fail("created must be a short date and time")
    play_ms = _time(data, "play_ms", fail)

    raw_crafts = _field(data, "crafts", list, fail)
    crafts = []
    for step, item in enumerate(raw_crafts, start=1):
        where = f"crafts[{step - 1}]."
        if not isinstance(item, dict):
            raise fail(f"craft {step} is not a JSON object")
        result = item.get("result")
        if result is not None:
            result = _name(item, "result", fail, where)
        crafts.append(Craft(_name(item, "a", fail, where), _name(item, "b", fail, where), result,
                            _field(item, "new", bool, fail, where), _time(item, "t_ms", fail, where)))

    if version == 1:  # version 1 did not record them: the world's own are used (see SaveFile.starting)
        starting: tuple[str, ...] = ()
    else:
        listed = _field(data, "starting", list, fail)
        starting = tuple(_name({f"starting[{k}]": n}, f"starting[{k}]", fail) for k, n in enumerate(listed))
        if not starting:
            raise fail("starting lists no elements")
    if check_crafts and starting:
        try:
            replay(starting, crafts, play_ms=play_ms)
        except ReplayError as exc:
            raise fail(str(exc)) from exc

    canvas = _field(data, "canvas", dict, fail)
    camera = _field(canvas, "camera", list, fail, "canvas.")
    if len(camera) != 2 or not all(_is_number(v) for v in camera):
        raise fail("canvas.camera must be two numbers")
    tiles = []
    for n, item in enumerate(_field(canvas, "tiles", list, fail, "canvas.")[:MAX_TILES]):
        where = f"canvas.tiles[{n}]."
        if not isinstance(item, dict):
            raise fail(f"canvas tile {n} is not a JSON object")
        x, y = item.get("x"), item.get("y")
        if not (_is_number(x) and _is_number(y)):
            raise fail(f"{where}x and y must be numbers")
        tiles.append(TileState(_name(item, "name", fail, where), _position(x), _position(y)))

    speedrun = None
    if data.get("speedrun") is not None:
        speedrun = _speedrun(_field(data, "speedrun", dict, fail), starting, fail)
    save = SaveFile(stamp, starting, tuple(crafts), tuple(tiles), (_position(camera[0]), _position(camera[1])), play_ms,
                    created, speedrun)
    if speedrun is not None and check_crafts:
        _check_speedrun(data["speedrun"], save, fail)
    return save


def _speedrun(data: dict, starting: tuple[str, ...], fail) -> Speedrun:
    target = _name(data, "target", fail, "speedrun.")
    if fold(target) in {fold(n) for n in starting}:
        raise fail(f"speedrun.target {target!r} is a starting element")
    pauses = _time(data, "pauses", fail, "speedrun.") if "pauses" in data else 0
    return Speedrun(target, pauses)


def _check_speedrun(data: dict, save: SaveFile, fail) -> None:
    """The recorded time and splits must be the ones the crafts give."""
    finished = data.get("finished_ms")
    if finished != save.finished_ms or isinstance(finished, bool):
        raise fail(f"speedrun.finished_ms is {finished!r}, but the crafts make {save.speedrun.target!r} "
                   + (f"at {save.finished_ms} ms" if save.finished_ms is not None else "never"))
    splits = data.get("splits")
    expected = [{"name": name, "t_ms": t} for name, t in save.splits]
    if splits != expected:
        raise fail("speedrun.splits do not match the crafts' discoveries")


def _name(data: dict, key: str, fail, where: str = "") -> str:
    """An element name: a short string without the characters routes use."""
    value = _field(data, key, str, fail, where)
    if not value.strip() or fold(value) == fold(NOTHING):
        raise fail(f"{where}{key} is not an element name: {value[:20]!r}")
    problem = name_problem(value)
    if problem is not None:
        raise fail(f"{where}{key} {problem}")
    return value


def _time(data: dict, key: str, fail, where: str = "") -> int:
    value = _field(data, key, int, fail, where)
    if value < 0:
        raise fail(f"{where}{key} is negative")
    if value > MAX_MS:
        raise fail(f"{where}{key} is too large ({value} ms)")
    return value


def _field(data: dict, key: str, kind: type, fail, where: str = "") -> Any:
    if key not in data:
        raise fail(f"{where}{key} is missing")
    value = data[key]
    # bool is an int in Python; a JSON true is never a count of milliseconds.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise fail(f"{where}{key} must be {_KIND_NAMES.get(kind, kind.__name__)}, not {_json_kind(value)}")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) < 1e12


_KIND_NAMES = {dict: "an object", list: "a list", str: "a string", int: "a whole number", bool: "true or false"}


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    for kind, name in ((bool, "true or false"), (int, "a number"), (float, "a number"), (str, "a string"),
                       (list, "a list"), (dict, "an object")):
        if isinstance(value, kind):
            return name
    return type(value).__name__




def _position(value: float) -> float:
    """A canvas coordinate as saves write it (tenths of a pixel), so a loaded save writes back
    to the same file."""
    return round(float(value), 1)
