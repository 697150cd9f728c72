"""Pure geometry for the client: rectangles, the window layout, screen/world mapping,
hit testing, overlap and the sidebar's scrolling. No pygame; every function is unit-tested."""

from __future__ import annotations

from typing import NamedTuple, Sequence

__all__ = [
    "Point", "Rect", "Layout", "layout", "screen_to_world", "world_to_screen", "topmost_at",
    "best_overlap", "row_at", "clamp_scroll", "scroll_thumb", "scroll_for_thumb", "dialog",
    "picker",
]

MIN_SIDEBAR = 260  # px; the sidebar never gets narrower than this (unless the window is tiny)
MAX_SIDEBAR = 400  # px
SIDEBAR_SHARE = 0.28  # of the window's width
PAD = 12  # px around sidebar parts
HEADER_H = 32  # px: counts and toggle buttons
SEARCH_H = 36  # px
BUTTONS_H = 28  # px: sort and filter buttons
INFO_H = 170  # px: the "how was it made" panel at the bottom of the sidebar
SCROLLBAR_W = 10  # px
MIN_THUMB = 24  # px: the scrollbar thumb never shrinks below this
CLEAR_W, CLEAR_H = 104, 36  # px: the canvas's Clear button
SPEEDRUN_W = 132  # px: the Speedrun button beside Clear
MIN_OVERLAP = 0.15  # share of the dropped tile's area that must cover a target to combine


class Point(NamedTuple):
    x: float
    y: float


class Rect(NamedTuple):
    """An axis-aligned rectangle; ``x, y`` is the top-left corner."""

    x: float
    y: float
    w: float
    h: float

    @classmethod
    def centred(cls, cx: float, cy: float, w: float, h: float) -> "Rect":
        return cls(cx - w / 2, cy - h / 2, w, h)

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def center(self) -> Point:
        return Point(self.x + self.w / 2, self.y + self.h / 2)

    @property
    def area(self) -> float:
        return max(0.0, self.w) * max(0.0, self.h)

    def contains(self, p: Point | tuple[float, float]) -> bool:
        return self.x <= p[0] < self.x + self.w and self.y <= p[1] < self.y + self.h

    def overlap(self, other: "Rect") -> float:
        """Area shared with ``other`` (0 when they do not touch)."""
        w = min(self.right, other.right) - max(self.x, other.x)
        h = min(self.bottom, other.bottom) - max(self.y, other.y)
        return w * h if w > 0 and h > 0 else 0.0



class Layout(NamedTuple):
    """Where every part of the window is, for one window size (all in screen px)."""

    size: tuple[int, int]
    canvas: Rect
    sidebar: Rect
    header: Rect
    toggles: tuple[Rect, Rect, Rect]  # dark mode, sound, help
    search: Rect
    sorts: tuple[Rect, Rect, Rect]  # discovery order, name, emoji
    mine: Rect  # "first found by me" filter
    rows: Rect  # the scrolling list
    scrollbar: Rect  # the scrollbar's track, at the right edge of ``rows``
    info: Rect  # "how was it made"
    clear: Rect  # the canvas's Clear button
    speedrun: Rect  # the canvas's Speedrun button, beside Clear


def layout(width: int, height: int) -> Layout:
    """The layout for a window of ``width`` x ``height`` pixels; follows any size."""
    width, height = max(1, int(width)), max(1, int(height))
    side = min(MAX_SIDEBAR, max(MIN_SIDEBAR, round(width * SIDEBAR_SHARE)))
    side = min(side, max(1, width // 2))
    canvas = Rect(0, 0, width - side, height)
    sidebar = Rect(width - side, 0, side, height)
    inner_x, inner_w = sidebar.x + PAD, side - 2 * PAD
    header = Rect(inner_x, PAD, inner_w, HEADER_H)
    toggles = tuple(Rect(header.right - (3 - k) * (HEADER_H + 4) + 4, header.y, HEADER_H, HEADER_H) for k in range(3))
    search = Rect(inner_x, header.bottom + 8, inner_w, SEARCH_H)
    y = search.bottom + 8
    gap = 6
    mine_w = max(48, inner_w * 0.22)
    sort_w = (inner_w - mine_w - 3 * gap) / 3
    sorts = tuple(Rect(inner_x + k * (sort_w + gap), y, sort_w, BUTTONS_H) for k in range(3))
    mine = Rect(inner_x + inner_w - mine_w, y, mine_w, BUTTONS_H)
    info_h = min(INFO_H, max(0, height // 4))
    rows_top = y + BUTTONS_H + 8
    rows = Rect(inner_x, rows_top, inner_w, max(0, height - info_h - PAD - 8 - rows_top))
    scrollbar = Rect(rows.right - SCROLLBAR_W, rows.y, SCROLLBAR_W, rows.h)
    info = Rect(inner_x, rows.bottom + 8, inner_w, info_h)
    clear = Rect(PAD, height - PAD - CLEAR_H, CLEAR_W, CLEAR_H)
    speedrun = Rect(clear.right + 8, clear.y, SPEEDRUN_W, CLEAR_H)
    return Layout((width, height), canvas, sidebar, header, toggles, search, sorts, mine, rows, scrollbar, info, clear,
                  speedrun)


# ------------------------------------------------------------------ canvas


def screen_to_world(camera: Point, canvas: Rect, p: Point | tuple[float, float]) -> Point:
    """A screen point on the canvas in world coordinates; ``camera`` is the world point
    shown at the canvas's top-left corner."""
    return Point(p[0] - canvas.x + camera.x, p[1] - canvas.y + camera.y)


def world_to_screen(camera: Point, canvas: Rect, p: Point | tuple[float, float]) -> Point:
    return Point(p[0] - camera.x + canvas.x, p[1] - camera.y + canvas.y)


def topmost_at(rects: Sequence[Rect], p: Point | tuple[float, float]) -> int | None:
    """Index of the last (top-most) rectangle containing ``p``, or None."""
    for i in range(len(rects) - 1, -1, -1):
        if rects[i].contains(p):
            return i
    return None


def best_overlap(moving: Rect, others: Sequence[Rect], min_share: float = MIN_OVERLAP) -> int | None:
    """Index of the rectangle ``moving`` covers most, if it covers at least ``min_share`` of
    ``moving``'s area; ties go to the later (top-most) one. None for no target."""
    best, best_area = None, min_share * moving.area
    for i, rect in enumerate(others):
        area = moving.overlap(rect)
        if area > 0 and area >= best_area:
            best, best_area = i, area
    return best


# ------------------------------------------------------------------ sidebar list


def row_at(rows: Rect, row_h: float, scroll: float, count: int, y: float) -> int | None:
    """The list row under screen ``y`` when the list is scrolled by ``scroll`` px, or None."""
    if not rows.y <= y < rows.bottom or row_h <= 0:
        return None
    index = int((y - rows.y + scroll) // row_h)
    return index if 0 <= index < count else None


def clamp_scroll(scroll: float, content_h: float, view_h: float) -> float:
    """``scroll`` kept between the top of the list and its last full screen."""
    return max(0.0, min(float(scroll), max(0.0, content_h - view_h)))


def scroll_thumb(track: Rect, content_h: float, view_h: float, scroll: float) -> Rect | None:
    """The scrollbar thumb for the current scroll; None when everything fits."""
    if content_h <= view_h or track.h <= 0:
        return None
    thumb_h = max(MIN_THUMB, track.h * view_h / content_h)
    thumb_h = min(thumb_h, track.h)
    travel = track.h - thumb_h
    top = track.y + travel * clamp_scroll(scroll, content_h, view_h) / (content_h - view_h)
    return Rect(track.x, top, track.w, thumb_h)


def scroll_for_thumb(track: Rect, content_h: float, view_h: float, thumb_top: float) -> float:
    """The scroll that puts the thumb's top edge at screen ``thumb_top`` (inverse of
    :func:`scroll_thumb`)."""
    thumb = scroll_thumb(track, content_h, view_h, 0.0)
    if thumb is None:
        return 0.0
    travel = track.h - thumb.h
    if travel <= 0:
        return 0.0
    share = (thumb_top - track.y) / travel
    return clamp_scroll(share * (content_h - view_h), content_h, view_h)


def picker(size: tuple[int, int], rows: int) -> tuple[Rect, Rect, list[Rect]]:
    """The speedrun picker: its box, its search field and one rect per result row."""
    row_h, field_h = 36, 40
    box = Rect.centred(size[0] / 2, size[1] / 2, min(460, size[0] - 20), 96 + field_h + rows * row_h)
    field = Rect(box.x + PAD, box.y + 56, box.w - 2 * PAD, field_h)
    return box, field, [Rect(field.x, field.bottom + 8 + k * row_h, field.w, row_h - 4) for k in range(rows)]


def dialog(size: tuple[int, int], w: float = 420, h: float = 150) -> tuple[Rect, Rect, Rect]:
    """The quit question's box and its two buttons ("save and quit", "keep playing")."""
    box = Rect.centred(size[0] / 2, size[1] / 2, min(w, size[0] - 20), h)
    bw = (box.w - 3 * PAD) / 2
    yes = Rect(box.x + PAD, box.bottom - PAD - 40, bw, 40)
    no = Rect(yes.right + PAD, yes.y, bw, 40)
    return box, yes, no
