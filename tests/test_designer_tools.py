"""Designer pictures and helpers: emoji suggestions, the 2-D map, its geometry, table depths."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest

from conftest import FakeEmbedder, write
from game.cli import main
from game.engine import open_world
from game.engine.designer.reach import reach
from game.engine.designer.emojis import EmojiSuggester, catalogue, fill_emoji
from game.engine.designer.projection import fit_to_box, pca_2d, place_labels
from game.engine.designer.reach import reach_from_table, table_depths
from game.engine.world.reader import load_vocab


# --------------------------------------------------------------------------- emoji


def test_catalogue_is_drawable_by_the_games_font():
    import pygame

    from game.paths import ASSETS
    from game.client.render import EMOJI_FONT

    pygame.font.init()
    font = pygame.font.Font(str(ASSETS / EMOJI_FONT), 109)
    names = catalogue()
    assert len(names) > 1500 and len({e.emoji for e in names}) == len(names)
    missing = [e for e in names if not (font.metrics(e.emoji[0]) and font.metrics(e.emoji[0])[0][1] > 0)]
    assert not missing, missing[:10]
    by_emoji = {e.emoji: e.name for e in names}
    assert by_emoji["🌋"] == "volcano" and by_emoji["🍎"] == "red apple"
    assert not any("skin tone" in e.name or e.name.startswith("flag:") for e in names)


def test_suggester_picks_the_nearest_emoji_name(tmp_path):
    names = catalogue()
    fake = FakeEmbedder(dim=24)
    suggester = EmojiSuggester(fake, tmp_path / "emoji")
    volcano = fake.embed(["volcano"])[0]
    apple = fake.embed(["red apple"])[0] + 0.05 * fake.embed(["green apple"])[0]
    first, second = suggester.suggest(np.stack([volcano, apple]), top=3)
    assert first[0].emoji == "🌋" and first[0].score == pytest.approx(1.0)
    assert second[0].name == "red apple" and len(second) == 3 and second[0].score >= second[1].score
    again = EmojiSuggester(fake, tmp_path / "emoji")  # the names' vectors are cached
    assert fake.embedded == len(names) + 3 and again.names == suggester.names


def test_fill_emoji_writes_bare_lines_only():
    text = ("format_version: 1\nname: X\nstarting: [A]\nelements:\n  A: \"⭐\"\n  Volcano:\n"
            "  Banana: null   # yellow\n  'Odd: Name': ~\n  Rocket: {aliases: [Spaceship]}\n")
    new, left = fill_emoji(text, {"Volcano": "🌋", "Banana": "🍌", "Odd: Name": "❓", "Rocket": "🚀"})
    assert new.splitlines()[5:8] == ['  Volcano: "🌋"', '  Banana: "🍌"  # yellow', "  'Odd: Name': \"❓\""]
    assert new.splitlines()[8] == "  Rocket: {aliases: [Spaceship]}" and left == ["Rocket"]
    assert new.splitlines()[:5] == text.splitlines()[:5]


@pytest.mark.slow
def test_vocab_emoji_command_with_the_real_model(capsys, tmp_path):
    path = write(tmp_path / "w.yaml", "format_version: 1\nname: W\nstarting: [Water]\nelements:\n"
                 "  Water: \"💧\"\n  Volcano:\n  Banana:\n  Rocket: {aliases: [Spaceship]}\n")
    assert main(["vocab", "emoji", str(path), "--write"]) == 0
    out = capsys.readouterr().out
    assert 'Volcano: "🌋"' in out and 'Banana: "🍌"' in out and "Rocket" in out.splitlines()[-1]
    vocab = load_vocab(path)
    assert vocab.get("Volcano").emoji == "🌋" and vocab.get("Rocket").emoji is None
    assert (tmp_path / "w.yaml.bak").read_text(encoding="utf-8").count("Volcano:\n") == 1
    assert main(["vocab", "emoji", str(path), "--all", "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"the file's emoji is the first suggestion for [1-3] of 3 elements", out), out


def test_default_world_has_an_emoji_for_every_element(default_copy):
    vocab = load_vocab(default_copy)
    assert [e.name for e in vocab.elements if not e.emoji] == []


# --------------------------------------------------------------------------- geometry


def test_pca_finds_the_plane_and_fixes_signs():
    rng = np.random.default_rng(3)
    plane = rng.standard_normal((200, 2)) * [5.0, 2.0]
    basis = np.linalg.qr(rng.standard_normal((10, 10)))[0][:, :2].T
    points, shares = pca_2d(plane @ basis)
    assert shares[0] == pytest.approx(25 / 29, abs=0.05) and shares[0] + shares[1] == pytest.approx(1.0)
    again, _ = pca_2d(-(plane @ basis) * 1.0 + 0)  # mirrored input gives the same picture, mirrored back
    np.testing.assert_allclose(np.abs(points), np.abs(again), atol=1e-9)
    np.testing.assert_allclose(pca_2d(plane @ basis)[0], points)


def test_fit_to_box_keeps_points_inside_and_up_up():
    pts = np.array([[0, 0], [10, 5], [5, 10]], dtype=float)
    out = fit_to_box(pts, (100, 50, 200, 100))
    assert (out[:, 0] >= 100 - 1e-9).all() and (out[:, 0] <= 300 + 1e-9).all()
    assert (out[:, 1] >= 50 - 1e-9).all() and (out[:, 1] <= 150 + 1e-9).all()
    assert out[2, 1] < out[0, 1]  # the higher point is drawn higher (smaller screen y)


def test_place_labels_never_overlap_and_go_in_order():
    rng = np.random.default_rng(0)
    anchors = rng.uniform(0, 300, (120, 2))
    sizes = [(40.0, 14.0)] * 120
    placed = place_labels(anchors, sizes, list(range(120)), (0, 0, 300, 300))
    rects = [r for r in placed if r is not None]
    assert placed[0] is not None and 5 < len(rects) < 120
    for k, a in enumerate(rects):
        assert 0 <= a[0] and a[0] + a[2] <= 300 and 0 <= a[1] and a[1] + a[3] <= 300
        for b in rects[k + 1:]:
            assert a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]


# --------------------------------------------------------------------------- depths and the map


@pytest.mark.parametrize("seed", range(6))
def test_table_depths_match_reach(tmp_path, seed):
    rng = np.random.default_rng(seed)
    names = ["Water", "Fire", "Wind", "Earth"] + [f"W{k}" for k in range(26)]
    table = {n: list(rng.standard_normal(6)) for n in names}
    path = write(tmp_path / "r.yaml", "format_version: 1\nname: R\nstarting: [Water, Fire, Wind, Earth]\n"
                 "elements:\n" + "".join(f"  {n}: \"⭐\"\n" for n in names))
    world = open_world(path, embedder=FakeEmbedder(dim=6, table=table), cache_dir=tmp_path / "c")[0]
    result = reach(world, keep_table=True)
    depths = table_depths(world, result.table)
    assert {names[k]: int(d) for k, d in enumerate(depths) if d >= 0} == result.depths
    assert {names[k] for k, d in enumerate(depths) if d < 0} == set(result.unreachable)
    again = reach_from_table(world, result.table)  # what `vocab reach` shows from a cached table
    assert again.to_json() == replace(result, table=None).to_json()
    assert list(again.depths) == list(result.depths) and list(again.made_from) == list(result.made_from)


def test_vocab_map_writes_a_png_coloured_by_depth(tmp_path, capsys, default_copy, default_world, default_table,
                                                  monkeypatch):
    import pygame

    from game.client.vocab_map import depth_colour

    pygame.display.quit()  # whatever an earlier test opened: the map must not need a display
    windows = []

    def no_window(*args, **kwargs):
        windows.append(args)
        raise AssertionError("`vocab map` opened a window")

    monkeypatch.setattr(pygame.display, "set_mode", no_window)
    out = tmp_path / "maps" / "map.png"
    assert main(["vocab", "map", str(default_copy), "--out", str(out), "--size", "1200x800"]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"wrote {out}") and "labelled" in said
    image = pygame.image.load(str(out))
    assert image.get_size() == (1200, 800)
    colours = {tuple(image.get_at((x, y)))[:3] for x in range(0, 1200, 3) for y in range(0, 800, 3)}
    deepest = int(table_depths(default_world, default_table).max())
    assert sum(1 for d in range(deepest + 1) if depth_colour(d, deepest) in colours) >= 4  # dots of several depths
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary left behind
    assert main(["vocab", "map", str(default_copy), "--out", str(tmp_path / "map.jpg")]) == 1
    assert "must name a .png" in capsys.readouterr().err
    assert not windows and not pygame.display.get_init() and pygame.display.get_surface() is None
