"""What drawing works from besides the session: themes, banners, the app's view state, sizes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pygame

from .geometry import Layout, Rect

__all__ = ["DARK", "LIGHT", "MESSAGE_SECONDS", "ROW_EMOJI", "ROW_TEXT", "TOAST_SECONDS", "Theme", "Toast", "View",
           "pg", "toast_seconds"]

ROW_EMOJI = 22  # px
ROW_TEXT = 16  # pt
TOAST_SECONDS = 2.6  # s: a discovery or a "nothing" banner stays this long
MESSAGE_SECONDS = 20.0  # s: problems (a broken save, a full disk) stay long enough to be read


class Theme(NamedTuple):
    name: str
    canvas: tuple
    dots: tuple
    sidebar: tuple
    panel: tuple
    text: tuple
    muted: tuple
    tile: tuple
    tile_border: tuple
    accent: tuple
    fresh: tuple
    hover: tuple
    button: tuple
    button_on: tuple
    shade: tuple


LIGHT = Theme("light", canvas=(250, 250, 247), dots=(222, 222, 216), sidebar=(255, 255, 255), panel=(244, 244, 240),
              text=(30, 30, 36), muted=(120, 120, 128), tile=(255, 255, 255), tile_border=(205, 205, 212),
              accent=(64, 120, 242), fresh=(255, 196, 0), hover=(236, 241, 255), button=(238, 238, 242),
              button_on=(64, 120, 242), shade=(0, 0, 0, 40))
DARK = Theme("dark", canvas=(24, 25, 30), dots=(48, 50, 58), sidebar=(32, 33, 40), panel=(40, 42, 50),
             text=(232, 232, 238), muted=(150, 152, 162), tile=(46, 48, 58), tile_border=(78, 80, 94),
             accent=(110, 156, 255), fresh=(255, 204, 64), hover=(52, 58, 78), button=(50, 52, 62),
             button_on=(92, 136, 240), shade=(0, 0, 0, 90))


@dataclass
class Toast:
    text: str
    emoji: str
    born: float
    kind: str = "info"  # "new", "nothing", "info" or "error"


@dataclass
class View:
    """What the renderer needs besides the session: the app's transient state."""

    layout: Layout
    theme: Theme
    now: float
    held_tile: int | None = None
    hover_row: str | None = None
    inspected: str | None = None
    toasts: tuple[Toast, ...] = ()
    help_open: bool = False
    confirming: bool = False
    sound_on: bool = True
    caret: bool = True
    picker: object | None = None  # the open speedrun picker (see picker.TargetPicker)


def toast_seconds(toast: Toast) -> float:
    """How long a banner stays on screen."""
    return MESSAGE_SECONDS if toast.kind == "error" else TOAST_SECONDS


def pg(rect: Rect) -> pygame.Rect:
    """A geometry rectangle as pygame's, rounded to whole pixels."""
    return pygame.Rect(round(rect.x), round(rect.y), round(rect.w), round(rect.h))
