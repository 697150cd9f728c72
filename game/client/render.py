"""Drawing: reads the session and the app's view state, never changes them.

This module draws the canvas (tiles, grid, speedrun timer); :mod:`~game.client.panels` the
sidebar, banners and dialogs; :mod:`~game.client.theme` holds the colours and view state.

Text and emoji are rendered once and cached. Noto Color Emoji only has a 109 px bitmap strike,
so each emoji is rendered at that size once and scaled down with ``smoothscale`` per size.
"""

from __future__ import annotations

import math
from pathlib import Path

import pygame

from ..engine.runs.discovery import format_ms
from ..engine.world.vocab import fold
from ..paths import ASSETS
from .geometry import Layout, Rect, world_to_screen
from .panels import Panels
from .theme import DARK, LIGHT, Theme, Toast, View, pg, toast_seconds

__all__ = ["DARK", "LIGHT", "Renderer", "TILE_H", "Theme", "Toast", "View", "toast_seconds"]

TEXT_FONT = "fonts/NotoSans-Regular.ttf"
BOLD_FONT = "fonts/NotoSans-Bold.ttf"
EMOJI_FONT = "fonts/NotoColorEmoji.ttf"
EMOJI_STRIKE = 109  # px: the only size Noto Color Emoji's bitmaps come in
TILE_H = 44  # px
TILE_PAD = 12  # px left and right inside a tile
TILE_EMOJI = 24  # px
TILE_TEXT = 17  # pt
GRID = 32  # px between the canvas's background dots
BUSY_AFTER = 1 / 60  # s: a combination slower than a frame shows its tiles as busy
SPLITS_SHOWN = 12  # the latest speedrun splits listed on the canvas
FRESH_SECONDS = 1.6  # how long a new discovery's tile glows
CACHE_LIMIT = 6_000  # surfaces per cache before it is emptied


class _Cache(dict):
    def put(self, key, value):
        if len(self) >= CACHE_LIMIT:
            self.clear()
        self[key] = value
        return value


class Renderer(Panels):
    """Fonts, caches and the drawing of one frame."""

    def __init__(self, assets: Path = ASSETS) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self._files = {"text": assets / TEXT_FONT, "bold": assets / BOLD_FONT}
        for path in (*self._files.values(), assets / EMOJI_FONT):
            if not path.is_file():
                raise FileNotFoundError(f"a bundled font is missing: {path}")
        self._fonts: dict[tuple[str, int], pygame.font.Font] = {}
        self._emoji_font = pygame.font.Font(str(assets / EMOJI_FONT), EMOJI_STRIKE)
        self._emoji_base = _Cache()
        self._emoji = _Cache()
        self._text = _Cache()
        self._tiles = _Cache()
        self._grid: tuple[tuple, pygame.Surface] | None = None

    # ------------------------------------------------------------------ fonts and caches
    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        key = ("bold" if bold else "text", size)
        if key not in self._fonts:
            self._fonts[key] = pygame.font.Font(str(self._files[key[0]]), size)
        return self._fonts[key]

    def text(self, text: str, size: int, color: tuple, bold: bool = False) -> pygame.Surface:
        key = (text, size, color, bold)
        hit = self._text.get(key)
        return hit if hit is not None else self._text.put(key, self.font(size, bold).render(text, True, color))

    def emoji(self, emoji: str, px: int, name: str = "?") -> pygame.Surface:
        """``emoji`` scaled to ``px`` high; a lettered disc when there is no emoji to show."""
        key = (emoji, px, name[:1] if not emoji else "")
        hit = self._emoji.get(key)
        if hit is not None:
            return hit
        base = self._emoji_base.get(emoji) if emoji else None
        if base is None and emoji:
            metrics = self._emoji_font.metrics(emoji[0])
            if metrics and metrics[0] is not None and metrics[0][1] > 0:  # the font has this glyph
                rendered = self._emoji_font.render(emoji, True, (0, 0, 0))
                if pygame.display.get_surface() is not None:
                    rendered = rendered.convert_alpha()  # faster to scale and blit
                base = self._emoji_base.put(emoji, rendered)
        if base is None:
            return self._emoji.put(key, self._letter_disc(name, px))
        w, h = base.get_size()
        scaled = pygame.transform.smoothscale(base, (max(1, round(w * px / h)), px))
        return self._emoji.put(key, scaled)

    def _letter_disc(self, name: str, px: int) -> pygame.Surface:
        surface = pygame.Surface((px, px), pygame.SRCALPHA)
        hue = sum(map(ord, fold(name))) % 360
        color = pygame.Color(0)
        color.hsva = (hue, 45, 85, 100)
        pygame.draw.circle(surface, color, (px / 2, px / 2), px / 2)
        letter = self.text((name[:1] or "?").upper(), max(8, int(px * 0.6)), (255, 255, 255), bold=True)
        surface.blit(letter, letter.get_rect(center=(px / 2, px / 2)))
        return surface

    def measure(self, name: str) -> tuple[float, float]:
        """A tile's size for ``name``: emoji, gap, text, padding."""
        w, _ = self.font(TILE_TEXT).size(name)
        return (2 * TILE_PAD + TILE_EMOJI + 8 + w, TILE_H)

    def tile_surface(self, name: str, emoji: str, theme: Theme, fresh: bool = False) -> pygame.Surface:
        key = (name, emoji, theme.name, fresh)
        hit = self._tiles.get(key)
        if hit is not None:
            return hit
        w, h = self.measure(name)
        surface = pygame.Surface((int(w) + 4, int(h) + 4), pygame.SRCALPHA)
        body = pygame.Rect(1, 1, int(w), int(h))
        pygame.draw.rect(surface, theme.shade, body.move(1, 2), border_radius=10)
        pygame.draw.rect(surface, theme.tile, body, border_radius=10)
        pygame.draw.rect(surface, theme.fresh if fresh else theme.tile_border, body, width=2 if fresh else 1,
                         border_radius=10)
        icon = self.emoji(emoji, TILE_EMOJI, name)
        surface.blit(icon, icon.get_rect(midleft=(body.x + TILE_PAD, body.centery)))
        label = self.text(name, TILE_TEXT, theme.text)
        surface.blit(label, label.get_rect(midleft=(body.x + TILE_PAD + TILE_EMOJI + 8, body.centery)))
        return self._tiles.put(key, surface)

    # ------------------------------------------------------------------ a frame
    def draw(self, screen: pygame.Surface, session, view: View) -> None:
        self._draw_canvas(screen, session, view)
        self._draw_sidebar(screen, session, view)
        held = session.board.get(view.held_tile) if view.held_tile is not None else None
        if held is not None:
            self._draw_tile(screen, session, held, view, lifted=True)
        self._draw_toasts(screen, view)
        if view.picker is not None:
            self._draw_picker(screen, view)
        if view.help_open:
            self._draw_help(screen, view)
        if view.confirming:
            self._draw_confirm(screen, view)

    def _draw_canvas(self, screen, session, view: View) -> None:
        lay, theme = view.layout, view.theme
        canvas = pg(lay.canvas)
        screen.set_clip(canvas)
        grid = self._grid_surface(lay, theme)
        ox, oy = -(session.camera.x % GRID), -(session.camera.y % GRID)
        screen.blit(grid, (canvas.x + ox, canvas.y + oy))
        for tile in session.board:
            if tile.id != view.held_tile:
                self._draw_tile(screen, session, tile, view)
        if not len(session.board):
            self._centred_text(screen, lay.canvas, theme, view.now)
        self._button(screen, lay.clear, "Clear", theme, icon="🧹")
        self._button(screen, lay.speedrun, "Speedrun", theme, icon="🏁", on=session.speedrun is not None)
        if session.speedrun is not None:
            self._draw_speedrun(screen, session, view)
        hint = self.text("F1 help · drag empty space to move", 13, theme.muted)
        screen.blit(hint, hint.get_rect(bottomright=(canvas.right - 12, canvas.bottom - 10)))
        screen.set_clip(None)

    def _draw_speedrun(self, screen, session, view: View) -> None:
        """The timer and target at the top of the canvas, the latest splits below them."""
        theme, canvas = view.theme, view.layout.canvas
        target = session.world.element(session.speedrun.target)
        done = session.finished_ms is not None
        timer = self.text(format_ms(session.timer_ms), 30, theme.accent if done else theme.text, bold=True)
        goal = self.text(f"{'Reached' if done else 'Target'}: {target.name}", 16, theme.muted, bold=True)
        icon = self.emoji(target.emoji or "", 26, target.name)
        w = max(timer.get_width(), goal.get_width() + 34) + 32
        panel = pygame.Rect(0, 0, w, 78)  # bottom centre: the toasts use the top of the canvas
        panel.midbottom = (round(canvas.x + canvas.w / 2), round(canvas.bottom) - 10)
        pygame.draw.rect(screen, theme.sidebar, panel, border_radius=12)
        screen.blit(timer, timer.get_rect(midtop=(panel.centerx, panel.y + 6)))
        row = pygame.Rect(0, 0, goal.get_width() + 34, 26)
        row.midtop = (panel.centerx, panel.y + 46)
        screen.blit(icon, icon.get_rect(midleft=(row.x, row.centery)))
        screen.blit(goal, goal.get_rect(midleft=(row.x + 34, row.centery)))
        if not session.timer_running:
            hint = self.text("the timer starts at your first drag", 13, theme.muted)
            screen.blit(hint, hint.get_rect(midbottom=(panel.centerx, panel.y - 6)))
        y = round(view.layout.clear.y) - 26  # splits above the buttons, the newest lowest
        for name, t in reversed(session.splits[-SPLITS_SHOWN:]):
            line = self.text(f"{format_ms(t)}  {name}", 14, theme.accent if name == target.name else theme.muted,
                             bold=name == target.name)
            screen.blit(line, (round(canvas.x) + 14, y))
            y -= 20

    def _grid_surface(self, lay: Layout, theme: Theme) -> pygame.Surface:
        key = (lay.canvas.w, lay.canvas.h, theme.name)
        if self._grid is None or self._grid[0] != key:
            surface = pygame.Surface((int(lay.canvas.w) + GRID, int(lay.canvas.h) + GRID))
            surface.fill(theme.canvas)
            for x in range(GRID // 2, surface.get_width(), GRID):
                for y in range(GRID // 2, surface.get_height(), GRID):
                    surface.fill(theme.dots, (x, y, 2, 2))
            self._grid = (key, surface)
        return self._grid[1]

    def _centred_text(self, screen, area: Rect, theme: Theme, now: float) -> None:
        lines = ["Drag an element from the list onto this space,",
                 "then drop one element onto another to combine them."]
        y = area.center.y - 30
        for line in lines:
            label = self.text(line, 18, theme.muted)
            screen.blit(label, label.get_rect(center=(area.center.x, y)))
            y += 30

    def _draw_tile(self, screen, session, tile, view: View, lifted: bool = False) -> None:
        theme, now = view.theme, view.now
        element = session.world.element(tile.name)
        fresh = tile.fresh and now - tile.born < FRESH_SECONDS
        surface = self.tile_surface(tile.name, element.emoji or "", theme, fresh)
        centre = world_to_screen(session.camera, view.layout.canvas, (tile.x, tile.y))
        scale = tile.scale(now) * (1.06 if lifted else 1.0)
        if scale != 1.0:
            w, h = surface.get_size()
            surface = pygame.transform.smoothscale(surface, (max(1, int(w * scale)), max(1, int(h * scale))))
        rect = surface.get_rect(center=(round(centre.x), round(centre.y)))
        if not rect.colliderect(screen.get_clip() or screen.get_rect()):
            return
        if fresh:
            t = (now - tile.born) / FRESH_SECONDS
            radius = int(rect.w * (0.55 + 0.5 * t))
            ring = pygame.Surface((2 * radius + 4, 2 * radius + 4), pygame.SRCALPHA)
            pygame.draw.circle(ring, (*theme.fresh, int(160 * (1 - t))), (radius + 2, radius + 2), radius, width=4)
            screen.blit(ring, ring.get_rect(center=rect.center))
        if lifted:
            shadow = pygame.Surface(rect.size, pygame.SRCALPHA)
            pygame.draw.rect(shadow, (0, 0, 0, 50), shadow.get_rect(), border_radius=12)
            screen.blit(shadow, rect.move(3, 5))
        screen.blit(surface, rect)
        if tile.busy and now - tile.busy_since > BUSY_AFTER:
            veil = pygame.Surface(rect.size, pygame.SRCALPHA)
            veil.fill((*theme.canvas, 120))
            screen.blit(veil, rect)
            for k in range(3):
                phase = (now * 3 + k / 3) % 1
                r = 2 + 2 * math.sin(phase * math.pi)
                pygame.draw.circle(screen, theme.accent, (rect.centerx - 10 + 10 * k, rect.bottom - 7), r)
