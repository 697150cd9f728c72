"""Pure geometry: rectangles, layout, screen/world mapping, hit testing, overlap, scrolling."""

import pytest

from game.client.geometry import (MIN_SIDEBAR, Point, Rect, best_overlap, clamp_scroll, dialog, layout, row_at,
                                  screen_to_world, scroll_for_thumb, scroll_thumb, topmost_at, world_to_screen)


def test_rect_contains_is_half_open():
    r = Rect(10, 20, 30, 40)
    assert r.contains((10, 20)) and r.contains((39.9, 59.9))
    assert not r.contains((40, 20)) and not r.contains((10, 60)) and not r.contains((9.9, 30))


def test_overlap_area_and_touching_edges():
    assert Rect(0, 0, 10, 10).overlap(Rect(5, 5, 10, 10)) == 25
    assert Rect(0, 0, 10, 10).overlap(Rect(10, 0, 10, 10)) == 0
    assert Rect(0, 0, 10, 10).overlap(Rect(2, 2, 3, 3)) == 9


def test_centred_rect():
    assert Rect.centred(50, 50, 20, 10) == Rect(40, 45, 20, 10)
    assert Rect.centred(50, 50, 20, 10).center == Point(50, 50)


@pytest.mark.parametrize("size", [(1280, 800), (800, 600), (1920, 1080), (640, 480), (3000, 400)])
def test_layout_follows_the_window(size):
    lay = layout(*size)
    w, h = size
    assert lay.canvas.w + lay.sidebar.w == w and lay.canvas.right == lay.sidebar.x
    assert lay.sidebar.w >= min(MIN_SIDEBAR, w // 2)
    inside = [lay.header, lay.search, *lay.sorts, lay.mine, lay.rows, lay.info, *lay.toggles]
    for part in inside:
        assert lay.sidebar.x <= part.x and part.right <= lay.sidebar.right + 1e-9, part
        assert 0 <= part.y and part.bottom <= h, part
    assert lay.search.bottom <= lay.sorts[0].y < lay.rows.y < lay.info.y
    assert lay.scrollbar.right == lay.rows.right
    assert lay.canvas.contains(lay.clear.center)
    for a, b in zip(lay.sorts, (*lay.sorts[1:], lay.mine)):
        assert a.right <= b.x  # buttons do not overlap


def test_screen_and_world_round_trip():
    canvas = Rect(0, 0, 900, 800)
    camera = Point(-120, 45)
    p = Point(300, 200)
    world = screen_to_world(camera, canvas, p)
    assert world == Point(180, 245)
    assert world_to_screen(camera, canvas, world) == p


def test_topmost_at_prefers_the_last_rect():
    rects = [Rect(0, 0, 100, 100), Rect(50, 50, 100, 100)]
    assert topmost_at(rects, (75, 75)) == 1
    assert topmost_at(rects, (10, 10)) == 0
    assert topmost_at(rects, (500, 500)) is None
    assert topmost_at([], (0, 0)) is None


def test_best_overlap_picks_the_largest_cover_and_ignores_grazes():
    moving = Rect(0, 0, 100, 40)
    others = [Rect(90, 0, 100, 40), Rect(40, 10, 100, 40), Rect(500, 500, 10, 10)]
    assert best_overlap(moving, others) == 1
    # 10% overlap is a graze, not a drop onto the tile.
    assert best_overlap(moving, [Rect(90, 0, 100, 40)]) is None
    assert best_overlap(moving, []) is None


def test_row_at():
    rows = Rect(0, 100, 200, 400)
    assert row_at(rows, 40, 0, 10, 100) == 0
    assert row_at(rows, 40, 0, 10, 179) == 1
    assert row_at(rows, 40, 60, 10, 100) == 1  # scrolled by a row and a half
    assert row_at(rows, 40, 0, 3, 300) is None  # below the last row
    assert row_at(rows, 40, 0, 10, 99) is None and row_at(rows, 40, 0, 10, 500) is None


def test_clamp_scroll():
    assert clamp_scroll(-5, 1000, 400) == 0
    assert clamp_scroll(700, 1000, 400) == 600
    assert clamp_scroll(50, 300, 400) == 0  # content fits: never scrolls


def test_scroll_thumb_and_its_inverse():
    track = Rect(0, 100, 10, 400)
    assert scroll_thumb(track, 300, 400, 0) is None
    top = scroll_thumb(track, 4000, 400, 0)
    bottom = scroll_thumb(track, 4000, 400, 3600)
    assert top.y == 100 and bottom.bottom == pytest.approx(500)
    assert top.h == pytest.approx(40)
    for scroll in (0, 900, 1800, 3600):
        thumb = scroll_thumb(track, 4000, 400, scroll)
        assert scroll_for_thumb(track, 4000, 400, thumb.y) == pytest.approx(scroll)
    assert scroll_for_thumb(track, 4000, 400, -1000) == 0
    assert scroll_for_thumb(track, 4000, 400, 10_000) == 3600


def test_thumb_never_smaller_than_minimum():
    thumb = scroll_thumb(Rect(0, 0, 10, 400), 1_000_000, 400, 0)
    assert thumb.h >= 24


def test_dialog_buttons_inside_the_box():
    box, yes, no = dialog((1280, 800))
    for button in (yes, no):
        assert box.contains((button.x, button.y)) and box.contains((button.right - 1, button.bottom - 1))
    assert yes.right < no.x
