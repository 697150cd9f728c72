"""Resuming a run: which file a game plays in, and what to do with the save found there.

The rules, in one place for the window and the command line:

- a save that cannot be read is kept aside (``NAME.broken-YYYYmmdd-HHMMSS.json``) and the
  game resumes from its backup (``NAME.json.bak``) if that loads, else starts afresh; an
  unusable backup is kept aside too, so no later save overwrites it;
- a save made with another version of the world keeps every craft that still makes sense,
  and the original is kept aside (``NAME.older-world-...``);
- a speedrun lives in its own file; a file that holds a speedrun is resumed as one (counting
  a pause), and a speedrun never starts in a file that holds another run;
- the crafts in the save's journal (``NAME.json.journal``, :mod:`.journal`) that the save does
  not hold yet are made again and added; a journal that does not continue this save is kept
  aside (``NAME.json.journal.unused-...``).

No file is ever overwritten before it has been kept. Folders are passed in: this module does
not know where the app keeps its data.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..atomic import backup_path
from ..errors import EmbedcraftError, StorageError, UnknownElement
from ..world.vocab import fold
from ..world.world import World
from .discovery import DiscoveryLog, NotDiscovered
from .journal import JournalError, journal_path, read_journal
from .replay import ReplayError, replay
from .save_reader import read_save
from .savefile import SaveError, SaveFile, Speedrun, WorldStamp, keep_aside, world_stamp

__all__ = ["Resumed", "RunFiles", "choose_files", "resume", "speedrun_path", "speedrun_target", "speedrun_targets"]


@dataclass(frozen=True)
class RunFiles:
    """Where a game plays: the normal game's save, and the speedrun's file and target if any."""

    save: Path
    speedrun_save: Path | None = None
    speedrun: str | None = None


def choose_files(default_save: Path, save: Path | None, speedrun: str | None) -> RunFiles:
    """The files for ``play [--save SAVE] [--speedrun TARGET]``.

    A ``save`` that holds a speedrun names that speedrun's file (it is resumed as one); with
    ``speedrun`` it names the speedrun's file; otherwise it is the normal game's save. The
    normal game keeps ``default_save`` whenever a speedrun is played, so the picker can go back.
    """
    if speedrun is None and save is not None and save.exists():
        try:
            held = read_save(save).speedrun
        except SaveError:
            held = None  # resume() keeps a broken file aside and says so
        speedrun = held.target if held is not None else None
    if speedrun is not None:
        return RunFiles(default_save, save, speedrun)
    return RunFiles(save or default_save)


def speedrun_path(folder: Path, world_name: str, target: str, when: time.struct_time | None = None) -> Path:
    """A new file for a speedrun: ``FOLDER/WORLD-TARGET-YYYYmmdd-HHMMSS.json``, never an
    existing one (``-2``, ``-3``... are added)."""
    slug = re.sub(r"[^a-z0-9]+", "-", target.casefold()).strip("-") or "target"
    base = folder / f"{world_name}-{slug}-{time.strftime('%Y%m%d-%H%M%S', when or time.localtime())}"
    path, n = base.with_name(base.name + ".json"), 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}.json")
    return path


def speedrun_target(world: World, name: str) -> str:
    """The element a speedrun to ``name`` aims for, as the world writes it.

    Raises:
        UnknownElement: no such element. EmbedcraftError: it is a starting or a banned element.
    """
    target = world.element(name).name
    if target in world.vocab.starting or target in world.vocab.banned:
        raise EmbedcraftError(f"{target} cannot be a speedrun target: it is "
                              f"{'a starting element' if target in world.vocab.starting else 'banned in this world'}")
    return target


def speedrun_targets(world: World) -> list[tuple[str, str]]:
    """``(name, emoji)`` of every element a speedrun can aim for."""
    skip = set(world.vocab.starting) | set(world.vocab.banned)
    return [(e.name, e.emoji or "") for e in world.elements if e.name not in skip]


@dataclass
class Resumed:
    """What :func:`resume` found: the run to continue and what the player should be told.

    Attributes:
        save: the save the game continues (None: a fresh game), already for this world.
        log: its discovery log in this world.
        path: where the game saves from now on (another name when the old file could not
            be moved aside).
        speedrun: the speedrun this game is, if it is one (with the pause counted).
        messages: problems and what was done about them, for the player.
        write_now: the file should be written at once (it is new, was replaced or changed).
    """

    save: SaveFile | None
    log: DiscoveryLog
    path: Path
    speedrun: Speedrun | None
    messages: list[str] = field(default_factory=list)
    write_now: bool = False


def resume(world: World, path: Path, speedrun: str | None = None) -> Resumed:
    """Open the run in ``path`` for ``world`` by the rules in this module's docstring.

    Args:
        speedrun: start a speedrun to this element in ``path``, which must not exist or hold an
            unfinished speedrun to the same target. A save that is a speedrun is resumed as one
            either way.
    Raises:
        EmbedcraftError: ``speedrun`` is not an element a run can aim for, or ``path`` holds
            a different run.
    """
    stamp = world_stamp(world)
    starting = [e.name for e in world.starting]
    messages: list[str] = []
    save: SaveFile | None = None
    log = DiscoveryLog(starting)
    source = path  # the file the game resumes from
    if path.exists():
        try:
            save, log = _load(world, path, starting, stamp)
        except SaveError as exc:
            path, save, log, source = _recover(world, path, starting, stamp, exc, messages)
    restored = _fold_journal(world, path, save, log, messages)
    if restored:
        save = replace(save, crafts=tuple(log.crafts), play_ms=max(save.play_ms, log.elapsed_ms))
    if save is not None and save.world.fingerprint != stamp.fingerprint:
        kept = _keep(source, "older-world", messages)[1] if source.exists() else None
        carried = len(log) - len(starting)
        lost = sum(1 for c in save.crafts if c.new) - carried
        messages.append(
            f"This save was made with another version of {save.world.name!r}: "
            f"{carried} discoveries carried over"
            + (f", {lost} no longer exist" if lost > 0 else "")
            + (f". The original was kept as {kept.name}." if kept else "."))
        save = SaveFile(stamp, log.starting, tuple(log.crafts), save.canvas, save.camera, save.play_ms, save.created)

    run = save.speedrun if save is not None else None
    if speedrun is not None:
        target = speedrun_target(world, speedrun)
        if save is not None and (run is None or fold(run.target) != fold(target)):
            raise EmbedcraftError(f"{path} already holds another run; choose a new file for this speedrun")
        run = run or Speedrun(target)
    finished = run is not None and run.target in log
    if run is not None and save is not None and save.play_ms > 0 and not finished:
        run = Speedrun(run.target, run.pauses + 1)  # resumed: the time while closed is not counted
    write_now = (not path.exists() or bool(messages) or bool(restored)
                 or (run is not None and save is not None and run != save.speedrun))
    return Resumed(save, log, path, run, messages, write_now)


def _load(world: World, path: Path, starting: list[str], stamp: WorldStamp) -> tuple[SaveFile, DiscoveryLog]:
    """The save at ``path`` and its log in ``world``; a save of another version of the world
    is adopted (what no longer exists is dropped). Raises SaveError when it cannot be used."""
    save = read_save(path)
    adopt = save.world.fingerprint != stamp.fingerprint
    try:
        return save, replay(starting, save.crafts, vocab=world.vocab, adopt=adopt)
    except ReplayError as exc:
        raise SaveError(path, str(exc)) from exc


def _recover(world: World, path: Path, starting: list[str], stamp: WorldStamp, exc: SaveError,
             messages: list[str]) -> tuple[Path, SaveFile | None, DiscoveryLog, Path]:
    """The save at ``path`` is unusable: keep it aside, then resume from its backup if that
    loads, else start afresh (keeping an unusable backup aside too, so no save overwrites it).

    Returns ``(where to save from now on, save, log, the file resumed from)``.
    """
    new_path, kept = _keep(path, "broken", messages)
    text = f"Your save could not be loaded ({exc.message})." + (f" It was kept as {kept.name}." if kept else "")
    backup = backup_path(path)
    if backup.exists():
        try:
            save, log = _load(world, backup, starting, stamp)
        except SaveError:
            _keep(backup, "broken-backup", messages)
        else:
            messages.append(text + f" The previous save ({len(log) - len(starting)} discoveries) was restored "
                                   f"from {backup.name}.")
            return new_path, save, log, backup
    messages.append(text + " A fresh game starts.")
    return new_path, None, DiscoveryLog(starting), path


def _keep(path: Path, reason: str, messages: list[str]) -> tuple[Path, Path | None]:
    """Keep ``path`` aside; returns where to save from now on and where the old file went.

    If the old file cannot be moved, the game saves to a new name instead of overwriting it.
    """
    try:
        return path, keep_aside(path, reason)
    except StorageError as exc:
        other = path.with_name(f"{path.stem}.new{path.suffix or '.json'}")
        messages.append(f"{exc}; this game is saved as {other.name}")
        return other, None


def _fold_journal(world: World, path: Path, save: SaveFile | None, log: DiscoveryLog, messages: list[str]) -> int:
    """Add to ``log`` the crafts of ``path``'s journal that ``save`` does not hold; returns how
    many. A journal that does not continue ``save`` is kept aside, with a message."""
    where = journal_path(path)
    try:
        head, drops = read_journal(where)
    except FileNotFoundError:
        return 0
    except JournalError as exc:
        _keep_journal(where, f"the craft journal could not be read ({exc.message})", messages)
        return 0
    done = len(save.crafts) - head.base if save is not None else -1
    continues = (save is not None and head.created == save.created and head.world == save.world.fingerprint
                 and 0 <= done <= len(drops)
                 and all({fold(c.a), fold(c.b)} == {fold(d.a), fold(d.b)}
                         for c, d in zip(save.crafts[head.base:], drops)))
    if not continues:
        if drops:  # an empty one holds nothing to keep: the game starts its own over it
            _keep_journal(where, f"the craft journal beside this save ({len(drops)} crafts) belongs to another "
                                 f"run", messages)
        return 0
    restored = 0
    for drop in drops[done:]:
        try:
            made = world.combine(drop.a, drop.b, 0)
            log.record(made.a, made.b, made.result, max(drop.t_ms, log.elapsed_ms))
        except (UnknownElement, NotDiscovered):
            continue  # not in this version of the world
        restored += 1
    if restored:
        messages.append(f"{restored} craft{'s' if restored != 1 else ''} made after the last save "
                        f"{'were' if restored != 1 else 'was'} restored from {where.name}")
    return restored


def _keep_journal(where: Path, why: str, messages: list[str]) -> None:
    try:
        kept = keep_aside(where, "unused")
    except StorageError as exc:
        messages.append(f"{why}, and it could not be kept aside ({exc})")
        return
    messages.append(f"{why}; it was kept as {kept.name}")
