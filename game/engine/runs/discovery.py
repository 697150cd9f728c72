"""The player's discovery log: every craft in order, what it made, and when."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..errors import EmbedcraftError
from ..world.vocab import fold

__all__ = ["Craft", "DiscoveryLog", "NotDiscovered", "finish_ms", "format_ms", "splits_to"]


def format_ms(ms: int) -> str:
    """A run time as a speedrun timer shows it: ``M:SS.mmm``, or ``H:MM:SS.mmm`` past an hour."""
    seconds, millis = divmod(int(ms), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"
    return f"{minutes}:{seconds:02d}.{millis:03d}"


def splits_to(crafts: Iterable[Craft], target: str) -> list[tuple[str, int]]:
    """A speedrun's splits: each discovery and its time, up to and including ``target``."""
    out = []
    goal = fold(target)
    for craft in crafts:
        if craft.new and craft.result is not None:
            out.append((craft.result, craft.t_ms))
            if fold(craft.result) == goal:
                break
    return out


def finish_ms(splits: list[tuple[str, int]] | tuple[tuple[str, int], ...], target: str) -> int | None:
    """A speedrun's final time: the last split's, when that split is ``target``; else None."""
    if not splits or fold(splits[-1][0]) != fold(target):
        return None
    return splits[-1][1]


class NotDiscovered(EmbedcraftError):
    """A craft used an element the player had not made yet."""

    def __init__(self, name: str, step: int | None = None) -> None:
        self.name = name
        self.step = step
        where = f"craft {step}: " if step is not None else ""
        super().__init__(f"{where}{name!r} has not been discovered yet")


@dataclass(frozen=True)
class Craft:
    """One combination the player made.

    Attributes:
        a, b: the two inputs, as the world writes them.
        result: what they made; None for Nothing.
        new: True when this craft discovered ``result``.
        t_ms: milliseconds of play since the run started.
    """

    a: str
    b: str
    result: str | None
    new: bool
    t_ms: int

    def __str__(self) -> str:
        return f"{self.a} + {self.b} = {self.result if self.result is not None else 'Nothing'}"


class DiscoveryLog:
    """What a player has found: the starting elements, then every discovery in order.

    Names are compared case-insensitively and stored as the world writes them.
    """

    def __init__(self, starting: Sequence[str], crafts: Iterable[Craft] = ()) -> None:
        self.starting: tuple[str, ...] = tuple(starting)
        self.crafts: list[Craft] = []
        self._order: list[str] = []
        self._known: dict[str, int] = {}
        self._made_by: dict[str, Craft] = {}
        for name in self.starting:
            self._learn(name)
        for step, craft in enumerate(crafts, start=1):
            self.add(craft, step)

    # ------------------------------------------------------------------ queries
    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and fold(name) in self._known

    def __len__(self) -> int:
        return len(self._order)

    @property
    def found(self) -> tuple[str, ...]:
        """Every known element, starting ones first, then in order of discovery."""
        return tuple(self._order)

    def order_of(self, name: str) -> int:
        """0-based position of ``name`` in :attr:`found`."""
        return self._known[fold(name)]

    def is_starting(self, name: str) -> bool:
        return self.order_of(name) < len(self.starting)

    def made_by(self, name: str) -> Craft | None:
        """The craft that discovered ``name``; None for a starting element."""
        return self._made_by.get(fold(name))

    @property
    def elapsed_ms(self) -> int:
        return self.crafts[-1].t_ms if self.crafts else 0

    def lineage(self, name: str) -> list[Craft]:
        """The crafts that lead from the starting elements to ``name``, each after its inputs.

        Every intermediate element appears once, so the list is a route a player could follow.
        """
        steps: list[Craft] = []
        seen: set[str] = set()
        stack: list[tuple[str, bool]] = [(name, False)]
        while stack:
            current, expanded = stack.pop()
            key = fold(current)
            craft = self._made_by.get(key)
            if craft is None:
                continue
            if expanded:
                steps.append(craft)
                continue
            if key in seen:
                continue
            seen.add(key)
            stack.append((current, True))
            stack.extend((part, False) for part in (craft.b, craft.a))
        return steps

    # ------------------------------------------------------------------ changes
    def record(self, a: str, b: str, result: str | None, t_ms: int) -> Craft:
        """Log a craft of two known elements; it is new when ``result`` was not known.

        Raises:
            NotDiscovered: ``a`` or ``b`` is not known yet.
        """
        craft = Craft(a, b, result, result is not None and result not in self, int(t_ms))
        self.add(craft)
        return craft

    def add(self, craft: Craft, step: int | None = None) -> None:
        """Append a craft read back from a save; checks its inputs are already known.

        Raises:
            NotDiscovered: an input is unknown at this point of the log.
        """
        for name in (craft.a, craft.b):
            if name not in self:
                raise NotDiscovered(name, step)
        self.crafts.append(craft)
        if craft.result is not None and craft.result not in self:
            self._learn(craft.result)
            self._made_by[fold(craft.result)] = craft

    def _learn(self, name: str) -> None:
        if fold(name) not in self._known:
            self._known[fold(name)] = len(self._order)
            self._order.append(name)
