"""What the player asked for, as small records, and the keymap as a data table.

Modes (see :mod:`game.client.modes`) turn pygame events into these; the app applies them to
the session. The help screen and the tests read the same :data:`KEYMAP`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pygame

from .geometry import Point

__all__ = ["KEYMAP", "MOUSE_HELP", "Binding", "intent_for_key"]


# ------------------------------------------------------------------ canvas
@dataclass(frozen=True)
class PlaceTile:
    """Drag an element out of the sidebar: a new tile under the pointer (screen point)."""
    name: str
    at: Point


@dataclass(frozen=True)
class GrabTile:
    """Pick up a tile; with ``copy`` a duplicate is picked up instead (Ctrl-drag)."""
    tile_id: int
    copy: bool = False


@dataclass(frozen=True)
class MoveTile:
    """Move a held tile so its centre is at the screen point ``at``."""
    tile_id: int
    at: Point


@dataclass(frozen=True)
class DropTile:
    """Let go of a tile at screen point ``at``: combine, or delete over the sidebar."""
    tile_id: int
    at: Point


@dataclass(frozen=True)
class DuplicateTile:
    tile_id: int


@dataclass(frozen=True)
class DeleteTile:
    tile_id: int


@dataclass(frozen=True)
class ClearCanvas:
    pass


@dataclass(frozen=True)
class Pan:
    dx: float
    dy: float


# ------------------------------------------------------------------ sidebar
@dataclass(frozen=True)
class ScrollList:
    dy: float


@dataclass(frozen=True)
class ScrollListTo:
    scroll: float


@dataclass(frozen=True)
class PageList:
    pages: int  # +1 = one screen down; large values jump to the end


@dataclass(frozen=True)
class TypeText:
    text: str


@dataclass(frozen=True)
class Backspace:
    pass


@dataclass(frozen=True)
class ClearSearch:
    pass


@dataclass(frozen=True)
class SortBy:
    key: str  # "order", "name" or "emoji"; the current key again flips the direction


@dataclass(frozen=True)
class ToggleMine:
    pass


@dataclass(frozen=True)
class Inspect:
    """Show how an element was made in the sidebar's info panel (None hides it)."""
    name: str | None


@dataclass(frozen=True)
class PlaceInView:
    """Double-click in the sidebar: a tile for ``name`` in the middle of the canvas."""
    name: str


# ------------------------------------------------------------------ window
@dataclass(frozen=True)
class ToggleDark:
    pass


@dataclass(frozen=True)
class ToggleSound:
    pass


@dataclass(frozen=True)
class ToggleHelp:
    pass


@dataclass(frozen=True)
class Escape:
    """Close help, clear the search, or ask whether to quit: the first that applies."""


@dataclass(frozen=True)
class OpenSpeedrun:
    """Open the speedrun target picker."""


@dataclass(frozen=True)
class PickTarget:
    """Start a speedrun to ``name``; None goes back to the normal game."""
    name: str | None


@dataclass(frozen=True)
class ClosePicker:
    pass


@dataclass(frozen=True)
class Quit:
    """Save and leave (Ctrl+Q, closing the window, or confirming the quit question)."""


@dataclass(frozen=True)
class CancelQuit:
    pass


# ------------------------------------------------------------------ keymap
class Binding(NamedTuple):
    key: int
    ctrl: bool
    intent: object
    keys: str  # as shown on the help screen
    does: str


KEYMAP: tuple[Binding, ...] = (
    Binding(pygame.K_q, True, Quit(), "Ctrl+Q", "save and quit"),
    Binding(pygame.K_ESCAPE, False, Escape(), "Esc", "close help / clear search / quit (asks first)"),
    Binding(pygame.K_F1, False, ToggleHelp(), "F1", "show or hide this help"),
    Binding(pygame.K_l, True, ClearCanvas(), "Ctrl+L", "clear the canvas"),
    Binding(pygame.K_r, True, OpenSpeedrun(), "Ctrl+R", "speedrun: pick a target (timer starts at your first drag)"),
    Binding(pygame.K_d, True, ToggleDark(), "Ctrl+D", "dark mode on/off"),
    Binding(pygame.K_m, True, ToggleSound(), "Ctrl+M", "sound on/off"),
    Binding(pygame.K_1, True, SortBy("order"), "Ctrl+1", "sort by discovery order (again: reverse)"),
    Binding(pygame.K_2, True, SortBy("name"), "Ctrl+2", "sort by name (again: reverse)"),
    Binding(pygame.K_3, True, SortBy("emoji"), "Ctrl+3", "sort by emoji (again: reverse)"),
    Binding(pygame.K_e, True, ToggleMine(), "Ctrl+E", "only elements I discovered"),
    Binding(pygame.K_BACKSPACE, True, ClearSearch(), "Ctrl+Backspace", "clear the search"),
    Binding(pygame.K_BACKSPACE, False, Backspace(), "Backspace", "delete a letter of the search"),
    Binding(pygame.K_PAGEDOWN, False, PageList(1), "PgDn", "scroll the list down a page"),
    Binding(pygame.K_PAGEUP, False, PageList(-1), "PgUp", "scroll the list up a page"),
    Binding(pygame.K_END, False, PageList(10**6), "End", "end of the list"),
    Binding(pygame.K_HOME, False, PageList(-10**6), "Home", "top of the list"),
)

MOUSE_HELP: tuple[tuple[str, str], ...] = (
    ("type", "search the sidebar (any letters)"),
    ("drag from sidebar", "place an element on the canvas"),
    ("drop on a tile", "combine the two"),
    ("double-click / Ctrl-drag", "duplicate a tile"),
    ("right-click / drag to sidebar", "delete a tile"),
    ("drag empty canvas", "move around"),
    ("click / hover in sidebar", "see how an element was made"),
)


def intent_for_key(key: int, ctrl: bool) -> object | None:
    """The intent bound to ``key`` (with or without Ctrl), or None."""
    for binding in KEYMAP:
        if binding.key == key and binding.ctrl == ctrl:
            return binding.intent
    return None
