"""Save files: a versioned JSON record of a run (its world, its discovery log, its canvas).

This module holds the records and writes them: atomically, with the previous version kept
as ``NAME.json.bak``, and moves an unusable save aside without losing it. Reading and
checking a save is :mod:`~game.engine.runs.save_reader`. Nothing here unpickles or evaluates
anything: a shared save is plain data.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import backup_path, place_copy, replace_keeping_backup
from ..errors import LocatedError, StorageError
from .discovery import Craft, DiscoveryLog, finish_ms, splits_to

__all__ = [
    "FORMAT_VERSION",
    "KIND",
    "MAX_SAVE_BYTES",
    "SaveError",
    "SaveFile",
    "Speedrun",
    "TileState",
    "WorldStamp",
    "keep_aside",
    "save_bytes",
    "world_stamp",
    "write_save",
]

FORMAT_VERSION = 2  # 2 added "starting" and "speedrun"; version 1 files are still read
KIND = "embedcraft-save"
MAX_SAVE_BYTES = 32 * 1024 * 1024  # a save larger than this is refused unread
MAX_TILES = 10_000  # canvas tiles kept in a save
MAX_MS = 10**12  # about 31 years: any time beyond it is not a real run
STALE_TMP_SECONDS = 60.0  # a temporary file this old was left by a writer that was killed


class SaveError(LocatedError):
    """A save file (or share code) that cannot be used, with the reason in one line."""

    def __init__(self, path: str | Path, message: str) -> None:
        super().__init__(path, message)


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



def world_stamp(world) -> WorldStamp:
    """The stamp a save of ``world`` carries: its name and :attr:`World.fingerprint`."""
    return WorldStamp(world.vocab.name, world.fingerprint)

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
    _remove_stale_temporaries(path)
    replace_keeping_backup(path, save_bytes(save))


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
            place_copy(path, target)
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


