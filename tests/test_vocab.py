"""Vocabulary parsing and validation: every error carries file, line and column."""

from __future__ import annotations

import pytest

from conftest import DEFAULT_VOCAB, TINY, write
from game.engine import UnknownElement, VocabError, check_vocab, load_vocab, parse_vocab

MINIMAL = """\
format_version: 1
name: Classic elements
starting: [Water, Fire, Wind, Earth]
elements:
  Water: "💧"
  Fire: "🔥"
  Wind: "🌬️"
  Earth: "🌍"
  Steam:          # emoji is optional
"""


def errors_of(text: str) -> list[str]:
    vocab, errors = parse_vocab(text, "w.yaml")
    assert (vocab is None) == bool(errors)
    return [str(e) for e in errors]


def test_minimal_form_is_valid():
    vocab, errors = parse_vocab(MINIMAL, "w.yaml")
    assert errors == []
    assert vocab.name == "Classic elements"
    assert vocab.starting == ("Water", "Fire", "Wind", "Earth")
    assert vocab.get("steam").emoji is None
    assert vocab.get("WATER").emoji == "💧"


def test_mapping_form_with_aliases_tags_description_and_embed_text():
    text = MINIMAL + """\
  Glass:
    emoji: "🪟"
    aliases: [Pane, Window Glass]
    tags: [material]
    description: Sand that met fire.
    embed: glass, the transparent material
"""
    vocab, errors = parse_vocab(text, "w.yaml")
    assert errors == []
    glass = vocab.get("window glass")
    assert glass.name == "Glass" and glass.aliases == ("Pane", "Window Glass") and glass.tags == ("material",)
    assert glass.text == "glass, the transparent material"
    assert vocab.get("pane") is glass


def test_recipes_banned_and_settings():
    text = MINIMAL + """\
recipes:
  - [water, FIRE, Steam]
banned: [Earth]
settings:
  nothing_threshold: 0.25
  seed: 7
"""
    vocab, errors = parse_vocab(text, "w.yaml")
    assert errors == []
    assert vocab.recipes[0].a == "Water" and vocab.recipes[0].b == "Fire" and vocab.recipes[0].result == "Steam"
    assert vocab.banned == ("Earth",)
    assert vocab.settings.nothing_threshold == 0.25 and vocab.settings.seed == 7


@pytest.mark.parametrize(
    "extra, expected",
    [
        ("  water: \"💦\"\n", "w.yaml:10:3: 'water' is already defined as an element at line 5"),
        ("  Steam: \"♨️\"\n", "w.yaml:10:3: 'Steam' is already defined as an element at line 9"),
        ("  Mud: 3\n", "w.yaml:10:8: the emoji of 'Mud' must be a text, not int '3' (quote it)"),
        ("  Mud: muddy water\n", "w.yaml:10:8: the emoji of 'Mud' should be one emoji"),
        ("  Mud: {emoj: \"🟫\"}\n", "w.yaml:10:9: unknown key 'emoj' in element 'Mud' (did you mean 'emoji'?)"),
        ("  Nothing:\n", "w.yaml:10:3: 'Nothing' is reserved"),
        ("  A + B:\n", "w.yaml:10:3: an element name 'A + B' contains '+'"),
        ("  \"\": \"🟫\"\n", "w.yaml:10:3: an element name is empty"),
        ("colour: red\n", "w.yaml:10:1: unknown key 'colour' in the file"),
        ("recipes:\n  - [Water, Firee, Steam]\n", "w.yaml:11:13: unknown element 'Firee' in recipes (did you mean 'Fire'?)"),
        ("recipes:\n  - [Water, Fire]\n", "w.yaml:11:5: a recipe must be a list of three names"),
        ("recipes:\n  - [Water, Fire, Steam]\n  - [fire, water, Wind]\n", "w.yaml:12:5: a recipe for Fire + Water is already given at line 11"),
        ("banned: Water\n", "w.yaml:10:9: banned must be a list"),
        ("settings:\n  nothing_threshold: high\n", "w.yaml:11:22: settings.nothing_threshold must be a number"),
        ("settings:\n  trees: 0\n", "w.yaml:11:10: settings.trees must be between 1 and 1000, not 0"),
    ],
)
def test_errors_carry_line_and_column(extra, expected):
    errors = errors_of(MINIMAL + extra)
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected), errors


def test_unknown_starting_element_is_located():
    text = MINIMAL.replace("starting: [Water, Fire, Wind, Earth]", "starting: [Water, Fire, Wind, Eart]")
    assert errors_of(text) == ["w.yaml:3:31: unknown element 'Eart' in starting (did you mean 'Earth'?)"]


def test_yaml_syntax_error_has_position():
    errors = errors_of(MINIMAL + "  Mud: [unclosed\n")
    assert len(errors) == 1
    assert errors[0].startswith("w.yaml:11:1: YAML syntax error")


def test_every_problem_is_collected_in_file_order():
    text = """\
format_version: 2
name: [not, text]
starting: [Water, Ghost]
elements:
  Water:
  WATER:
"""
    errors = errors_of(text)
    assert errors == [
        "w.yaml:1:17: format_version 2 is not supported (this game reads 1)",
        "w.yaml:2:7: name must be a text, not a list",
        "w.yaml:3:19: unknown element 'Ghost' in starting",
        "w.yaml:6:3: 'WATER' is already defined as an element at line 5 (names match ignoring case)",
    ]


def test_missing_sections_and_empty_file():
    assert errors_of("") == ["w.yaml:1:1: the file is empty; see vocab/default.yaml for the format"]
    errors = errors_of("format_version: 1\n")
    assert [e.split(": ", 1)[1] for e in errors] == [
        "missing 'name:' (the world's name, shown to players)",
        "missing 'elements:' (the words of the world)",
        "missing 'starting:' (the elements a new game begins with)",
    ]
    assert errors_of("- just\n- a list\n") == ["w.yaml:1:1: the file must be a mapping (key: value lines), not a list"]


def test_alias_colliding_with_element_is_reported():
    errors = errors_of(MINIMAL + "  Vapour:\n    aliases: [steam]\n")
    assert errors == ["w.yaml:11:15: 'steam' is already defined as an element at line 9 (names match ignoring case)"]


def test_yaml_anchors_are_refused_without_expanding():
    bomb = MINIMAL + "banned: &a [Water]\nrecipes: *a\n"
    errors = errors_of(bomb)
    assert any("anchors and aliases" in e for e in errors)


def test_names_like_yes_and_numbers_are_taken_as_written():
    vocab, errors = parse_vocab(MINIMAL + "  Yes:\n  1984: \"📕\"\n", "w.yaml")
    assert errors == []
    assert vocab.get("yes").name == "Yes" and vocab.get("1984").emoji == "📕"


def test_files_missing_binary_or_directory(tmp_path):
    assert [str(e) for e in check_vocab(tmp_path / "nope.yaml")] == [f"{tmp_path / 'nope.yaml'}:1:1: no such vocabulary file"]
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"format_version: 1\nname: \xff\xfe\n")
    assert [str(e) for e in check_vocab(bad)] == [f"{bad}:2:7: not valid UTF-8 text"]
    assert "is a directory" in str(check_vocab(tmp_path)[0])


def test_loader_raises_the_first_error(tmp_path):
    path = write(tmp_path / "w.yaml", MINIMAL + "  water:\n  fire:\n")
    with pytest.raises(VocabError) as info:
        load_vocab(path)
    assert (info.value.line, info.value.col) == (10, 3)
    assert len(check_vocab(path)) == 2


def test_lookup_is_case_and_space_insensitive_and_suggests():
    vocab, _ = parse_vocab(TINY, "t.yaml")
    assert vocab.get("  sTeAm ").name == "Steam"
    assert "RAIN" in vocab and "Snow" not in vocab
    with pytest.raises(UnknownElement, match=r"unknown element 'stone2' \(did you mean Stone\?\)"):
        vocab.get("stone2")


def test_content_hash_ignores_emoji_but_not_rules():
    base, _ = parse_vocab(TINY, "t.yaml")
    emoji_changed, _ = parse_vocab(TINY.replace('Mud: "🟫"', 'Mud: "🪵"'), "t.yaml")
    threshold, _ = parse_vocab(TINY + "settings:\n  nothing_threshold: 0.1\n", "t.yaml")
    assert base.content_hash() == emoji_changed.content_hash()
    assert base.content_hash() != threshold.content_hash()


def test_default_world_is_valid_and_large_enough():
    vocab = load_vocab(DEFAULT_VOCAB)
    assert len(vocab) >= 300
    assert all(e.emoji for e in vocab.elements), [e.name for e in vocab.elements if not e.emoji]
    assert vocab.starting == ("Water", "Fire", "Wind", "Earth")


@pytest.mark.parametrize("change, expected", [
    (("name: Classic elements", "name: !!binary aGVsbG8="), "w.yaml:2:7: YAML tags (!!binary) are not supported"),
    (("name: Classic elements", "name: !custom x"), "w.yaml:2:7: YAML tags (!custom) are not supported"),
    (("format_version: 1", "format_version: !!int abc"), "w.yaml:1:17: YAML tags (!!int) are not supported"),
    (("format_version: 1", "format_version: !!float 1"), "w.yaml:1:17: YAML tags (!!float) are not supported"),
    (("  Steam:          # emoji is optional", "  Steam: !!str \"♨️\""), "w.yaml:9:10: YAML tags (!!str)"),
    (("format_version: 1", "format_version: null"), "w.yaml:1:17: format_version must be 1"),
    (("format_version: 1", "format_version: " + "9" * 5000), "w.yaml:1:17: format_version must be a whole number"),
    (("name: Classic elements", "name: " + "x" * 5_000_000), "w.yaml:2:7: name is 5,000,000 characters long"),
    (("  Steam:          # emoji is optional", "  Steam: {<<: {emoji: \"♨️\"}}"), "w.yaml:9:11: unknown key '<<'"),
])
def test_yaml_values_the_safe_loader_would_turn_into_objects_are_refused(change, expected):
    """Tags, merge keys, numbers too long for int() and absurd names: one located line each,
    never an exception from PyYAML or int()."""
    old, new = change
    assert old in MINIMAL
    errors = errors_of(MINIMAL.replace(old, new))
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_a_date_like_value_stays_the_text_it_is():
    vocab, errors = parse_vocab(MINIMAL.replace("name: Classic elements", "name: 2024-02-30")
                                + "  2024-02-30 Eruption:\n", "w.yaml")
    assert errors == [] and vocab.name == "2024-02-30"
