"""Routes: the text format, crafting a route headless, and shortest routes."""

from __future__ import annotations

import random
import re

import pytest

from conftest import TINY, FakeEmbedder, write
from game.engine import open_world
from game.engine.runs.routes import RouteError, RouteStep, parse_route, route_text, run_route
from game.engine.designer.crafts import craft_table
from game.engine.designer.shortest import find_route

ROUTE = """\
# Steam first
Water + Fire = Steam
  earth +   water      # any case, any spacing; no assertion
Steam + Mud
"""


def test_parse_route_lines_comments_and_assertions():
    steps = parse_route(ROUTE, "r.txt")
    assert steps == [RouteStep(2, "Water", "Fire", ("Steam",)), RouteStep(3, "earth", "water"),
                     RouteStep(4, "Steam", "Mud")]
    assert parse_route("Black Hole + Water = Nothing\n\n")[0] == RouteStep(1, "Black Hole", "Water", ("Nothing",))


@pytest.mark.parametrize("line, message", [
    ("Water Fire", "expected `A + B` or `A + B = C`"),
    ("Water + Fire + Wind", "expected `A + B`"),
    ("Water + Fire = Steam = Cloud", "expected `A + B`"),
    ("Water + ", "a name is missing"),
    ("Water + Fire =", "a name is missing"),
])
def test_bad_route_lines_name_the_line(line, message):
    with pytest.raises(RouteError, match=re.escape(f"r.txt:3: {message}")):
        parse_route(f"# a route\n\n{line}\n", "r.txt")


def test_run_route_on_the_default_world(default_world):
    save = run_route(default_world, parse_route(ROUTE, "r.txt"), "r.txt")
    assert [str(c) for c in save.crafts][:2] == ["Water + Fire = Steam", "Earth + Water = Mud"]
    assert save.crafts[0].new and save.world.fingerprint == default_world.fingerprint
    assert save.starting == ("Water", "Fire", "Wind", "Earth") and save.play_ms == 0


@pytest.mark.parametrize("route, message", [
    ("Water + Fire\nSteam + Lava\n", r"r.txt:2: 'Lava' has not been made yet"),
    ("Water + Fire = Mud\n", r"r.txt:1: Water \+ Fire makes Steam, not Mud"),
    ("Water + Fire = Nothing\n", r"r.txt:1: Water \+ Fire makes Steam, not Nothing"),
    ("Watr + Fire\n", r"r.txt:1: unknown element 'Watr' \(did you mean Water\b"),
    ("Water + Fire = Steem\n", r"r.txt:1: unknown element 'Steem'"),
])
def test_run_route_failures_name_the_line(default_world, route, message):
    with pytest.raises(RouteError, match=message):
        run_route(default_world, parse_route(route, "r.txt"), "r.txt")


def test_route_text_runs_back_to_the_same_crafts(default_world):
    save = run_route(default_world, parse_route(ROUTE))
    text = route_text(save.crafts, ["exported"], times=True)
    assert text.startswith("# exported\nWater + Fire = Steam")
    assert run_route(default_world, parse_route(text)).crafts == save.crafts


# ------------------------------------------------------------------ shortest routes

WORDS = ["Water", "Fire", "Wind", "Earth", "Steam", "Mud", "Lava", "Dust", "Rain", "Stone", "Sand", "Glass",
         "Cloud", "Storm", "Plant", "Tree", "Ash", "Brick", "Clay", "Salt"]


def random_world(tmp_path, seed: int):
    rng = random.Random(seed)
    others = rng.sample(WORDS[4:], 11)
    text = "format_version: 1\nname: R\nstarting: [Water, Fire, Wind, Earth]\nelements:\n" + "".join(
        f"  {w}:\n" for w in WORDS[:4] + others)
    folder = tmp_path / f"w{seed}"
    return open_world(write(folder / "w.yaml", text), embedder=FakeEmbedder(dim=rng.choice([3, 4, 5])))[0]


def fewest_crafts(world) -> dict[str, int]:
    """Breadth-first over sets of known elements: the exact fewest crafts to make each one."""
    start = frozenset(world.vocab.starting)
    best = {name: 0 for name in start}
    layer, seen, crafts = {start}, {start}, 0
    while layer:
        crafts += 1
        following = set()
        for known in layer:
            ordered = sorted(known)
            for x, a in enumerate(ordered):
                for b in ordered[x:]:
                    made = world.combine(a, b, top=0).result
                    if made is None or made in known:
                        continue
                    state = known | {made}
                    best.setdefault(made, crafts)
                    if state not in seen:
                        seen.add(state)
                        following.add(state)
        layer = following
    return best


@pytest.mark.parametrize("seed", range(12))
def test_find_route_is_shortest_on_small_worlds(tmp_path, seed):
    world = random_world(tmp_path, seed)
    table = craft_table(world)
    exact = fewest_crafts(world)
    for element in world.elements:
        found = find_route(world, element.name, table, time_limit=30)
        if element.name not in exact:
            assert found is None
            continue
        assert found.optimal and len(found.crafts) == exact[element.name] == found.lower_bound
        # The route is playable: running it makes the target, each craft after its inputs.
        save = run_route(world, [RouteStep(n, a, b, (r,)) for n, (a, b, r) in enumerate(found.crafts, 1)])
        assert element.name in save.log()


def test_find_route_on_the_default_world(default_world, default_copy, default_table):
    table = craft_table(default_world, default_copy.parent / "default.cache")
    steam = find_route(default_world, "steam", table)
    assert steam.crafts == (("Water", "Fire", "Steam"),) and steam.optimal
    assert find_route(default_world, "Water", table).crafts == ()
    glass = find_route(default_world, "Glass", table, time_limit=5)
    assert glass.optimal and len(glass.crafts) == 3
    run_route(default_world, [RouteStep(1, a, b, (r,)) for a, b, r in glass.crafts])
    deep = find_route(default_world, "Time", table, time_limit=1)  # too deep to prove in a second
    assert deep is not None and deep.lower_bound <= len(deep.crafts)
    assert deep.crafts[-1][2] == "Time"
    run_route(default_world, [RouteStep(n, a, b, (r,)) for n, (a, b, r) in enumerate(deep.crafts, 1)])
    # The table was cached: a second call reads it back.
    again = craft_table(default_world, default_copy.parent / "default.cache")
    assert (again[0] == table[0]).all() and (again[1] == table[1]).all()


def test_unreachable_targets_give_none(tmp_path):
    world = open_world(write(tmp_path / "w.yaml", TINY + "banned: [Stone]\n"), embedder=FakeEmbedder())[0]
    table = craft_table(world)
    assert world.vocab.index_of("Stone") not in table[1].tolist()  # banned words are never made
    assert find_route(world, "Stone", table) is None
