"""Input modes: each turns pygame events into intents and may hand over to the next mode.

A mode's ``handle(event, ctx)`` returns the next mode, or None to stay. ``ctx`` is the app: it
offers ``layout``, ``session``, ``now``, ``pointer``, ``help_open``, ``clicks``, ``tile_at(screen point)``,
``row_at(screen point)`` and ``apply(intent)``, which returns what the intent made (the id
of a grabbed or placed tile, "ask" when Escape should ask before quitting).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from . import intents as do
from .geometry import Point, dialog, picker, scroll_for_thumb, scroll_thumb
from .sidebar import SORTS, WHEEL_STEP

__all__ = ["ClickTracker", "Mode", "PlayMode", "ConfirmQuitMode", "PickTargetMode"]

DRAG_THRESHOLD = 4  # screen px the pointer must travel before a press becomes a drag
DOUBLE_CLICK_SECONDS = 0.4
DOUBLE_CLICK_SLOP = 6  # screen px between the two clicks of a double-click
CANVAS_WHEEL_STEP = 48  # screen px the canvas moves per wheel notch


@dataclass
class ClickTracker:
    """Recognises double-clicks: the same target clicked twice, quickly, in one place."""

    last: tuple[object, Point, float] | None = None

    def click(self, target: object, at: Point, now: float) -> bool:
        """Record a click; True when it completes a double-click."""
        if self.last is not None:
            target0, at0, t0 = self.last
            if (target0 == target and now - t0 <= DOUBLE_CLICK_SECONDS
                    and abs(at.x - at0.x) <= DOUBLE_CLICK_SLOP and abs(at.y - at0.y) <= DOUBLE_CLICK_SLOP):
                self.last = None
                return True
        self.last = (target, at, now)
        return False


def _ctrl() -> bool:
    return bool(pygame.key.get_mods() & pygame.KMOD_CTRL)


def _moved(a: Point, b: Point) -> bool:
    return abs(a.x - b.x) > DRAG_THRESHOLD or abs(a.y - b.y) > DRAG_THRESHOLD


class Mode:
    """Base mode: keys go through the keymap, text goes to the search, window close quits."""

    dragging_tile: int | None = None  # the tile this mode holds, drawn on top of everything
    button: int = 1  # the mouse button that started this mode; only its release ends it

    def released(self, event: pygame.event.Event) -> bool:
        """The button that started this mode was let go. (A wheel notch also arrives as a
        press and release of buttons 4 and 5; those, and other buttons, never end a drag.)"""
        return event.type == pygame.MOUSEBUTTONUP and event.button == self.button

    def handle(self, event: pygame.event.Event, ctx) -> "Mode | None":
        if event.type == pygame.KEYDOWN:
            return self.key(event, ctx)
        if event.type == pygame.TEXTINPUT and not _ctrl():
            ctx.apply(do.TypeText(event.text))
        return None

    def key(self, event: pygame.event.Event, ctx) -> "Mode | None":
        intent = do.intent_for_key(event.key, bool(event.mod & pygame.KMOD_CTRL))
        if intent is None:
            return None
        made = ctx.apply(intent)
        if made == "ask":
            return ConfirmQuitMode()
        if made == "pick":
            return PickTargetMode()
        return None


class PlayMode(Mode):
    """Nothing held: presses start drags, pans, clicks on buttons or rows."""

    def handle(self, event, ctx):
        if event.type == pygame.MOUSEWHEEL:
            self.wheel(event, ctx)
            return None
        if event.type == pygame.MOUSEBUTTONDOWN:
            return self.press(event, ctx)
        return super().handle(event, ctx)

    def wheel(self, event, ctx) -> None:
        pointer = ctx.pointer
        if ctx.layout.sidebar.contains(pointer):
            ctx.apply(do.ScrollList(-event.y * WHEEL_STEP))
        elif ctx.layout.canvas.contains(pointer):
            ctx.apply(do.Pan(-event.x * CANVAS_WHEEL_STEP, event.y * CANVAS_WHEEL_STEP))

    def press(self, event, ctx):
        at = Point(*event.pos)
        lay = ctx.layout
        if event.button in (4, 5):  # old-style wheel buttons; MOUSEWHEEL handles them
            return None
        if ctx.help_open:
            ctx.apply(do.ToggleHelp())
            return None
        if lay.canvas.contains(at):
            tile = ctx.tile_at(at)
            if event.button == 3 and tile is not None:
                ctx.apply(do.DeleteTile(tile.id))
                return None
            if event.button == 2 or (event.button == 1 and tile is None):
                if event.button == 1 and lay.clear.contains(at):
                    ctx.apply(do.ClearCanvas())
                    return None
                if event.button == 1 and lay.speedrun.contains(at):
                    ctx.apply(do.OpenSpeedrun())
                    return PickTargetMode()
                return PanMode(at, event.button)
            if event.button == 1 and tile is not None and not tile.busy:
                if ctx.clicks.click(("tile", tile.id), at, ctx.now):
                    ctx.apply(do.DuplicateTile(tile.id))
                    return None
                return PressTileMode(tile.id, tile.name, at, copy=_ctrl())
            return None
        if event.button != 1:
            return None
        for rect, intent in ((lay.toggles[0], do.ToggleDark()), (lay.toggles[1], do.ToggleSound()),
                             (lay.toggles[2], do.ToggleHelp()), (lay.mine, do.ToggleMine()),
                             *zip(lay.sorts, (do.SortBy(k) for k in SORTS))):
            if rect.contains(at):
                ctx.apply(intent)
                return None
        if lay.scrollbar.contains(at):
            sidebar = ctx.session.sidebar
            thumb = scroll_thumb(lay.scrollbar, sidebar.content_h, lay.rows.h, sidebar.scroll)
            if thumb is None:
                return None
            if not thumb.contains(at):  # a click on the track jumps there
                ctx.apply(do.ScrollListTo(scroll_for_thumb(lay.scrollbar, sidebar.content_h, lay.rows.h,
                                                           at.y - thumb.h / 2)))
                thumb = scroll_thumb(lay.scrollbar, sidebar.content_h, lay.rows.h, sidebar.scroll)
            return DragThumbMode(at.y - thumb.y)
        entry = ctx.row_at(at)
        if entry is not None:
            if ctx.clicks.click(("row", entry.name), at, ctx.now):
                ctx.apply(do.PlaceInView(entry.name))
                return None
            return PressRowMode(entry.name, at)
        return None


@dataclass
class PressTileMode(Mode):
    """A tile is pressed; moving the pointer picks it up, letting go is a click."""

    tile_id: int
    name: str
    start: Point
    copy: bool = False

    def handle(self, event, ctx):
        if event.type == pygame.MOUSEMOTION and _moved(Point(*event.pos), self.start):
            held = ctx.apply(do.GrabTile(self.tile_id, self.copy))
            if held is None:
                return PlayMode()
            tile = ctx.session.board.get(held)
            centre = ctx.to_screen(Point(tile.x, tile.y))
            mode = DragTileMode(held, Point(centre.x - self.start.x, centre.y - self.start.y))
            return mode.handle(event, ctx) or mode
        if self.released(event):
            ctx.apply(do.Inspect(self.name))
            return PlayMode()
        return super().handle(event, ctx)


@dataclass
class PressRowMode(Mode):
    """A sidebar row is pressed; moving drags a new tile out, letting go shows its recipe."""

    name: str
    start: Point

    def handle(self, event, ctx):
        if event.type == pygame.MOUSEMOTION and _moved(Point(*event.pos), self.start):
            held = ctx.apply(do.PlaceTile(self.name, Point(*event.pos)))
            return DragTileMode(held, Point(0, 0)) if held is not None else PlayMode()
        if self.released(event):
            ctx.apply(do.Inspect(self.name))
            return PlayMode()
        return super().handle(event, ctx)


@dataclass
class DragTileMode(Mode):
    """A tile follows the pointer; letting go combines, or deletes it over the sidebar."""

    tile_id: int
    offset: Point = field(default_factory=lambda: Point(0, 0))  # tile centre minus pointer

    @property
    def dragging_tile(self) -> int | None:  # type: ignore[override]
        return self.tile_id

    def handle(self, event, ctx):
        if event.type == pygame.MOUSEMOTION:
            ctx.apply(do.MoveTile(self.tile_id, Point(event.pos[0] + self.offset.x, event.pos[1] + self.offset.y)))
            return None
        if self.released(event):
            ctx.apply(do.DropTile(self.tile_id, Point(*event.pos)))
            return PlayMode()
        return super().handle(event, ctx)


@dataclass
class PanMode(Mode):
    """Dragging empty canvas moves the view."""

    last: Point
    button: int = 1

    def handle(self, event, ctx):
        if event.type == pygame.MOUSEMOTION:
            at = Point(*event.pos)
            ctx.apply(do.Pan(at.x - self.last.x, at.y - self.last.y))
            self.last = at
            return None
        if self.released(event):
            return PlayMode()
        return super().handle(event, ctx)


@dataclass
class DragThumbMode(Mode):
    """Dragging the sidebar's scrollbar thumb; ``grab`` is the pointer's offset in the thumb."""

    grab: float

    def handle(self, event, ctx):
        if event.type == pygame.MOUSEMOTION:
            lay, sidebar = ctx.layout, ctx.session.sidebar
            ctx.apply(do.ScrollListTo(scroll_for_thumb(lay.scrollbar, sidebar.content_h, lay.rows.h,
                                                       event.pos[1] - self.grab)))
            return None
        if self.released(event):
            return PlayMode()
        return super().handle(event, ctx)


class ConfirmQuitMode(Mode):
    """"Save and quit?" — Enter or Y quits, Escape or N goes back to the game."""

    def handle(self, event, ctx):
        if event.type == pygame.KEYDOWN:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_y):
                ctx.apply(do.Quit())
                return None
            if event.key in (pygame.K_ESCAPE, pygame.K_n):
                ctx.apply(do.CancelQuit())
                return PlayMode()
            return super().key(event, ctx)
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            _, yes, no = dialog(ctx.layout.size)
            if yes.contains(event.pos):
                ctx.apply(do.Quit())
            elif no.contains(event.pos):
                ctx.apply(do.CancelQuit())
                return PlayMode()
        return None


class PickTargetMode(Mode):
    """The speedrun picker is open: typing searches it, Up/Down move, Enter or a click picks,
    Escape (or a click outside) closes it."""

    def handle(self, event, ctx):
        model = ctx.picker
        if model is None:
            return PlayMode()
        if event.type == pygame.TEXTINPUT and not _ctrl():
            model.type(event.text)
        elif event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                ctx.apply(do.ClosePicker())
                return PlayMode()
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                return self.pick(ctx, model.chosen)
            if event.key in (pygame.K_UP, pygame.K_DOWN):
                model.move(-1 if event.key == pygame.K_UP else 1)
            elif event.key == pygame.K_BACKSPACE:
                model.backspace()
            elif event.key == pygame.K_q and event.mod & pygame.KMOD_CTRL:
                ctx.apply(do.Quit())
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            box, _, rows = picker(ctx.layout.size, len(model.choices()))
            for rect, choice in zip(rows, model.choices()):
                if rect.contains(event.pos):
                    return self.pick(ctx, choice)
            if not box.contains(event.pos):
                ctx.apply(do.ClosePicker())
                return PlayMode()
        elif event.type == pygame.MOUSEMOTION:
            _, _, rows = picker(ctx.layout.size, len(model.choices()))
            for k, rect in enumerate(rows):
                if rect.contains(event.pos):
                    model.selected = k
        return None

    def pick(self, ctx, choice):
        if choice is None:
            return None
        ctx.apply(do.PickTarget(choice.name))
        return PlayMode()
