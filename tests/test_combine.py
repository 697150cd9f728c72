"""The combination rule: symmetric, never an input, recipes win, banned skipped, exact and deterministic."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import TINY, FakeEmbedder, run_python, write
from game.engine import UnknownElement, open_world

# Hand-made 4-d vectors: Water + Fire points at Steam, Earth + Water at Mud.
GEOMETRY = {
    "Water": [1, 0, 0, 0], "Fire": [0, 1, 0, 0], "Wind": [0, 0, 1, 0], "Earth": [0, 0, 0, 1],
    "Steam": [1, 1, 0.1, 0], "Mud": [1, 0, 0, 1], "Lava": [0, 1, 0, 0.9], "Dust": [0, 0, 1, 0.9],
    "Rain": [0.9, 0, 1, 0], "Stone": [0, 0.1, 0, 1],
}


def geometric_world(tmp_path, extra: str = ""):
    path = write(tmp_path / "w.yaml", TINY + extra)
    return open_world(path, embedder=FakeEmbedder(dim=4, table=GEOMETRY))[0]


def test_nearest_word_to_the_sum(tmp_path):
    world = geometric_world(tmp_path)
    assert world.combine("water", "fire").result == "Steam"
    assert world.combine("Earth", "WATER").result == "Mud"
    assert world.combine("fire", "earth").result == "Lava"
    c = world.combine("water", "fire")
    assert c.rule == "vector" and c.a == "Water" and c.b == "Fire" and c.score == pytest.approx(2 / 4.02 ** 0.5, abs=1e-6)


def test_never_returns_an_input(tmp_path):
    world = geometric_world(tmp_path)
    names = [e.name for e in world.elements]
    for a in names:
        for b in names:
            c = world.combine(a, b)
            assert c.result not in (a, b)
            assert all(n.name not in (a, b) for n in c.runners_up)


def test_symmetric_and_memoised(tmp_path, monkeypatch):
    world = geometric_world(tmp_path)
    names = [e.name for e in world.elements]
    asked = []  # every pair the ranker is asked to rank, as sorted element names
    real = world.ranker.ranked

    def counting(pairs, depth):
        asked.extend(tuple(sorted((names[i], names[j]))) for i, j in pairs.tolist())
        return real(pairs, depth)

    monkeypatch.setattr(world.ranker, "ranked", counting)
    first = {}
    for a in names:
        for b in names:
            ab, ba = world.combine(a, b), world.combine(b, a)
            assert (ab.a, ab.b, ba.a, ba.b) == (a, b, b, a)
            assert (ab.result, ab.score, ab.runners_up) == (ba.result, ba.score, ba.runners_up)
            first[a, b] = ab
    pairs = {tuple(sorted(p)) for p in first}
    assert sorted(asked) == sorted(pairs)  # each unordered pair ranked once, whichever order came first
    asked.clear()
    assert all(world.combine(b, a) == first[b, a] and world.combine(a, b, top=3).result == first[a, b].result
               for a, b in first)
    assert asked == []  # asked again, in either order and for fewer runners-up: answered from memory


def test_recipes_win_and_banned_words_are_never_produced(tmp_path):
    world = geometric_world(tmp_path, "recipes:\n  - [Water, Fire, Stone]\nbanned: [Mud]\n")
    c = world.combine("fire", "water")
    assert (c.result, c.rule) == ("Stone", "recipe") and "Stone" not in [n.name for n in c.runners_up]
    assert world.combine("earth", "water").result != "Mud"
    names = [e.name for e in world.elements]
    results = {world.combine(a, b, top=9).result for a in names for b in names}
    runners = {n.name for a in names for b in names for n in world.combine(a, b, top=9).runners_up}
    assert "Mud" not in results | runners


def test_threshold_gives_nothing(tmp_path):
    world = geometric_world(tmp_path, "settings:\n  nothing_threshold: 0.9\n")
    assert world.combine("water", "fire").result == "Steam"  # 0.9975
    c = world.combine("wind", "fire")
    assert (c.result, c.rule, c.result_label) == (None, "nothing", "Nothing")
    assert c.score < 0.9 and c.runners_up  # the best candidate is still shown
    assert c.to_json()["result"] is None


def test_results_fast_path_agrees_with_combine(tmp_path):
    world = geometric_world(tmp_path, "recipes:\n  - [Water, Fire, Stone]\nsettings:\n  nothing_threshold: 0.8\n")
    n = len(world.elements)
    pairs = np.array([(i, j) for i in range(n) for j in range(n)])
    ids, _ = world.results(pairs)
    for (i, j), r in zip(pairs.tolist(), ids.tolist()):
        expected = world.combine(world.elements[i].name, world.elements[j].name).result
        assert (world.elements[r].name if r >= 0 else None) == expected


def test_exact_ties_are_broken_by_name(tmp_path):
    table = dict(GEOMETRY, Dust=[0, 1, 1, 0], Rain=[0, 1, 1, 0], Stone=[0, 1, 1, 0])  # three identical vectors
    world = open_world(write(tmp_path / "w.yaml", TINY), embedder=FakeEmbedder(dim=4, table=table))[0]
    c = world.combine("fire", "wind", top=3)
    assert c.result == "Dust" and [n.name for n in c.runners_up[:2]] == ["Rain", "Stone"]


def test_unknown_names_raise(tmp_path):
    world = geometric_world(tmp_path)
    with pytest.raises(UnknownElement, match="did you mean Steam"):
        world.combine("water", "stem")


def _brute_force(world, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score every word for every pair; drop inputs, banned words and (by the world's setting)
    variants of an input; the highest score rounded to 6 decimals wins, then the name."""
    v = world.vectors.astype(np.float64)
    names = [e.name for e in world.elements]
    query = v[pairs[:, 0]] + v[pairs[:, 1]]
    query /= np.linalg.norm(query, axis=1, keepdims=True)
    balance = world.vocab.settings.balance
    gap = np.abs(v[pairs[:, 0]] @ v.T - v[pairs[:, 1]] @ v.T)
    scores = query @ v.T - balance * gap - (world.penalty if world.penalty is not None else 0.0)
    rounded = np.rint(scores * 1e6)
    rows = np.arange(len(pairs))
    rounded[rows, pairs[:, 0]] = rounded[rows, pairs[:, 1]] = -np.inf
    for b in world.vocab.banned:
        rounded[:, world.vocab.index_of(b)] = -np.inf
    everyone = np.arange(len(names))
    for row, (i, j) in enumerate(pairs.tolist()):
        rounded[row, world.ranker.is_variant(everyone, i) | world.ranker.is_variant(everyone, j)] = -np.inf
    by_name = sorted(range(len(names)), key=lambda k: names[k].casefold())
    top = rounded.max(axis=1)
    expected = np.array([next(k for k in by_name if row[k] == best) for row, best in zip(rounded, top)])
    return expected, scores[rows, expected]


def _mismatches(world, pairs, got):
    names = [e.name for e in world.elements]
    expected, _ = _brute_force(world, pairs)
    return [(names[i], names[j], names[r], names[e])
            for (i, j), r, e in zip(pairs.tolist(), got.tolist(), expected.tolist()) if r != e]


@pytest.mark.slow
def test_batches_equal_exhaustive_exact_search_on_the_default_world(default_world):
    """Every pair among the first 150 default elements, in one batch (the matrix-product path
    of an exhaustive index) == brute force."""
    world = default_world
    assert world.index.exhaustive
    n = 150
    pairs = np.array([(i, j) for i in range(n) for j in range(i, n)])
    got, got_scores = world.ranker.ranked(pairs, 1)
    assert _mismatches(world, pairs, got[:, 0]) == []
    assert np.allclose(got_scores[:, 0], _brute_force(world, pairs)[1], atol=1e-12)
    assert len(pairs) == 150 * 151 // 2


# The world's own settings run with its learned map; the others leave the map out (a map of
# their own would take minutes to fit for each).
@pytest.mark.parametrize("settings", ["", "centre=true,hubness=1.0,variants=word,learn_rank=0",
                                      "balance=0.3,hubness=0.5,learn_rank=0", "balance=1.0,learn_rank=0"])
def test_annoy_and_batches_give_the_same_exact_answers(default_copy, settings):
    """A pair asked alone goes through annoy; in a batch, through one matrix product. Both rank
    every word exactly, so they agree with each other and with brute force, bit for bit, also
    when hubness scaling can lift a word from far down the cosine ranking."""
    from conftest import NoEmbedder
    from game.engine.world.reader import load_vocab, override_settings

    vocab = load_vocab(default_copy)
    changed = override_settings(vocab.settings, settings.split(",")) if settings else vocab.settings
    world, _ = open_world(default_copy, embedder=NoEmbedder(), vocab=vocab, settings=changed)
    assert (world.learned is not None) == (not settings)
    rng = np.random.default_rng(7)
    pairs = np.sort(rng.integers(0, len(world.elements), (400, 2)), axis=1)
    batch_ids, batch_scores = world.ranker.ranked(pairs, 5)
    alone = [world.ranker.ranked(pairs[k:k + 1], 5) for k in range(len(pairs))]
    alone_ids = np.concatenate([ids for ids, _ in alone])
    alone_scores = np.concatenate([scores for _, scores in alone])
    assert np.array_equal(batch_ids, alone_ids)
    assert np.array_equal(batch_scores, alone_scores)
    assert _mismatches(world, pairs, batch_ids[:, 0]) == []


def test_default_world_is_symmetric_and_deterministic_across_reloads(default_copy, default_world):
    from conftest import NoEmbedder

    again, _ = open_world(default_copy, embedder=NoEmbedder())
    names = [e.name for e in default_world.elements][:40]
    for a in names:
        for b in names:
            assert default_world.combine(a, b) == again.combine(a, b)
            assert default_world.combine(a, b).result == again.combine(b, a).result


def test_engine_imports_without_pygame_or_torch():
    code = (
        "import sys; sys.modules['pygame'] = None; sys.modules['torch'] = None\n"
        "import game.engine, game.cli\n"
        "from game.engine import open_world\n"
        "print('ok')\n"
    )
    assert run_python(code).strip() == "ok"
