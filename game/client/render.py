"""Drawing: reads the session and the app's view state, never changes them.

Text and emoji are rendered once and cached. Noto Color Emoji only has a 109 px bitmap strike,
so each emoji is rendered at that size once and scaled down with ``smoothscale`` per size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pygame

from ..engine.runs.discovery import format_ms
from ..engine.world.vocab import fold
from ..paths import ASSETS
from .geometry import Layout, Rect, dialog, picker, scroll_thumb, world_to_screen
from .intents import KEYMAP, MOUSE_HELP
from .sidebar import SORT_LABELS, SORTS

__all__ = ["ASSETS", "Theme", "LIGHT", "DARK", "Renderer", "Toast", "View", "TILE_H"]

TEXT_FONT = "fonts/NotoSans-Regular.ttf"
BOLD_FONT = "fonts/NotoSans-Bold.ttf"
EMOJI_FONT = "fonts/NotoColorEmoji.ttf"
EMOJI_STRIKE = 109  # px: the only size Noto Color Emoji's bitmaps come in
TILE_H = 44  # px
TILE_PAD = 12  # px left and right inside a tile
TILE_EMOJI = 24  # px
TILE_TEXT = 17  # pt
ROW_EMOJI = 22  # px
ROW_TEXT = 16  # pt
GRID = 32  # px between the canvas's background dots
BUSY_AFTER = 1 / 60  # s: a combination slower than a frame shows its tiles as busy
SPLITS_SHOWN = 12  # the latest speedrun splits listed on the canvas
FRESH_SECONDS = 1.6  # how long a new discovery's tile glows
TOAST_SECONDS = 2.6  # a discovery or a "nothing" banner stays this long
MESSAGE_SECONDS = 20.0  # problems (a broken save, a full disk) stay long enough to be read
CACHE_LIMIT = 6_000  # surfaces per cache before it is emptied


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


class _Cache(dict):
    def put(self, key, value):
        if len(self) >= CACHE_LIMIT:
            self.clear()
        self[key] = value
        return value


class Renderer:
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
        canvas = _pg(lay.canvas)
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

    def _draw_picker(self, screen, view: View) -> None:
        theme, model = view.theme, view.picker
        self._shade(screen, view)
        choices = model.choices()
        box, field_rect, rows = picker(view.layout.size, max(1, len(choices)))
        pygame.draw.rect(screen, theme.sidebar, _pg(box), border_radius=14)
        title = self.text("Speedrun: pick a target", 20, theme.text, bold=True)
        screen.blit(title, (round(box.x) + 16, round(box.y) + 16))
        pygame.draw.rect(screen, theme.canvas, _pg(field_rect), border_radius=8)
        shown = model.query + ("|" if view.caret else "") if model.query else "type to search..."
        label = self.text(shown, 16, theme.text if model.query else theme.muted)
        screen.blit(label, label.get_rect(midleft=(round(field_rect.x) + 10, round(field_rect.center.y))))
        if not choices:
            none = self.text("no element matches", 15, theme.muted)
            screen.blit(none, none.get_rect(midleft=(round(rows[0].x) + 10, round(rows[0].center.y))))
        for k, (rect, choice) in enumerate(zip(rows, choices)):
            if k == model.selected:
                pygame.draw.rect(screen, theme.accent, _pg(rect), width=2, border_radius=8)
            icon = self.emoji(choice.emoji, 22, choice.label)
            screen.blit(icon, icon.get_rect(midleft=(round(rect.x) + 8, round(rect.center.y))))
            text = self.text(choice.label, 16, theme.text, bold=choice.name is None)
            screen.blit(text, text.get_rect(midleft=(round(rect.x) + 40, round(rect.center.y))))
        foot = self.text("Enter: start · Esc: cancel · the timer starts at your first drag", 12, theme.muted)
        screen.blit(foot, foot.get_rect(midbottom=(round(box.center.x), round(box.bottom) - 10)))

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

    # ------------------------------------------------------------------ sidebar
    def _draw_sidebar(self, screen, session, view: View) -> None:
        lay, theme = view.layout, view.theme
        side = _pg(lay.sidebar)
        screen.fill(theme.sidebar, side)
        pygame.draw.line(screen, theme.tile_border, side.topleft, side.bottomleft)
        model = session.sidebar
        count = self.text(f"Found {model.found} / {model.total}", 18, theme.text, bold=True)
        screen.blit(count, count.get_rect(midleft=(lay.header.x, lay.header.center.y)))
        icons = ("🌙" if theme.name == "light" else "☀️", "🔊" if view.sound_on else "🔇", "❔")
        for rect, icon in zip(lay.toggles, icons):
            self._button(screen, rect, "", theme, icon=icon)
        self._draw_search(screen, model, view)
        for rect, key in zip(lay.sorts, SORTS):
            active = model.sort == key
            self._button(screen, rect, SORT_LABELS[key], theme, on=active,
                         arrow=("down" if model.descending else "up") if active else None)
        self._button(screen, lay.mine, "Mine", theme, on=model.only_mine)
        self._draw_rows(screen, session, view)
        self._draw_info(screen, session, view)

    def _draw_search(self, screen, model, view: View) -> None:
        lay, theme = view.layout, view.theme
        box = _pg(lay.search)
        pygame.draw.rect(screen, theme.panel, box, border_radius=8)
        pygame.draw.rect(screen, theme.accent if model.query else theme.tile_border, box, width=1, border_radius=8)
        icon = self.emoji("🔍", 18)
        screen.blit(icon, icon.get_rect(midleft=(box.x + 10, box.centery)))
        x = box.x + 36
        if model.query:
            label = self.text(model.query, 17, theme.text)
            screen.set_clip(box.inflate(-40, 0))
            screen.blit(label, label.get_rect(midleft=(x, box.centery)))
            screen.set_clip(None)
            caret_x = min(x + label.get_width() + 2, box.right - 8)
        else:
            label = self.text(f"Search {model.found} elements… (just type)", 15, theme.muted)
            if label.get_width() > box.w - 46:
                label = self.text("Search… (just type)", 15, theme.muted)
            screen.blit(label, label.get_rect(midleft=(x + 6, box.centery)))
            caret_x = x
        if view.caret:
            pygame.draw.line(screen, theme.text, (caret_x, box.y + 9), (caret_x, box.bottom - 9), 2)

    def _draw_rows(self, screen, session, view: View) -> None:
        lay, theme = view.layout, view.theme
        model = session.sidebar
        rows = _pg(lay.rows)
        first, entries = model.window(lay.rows.h)
        screen.set_clip(rows)
        if not entries:
            message = "Nothing matches your search" if model.query or model.only_mine else ""
            label = self.text(message, 15, theme.muted)
            screen.blit(label, label.get_rect(midtop=(rows.centerx, rows.y + 16)))
        text_w = rows.w - ROW_EMOJI - 30 - lay.scrollbar.w
        for k, entry in enumerate(entries):
            top = rows.y + (first + k) * model.row_h - model.scroll
            row = pygame.Rect(rows.x, round(top), rows.w - lay.scrollbar.w - 4, model.row_h - 4)
            if entry.name == view.hover_row or entry.name == view.inspected:
                pygame.draw.rect(screen, theme.hover, row, border_radius=8)
            icon = self.emoji(entry.emoji, ROW_EMOJI, entry.name)
            screen.blit(icon, icon.get_rect(midleft=(row.x + 8, row.centery)))
            label = self.text(entry.name, ROW_TEXT, theme.text)
            area = pygame.Rect(0, 0, min(label.get_width(), text_w), label.get_height())
            screen.blit(label, label.get_rect(midleft=(row.x + 16 + ROW_EMOJI, row.centery)), area)
        screen.set_clip(None)
        thumb = scroll_thumb(lay.scrollbar, model.content_h, lay.rows.h, model.scroll)
        if thumb is not None:
            pygame.draw.rect(screen, theme.panel, _pg(lay.scrollbar), border_radius=5)
            pygame.draw.rect(screen, theme.muted, _pg(thumb), border_radius=5)

    def _draw_info(self, screen, session, view: View) -> None:
        lay, theme = view.layout, view.theme
        box = _pg(lay.info)
        if box.h < 40:
            return
        pygame.draw.rect(screen, theme.panel, box, border_radius=10)
        name = view.hover_row or view.inspected
        x, y, width = box.x + 12, box.y + 10, box.w - 24
        if name is None or name not in session.log:
            for line in self.wrap("Hover over or click an element to see how it was made.", 14, width):
                screen.blit(self.text(line, 14, theme.muted), (x, y + 2))
                y += 20
            return
        element = session.world.element(name)
        icon = self.emoji(element.emoji or "", 28, element.name)
        screen.blit(icon, (x, y))
        screen.blit(self.text(element.name, 18, theme.text, bold=True), (x + icon.get_width() + 8, y + 1))
        y += 38
        made = session.log.made_by(element.name)
        if made is None:
            lines = [(line, theme.text) for line in self.wrap("A starting element.", 14, width)]
        else:
            steps = session.log.lineage(element.name)
            lines = [(line, theme.text) for line in self.wrap(f"Made from {made.a} + {made.b}", 14, width)]
            lines += [(line, theme.muted) for line in self.wrap(
                f"Lineage from the starting elements ({len(steps)} craft{'s' if len(steps) != 1 else ''}):",
                14, width)]
            for n, step in enumerate(steps, start=1):
                lines += [(line, theme.muted) for line in self.wrap(f"{n}. {step}", 14, width)]
        room = max(1, int((box.bottom - y - 6) // 20))
        if len(lines) > room:
            lines = lines[:room - 1] + [(f"… and {len(lines) - room + 1} more lines", theme.muted)]
        for line, color in lines:
            screen.blit(self.text(line, 14, color), (x, y))
            y += 20

    def wrap(self, text: str, size: int, width: float) -> list[str]:
        """``text`` broken into lines no wider than ``width`` px (a too-long word gets a line of its own)."""
        font = self.font(size)
        lines: list[str] = []
        current = ""
        for word in text.split(" "):
            trial = f"{current} {word}" if current else word
            if current and font.size(trial)[0] > width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
        return lines

    # ------------------------------------------------------------------ widgets and overlays
    def _button(self, screen, rect: Rect, label: str, theme: Theme, *, on: bool = False, icon: str = "",
                arrow: str | None = None) -> None:
        box = _pg(rect)
        pygame.draw.rect(screen, theme.button_on if on else theme.button, box, border_radius=8)
        color = (255, 255, 255) if on else theme.text
        parts = []
        if icon:
            parts.append(self.emoji(icon, min(20, box.h - 8)))
        if label:
            parts.append(self.text(label, 14, color, bold=on))
        width = sum(p.get_width() for p in parts) + 6 * (len(parts) - 1) + (12 if arrow else 0)
        x = box.centerx - width / 2
        for part in parts:
            screen.blit(part, part.get_rect(midleft=(x, box.centery)))
            x += part.get_width() + 6
        if arrow:
            cx, cy = x + 3, box.centery
            points = [(cx - 4, cy + 2), (cx + 4, cy + 2), (cx, cy - 3)] if arrow == "up" else \
                     [(cx - 4, cy - 2), (cx + 4, cy - 2), (cx, cy + 3)]
            pygame.draw.polygon(screen, color, points)

    def _draw_toasts(self, screen, view: View) -> None:
        theme = view.theme
        y = view.layout.canvas.y + 16
        for toast in view.toasts:
            age = view.now - toast.born
            seconds = toast_seconds(toast)
            if not 0 <= age < seconds:
                continue
            alpha = 255 if age < seconds - 0.5 else int(255 * (seconds - age) / 0.5)
            big = toast.kind == "new"
            size = 20 if big else 16
            icon = self.emoji(toast.emoji, 34 if big else 22) if toast.emoji else None
            room = view.layout.canvas.w - 80 - (icon.get_width() + 10 if icon else 0)
            lines = [self.text(line, size, theme.text, bold=big) for line in self.wrap(toast.text, size, room)]
            text_w = max(line.get_width() for line in lines)
            text_h = sum(line.get_height() for line in lines)
            w = text_w + (icon.get_width() + 10 if icon else 0) + 32
            h = max(text_h, icon.get_height() if icon else 0) + 18
            panel = pygame.Surface((w, h), pygame.SRCALPHA)
            edge = {"new": theme.fresh, "nothing": theme.muted, "error": (220, 70, 60)}.get(toast.kind, theme.accent)
            pygame.draw.rect(panel, (*theme.sidebar, 245), panel.get_rect(), border_radius=12)
            pygame.draw.rect(panel, edge, panel.get_rect(), width=3 if big else 2, border_radius=12)
            x = 16
            if icon:
                panel.blit(icon, icon.get_rect(midleft=(x, h / 2)))
                x += icon.get_width() + 10
            line_y = (h - text_h) / 2
            for line in lines:
                panel.blit(line, (x, line_y))
                line_y += line.get_height()
            panel.set_alpha(alpha)
            screen.blit(panel, panel.get_rect(midtop=(view.layout.canvas.center.x, y)))
            y += h + 8

    def _shade(self, screen, view: View) -> None:
        veil = pygame.Surface(view.layout.size, pygame.SRCALPHA)
        veil.fill((0, 0, 0, 120))
        screen.blit(veil, (0, 0))

    def _draw_help(self, screen, view: View) -> None:
        theme = view.theme
        self._shade(screen, view)
        rows = [(k, d) for k, d in MOUSE_HELP] + [(b.keys, b.does) for b in KEYMAP]
        step = max(16, min(24, (view.layout.size[1] - 90) // len(rows)))  # px per line; fits small windows
        box = pygame.Rect(0, 0, min(640, view.layout.size[0] - 40), 70 + step * len(rows))
        box.center = (view.layout.size[0] // 2, view.layout.size[1] // 2)
        pygame.draw.rect(screen, theme.sidebar, box, border_radius=14)
        screen.blit(self.text("How to play", 22, theme.text, bold=True), (box.x + 24, box.y + 16))
        y = box.y + 56
        for keys, does in rows:
            screen.blit(self.text(keys, 15, theme.accent, bold=True), (box.x + 24, y))
            screen.blit(self.text(does, 15, theme.text), (box.x + 250, y))
            y += step

    def _draw_confirm(self, screen, view: View) -> None:
        theme = view.theme
        self._shade(screen, view)
        box, yes, no = dialog(view.layout.size)
        pygame.draw.rect(screen, theme.sidebar, _pg(box), border_radius=14)
        title = self.text("Save and quit Embedcraft?", 20, theme.text, bold=True)
        screen.blit(title, title.get_rect(midtop=(box.center.x, box.y + 22)))
        self._button(screen, yes, "Save and quit (Enter)", theme, on=True)
        self._button(screen, no, "Keep playing (Esc)", theme)


def _pg(rect: Rect) -> pygame.Rect:
    return pygame.Rect(round(rect.x), round(rect.y), round(rect.w), round(rect.h))

