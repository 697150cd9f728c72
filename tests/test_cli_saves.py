"""`route` and `save` on the command line: round trips, verification, exit codes and messages."""

from __future__ import annotations

import json
import random

import pytest

from conftest import write
from test_cli import cli, run

# Designer recipes make all but the third craft, so the route stays valid when the vectors change.
ROUTE = "# to Glass\nWater + Fire = Steam\nEarth + Wind = Dust\nEarth + Dust = Sand\nSand + Fire = Glass\nWind + Water\n"


@pytest.fixture
def honest(tmp_path, capsys, default_copy):
    """A save made by running a route, with made-up but consistent times, and a speedrun to Glass."""
    route = write(tmp_path / "glass.txt", ROUTE)
    save = tmp_path / "run.json"
    code, out, err = run(capsys, "route", "run", str(route), "--vocab", str(default_copy), "--save", str(save))
    assert code == 0 and "5 crafts, 5 discoveries" in out, err
    data = json.loads(save.read_text(encoding="utf-8"))
    for k, craft in enumerate(data["crafts"]):
        craft["t_ms"] = 1500 * (k + 1)
    data["play_ms"] = 9000
    data["speedrun"] = {"target": "Glass", "pauses": 0, "finished_ms": 6000,
                        "splits": [{"name": n, "t_ms": t} for n, t in (("Steam", 1500), ("Dust", 3000),
                                                                       ("Sand", 4500), ("Glass", 6000))]}
    save.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return save


def test_verify_an_honest_run(capsys, honest, default_copy):
    code, out, err = run(capsys, "save", "verify", str(honest), "--vocab", str(default_copy))
    assert code == 0, err
    assert "ok: 'Classic elements', 5 crafts, 5 discoveries, final time 0:07.500" in out
    assert "speedrun to Glass: 0:06.000" in out


def tamper(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("change, message", [
    (lambda d: d["crafts"][2].update(result="Cloud"), "craft 3 (Earth + Dust = Cloud): this world makes Sand, "
                                                      "the save says Cloud"),
    (lambda d: d["crafts"][4].update(result=None, new=False), "craft 5 (Wind + Water = Nothing): this world makes Rain"),
    (lambda d: d["crafts"][3].update(a="Lava"), "craft 4 (Lava + Fire = Glass): 'Lava' has not been discovered yet"),
    (lambda d: d["crafts"][4].update(t_ms=10), "craft 5 (Wind + Water = Rain): time goes backwards"),
    (lambda d: d["crafts"][4].update(new=False), "craft 5 (Wind + Water = Rain): marked not new"),
    (lambda d: d["world"].update(fingerprint="0" * 64), "made in another world"),
    (lambda d: d["crafts"][0].update(a="Unobtainium"), "craft 1 (Unobtainium + Fire = Steam): 'Unobtainium'"),
    (lambda d: d["speedrun"].update(finished_ms=100), "speedrun.finished_ms is 100"),
])
def test_verify_names_the_first_bad_step(capsys, honest, default_copy, change, message):
    tamper(honest, change)
    code, out, err = run(capsys, "save", "verify", str(honest), "--vocab", str(default_copy))
    assert code == 1 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02 random bytes \xff", b'{"format_version": 2, "kind": "embedcraft-save"',
                                     random.Random(1234).randbytes(2000)])
def test_verify_truncated_and_random_files_in_one_line(tmp_path, honest, content):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    out = cli("save", "verify", str(bad))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and out.stderr.startswith("embedcraft: error: ")
    half = tmp_path / "half.json"
    half.write_bytes(honest.read_bytes()[: len(honest.read_bytes()) // 2])
    out = cli("save", "verify", str(half))
    assert out.returncode == 1 and "not JSON" in out.stderr and "Traceback" not in out.stderr


def test_show_export_and_route_round_trip(capsys, tmp_path, honest, default_copy):
    code, out, _ = run(capsys, "save", "show", str(honest))
    assert code == 0 and "speedrun:    speedrun to Glass: 0:06.000" in out and "0:04.500  Sand" in out
    route = tmp_path / "exported.txt"
    code, _, err = run(capsys, "save", "export", str(honest), "--route", "--out", str(route))
    assert code == 0 and "wrote 5 crafts" in err
    assert "Earth + Dust = Sand" in route.read_text(encoding="utf-8")
    again = tmp_path / "again.json"
    code, _, _ = run(capsys, "route", "run", str(route), "--vocab", str(default_copy), "--save", str(again))
    assert code == 0
    before = json.loads(honest.read_text(encoding="utf-8"))["crafts"]
    after = json.loads(again.read_text(encoding="utf-8"))["crafts"]
    assert [{k: c[k] for k in "a b result new".split()} for c in before] == \
           [{k: c[k] for k in "a b result new".split()} for c in after]


def test_share_code_round_trip_is_identical(capsys, tmp_path, honest, default_copy):
    from game.engine.runs.save_reader import read_save
    from game.engine.runs.savefile import write_save

    canonical = tmp_path / "canonical.json"
    write_save(canonical, read_save(honest))
    code, out, _ = run(capsys, "save", "code", str(canonical))
    share = out.strip()
    assert code == 0 and share.startswith("EC1-") and len(share.splitlines()) == 1
    assert len(share) < len(canonical.read_bytes())
    back = tmp_path / "back.json"
    code, out, _ = run(capsys, "save", "import", share, "--save", str(back))
    assert code == 0 and "speedrun to Glass" in out
    assert back.read_bytes() == canonical.read_bytes()
    code, _, err = run(capsys, "save", "import", share, "--save", str(back))
    assert code == 1 and "already exists" in err and "--force" in err
    for damaged in (share[:-5], share[:20] + ("A" if share[20] != "A" else "B") + share[21:], "hello", "EC1-!!!"):
        code, _, err = run(capsys, "save", "import", damaged, "--save", str(tmp_path / "x.json"))
        assert code == 1 and ("damaged" in err or "not an Embedcraft share code" in err or "cut off" in err), err
    assert not (tmp_path / "x.json").exists()


def test_route_run_failures_name_the_line(capsys, tmp_path, default_copy):
    route = write(tmp_path / "r.txt", "Water + Fire = Steam\n\n# next\nSteam + Glass\n")
    code, _, err = run(capsys, "route", "run", str(route), "--vocab", str(default_copy), "--save", str(tmp_path / "o.json"))
    assert code == 1 and f"{route}:4: 'Glass' has not been made yet" in err
    assert not (tmp_path / "o.json").exists()
    route.write_text("Water + Fire = Mud\n", encoding="utf-8")
    code, _, err = run(capsys, "route", "run", str(route), "--vocab", str(default_copy), "--save", str(tmp_path / "o.json"))
    assert code == 1 and f"{route}:1: Water + Fire makes Steam, not Mud" in err


def test_route_find_prints_a_route_that_runs(capsys, tmp_path, default_copy, default_table):
    code, out, err = run(capsys, "route", "find", "glass", "--vocab", str(default_copy))
    assert code == 0 and "3 crafts" in out and "No route is shorter" in out, err
    route = write(tmp_path / "found.txt", out)
    code, out, _ = run(capsys, "route", "run", str(route), "--vocab", str(default_copy), "--save", str(tmp_path / "f.json"))
    assert code == 0 and "3 crafts, 3 discoveries" in out
    code, out, err = run(capsys, "route", "find", "palm", "tree", "--vocab", str(default_copy), "--time-limit", "0.5")
    assert code == 0 and out.strip().endswith("= Palm Tree") and "may not be the shortest" in err
    code, _, err = run(capsys, "route", "find", "glas", "--vocab", str(default_copy))
    assert code == 1 and "did you mean Glass?" in err


def test_version_1_saves_verify_with_the_worlds_starting_elements(capsys, tmp_path, honest, default_copy):
    data = json.loads(honest.read_text(encoding="utf-8"))
    data["format_version"] = 1
    del data["starting"], data["speedrun"]
    old = write(tmp_path / "old.json", json.dumps(data))
    code, out, err = run(capsys, "save", "verify", str(old), "--vocab", str(default_copy))
    assert code == 0 and "5 crafts" in out, err
    code, _, err = run(capsys, "save", "code", str(old))
    assert code == 1 and "version 1 save" in err


def test_export_never_replaces_a_file_without_force(capsys, tmp_path, honest):
    before = honest.read_bytes()
    code, _, err = run(capsys, "save", "export", str(honest), "--route", "--out", str(honest))
    assert code == 1 and "already exists" in err and honest.read_bytes() == before
    code, _, _ = run(capsys, "save", "export", str(honest), "--route", "--out", str(honest), "--force")
    assert code == 0 and (tmp_path / "run.json.bak").read_bytes() == before


def test_route_run_names_the_first_bad_line_in_order(capsys, tmp_path, default_copy):
    route = write(tmp_path / "r.txt", "Glass + Water\nXyzzy + Fire\n")
    code, _, err = run(capsys, "route", "run", str(route), "--vocab", str(default_copy), "--save", str(tmp_path / "o.json"))
    assert code == 1 and f"{route}:1: 'Glass' has not been made yet" in err


def test_a_damaged_craft_table_cache_is_rebuilt(tiny_path, tmp_path):
    from conftest import FakeEmbedder
    from game.engine import open_world
    from game.engine.designer.crafts import craft_table

    world, _ = open_world(tiny_path, embedder=FakeEmbedder())
    good = craft_table(world, tmp_path)
    cache = tmp_path / "crafts.npz"
    cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 2])
    again = craft_table(world, tmp_path)
    assert len(good[0]) > 10 and (again[0] == good[0]).all() and (again[1] == good[1]).all()


def test_a_forged_craft_table_with_the_right_fingerprint_is_not_trusted(tiny_path, tmp_path):
    """A table that names the world's fingerprint but was not written with its manifest (or
    whose bytes differ from the manifest's digest) is crafted again, and the designer is told."""
    import io

    import numpy as np

    from conftest import FakeEmbedder
    from game.engine import open_world
    from game.engine.designer.crafts import craft_table

    world, _ = open_world(tiny_path, embedder=FakeEmbedder())
    good = craft_table(world, tmp_path)
    forged_results = np.zeros_like(good[1])  # every pair makes element 0
    buffer = io.BytesIO()
    np.savez(buffer, pairs=good[0], results=forged_results, fingerprint=np.array(world.fingerprint))
    (tmp_path / "crafts.npz").write_bytes(buffer.getvalue())
    said: list[str] = []
    again = craft_table(world, tmp_path, notify=said.append)
    assert (again[1] == good[1]).all() and "do not match the digest in crafts.json" in said[0]
    (tmp_path / "crafts.json").unlink()
    (tmp_path / "crafts.npz").write_bytes(buffer.getvalue())
    said.clear()
    again = craft_table(world, tmp_path, notify=said.append)
    assert (again[1] == good[1]).all() and "has no crafts.json" in said[0]
    said.clear()
    craft_table(world, tmp_path, notify=said.append)
    assert not said  # rebuilt and recorded: trusted again


def test_a_damaged_penalty_is_computed_again_never_trusted(tiny_path, tmp_path):
    """8 damaged bytes in penalty.npy used to change answers under the same fingerprint."""
    from conftest import FakeEmbedder, write
    from game.engine import open_world

    path = write(tmp_path / "tiny.yaml", tiny_path.read_text(encoding="utf-8") + "settings:\n  hubness: 0.5\n")
    world, _ = open_world(path, embedder=FakeEmbedder())
    pairs = [(a.name, b.name) for a in world.elements for b in world.elements]
    before = [c.result for c in world.combine_many(pairs, 0)]
    stored = tmp_path / "tiny.cache" / "penalty.npy"
    data = bytearray(stored.read_bytes())
    data[-8:] = b"\x00\x00\x00\x00\x00\x88\xc3\x40"  # the last word's penalty becomes -9999
    stored.write_bytes(bytes(data))
    said: list[str] = []
    again, _ = open_world(path, embedder=FakeEmbedder(), notify=said.append)
    assert any("penalty.npy cannot be used: its bytes do not match the digest in penalty.json" in m for m in said), said
    assert [c.result for c in again.combine_many(pairs, 0)] == before and again.fingerprint == world.fingerprint
