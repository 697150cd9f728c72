"""Drawing the window's panels: the sidebar (search, rows, the inspected element), banners,
the help sheet, the quit dialog and the speedrun picker. Part of :class:`~game.client.render.Renderer`,
which owns the fonts and caches these use; like it, they only read what they draw."""

from __future__ import annotations

import pygame

from .geometry import Rect, dialog, picker, scroll_thumb
from .intents import KEYMAP, MOUSE_HELP
from .sidebar import SORT_LABELS, SORTS
from .theme import ROW_EMOJI, ROW_TEXT, Theme, View, pg, toast_seconds

__all__ = ["Panels"]


class Panels:
    """The panel half of the renderer (mixed into :class:`~game.client.render.Renderer`)."""

    def _draw_picker(self, screen, view: View) -> None:
        theme, model = view.theme, view.picker
        self._shade(screen, view)
        choices = model.choices()
        box, field_rect, rows = picker(view.layout.size, max(1, len(choices)))
        pygame.draw.rect(screen, theme.sidebar, pg(box), border_radius=14)
        title = self.text("Speedrun: pick a target", 20, theme.text, bold=True)
        screen.blit(title, (round(box.x) + 16, round(box.y) + 16))
        pygame.draw.rect(screen, theme.canvas, pg(field_rect), border_radius=8)
        shown = model.query + ("|" if view.caret else "") if model.query else "type to search..."
        label = self.text(shown, 16, theme.text if model.query else theme.muted)
        screen.blit(label, label.get_rect(midleft=(round(field_rect.x) + 10, round(field_rect.center.y))))
        if not choices:
            none = self.text("no element matches", 15, theme.muted)
            screen.blit(none, none.get_rect(midleft=(round(rows[0].x) + 10, round(rows[0].center.y))))
        for k, (rect, choice) in enumerate(zip(rows, choices)):
            if k == model.selected:
                pygame.draw.rect(screen, theme.accent, pg(rect), width=2, border_radius=8)
            icon = self.emoji(choice.emoji, 22, choice.label)
            screen.blit(icon, icon.get_rect(midleft=(round(rect.x) + 8, round(rect.center.y))))
            text = self.text(choice.label, 16, theme.text, bold=choice.name is None)
            screen.blit(text, text.get_rect(midleft=(round(rect.x) + 40, round(rect.center.y))))
        foot = self.text("Enter: start · Esc: cancel · the timer starts at your first drag", 12, theme.muted)
        screen.blit(foot, foot.get_rect(midbottom=(round(box.center.x), round(box.bottom) - 10)))

    def _draw_sidebar(self, screen, session, view: View) -> None:
        lay, theme = view.layout, view.theme
        side = pg(lay.sidebar)
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
        box = pg(lay.search)
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
        rows = pg(lay.rows)
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
            pygame.draw.rect(screen, theme.panel, pg(lay.scrollbar), border_radius=5)
            pygame.draw.rect(screen, theme.muted, pg(thumb), border_radius=5)

    def _draw_info(self, screen, session, view: View) -> None:
        lay, theme = view.layout, view.theme
        box = pg(lay.info)
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
        box = pg(rect)
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
        pygame.draw.rect(screen, theme.sidebar, pg(box), border_radius=14)
        title = self.text("Save and quit Embedcraft?", 20, theme.text, bold=True)
        screen.blit(title, title.get_rect(midtop=(box.center.x, box.y + 22)))
        self._button(screen, yes, "Save and quit (Enter)", theme, on=True)
        self._button(screen, no, "Keep playing (Esc)", theme)
