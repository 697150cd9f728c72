"""Reachability uses the game's own rule and finds exactly what repeated crafting finds."""

from __future__ import annotations

from conftest import TINY, FakeEmbedder, write
from game.engine import open_world
from game.engine.designer.reach import reach
from game.engine.designer.reach import reach_from_table
from test_combine import GEOMETRY


def brute_force_reach(world):
    """Craft every pair of what is known, one round at a time, through World.combine."""
    depth = {name: 0 for name in world.vocab.starting}
    level = 0
    while True:
        level += 1
        known = list(depth)
        new = {}
        for a in known:
            for b in known:
                result = world.combine(a, b).result
                if result is not None and result not in depth and result not in new:
                    new[result] = level
        if not new:
            return depth
        depth.update(new)


def test_reach_matches_repeated_crafting(tmp_path):
    world = open_world(write(tmp_path / "w.yaml", TINY), embedder=FakeEmbedder(dim=4, table=GEOMETRY))[0]
    result = reach(world)
    assert result.depths == brute_force_reach(world)
    assert set(result.unreachable) == {e.name for e in world.elements} - set(result.depths)
    for name, (a, b) in result.made_from.items():
        assert world.combine(a, b).result == name
        assert result.depths[name] == max(result.depths[a], result.depths[b]) + 1


def test_reach_on_a_hash_world_with_recipes_and_bans(tmp_path):
    extra = "  Glass:\n  Sand:\n  Brick:\nrecipes:\n  - [Water, Fire, Glass]\nbanned: [Stone]\n"
    world = open_world(write(tmp_path / "w.yaml", TINY + extra), embedder=FakeEmbedder(dim=8))[0]
    result = reach(world)
    assert result.depths == brute_force_reach(world)
    assert result.depths["Glass"] == 1 and "Stone" in result.unreachable


def test_reach_json_shape_and_progress(tmp_path):
    world = open_world(write(tmp_path / "w.yaml", TINY), embedder=FakeEmbedder(dim=4, table=GEOMETRY))[0]
    calls = []
    data = reach(world, progress=lambda done, total: calls.append((done, total))).to_json()
    assert set(data) >= {"reachable", "unreachable", "depths", "counts_by_depth", "made_from"}
    assert data["reachable"][:4] == sorted(["Earth", "Fire", "Water", "Wind"], key=str.casefold)
    assert sum(data["counts_by_depth"].values()) == len(data["reachable"])
    assert calls and calls[-1][0] == calls[-1][1] == data["pairs_tried"]


def test_default_world_reach_is_consistent(default_world, default_table):
    result = reach_from_table(default_world, default_table)  # the table is reach()'s own
    assert len(result.depths) + len(result.unreachable) == len(default_world.elements)
    assert result.unreachable == ()  # every element of the default world can be crafted
    counts = result.counts_by_depth()
    assert len(counts) >= 5 and max(counts.values()) < 0.7 * len(default_world.elements)  # a spread of depths
    for name, (a, b) in list(result.made_from.items())[:200]:
        assert default_world.combine(a, b).result == name
