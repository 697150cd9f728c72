"""The game window: one loop of events -> intents -> session -> draw.

This is the only module that calls ``pygame.event.get()``. :class:`App` is the context the
input modes work against; :func:`game.client.play.run` opens a world and a window around it.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pygame

from ..engine.errors import EmbedcraftError, StorageError
from ..engine.runs.discovery import format_ms
from ..engine.runs.resume import speedrun_targets
from . import intents as do
from .geometry import Point, layout, row_at, screen_to_world, world_to_screen
from .modes import ClickTracker, Mode, PlayMode
from .picker import TargetPicker
from .prefs import Prefs, save_prefs
from .render import DARK, LIGHT, Renderer, Toast, View, toast_seconds
from .session import Outcome, Session
from .sound import Sounds

__all__ = ["App", "TITLE", "FIRST_FRAME", "FPS"]

TITLE = "Embedcraft"
FIRST_FRAME = "playing"  # stdout says this, once the first frame is on screen
FPS = 60
MAX_TOASTS = 3


class App:
    """A running game window around a :class:`Session`."""

    def __init__(self, session: Session, renderer: Renderer, sounds: Sounds, prefs: Prefs,
                 prefs_path: Path | None, screen: pygame.Surface, clock: Callable[[], float] = time.monotonic,
                 opener: Callable[[str | None], Session] | None = None) -> None:
        """
        Args:
            opener: opens the session for a speedrun to a target, or (None) the normal game;
                without it the speedrun picker is not offered.
        """
        self.session = session
        self.opener = opener
        self.picker: TargetPicker | None = None
        self.renderer = renderer
        self.sounds = sounds
        self.prefs = prefs
        self.prefs_path = prefs_path
        self.screen = screen
        self.clock = clock
        self.layout = layout(*screen.get_size())
        self.mode: Mode = PlayMode()
        self.clicks = ClickTracker()
        self.help_open = False
        self.confirming = False
        self.running = True
        self.inspected: str | None = None
        self.toasts: list[Toast] = []
        self.frames = 0
        self.pointer = Point(-1, -1)  # last known pointer position (screen px)
        self._quit_failed = False
        self._handlers = {
            do.PlaceTile: self._place, do.GrabTile: self._grab, do.MoveTile: self._move, do.DropTile: self._drop,
            do.DuplicateTile: self._duplicate, do.DeleteTile: self._delete, do.ClearCanvas: self._clear,
            do.Pan: lambda i: self.session.pan(i.dx, i.dy), do.PlaceInView: self._place_in_view,
            do.ScrollList: lambda i: self.session.sidebar.scroll_by(i.dy, self.layout.rows.h),
            do.ScrollListTo: lambda i: self.session.sidebar.scroll_to(i.scroll, self.layout.rows.h),
            do.PageList: self._page, do.TypeText: lambda i: self.session.sidebar.type(i.text),
            do.Backspace: lambda i: self.session.sidebar.backspace(),
            do.ClearSearch: lambda i: self.session.sidebar.set_query(""),
            do.SortBy: lambda i: self.session.sidebar.choose_sort(i.key),
            do.ToggleMine: lambda i: self.session.sidebar.toggle_mine(),
            do.Inspect: self._inspect, do.ToggleDark: self._toggle_dark, do.ToggleSound: self._toggle_sound,
            do.ToggleHelp: self._toggle_help, do.Escape: self._escape, do.Quit: self._quit,
            do.CancelQuit: self._cancel_quit, do.OpenSpeedrun: self._open_picker, do.PickTarget: self._pick,
            do.ClosePicker: self._close_picker,
        }
        self._show_messages()

    # ------------------------------------------------------------------ context for the modes
    @property
    def now(self) -> float:
        return self.clock()

    def tile_at(self, at: Point):
        if not self.layout.canvas.contains(at):
            return None
        return self.session.board.tile_at(screen_to_world(self.session.camera, self.layout.canvas, at))

    def row_at(self, at: Point):
        lay = self.layout
        if not lay.rows.contains(at) or lay.scrollbar.contains(at):
            return None
        model = self.session.sidebar
        rows = model.visible()
        found = row_at(lay.rows, model.row_h, model.scroll, len(rows), at.y)
        return None if found is None else rows[found]

    def to_screen(self, p: Point) -> Point:
        return world_to_screen(self.session.camera, self.layout.canvas, p)

    def to_world(self, p: Point) -> Point:
        return screen_to_world(self.session.camera, self.layout.canvas, p)

    def apply(self, intent: object):
        """Carry out one intent; returns what it made (see :mod:`game.client.modes`)."""
        return self._handlers[type(intent)](intent)

    # ------------------------------------------------------------------ intents
    def _place(self, i: do.PlaceTile) -> int:
        return self._place_at(i.name, i.at)

    def _place_in_view(self, i: do.PlaceInView) -> int:
        centre = self.layout.canvas.center
        k = len(self.session.board) % 8  # a few spots around the centre, so copies do not stack exactly
        return self._place_at(i.name, Point(centre.x + (k % 4 - 1.5) * 22, centre.y + (k // 4 - 0.5) * 22))

    def _place_at(self, name: str, at: Point) -> int:
        """A new tile for ``name`` centred on screen point ``at``; returns its id."""
        self.session.start_timer()
        tile = self.session.place(name, self.to_world(at))
        self.sounds.play("place")
        return tile.id

    def _grab(self, i: do.GrabTile) -> int | None:
        tile = self.session.board.get(i.tile_id)
        if tile is None or tile.busy:
            return None
        self.session.start_timer()
        if i.copy:
            tile = self.session.duplicate(tile)
        self.session.board.raise_(tile)
        return tile.id

    def _move(self, i: do.MoveTile) -> None:
        tile = self.session.board.get(i.tile_id)
        if tile is not None:
            world = self.to_world(i.at)
            self.session.board.move(tile, world.x, world.y)

    def _drop(self, i: do.DropTile) -> None:
        tile = self.session.board.get(i.tile_id)
        if tile is None:
            return
        if self.layout.sidebar.contains(i.at):
            self.session.delete(tile)
        else:
            self.session.drop(tile)

    def _duplicate(self, i: do.DuplicateTile) -> None:
        tile = self.session.board.get(i.tile_id)
        if tile is not None and not tile.busy:
            self.session.duplicate(tile)

    def _delete(self, i: do.DeleteTile) -> None:
        tile = self.session.board.get(i.tile_id)
        if tile is not None:
            self.session.delete(tile)

    def _clear(self, i: do.ClearCanvas) -> None:
        self.session.clear()

    def _page(self, i: do.PageList) -> None:
        self.session.sidebar.scroll_by(i.pages * self.layout.rows.h, self.layout.rows.h)

    def _inspect(self, i: do.Inspect) -> None:
        self.inspected = i.name

    def _toggle_dark(self, i: do.ToggleDark) -> None:
        self._set_prefs(replace(self.prefs, dark=not self.prefs.dark))

    def _toggle_sound(self, i: do.ToggleSound) -> None:
        self._set_prefs(replace(self.prefs, sound=not self.prefs.sound))
        self.sounds.enabled = self.prefs.sound
        if self.prefs.sound and not self.sounds.available:
            self.toast(self.sounds.problem or "no sound device", "🔇", "info")

    def _toggle_help(self, i: do.ToggleHelp) -> None:
        self.help_open = not self.help_open

    def _escape(self, i: do.Escape) -> str | None:
        if self.help_open:
            self.help_open = False
        elif self.session.sidebar.query:
            self.session.sidebar.set_query("")
        else:
            self.confirming = True
            return "ask"
        return None

    def _open_picker(self, i: do.OpenSpeedrun) -> str | None:
        if self.opener is None:
            self.toast("Speedruns are not available here", "🏁", "info")
            return None
        self.picker = TargetPicker(speedrun_targets(self.session.world), in_speedrun=self.session.speedrun is not None)
        return "pick"

    def _close_picker(self, i: do.ClosePicker) -> None:
        self.picker = None

    def _pick(self, i: do.PickTarget) -> None:
        """Leave this game (saved) for a new speedrun to ``i.name``, or back to the normal game."""
        self.picker = None
        if self.opener is None:
            return
        self.session.settle()
        try:
            self.session.save_now()
            session = self.opener(i.name)
        except EmbedcraftError as exc:
            self.toast(str(exc), "⚠️", "error")
            return
        self.session.close()  # saved above: its file is free for other windows again
        self.session = session
        self.inspected = None
        self._show_messages()
        if session.speedrun is not None:
            self.toast(f"Speedrun to {session.speedrun.target}: the timer starts at your first drag", "🏁", "info")
        else:
            self.toast("Back to your game", "↩️", "info")

    def _cancel_quit(self, i: do.CancelQuit) -> None:
        self.confirming = False

    def _quit(self, i: do.Quit) -> None:
        """Save and stop. If saving fails, say so and stay; asking again quits anyway."""
        self.session.settle()
        try:
            self.session.save_now()
        except StorageError as exc:
            if not self._quit_failed:
                self._quit_failed = True
                self.confirming = False
                self.mode = PlayMode()
                self.toast(f"Could not save: {exc}. Quit again to leave without saving.", "⚠️", "error")
                return
        self._quit_failed = False
        self._set_prefs(replace(self.prefs, window=self.screen.get_size()))
        self.running = False

    def _set_prefs(self, prefs: Prefs) -> None:
        self.prefs = prefs
        if self.prefs_path is None:
            return
        try:
            save_prefs(self.prefs_path, prefs)
        except StorageError as exc:
            self.toast(f"Settings not saved: {exc}", "⚠️", "error")

    # ------------------------------------------------------------------ feedback
    def toast(self, text: str, emoji: str = "", kind: str = "info") -> None:
        """Show a banner; problems stay until they time out, banners never push them away."""
        now = self.now
        self.toasts = [t for t in self.toasts if now - t.born < toast_seconds(t)]
        self.toasts.append(Toast(text, emoji, now, kind))
        errors = [t for t in self.toasts if t.kind == "error"]
        others = [t for t in self.toasts if t.kind != "error"][-max(1, MAX_TOASTS - len(errors)):]
        self.toasts = [t for t in self.toasts if t in errors or t in others]

    def _show_messages(self) -> None:
        """Turn the session's problems (a broken save, a full disk...) into banners."""
        for message in self.session.messages:
            self.toast(message, "⚠️", "error")
        self.session.messages.clear()

    def _feedback(self, outcome: Outcome) -> None:
        c = outcome.combination
        if outcome.finished:
            self.toast(f"{c.result} in {format_ms(self.session.finished_ms or 0)}! The run is saved in "
                       f"{self.session.save_path.name}", "🏁", "new")
            self.sounds.play("discover")
        elif outcome.kind == "new":
            element = self.session.world.element(c.result)
            self.toast(f"New discovery: {element.name}", element.emoji or "✨", "new")
            self.sounds.play("discover")
        elif outcome.kind == "nothing":
            self.toast(f"{c.a} + {c.b} make nothing", "💨", "nothing")
            self.sounds.play("nothing")
        else:
            self.sounds.play("combine")

    # ------------------------------------------------------------------ the loop
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.apply(do.Quit())
            return
        if event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
            self.screen = pygame.display.get_surface() or self.screen
            self.layout = layout(*self.screen.get_size())
            return
        if event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            self.pointer = Point(*event.pos)
        elif event.type == pygame.WINDOWLEAVE:
            self.pointer = Point(-1, -1)
        following = self.mode.handle(event, self)
        if following is not None:
            self.mode = following

    def step(self) -> None:
        """One frame: events, finished combinations, animations, autosave, drawing."""
        for event in pygame.event.get():
            self.handle(event)
            if not self.running:
                return
        for outcome in self.session.poll():
            self._feedback(outcome)
        self._show_messages()
        now = self.now
        self.session.board.update(now)
        self.session.autosave()
        if self.screen.get_size() != self.layout.size:
            self.layout = layout(*self.screen.get_size())
        self.renderer.draw(self.screen, self.session, self.view(now))
        pygame.display.flip()
        self.frames += 1

    def view(self, now: float) -> View:
        hover = self.row_at(self.pointer) if isinstance(self.mode, PlayMode) else None
        return View(self.layout, DARK if self.prefs.dark else LIGHT, now,
                    held_tile=self.mode.dragging_tile, hover_row=hover.name if hover else None,
                    inspected=self.inspected, toasts=tuple(self.toasts), help_open=self.help_open,
                    confirming=self.confirming, sound_on=self.prefs.sound, caret=int(now * 2) % 2 == 0,
                    picker=self.picker)
