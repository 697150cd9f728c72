"""Replaying a run: the one place a list of crafts is played back from the starting elements.

Loading a save, verifying it against a world and resuming it in a world that has changed all
replay its crafts here, with the checks they need: every input made before it is used, the
``new`` flag true, times never going backwards, and optionally every name an element of a
world and every result the one that world makes.
"""

from __future__ import annotations

from typing import Callable, Sequence

from ..errors import EmbedcraftError
from ..world.vocab import NOTHING, Vocabulary, fold
from .discovery import Craft, DiscoveryLog

__all__ = ["ReplayError", "replay"]


class ReplayError(EmbedcraftError):
    """The first craft of a run that does not replay (``step`` is 1-based; None for a problem
    with the run as a whole, such as its total play time)."""

    def __init__(self, message: str, step: int | None = None, craft: Craft | None = None) -> None:
        self.message = message
        self.step = step
        self.craft = craft
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.step is None:
            return self.message
        return f"craft {self.step} ({self.craft}): {self.message}"


def replay(starting: Sequence[str], crafts: Sequence[Craft], *, vocab: Vocabulary | None = None,
           results: Callable[[list[tuple[str, str]]], Sequence[str | None]] | None = None,
           play_ms: int | None = None,
           adopt: bool = False) -> DiscoveryLog:
    """Play ``crafts`` back from ``starting`` and return the discovery log they make.

    Args:
        vocab: every name must be an element (or alias) of this world.
        results: given every craft's pair (once every name is known to be an element), what
            the world makes for each (None = Nothing); a craft that recorded something else
            does not replay.
        play_ms: the run's total play time, which no craft may be later than.
        adopt: keep what still makes sense instead of failing: crafts naming a word ``vocab``
            lacks, or using an input lost that way, are dropped, and the rest are recorded
            under the world's own names with ``new`` worked out again (a save from an older
            version of the world).
    Raises:
        ReplayError: the first craft that does not replay (never with ``adopt``).
    """
    log = DiscoveryLog(starting)
    if adopt:
        for craft in crafts:
            names = [craft.a, craft.b] + ([craft.result] if craft.result is not None else [])
            if (vocab is None or all(n in vocab for n in names)) and craft.a in log and craft.b in log:
                canon = [vocab.get(n).name for n in names] if vocab is not None else names
                log.record(canon[0], canon[1], canon[2] if craft.result is not None else None, craft.t_ms)
        return log
    if vocab is not None:  # every name first: the world is asked about known names only
        for step, craft in enumerate(crafts, start=1):
            for name in (craft.a, craft.b) + ((craft.result,) if craft.result is not None else ()):
                if name not in vocab:
                    raise ReplayError(f"{name!r} is not an element of this world", step, craft)
    made = results([(c.a, c.b) for c in crafts]) if results is not None else None
    last = 0
    for step, craft in enumerate(crafts, start=1):
        if craft.t_ms < last:
            raise ReplayError(f"time goes backwards ({craft.t_ms} ms after {last} ms)", step, craft)
        last = craft.t_ms
        for name in (craft.a, craft.b):
            if name not in log:
                raise ReplayError(f"{name!r} has not been discovered yet", step, craft)
        if made is not None:
            recorded = craft.result if craft.result is not None else NOTHING
            result = made[step - 1] if made[step - 1] is not None else NOTHING
            if fold(recorded) != fold(result):
                raise ReplayError(f"this world makes {result}, the save says {recorded}", step, craft)
        new = craft.result is not None and craft.result not in log
        if craft.new != new:
            raise ReplayError(f"marked {'new' if craft.new else 'not new'}, but "
                              + ("its result was already known" if craft.new else "it is the first time it is made"),
                              step, craft)
        log.add(craft, step)
    if play_ms is not None and play_ms < last:
        raise ReplayError(f"play_ms ({play_ms}) is less than the last craft's time ({last} ms)")
    return log
