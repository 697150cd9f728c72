"""Verification: replay a save's crafts against a world and check every one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import LocatedError
from ..world.vocab import fold
from ..world.world import World
from .discovery import Craft
from .replay import ReplayError, replay
from .save_reader import read_save
from .savefile import SaveFile, world_stamp

__all__ = ["Verified", "VerifyError", "verify_file", "verify_save"]


class VerifyError(LocatedError):
    """A save that does not replay: names the save and the first bad step (when there is one)."""

    def __init__(self, source: str | Path, message: str, step: int | None = None, craft: Craft | None = None) -> None:
        self.step = step
        self.craft = craft
        where = f"craft {step} ({craft}): " if step is not None else ""
        super().__init__(source, where + message)


@dataclass(frozen=True)
class Verified:
    """What a verified save holds."""

    crafts: int
    discoveries: int
    final_ms: int  # the last craft's time
    finished_ms: int | None  # the speedrun's time, if it reached its target


def verify_save(world: World, save: SaveFile, source: str | Path) -> Verified:
    """Check that ``save`` belongs to ``world`` and that replaying it gives every recorded result.

    Read the save with ``read_save(path, check_crafts=False)``: this replays the crafts in
    order and checks each one (inputs available, the same result, the "new" flag, times in
    order), so it names the first bad step rather than a later one that depends on it.

    Raises:
        VerifyError: another world, another set of starting elements, an unknown name, or a
            craft whose result here differs from the recorded one.
    """
    stamp = world_stamp(world)
    if save.world.fingerprint != stamp.fingerprint:
        raise VerifyError(source, f"made in another world: the save's is {save.world.name!r} (fingerprint "
                                  f"{save.world.fingerprint[:16]}), this one is {stamp.name!r} (fingerprint "
                                  f"{stamp.fingerprint[:16]})")
    starting = [e.name for e in world.starting]
    if save.starting and sorted(fold(n) for n in save.starting) != sorted(fold(n) for n in starting):
        raise VerifyError(source, f"the run starts with {', '.join(save.starting)}, "
                                  f"but this world starts with {', '.join(starting)}")
    try:
        log = replay(starting, save.crafts, vocab=world.vocab, play_ms=save.play_ms,
                     results=lambda pairs: [made.result for made in world.combine_many(pairs, top=0)])
    except ReplayError as exc:
        raise VerifyError(source, exc.message, exc.step, exc.craft) from exc
    if save.speedrun is not None and save.speedrun.target not in world.vocab:
        raise VerifyError(source, f"the speedrun's target {save.speedrun.target!r} is not an element of this world")
    return Verified(len(save.crafts), len(save.discoveries), log.elapsed_ms, save.finished_ms)


def verify_file(world: World, path: str | Path) -> tuple[SaveFile, Verified]:
    """Read the save at ``path`` and verify it: its form, then every craft in order against
    ``world`` (naming the first bad one), then its speedrun section against the crafts.

    Raises:
        SaveError: the file is not a well-formed save. VerifyError: see :func:`verify_save`.
    """
    save = read_save(path, check_crafts=False)
    result = verify_save(world, save, path)
    read_save(path)  # the checks that depend on the crafts (the speedrun's time and splits)
    return save, result
