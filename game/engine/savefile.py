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
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import atomic_write_bytes
from .combine import RULE_VERSION
from .discovery import Craft, DiscoveryLog, NotDiscovered, finish_ms, splits_to
from .errors import EmbedcraftError, StorageError
from .vocab import FORBIDDEN_IN_NAMES, MAX_NAME_CHARS, NOTHING, fold

__all__ = [
    "FORMAT_VERSION",
    "MAX_SAVE_BYTES",
    "SaveError",
    "SaveFile",
    "Speedrun",
    "TileState",
    "WorldStamp",
    "backup_path",
    "keep_aside",
    "parse_save",
    "read_save",
    "save_bytes",
    "world_fingerprint",
    "world_stamp",
    "write_save",
]

FORMAT_VERSION = 2  # 2 added "starting" and "speedrun"; version 1 files are still read
KIND = "embedcraft-save"
MAX_SAVE_BYTES = 32 * 1024 * 1024  # a save larger than this is refused unread
MAX_TILES = 10_000  # canvas tiles kept in a save
MAX_MS = 10**12  # about 31 years: any time beyond it is not a real run
STALE_TMP_SECONDS = 60.0  # a temporary file this old was left by a writer that was killed


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
class Speedrun:
    """A timed run to ``target``. Craft times count from the first drag of the run.

    Attributes:
        target: the element that ends the run when it is first made.
        pauses: how often the run was closed and resumed before it finished (the clock
            only runs while the game is open, so a leaderboard may want runs without pauses).
    """

    target: str
    pauses: int = 0


@dataclass(frozen=True)
class SaveFile:
    """One run.

    Attributes:
        world: the world the run belongs to.
        starting: the elements the run started with; empty for a version 1 save, which did
            not record them (the game and ``verify`` then use the world's).
        crafts: every craft in order (see :class:`Craft`).
        canvas: the tiles on the canvas, bottom to top.
        camera: the canvas scroll position, world coordinates of the view's top-left corner.
        play_ms: milliseconds played so far (the clock of the next craft continues from here).
        created: when the run started (ISO 8601, UTC).
        speedrun: the speedrun this run is, if it is one.
    """

    world: WorldStamp
    starting: tuple[str, ...]
    crafts: tuple[Craft, ...] = ()
    canvas: tuple[TileState, ...] = ()
    camera: tuple[float, float] = (0.0, 0.0)
    play_ms: int = 0
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    speedrun: Speedrun | None = None

    def log(self) -> DiscoveryLog:
        """The discovery log this save describes.

        Raises:
            NotDiscovered: a craft uses an element that was not made before it (never for a
                save that :func:`read_save` returned).
        """
        return DiscoveryLog(self.starting, self.crafts)

    @property
    def discoveries(self) -> tuple[Craft, ...]:
        """The crafts that made something new, in order."""
        return tuple(c for c in self.crafts if c.new)

    @property
    def finished_ms(self) -> int | None:
        """The speedrun's time: when its target was first made; None if not (yet)."""
        return finish_ms(self.splits, self.speedrun.target) if self.speedrun is not None else None

    @property
    def splits(self) -> tuple[tuple[str, int], ...]:
        """Each new element of a speedrun and when it was made, up to the target."""
        return tuple(splits_to(self.crafts, self.speedrun.target)) if self.speedrun is not None else ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "kind": KIND,
            "world": {"name": self.world.name, "fingerprint": self.world.fingerprint},
            "starting": list(self.starting),
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
        if self.speedrun is not None:
            data["speedrun"] = {
                "target": self.speedrun.target,
                "pauses": self.speedrun.pauses,
                "finished_ms": self.finished_ms,
                "splits": [{"name": name, "t_ms": t} for name, t in self.splits],
            }
        return data


def world_fingerprint(world) -> str:
    """SHA-256 over what decides results: the combination rule's version, the vocabulary's
    content (elements, embedding texts, recipes, banned words, settings), the vectors and
    model (through the index manifest's hash) and every index setting."""
    manifest = world.index.manifest
    parts = [RULE_VERSION, world.vocab.content_hash(), manifest.vocab_hash, manifest.model_id, manifest.metric,
             manifest.trees, manifest.search_k, manifest.seed]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def world_stamp(world) -> WorldStamp:
    """The stamp a save of ``world`` carries: its name and :func:`world_fingerprint`."""
    return WorldStamp(world.vocab.name, world_fingerprint(world))


def save_bytes(save: SaveFile) -> bytes:
    """The file :func:`write_save` writes for ``save``: readable JSON, the same bytes every time."""
    return (json.dumps(save.to_json(), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_save(path: str | Path, save: SaveFile) -> None:
    """Write ``save`` atomically; the file it replaces is kept as ``PATH.bak``.

    Temporary files that a killed writer left beside the save are removed.

    Raises:
        StorageError: the save could not be written; the previous file is untouched.
    """
    path = Path(path)
    data = save_bytes(save)
    _remove_stale_temporaries(path)
    try:
        previous = path.read_bytes() if path.is_file() else None
    except OSError:
        previous = None
    if previous is not None and previous != data:
        atomic_write_bytes(backup_path(path), previous)
    atomic_write_bytes(path, data)


def read_save(path: str | Path, expect: WorldStamp | None = None, check_crafts: bool = True) -> SaveFile:
    """Load and check a save file.

    Args:
        expect: the world the save must belong to; a save of another world is refused.
        check_crafts: check that every craft uses elements made before it and is truly
            marked new, that times never go backwards, and that the speedrun's time and
            splits are the crafts' own. :func:`~game.engine.verify.verify_save`
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
        raw = path.read_bytes()
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


def _remove_stale_temporaries(path: Path) -> None:
    """Delete ``.NAME.*.tmp`` files beside ``path`` that no live writer can still be using."""
    cutoff = time.time() - STALE_TMP_SECONDS
    for pattern in (f".{path.name}.*.tmp", f".{backup_path(path).name}.*.tmp"):
        for tmp in path.parent.glob(pattern):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
            except OSError:
                pass


# --------------------------------------------------------------------------- parsing


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
        _check_log(starting, crafts, play_ms, fail)

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
        tiles.append(TileState(_name(item, "name", fail, where), float(x), float(y)))

    speedrun = None
    if data.get("speedrun") is not None:
        speedrun = _speedrun(_field(data, "speedrun", dict, fail), starting, fail)
    save = SaveFile(stamp, starting, tuple(crafts), tuple(tiles), (float(camera[0]), float(camera[1])), play_ms,
                    created, speedrun)
    if speedrun is not None and check_crafts:
        _check_speedrun(data["speedrun"], save, fail)
    return save


def _check_log(starting: tuple[str, ...], crafts: list[Craft], play_ms: int, fail) -> None:
    """Every craft uses elements made before it, says truly whether it was new, and times
    never go backwards."""
    log = DiscoveryLog(starting)
    last_t = 0
    for step, craft in enumerate(crafts, start=1):
        if craft.t_ms < last_t:
            raise fail(f"craft {step}: time goes backwards ({craft.t_ms} ms after {last_t} ms)")
        last_t = craft.t_ms
        new = craft.result is not None and craft.result not in log
        try:
            log.add(craft, step)
        except NotDiscovered as exc:
            raise fail(f"craft {step} ({craft}): {exc.name!r} has not been discovered yet") from exc
        if craft.new != new:
            raise fail(f"craft {step} ({craft}) is marked {'new' if craft.new else 'not new'}, but "
                       + ("its result was already known" if craft.new else "it is the first time it is made"))
    if play_ms < last_t:
        raise fail(f"play_ms ({play_ms}) is less than the last craft's time ({last_t} ms)")


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
    if len(value) > MAX_NAME_CHARS:
        raise fail(f"{where}{key} is longer than {MAX_NAME_CHARS} characters")
    bad = [c for c in value if c in FORBIDDEN_IN_NAMES or unicodedata.category(c) in ("Cc", "Cs")]
    if bad:
        raise fail(f"{where}{key} {value[:20]!r} contains {bad[0]!r}, which no element name may")
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

