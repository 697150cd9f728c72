"""The sidebar's list model: counts, search, sort, filter and scrolling."""

import pytest

from game.client.sidebar import Entry, SidebarModel

ROWS = [("Water", "💧", False), ("Fire", "🔥", False), ("Steam", "♨️", True), ("Mud", "🟫", True),
        ("lava", "🌋", True), ("Stone", "", True)]


@pytest.fixture
def model():
    return SidebarModel(100, [Entry(n, e, k, mine) for k, (n, e, mine) in enumerate(ROWS)])


def names(model):
    return [e.name for e in model.visible()]


def test_counts_and_adding(model):
    assert (model.found, model.total) == (6, 100)
    assert model.add(Entry("Rain", "🌧️", 6, True))
    assert not model.add(Entry("rain", "🌧️", 7, True))  # already listed, any case
    assert model.found == 7 and names(model)[-1] == "Rain"


def test_search_is_case_insensitive_substring(model):
    model.type("A")
    assert names(model) == ["Water", "Steam", "lava"]
    model.type("m")
    assert names(model) == ["Steam"]
    model.backspace()
    model.backspace()
    assert names(model) == [n for n, _, _ in ROWS]
    model.set_query("  st ")
    assert names(model) == ["Steam", "Stone"]
    model.set_query("zzz")
    assert names(model) == []


def test_sort_by_name_and_direction(model):
    model.choose_sort("name")
    assert names(model) == ["Fire", "lava", "Mud", "Steam", "Stone", "Water"]
    model.choose_sort("name")
    assert model.descending and names(model) == ["Water", "Stone", "Steam", "Mud", "lava", "Fire"]
    model.choose_sort("order")
    assert not model.descending and names(model)[0] == "Water"
    model.choose_sort("order")
    assert names(model)[0] == "Stone"


def test_sort_by_emoji_puts_missing_emoji_last(model):
    model.choose_sort("emoji")
    order = names(model)
    assert order[-1] == "Stone"
    emoji = [e.emoji for e in model.visible()][:-1]
    assert emoji == sorted(emoji)


def test_filter_mine_combines_with_search(model):
    model.toggle_mine()
    assert names(model) == ["Steam", "Mud", "lava", "Stone"]
    model.type("w")
    assert names(model) == []
    model.toggle_mine()
    assert names(model) == ["Water"]
    with pytest.raises(ValueError):
        model.choose_sort("colour")


def test_scrolling_is_clamped_and_windowed():
    model = SidebarModel(2000, [Entry(f"E{k:04}", "", k, True) for k in range(2000)], row_h=40)
    view = 400
    model.scroll_by(-100, view)
    assert model.scroll == 0
    model.scroll_by(10**9, view)
    assert model.scroll == 2000 * 40 - view
    first, rows = model.window(view)
    assert first == 1990 and rows[-1].name == "E1999" and len(rows) == 10
    model.scroll_to(85, view)
    first, rows = model.window(view)
    assert first == 2 and len(rows) == 11  # a partly shown row at each end
    model.type("E19")  # a new search starts at the top
    assert model.scroll == 0
