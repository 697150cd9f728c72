"""Save files: a versioned JSON record of a run (its world, its discovery log, its canvas).

Saves are written atomically with the previous version kept as ``NAME.bak``; loading checks
every field and raises :class:`SaveError` naming the first problem. Nothing here unpickles or
evaluates anything: a shared save is plain data.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import atomic_write_bytes
from .discovery import Craft, DiscoveryLog
from .errors import EmbedcraftError, StorageError

__all__ = [
    "FORMAT_VERSION",
    "MAX_SAVE_BYTES",
    "SaveError",
    "SaveFile",
    "TileState",
    "WorldStamp",
    "backup_path",
    "keep_aside",
    "read_save",
    "world_fingerprint",
    "write_save",
]

FORMAT_VERSION = 1
KIND = "embedcraft-save"
MAX_SAVE_BYTES = 32 * 1024 * 1024  # a save larger than this is refused unread
MAX_TILES = 10_000  # canvas tiles kept in a save


class SaveError(EmbedcraftError):
    """A save file that cannot be used, with the reason in one line."""

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


@dataclass(frozen=True)
class WorldStamp:
    """Which world a save belongs to: a readable name and a fingerprint of everything that
    can change a result (see :func:`world_fingerprint`)."""

    name: str
    fingerprint: str


@dataclass(frozen=True)
class TileState:
    """A tile on the canvas: an element name at world coordinates (the tile's centre)."""

    name: str
    x: float
    y: float


@dataclass(frozen=True)
class SaveFile:
    """One run.

    Attributes:
        world: the world the run belongs to.
        crafts: every craft in order (see :class:`Craft`).
        canvas: the tiles on the canvas, bottom to top.
        camera: the canvas scroll position, world coordinates of the view's top-left corner.
        play_ms: milliseconds played so far (the clock of the next craft continues from here).
        created: when the run started (ISO 8601, UTC).
    """

    world: WorldStamp
    crafts: tuple[Craft, ...] = ()
    canvas: tuple[TileState, ...] = ()
    camera: tuple[float, float] = (0.0, 0.0)
    play_ms: int = 0
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))

    def log(self, starting: tuple[str, ...] | list[str]) -> DiscoveryLog:
        """The discovery log this save describes, from the world's starting elements.

        Raises:
            NotDiscovered: a craft uses an element that was not made before it.
        """
        return DiscoveryLog(starting, self.crafts)

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": FORMAT_VERSION,
            "kind": KIND,
            "world": {"name": self.world.name, "fingerprint": self.world.fingerprint},
            "created": self.created,
            "play_ms": self.play_ms,
            "crafts": [
                {"a": c.a, "b": c.b, "result": c.result, "new": c.new, "t_ms": c.t_ms} for c in self.crafts
            ],
            "canvas": {
                "camera": [round(self.camera[0], 1), round(self.camera[1], 1)],
                "tiles": [{"name": t.name, "x": round(t.x, 1), "y": round(t.y, 1)} for t in self.canvas],
            },
        }


def world_fingerprint(world) -> str:
    """SHA-256 over what decides results: the vocabulary's content, the vectors and model
    (through the index manifest's hash) and every index setting."""
    manifest = world.index.manifest
    parts = [world.vocab.content_hash(), manifest.vocab_hash, manifest.model_id, manifest.metric,
             manifest.trees, manifest.search_k, manifest.seed]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def write_save(path: str | Path, save: SaveFile) -> None:
    """Write ``save`` atomically; the file it replaces is kept as ``PATH.bak``.

    Raises:
        StorageError: the save could not be written; the previous file is untouched.
    """
    path = Path(path)
    data = (json.dumps(save.to_json(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    try:
        previous = path.read_bytes() if path.is_file() else None
    except OSError:
        previous = None
    if previous is not None and previous != data:
        atomic_write_bytes(backup_path(path), previous)
    atomic_write_bytes(path, data)


def read_save(path: str | Path) -> SaveFile:
    """Load and check a save file.

    Raises:
        SaveError: the file is missing, too large, not JSON, of another version or malformed,
            or its crafts use elements before they were made.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SAVE_BYTES:
            raise SaveError(path, f"the file is {size:,} bytes; saves are at most {MAX_SAVE_BYTES:,}")
        raw = path.read_bytes()
    except OSError as exc:
        raise SaveError(path, f"cannot read the save: {exc.strerror or exc}") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SaveError(path, f"not a save file (not UTF-8 text at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise SaveError(path, f"not a save file (not JSON: {exc.msg} at line {exc.lineno} column {exc.colno})") from exc
    except RecursionError as exc:
        raise SaveError(path, "not a save file (JSON nested too deeply)") from exc
    return _parse(path, data)


def keep_aside(path: str | Path, reason: str) -> Path:
    """Move a save that cannot be used to ``NAME.REASON-YYYYmmdd-HHMMSS.json`` beside it,
    never replacing another file, so a fresh save can take its place and nothing is lost.

    Raises:
        StorageError: the file could be neither linked nor copied beside itself.
    """
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for attempt in range(1000):
        suffix = f"-{attempt}" if attempt else ""
        target = path.with_name(f"{path.stem}.{reason}-{stamp}{suffix}{path.suffix or '.json'}")
        try:
            _place_copy(path, target)
        except FileExistsError:
            continue
        except OSError as exc:
            raise StorageError(f"could not keep {path} aside: {exc.strerror or exc}") from exc
        try:
            os.unlink(path)
        except OSError as exc:
            raise StorageError(f"kept a copy as {target.name} but could not remove {path}: "
                               f"{exc.strerror or exc}") from exc
        return target
    raise StorageError(f"could not keep {path} aside: too many kept copies")


def backup_path(path: str | Path) -> Path:
    """Where :func:`write_save` keeps the version a save replaced."""
    path = Path(path)
    return path.with_name(path.name + ".bak")


def _place_copy(source: Path, target: Path) -> None:
    """Put ``source``'s bytes at ``target``; FileExistsError if ``target`` exists.

    A hard link is instant and atomic; file systems without links (FAT, some network
    drives) get a copy written to a file opened for exclusive creation.
    """
    try:
        os.link(source, target)
        return
    except FileExistsError:
        raise
    except OSError:
        pass
    data = source.read_bytes()
    with open(target, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


# --------------------------------------------------------------------------- parsing


def _parse(path: Path, data: Any) -> SaveFile:
    def fail(message: str) -> SaveError:
        return SaveError(path, message)

    if not isinstance(data, dict):
        raise fail("not a save file (the top level is not a JSON object)")
    if data.get("kind") != KIND:
        raise fail("not an Embedcraft save file (no \"kind\": \"embedcraft-save\")")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise fail(f"format_version {version!r} is not supported (this game reads {FORMAT_VERSION})")

    world = _field(data, "world", dict, fail)
    stamp = WorldStamp(_field(world, "name", str, fail, "world."), _field(world, "fingerprint", str, fail, "world."))
    created = _field(data, "created", str, fail)
    play_ms = _field(data, "play_ms", int, fail)
    if play_ms < 0:
        raise fail("play_ms is negative")

    crafts = []
    last_t = 0
    for step, item in enumerate(_field(data, "crafts", list, fail), start=1):
        where = f"crafts[{step - 1}]."
        if not isinstance(item, dict):
            raise fail(f"craft {step} is not a JSON object")
        result = item.get("result")
        if result is not None and not isinstance(result, str):
            raise fail(f"{where}result must be a name or null")
        t_ms = _field(item, "t_ms", int, fail, where)
        if t_ms < last_t:
            raise fail(f"craft {step}: time goes backwards ({t_ms} ms after {last_t} ms)")
        last_t = t_ms
        crafts.append(Craft(_field(item, "a", str, fail, where), _field(item, "b", str, fail, where), result,
                            _field(item, "new", bool, fail, where), t_ms))

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
        tiles.append(TileState(_field(item, "name", str, fail, where), float(x), float(y)))

    return SaveFile(stamp, tuple(crafts), tuple(tiles), (float(camera[0]), float(camera[1])), play_ms, created)


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

