"""The rule's refinements: prompt template, centring, hubness (CSLS) and variant exclusion,
each a world setting that changes results only when switched on and is part of the fingerprint."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import FakeEmbedder, write
from game.engine import open_world
from game.engine.errors import VocabError
from game.engine.world.rule import hub_penalty, is_variant, rule_space, stem_key, variant_pairs
from game.engine.world.vocab import Settings
from game.engine.world.reader import check_vocab, load_vocab, parse_vocab

HEAD = "format_version: 1\nname: Rule\nstarting: [A, B]\n"


def _world(tmp_path, elements: dict[str, list[float]], settings: str = "", name: str = "rule.yaml"):
    body = "".join(f"  {k}: \"⭐\"\n" for k in elements)
    path = write(tmp_path / name, HEAD + (f"settings:\n{settings}" if settings else "") + "elements:\n" + body)
    fake = FakeEmbedder(dim=len(next(iter(elements.values()))), table=elements)
    return open_world(path, embedder=fake, cache_dir=tmp_path / (name + ".cache"))[0]


@pytest.mark.parametrize("names, same", [
    (("Stone", "Stones"), True), (("Berry", "Berries"), True), (("Fire Place", "Fireplace"), True),
    (("Painting", "Paint"), False), (("Box", "Boxes"), True), (("Snow-man", "Snowman"), True),
    (("Glass", "Glas"), False), (("Bus", "Bu"), False), (("Fire", "Fireplace"), False), (("Steam", "Stream"), False),
])
def test_stem_key_joins_plurals_and_spellings_only(names, same):
    assert (stem_key(names[0]) == stem_key(names[1])) is same


def test_is_variant_by_mode():
    assert not is_variant("Stones", "Stone", "keep")
    assert is_variant("Stones", "Stone", "stem") and is_variant("Stones", "Stone", "word")
    assert not is_variant("Steam Locomotive", "Steam", "stem")
    assert is_variant("Steam Locomotive", "Steam", "word")
    assert not is_variant("Snowman", "Snow", "word")  # a compound written as one word is a new thing
    assert not is_variant("Fire Truck", "Water", "word")


def test_variant_pairs_lists_result_given_keys():
    names = ["Steam", "Steam Engine", "Stone", "Stones", "Engine"]
    n = len(names)
    stem = set(variant_pairs(names, "stem").tolist())
    assert stem == {2 * n + 3, 3 * n + 2}
    word = set(variant_pairs(names, "word").tolist())
    assert word == stem | {1 * n + 0, 1 * n + 4}
    assert variant_pairs(names, "keep").size == 0


def test_settings_are_parsed_and_checked(tmp_path):
    good = parse_vocab(HEAD + "settings:\n  template: 'a photo of {}'\n  centre: true\n  hubness: 0.5\n"
                       "  hubness_k: 5\n  variants: word\nelements:\n  A: '⭐'\n  B: '⭐'\n", "good.yaml")[0]
    assert good.settings == Settings(template="a photo of {}", centre=True, hubness=0.5, hubness_k=5, variants="word")
    bad = write(tmp_path / "bad.yaml", HEAD + "settings:\n  template: no slot\n  centre: yes please\n"
                "  hubness: 3\n  variants: plural\nelements:\n  A: '⭐'\n  B: '⭐'\n")
    messages = [str(e) for e in check_vocab(bad)]
    assert any("bad.yaml:5:13" in m and "template" in m and "{}" in m for m in messages), messages
    assert any(":6:11" in m and "true or false" in m for m in messages), messages
    assert any(":7:12" in m and "between 0.0 and 2.0" in m for m in messages), messages
    assert any(":8:13" in m and "keep, stem, word" in m for m in messages), messages
    with pytest.raises(VocabError):
        load_vocab(bad)


def test_every_setting_changes_the_content_hash():
    base = parse_vocab(HEAD + "elements:\n  A: '⭐'\n  B: '⭐'\n", "x.yaml")[0]
    hashes = {base.content_hash()}
    lines = ("template: 'the {}'", "centre: true", "hubness: 1", "hubness_k: 3", "balance: 0.25", "variants: stem")
    for line in lines:
        v = parse_vocab(HEAD + f"settings:\n  {line}\nelements:\n  A: '⭐'\n  B: '⭐'\n", "x.yaml")[0]
        hashes.add(v.content_hash())
    assert len(hashes) == len(lines) + 1


def test_text_settings_on_the_command_line_are_taken_as_written():
    from game.engine.world.reader import override_settings

    changed = override_settings(Settings(), ["template={}", "variants=word", "balance=0.5", "nothing_threshold="])
    assert changed == Settings(template="{}", variants="word", balance=0.5, nothing_threshold=None)
    with pytest.raises(VocabError, match="between 0.0 and 1.0"):
        override_settings(Settings(), ["balance=2"])


def test_template_is_what_the_model_embeds(tmp_path):
    path = write(tmp_path / "t.yaml", HEAD + "settings:\n  template: 'a picture of {}'\nelements:\n"
                 "  A: '⭐'\n  B: {embed: 'the letter b'}\n")
    fake = FakeEmbedder()
    open_world(path, embedder=fake, cache_dir=tmp_path / "c")
    assert fake.calls == [["a picture of A", "a picture of the letter b"]]


def test_centring_subtracts_the_mean_of_indexed_words():
    raw = np.array([[1.0, 0.1], [1.0, -0.1], [0.0, 1.0]], dtype=np.float32)
    raw /= np.linalg.norm(raw, axis=1, keepdims=True)
    assert rule_space(raw, [0, 1], Settings()) is raw
    centred = rule_space(raw, [0, 1], Settings(centre=True))  # the mean of the indexed rows only
    np.testing.assert_allclose(np.linalg.norm(centred[:2], axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(centred[0], [0.0, 1.0], atol=1e-6)  # the shared x direction is gone
    np.testing.assert_allclose(centred[1], [0.0, -1.0], atol=1e-6)


def test_hub_penalty_is_largest_for_the_word_close_to_every_pair():
    rng = np.random.default_rng(0)
    common = np.eye(16)[0]
    spread = 2.0 * common + rng.standard_normal((40, 16))  # words share a direction, as real embeddings do
    hub = common + 0.01 * rng.standard_normal(16)  # the shared direction itself: near every pair sum
    v = np.vstack([spread, hub])
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    items = list(range(len(v)))
    assert hub_penalty(v, items, Settings()) is None
    penalty = hub_penalty(v, items, Settings(hubness=1.0, hubness_k=5))
    assert penalty.argmax() == 40
    half = hub_penalty(v, items, Settings(hubness=0.5, hubness_k=5))
    np.testing.assert_allclose(half, penalty / 2)
    sampled = hub_penalty(np.vstack([v] * 100), list(range(4100)), Settings(hubness=1.0))
    assert sampled.shape == (4100,) and np.all(sampled > 0)  # the sampled path: more pairs than HUB_SAMPLE


def test_hubness_stops_a_hub_winning_pairs(tmp_path):
    rng = np.random.default_rng(1)
    common = np.eye(12)[0]
    words = {f"W{i}": list(3.0 * common + rng.standard_normal(12)) for i in range(40)}
    middle = common
    words = {"A": words.pop("W0"), "B": words.pop("W1"), **words, "Hub": list(middle)}
    names = list(words)
    pairs = [(a, b) for i, a in enumerate(names[:-1]) for b in names[i + 1:-1]]

    def hub_share(world) -> float:
        return sum(c.result == "Hub" for c in world.combine_many(pairs)) / len(pairs)

    plain = _world(tmp_path, words)
    scaled = _world(tmp_path, words, "  hubness: 1.0\n", name="scaled.yaml")
    assert hub_share(plain) > 0.2
    assert hub_share(scaled) < hub_share(plain) / 2
    result = scaled.combine("W5", "W6")
    exact = scaled.vectors.astype(np.float64)
    q = exact[names.index("W5")] + exact[names.index("W6")]
    q /= np.linalg.norm(q)
    expected = exact @ q - scaled.penalty
    expected[[names.index("W5"), names.index("W6")]] = -np.inf
    assert result.result == names[int(np.argmax(expected))]
    assert result.score == pytest.approx(float(expected.max()))


def test_variants_setting_skips_variants_of_the_inputs(tmp_path):
    e = {"A": [1, 0, 0, 0], "B": [0, 1, 0, 0], "Steam": [1, 1, 0, 0], "Steams": [1, 1, 0.05, 0],
         "Steam Engine": [1, 1, 0.2, 0], "Kettle": [1, 1, 0.4, 0.3]}
    keep = _world(tmp_path, e)
    assert keep.combine("Steam", "Steam").result == "Steams"
    stem = _world(tmp_path, e, "  variants: stem\n", name="stem.yaml")
    assert stem.combine("Steam", "Steam").result == "Steam Engine"
    assert stem.combine("A", "B").result == "Steam"  # variants of other words are fine
    word = _world(tmp_path, e, "  variants: word\n", name="word.yaml")
    assert word.combine("Steam", "Steam").result == "Kettle"
    assert "Steams" not in [n.name for n in word.combine("Steam", "A", top=5).runners_up]


def test_centre_setting_builds_the_index_over_centred_vectors(tmp_path):
    # Every word shares a strong first direction, as real embeddings do. A + B is nearest E in
    # the model's own space but nearest C once the shared direction is taken out.
    e = {"A": [2.5, 0.5, 0], "B": [2.5, 0, -1], "C": [2, 0.5, 0.5], "D": [3, 0, 1], "E": [4, 0.5, 0.5]}
    names = list(e)
    raw = np.array(list(e.values()), dtype=np.float64)
    raw /= np.linalg.norm(raw, axis=1, keepdims=True)
    centred = raw - raw.mean(axis=0)  # nothing is banned: the mean of every word
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)

    def nearest(v):
        q = (v[0] + v[1]) / np.linalg.norm(v[0] + v[1])
        scores = v @ q
        scores[[0, 1]] = -np.inf  # never an input
        return names[int(np.argmax(scores))], float(scores.max())

    assert nearest(raw)[0] == "E" and nearest(centred)[0] == "C"  # the example does tell the two spaces apart
    world = _world(tmp_path, e, "  centre: true\n")
    np.testing.assert_allclose(world.raw_vectors, raw, atol=1e-6)
    np.testing.assert_allclose(world.vectors, centred, atol=1e-6)  # the index holds the centred rows
    combination = world.combine("A", "B")
    assert combination.result == nearest(centred)[0]
    assert combination.score == pytest.approx(nearest(centred)[1], abs=1e-6)
    plain = _world(tmp_path, e, name="plain.yaml")
    np.testing.assert_allclose(plain.vectors, raw, atol=1e-6)
    assert plain.combine("A", "B").result == nearest(raw)[0]  # without the setting, the raw answer


def test_balance_prefers_a_word_about_both_inputs(tmp_path):
    words = {"A": [1, 0, 0], "B": [0, 1, 0], "Near A": [1, 0.3, 0], "Both": [1, 1, 0.9]}
    assert _world(tmp_path, words).combine("A", "B").result == "Near A"  # closest to the sum
    balanced = _world(tmp_path, words, "  balance: 0.25\n", name="balanced.yaml")
    combination = balanced.combine("A", "B")
    v = balanced.vectors.astype(np.float64)
    gap = abs(v[2] @ v[0] - v[2] @ v[1])
    assert combination.result == "Both" and gap > 0.5
    near = next(n for n in combination.runners_up if n.name == "Near A")
    assert near.score == pytest.approx(v[2] @ (v[0] + v[1]) / np.linalg.norm(v[0] + v[1]) - 0.25 * gap)


def test_hub_penalty_from_all_cosines_equals_the_direct_products(monkeypatch):
    import game.engine.world.rule as rule

    v = np.random.default_rng(3).standard_normal((300, 8))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    settings = Settings(hubness=0.5, balance=0.3)
    from_gram = hub_penalty(v, list(range(300)), settings)
    monkeypatch.setattr(rule, "_GRAM_UP_TO", 0)
    direct = hub_penalty(v, list(range(300)), settings)
    np.testing.assert_allclose(from_gram, direct, atol=2e-9)


def test_the_hub_penalty_is_cached_beside_the_index_and_rebuilt_when_damaged(tmp_path, monkeypatch):
    import game.engine.world.caches as world_module

    calls = []
    real = world_module.hub_penalty
    monkeypatch.setattr(world_module, "hub_penalty", lambda *args: calls.append(1) or real(*args))
    words = {f"W{i}": list(np.random.default_rng(i).standard_normal(6)) for i in range(30)}
    words = {"A": words.pop("W0"), "B": words.pop("W1"), **words}
    first = _world(tmp_path, words, "  hubness: 0.5\n")
    cached = tmp_path / "rule.yaml.cache" / "penalty.npy"
    assert cached.exists() and len(calls) == 1
    again = _world(tmp_path, words, "  hubness: 0.5\n")
    assert len(calls) == 1 and np.array_equal(again.penalty, first.penalty)  # read back, not computed
    cached.write_bytes(cached.read_bytes()[:40])
    repaired = _world(tmp_path, words, "  hubness: 0.5\n")
    assert len(calls) == 2 and np.array_equal(repaired.penalty, first.penalty)
    _world(tmp_path, words, "  hubness: 0.7\n")  # another setting: computed anew
    assert len(calls) == 3
