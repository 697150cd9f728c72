"""Verification: replay a save's crafts against the engine and check every one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .combine import World
from .discovery import Craft, DiscoveryLog
from .errors import EmbedcraftError
from .savefile import SaveFile, read_save, world_stamp
from .vocab import NOTHING, fold

__all__ = ["Verified", "VerifyError", "verify_file", "verify_save"]


class VerifyError(EmbedcraftError):
    """A save that does not replay: names the save and the first bad step (when there is one)."""

    def __init__(self, source: str | Path, message: str, step: int | None = None, craft: Craft | None = None) -> None:
        self.source = str(source)
        self.step = step
        self.message = message
        where = f"craft {step} ({craft}): " if step is not None else ""
        super().__init__(f"{self.source}: {where}{message}")


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
    pairs = []
    for step, craft in enumerate(save.crafts, start=1):
        for name in (craft.a, craft.b) + ((craft.result,) if craft.result is not None else ()):
            if name not in world.vocab:
                raise VerifyError(source, f"{name!r} is not an element of this world", step, craft)
        pairs.append((craft.a, craft.b))
    log = DiscoveryLog(starting)
    last = 0
    for step, (craft, made) in enumerate(zip(save.crafts, world.combine_many(pairs, top=0)), start=1):
        for name in (craft.a, craft.b):
            if name not in log:
                raise VerifyError(source, f"{name!r} was not available yet", step, craft)
        if craft.t_ms < last:
            raise VerifyError(source, f"time goes backwards ({craft.t_ms} ms after {last} ms)", step, craft)
        last = craft.t_ms
        recorded = craft.result if craft.result is not None else NOTHING
        if fold(recorded) != fold(made.result_label):
            raise VerifyError(source, f"this world makes {made.result_label}, the save says {recorded}", step, craft)
        replayed = log.record(made.a, made.b, made.result, craft.t_ms)
        if replayed.new != craft.new:
            raise VerifyError(source, f"marked {'new' if craft.new else 'not new'}, but "
                              + ("its result was already known" if craft.new else "it is the first time it is made"),
                              step, craft)
    if save.play_ms < last:
        raise VerifyError(source, f"play_ms ({save.play_ms}) is less than the last craft's time ({last} ms)")
    if save.speedrun is not None and save.speedrun.target not in world.vocab:
        raise VerifyError(source, f"the speedrun's target {save.speedrun.target!r} is not an element of this world")
    return Verified(len(save.crafts), len(save.discoveries), last, save.finished_ms)


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
