"""The sidebar's list model: discovered elements, searched, sorted, filtered and scrolled.

Plain Python, no pygame: the renderer draws :meth:`SidebarModel.window` and the controller
calls the setters. Scroll positions are in pixels of list content.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.world.vocab import fold
from .geometry import clamp_scroll

__all__ = ["Entry", "SidebarModel", "SORTS", "ROW_H"]

SORTS = ("order", "name", "emoji")  # discovery order, name, emoji (code points)
SORT_LABELS = {"order": "Found", "name": "Name", "emoji": "Emoji"}
ROW_H = 40  # px per list row
WHEEL_STEP = 3 * ROW_H  # px scrolled per mouse-wheel notch


@dataclass(frozen=True)
class Entry:
    """One discovered element as the sidebar lists it.

    Attributes:
        name: as the world writes it. emoji: may be empty.
        order: 0-based position in the discovery log (starting elements first).
        mine: discovered by the player (not a starting element).
    """

    name: str
    emoji: str
    order: int
    mine: bool


class SidebarModel:
    """Search, sort, filter and scroll over the discovered elements."""

    def __init__(self, total: int, entries: list[Entry] | None = None, row_h: int = ROW_H) -> None:
        """
        Args:
            total: how many elements the world has (for "found N / total").
        """
        self.total = total
        self.row_h = row_h
        self._entries: list[Entry] = list(entries or [])
        self._names = {fold(e.name) for e in self._entries}
        self.query = ""
        self.sort = "order"
        self.descending = False
        self.only_mine = False
        self.scroll = 0.0
        self._view: list[Entry] | None = None

    # ------------------------------------------------------------------ contents
    @property
    def found(self) -> int:
        return len(self._entries)

    def add(self, entry: Entry) -> bool:
        """Add a newly discovered element; False if it is already listed."""
        key = fold(entry.name)
        if key in self._names:
            return False
        self._names.add(key)
        self._entries.append(entry)
        self._view = None
        return True

    def visible(self) -> list[Entry]:
        """The entries that pass the search and the filter, in the chosen order."""
        if self._view is None:
            needle = fold(self.query.strip())
            rows = [e for e in self._entries
                    if (not self.only_mine or e.mine) and (not needle or needle in fold(e.name))]
            rows.sort(key=self._key, reverse=self.descending)
            self._view = rows
        return self._view

    def _key(self, e: Entry):
        if self.sort == "name":
            return (fold(e.name), e.name)
        if self.sort == "emoji":
            # Elements without an emoji go last in ascending order.
            return (e.emoji == "", e.emoji, fold(e.name))
        return (e.order,)

    # ------------------------------------------------------------------ controls
    def set_query(self, text: str) -> None:
        if text != self.query:
            self.query = text
            self._changed()

    def type(self, text: str) -> None:
        self.set_query(self.query + text)

    def backspace(self) -> None:
        self.set_query(self.query[:-1])

    def choose_sort(self, key: str) -> None:
        """Sort by ``key``; choosing the current key again flips the direction."""
        if key not in SORTS:
            raise ValueError(f"unknown sort {key!r}")
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = key, False
        self._changed()

    def toggle_mine(self) -> None:
        self.only_mine = not self.only_mine
        self._changed()

    def _changed(self) -> None:
        self._view = None
        self.scroll = 0.0

    # ------------------------------------------------------------------ scrolling
    @property
    def content_h(self) -> float:
        return len(self.visible()) * self.row_h

    def scroll_by(self, dy: float, view_h: float) -> None:
        self.scroll = clamp_scroll(self.scroll + dy, self.content_h, view_h)

    def scroll_to(self, scroll: float, view_h: float) -> None:
        self.scroll = clamp_scroll(scroll, self.content_h, view_h)

    def window(self, view_h: float) -> tuple[int, list[Entry]]:
        """The rows a ``view_h`` px tall list shows: ``(index of the first, entries)``."""
        self.scroll = clamp_scroll(self.scroll, self.content_h, view_h)
        rows = self.visible()
        first = int(self.scroll // self.row_h)
        last = int((self.scroll + view_h) // self.row_h) + 1
        return first, rows[first:last]
