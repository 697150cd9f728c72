"""The speedrun target picker: a search over the elements a run could aim for. No pygame."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.world.vocab import fold

__all__ = ["BACK", "Choice", "TargetPicker"]

SHOWN = 8  # rows the picker shows
BACK = "Back to my game"  # the extra first row during a speedrun


@dataclass(frozen=True)
class Choice:
    """A row of the picker: an element to aim for, or (``name`` None) leaving the speedrun."""

    name: str | None
    emoji: str
    label: str


@dataclass
class TargetPicker:
    """Type to search; Up/Down move; Enter picks :attr:`chosen`.

    Names that start with the query come first, then names that contain it; each group in
    alphabetical order.
    """

    targets: list[tuple[str, str]]  # (name, emoji) of every element a run can aim for
    in_speedrun: bool = False
    query: str = ""
    selected: int = 0
    _folded: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.targets = sorted(self.targets, key=lambda t: fold(t[0]))
        self._folded = [fold(name) for name, _ in self.targets]

    def choices(self) -> list[Choice]:
        key = fold(self.query)
        first = [t for t, f in zip(self.targets, self._folded) if f.startswith(key)]
        then = [t for t, f in zip(self.targets, self._folded) if key and key in f and not f.startswith(key)]
        rows = [Choice(name, emoji, name) for name, emoji in (first + then)[:SHOWN]]
        if self.in_speedrun and not key:
            rows.insert(0, Choice(None, "↩️", BACK))
        return rows[:SHOWN]

    @property
    def chosen(self) -> Choice | None:
        rows = self.choices()
        return rows[min(self.selected, len(rows) - 1)] if rows else None

    def type(self, text: str) -> None:
        self.query = (self.query + text)[:60]
        self.selected = 0

    def backspace(self) -> None:
        self.query = self.query[:-1]
        self.selected = 0

    def move(self, delta: int) -> None:
        count = len(self.choices())
        if count:
            self.selected = max(0, min(count - 1, self.selected + delta))
