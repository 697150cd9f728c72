"""Save files: round trips, atomic writes with a backup, and one clear error per bad file."""

import errno
import json
import os

import pytest

from game.engine.discovery import Craft
from game.engine.errors import StorageError
from game.engine.savefile import (MAX_SAVE_BYTES, SaveError, SaveFile, TileState, WorldStamp, keep_aside, read_save,
                                  world_fingerprint, write_save)

STAMP = WorldStamp("Tiny", "ab" * 32)


def sample() -> SaveFile:
    crafts = (Craft("Water", "Fire", "Steam", True, 1200), Craft("Steam", "Earth", None, False, 3400))
    return SaveFile(STAMP, crafts, (TileState("Steam", 10.5, -20.0), TileState("Water", 0, 0)), (5.0, -7.5), 4000)


def test_round_trip(tmp_path):
    path = tmp_path / "run.json"
    save = sample()
    write_save(path, save)
    assert read_save(path) == save
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format_version"] == 1 and data["crafts"][0] == {"a": "Water", "b": "Fire", "result": "Steam",
                                                                  "new": True, "t_ms": 1200}
    assert save.log(["Water", "Fire", "Wind", "Earth"]).found[-1] == "Steam"


def test_previous_version_is_kept_as_backup(tmp_path):
    path = tmp_path / "run.json"
    first = sample()
    write_save(path, first)
    second = SaveFile(STAMP, first.crafts[:1], (), (0.0, 0.0), 5000, first.created)
    write_save(path, second)
    assert read_save(path) == second
    assert read_save(tmp_path / "run.json.bak") == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json", "run.json.bak"]  # no temporary files left


def test_full_disk_leaves_the_old_save(tmp_path, monkeypatch):
    path = tmp_path / "run.json"
    write_save(path, sample())
    before = sorted((p.name, p.read_bytes()) for p in tmp_path.iterdir())

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StorageError, match="No space left"):
        write_save(path, SaveFile(STAMP))
    assert sorted((p.name, p.read_bytes()) for p in tmp_path.iterdir()) == before


def mutate(data, change):
    change(data)
    return data


BAD = [
    (b"\x00\xff garbage", "not UTF-8"),
    (b"{not json", "not JSON"),
    (b"[1, 2]", "not a JSON object"),
    (json.dumps({"format_version": 1}).encode(), "not an Embedcraft save"),
]


@pytest.mark.parametrize("raw, message", BAD)
def test_not_a_save(tmp_path, raw, message):
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    with pytest.raises(SaveError, match=message):
        read_save(path)


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(format_version=99), "format_version 99 is not supported"),
    (lambda d: d.pop("world"), "world is missing"),
    (lambda d: d["world"].update(name=5), "world.name must be a string, not a number"),
    (lambda d: d.update(play_ms=True), "play_ms must be a whole number, not true or false"),
    (lambda d: d.update(play_ms=-1), "play_ms is negative"),
    (lambda d: d["crafts"].append("Water + Fire"), "craft 3 is not a JSON object"),
    (lambda d: d["crafts"][0].update(result=7), r"crafts\[0\].result must be a name or null"),
    (lambda d: d["crafts"][1].update(t_ms=5), "craft 2: time goes backwards"),
    (lambda d: d["crafts"][0].pop("new"), r"crafts\[0\].new is missing"),
    (lambda d: d["canvas"].update(camera=[1]), "canvas.camera must be two numbers"),
    (lambda d: d["canvas"]["tiles"][0].update(x="left"), r"canvas.tiles\[0\].x and y must be numbers"),
    (lambda d: d["canvas"]["tiles"][0].update(x=float("nan")), r"x and y must be numbers"),
])
def test_each_bad_field_is_named(tmp_path, change, message):
    path = tmp_path / "bad.json"
    data = mutate(sample().to_json(), change)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SaveError, match=message) as caught:
        read_save(path)
    assert str(caught.value).startswith(str(path))


def test_oversized_and_missing_files(tmp_path):
    with pytest.raises(SaveError, match="cannot read the save"):
        read_save(tmp_path / "none.json")
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(MAX_SAVE_BYTES + 1)
    with pytest.raises(SaveError, match="saves are at most"):
        read_save(big)


def test_keep_aside_never_overwrites(tmp_path):
    path = tmp_path / "run.json"
    path.write_text("one", encoding="utf-8")
    first = keep_aside(path, "broken")
    path.write_text("two", encoding="utf-8")
    second = keep_aside(path, "broken")
    assert first != second and not path.exists()
    assert first.read_text() == "one" and second.read_text() == "two"
    assert first.name.startswith("run.broken-") and first.suffix == ".json"


def test_fingerprint_changes_with_what_decides_results(default_world, tmp_path):
    from dataclasses import replace

    from game.engine.world import open_world
    from conftest import NoEmbedder

    base = world_fingerprint(default_world)
    assert base == world_fingerprint(default_world) and len(base) == 64
    changed_settings = replace(default_world.vocab, settings=replace(default_world.vocab.settings, nothing_threshold=0.9))
    other, _ = open_world(default_world.vocab.path, embedder=NoEmbedder(), vocab=changed_settings)
    assert world_fingerprint(other) != base
