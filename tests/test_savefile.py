"""Save files: round trips, atomic writes with a backup, and one clear error per bad file."""

import errno
import json
import os
import time

import pytest

from game.engine.runs.discovery import Craft
from game.engine.errors import StorageError
from game.engine.runs.savefile import MAX_SAVE_BYTES, SaveError, SaveFile, Speedrun, TileState, WorldStamp, keep_aside, write_save
from game.engine.runs.save_reader import read_save

STAMP = WorldStamp("Tiny", "ab" * 32)
START = ("Water", "Fire", "Wind", "Earth")


def sample() -> SaveFile:
    crafts = (Craft("Water", "Fire", "Steam", True, 1200), Craft("Steam", "Earth", None, False, 3400))
    # A fixed start time: two samples made a second apart must still be equal.
    return SaveFile(STAMP, START, crafts, (TileState("Steam", 10.5, -20.0), TileState("Water", 0, 0)), (5.0, -7.5), 4000,
                    created="2026-01-02T03:04:05Z")


def test_round_trip(tmp_path):
    path = tmp_path / "run.json"
    save = sample()
    write_save(path, save)
    assert read_save(path) == save
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format_version"] == 2 and data["crafts"][0] == {"a": "Water", "b": "Fire", "result": "Steam",
                                                                  "new": True, "t_ms": 1200}
    assert save.log().found[-1] == "Steam"


def test_previous_version_is_kept_as_backup(tmp_path):
    path = tmp_path / "run.json"
    first = sample()
    write_save(path, first)
    second = SaveFile(STAMP, START, first.crafts[:1], (), (0.0, 0.0), 5000, first.created)
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
        write_save(path, SaveFile(STAMP, START))
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
    (lambda d: d["crafts"][1].update(a="Lava"), r"craft 2 \(Lava \+ Earth = Nothing\): 'Lava' has not been discovered yet"),
    (lambda d: d["crafts"][0].update(new=False), "marked not new, but it is the first time"),
    (lambda d: d["crafts"][1].update(a="Fi+re"), r"contains '\+'"),
    (lambda d: d.update(play_ms=10), r"play_ms \(10\) is less than the last craft"),
    (lambda d: d.update(starting=[]), "starting lists no elements"),
    (lambda d: d.update(created="\x1b[2J"), "created must be a short date and time"),
    (lambda d: d["world"].update(fingerprint="xyz"), "world.fingerprint must be at most 128 lowercase hexadecimal"),
    (lambda d: d.pop("world"), "world is missing"),
    (lambda d: d["world"].update(name=5), "world.name must be a string, not a number"),
    (lambda d: d.update(play_ms=True), "play_ms must be a whole number, not true or false"),
    (lambda d: d.update(play_ms=-1), "play_ms is negative"),
    (lambda d: d["crafts"].append("Water + Fire"), "craft 3 is not a JSON object"),
    (lambda d: d["crafts"][0].update(result=7), r"crafts\[0\].result must be a string, not a number"),
    (lambda d: d["crafts"][1].update(t_ms=5), r"craft 2 \(Steam \+ Earth = Nothing\): time goes backwards"),
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

    from game.engine.world.caches import open_world
    from conftest import NoEmbedder

    base = default_world.fingerprint
    assert base == default_world.fingerprint and len(base) == 64
    changed_settings = replace(default_world.vocab, settings=replace(default_world.vocab.settings, nothing_threshold=0.9))
    other, _ = open_world(default_world.vocab.path, embedder=NoEmbedder(), vocab=changed_settings)
    assert other.fingerprint != base


def test_a_save_of_another_world_names_both_fingerprints(tmp_path):
    path = tmp_path / "run.json"
    write_save(path, sample())
    here = WorldStamp("Default", "cd" * 32)
    with pytest.raises(SaveError, match=r"made in 'Tiny' \(fingerprint abababababababab\), and this is "
                                        r"'Default' \(fingerprint cdcdcdcdcdcdcdcd\)"):
        read_save(path, expect=here)
    assert read_save(path, expect=STAMP) == sample()


def test_version_1_saves_are_still_read(tmp_path):
    data = sample().to_json()
    data["format_version"] = 1
    del data["starting"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    old = read_save(path)
    assert old.crafts == sample().crafts and old.starting == ()  # unknown: the world's are used


def speedrun_sample(target="Mud") -> SaveFile:
    crafts = (Craft("Water", "Fire", "Steam", True, 1200), Craft("Water", "Earth", "Mud", True, 2500),
              Craft("Fire", "Earth", "Lava", True, 4000))
    return SaveFile(STAMP, START, crafts, play_ms=4100, created="2026-01-02T03:04:05Z", speedrun=Speedrun(target))


def test_speedrun_section_records_time_and_splits(tmp_path):
    path = tmp_path / "run.json"
    write_save(path, speedrun_sample())
    section = json.loads(path.read_text(encoding="utf-8"))["speedrun"]
    assert section == {"target": "Mud", "pauses": 0, "finished_ms": 2500,
                       "splits": [{"name": "Steam", "t_ms": 1200}, {"name": "Mud", "t_ms": 2500}]}
    assert read_save(path) == speedrun_sample()
    unfinished = speedrun_sample("Stone")
    assert unfinished.finished_ms is None and len(unfinished.splits) == 3


@pytest.mark.parametrize("change, message", [
    (lambda s: s.update(finished_ms=2000), "speedrun.finished_ms is 2000, but the crafts make 'Mud' at 2500 ms"),
    (lambda s: s["splits"].pop(0), "speedrun.splits do not match"),
    (lambda s: s.update(target="Water"), "is a starting element"),
    (lambda s: s.update(target=["Mud"]), "speedrun.target must be a string"),
])
def test_tampered_speedrun_sections_are_refused(tmp_path, change, message):
    data = speedrun_sample().to_json()
    change(data["speedrun"])
    path = tmp_path / "run.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SaveError, match=message):
        read_save(path)


def test_stale_temporary_files_are_cleaned_up(tmp_path):
    path = tmp_path / "run.json"
    stale, fresh = tmp_path / ".run.json.abc.tmp", tmp_path / ".run.json.def.tmp"
    for tmp in (stale, fresh):
        tmp.write_bytes(b"half a save")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    write_save(path, sample())
    assert not stale.exists() and fresh.exists()  # a fresh one may belong to a writer still running
