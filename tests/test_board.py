"""The canvas model: adding, moving, stacking, dropping, duplicating, clearing and animations."""

import pytest

from conftest import measure_tile
from game.client.board import BOUNCE_SECONDS, POP_SECONDS, Board


@pytest.fixture
def board():
    return Board(measure_tile)


def test_add_measures_and_stacks(board):
    a = board.add("Water", 100, 100)
    b = board.add("Fire", 110, 100)
    assert (a.w, a.h) == measure_tile("Water")
    assert a.id != b.id and board.tiles == [a, b]
    assert board.tile_at((100, 100)) is b  # the top-most one
    board.raise_(a)
    assert board.tile_at((100, 100)) is a
    assert board.tile_at((1000, 1000)) is None


def test_drop_target_is_the_most_covered_idle_tile(board):
    a = board.add("Water", 100, 100)
    b = board.add("Fire", 400, 100)
    held = board.add("Earth", 130, 105)
    assert board.drop_target(held) is a
    board.move(held, 390, 100)
    assert board.drop_target(held) is b
    b.busy = True
    assert board.drop_target(held) is None  # a busy tile is not a target
    board.move(held, 1000, 1000)
    assert board.drop_target(held) is None


def test_duplicate_remove_clear(board):
    a = board.add("Water", 0, 0)
    copy = board.duplicate(a)
    assert copy.name == "Water" and copy.id != a.id and (copy.x, copy.y) != (a.x, a.y)
    board.remove(copy)
    assert board.tiles == [a]
    board.remove(copy)  # removing twice is harmless
    b = board.add("Fire", 5, 5)
    assert board.clear(keep=[b]) == 1 and board.tiles == [b]
    assert board.clear() == 1 and len(board) == 0


def test_bounce_moves_tiles_apart_and_settles(board):
    a = board.add("Water", 100, 100)
    b = board.add("Fire", 120, 100)
    gap = b.x - a.x
    board.bounce(a, b, now=10.0)
    assert board.update(10.0 + BOUNCE_SECONDS / 2)
    assert b.x - a.x > gap
    assert not board.update(10.0 + BOUNCE_SECONDS + 0.01)
    assert b.x - a.x == pytest.approx(gap + 2 * 56.0)
    assert a.slide is None and b.slide is None


def test_bounce_of_tiles_on_the_same_spot(board):
    a = board.add("Water", 100, 100)
    b = board.add("Fire", 100, 100)
    board.bounce(a, b, now=0.0)
    board.update(5.0)
    assert a.x != b.x


def test_moving_a_tile_cancels_its_slide(board):
    a = board.add("Water", 0, 0)
    b = board.add("Fire", 1, 0)
    board.bounce(a, b, now=0.0)
    board.move(a, 500, 500)
    board.update(0.1)
    assert (a.x, a.y) == (500, 500)


def test_pop_animation_grows_to_full_size(board):
    tile = board.add("Water", 0, 0, now=1.0)
    assert tile.scale(1.0) == pytest.approx(0.4)
    assert 0.4 < tile.scale(1.0 + POP_SECONDS / 2) < 1.2
    assert tile.scale(1.0 + POP_SECONDS) == 1.0
    assert board.update(1.0 + POP_SECONDS / 2) and not board.update(1.0 + POP_SECONDS)
