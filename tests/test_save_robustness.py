"""Saves survive a writer killed at any moment, and no input makes the loader crash."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import REPO
from game.engine.runs.discovery import Craft
from game.engine.runs.savefile import SaveError, SaveFile, Speedrun, TileState, WorldStamp, save_bytes
from game.engine.runs.save_reader import parse_save, read_save

START = ("Water", "Fire", "Wind", "Earth")
STAMP = WorldStamp("Tiny", "ab" * 32)

WRITER = textwrap.dedent("""
    import os, stat, sys, time
    from game.engine.runs.discovery import Craft
    from game.engine.runs.savefile import SaveFile, TileState, WorldStamp, write_save

    path, round_, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    real_fsync = os.fsync

    def paused_fsync(fd):  # says what it synced, then waits for the test to let it go on (or kill it)
        real_fsync(fd)
        print("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file", flush=True)
        sys.stdin.readline()

    def slow_fsync(fd):  # a slow disk: many kills at a random moment land while a temporary file is open
        real_fsync(fd)
        time.sleep(0.012)

    os.fsync = paused_fsync if mode == "pause" else slow_fsync
    crafts = [Craft("Water", "Fire", f"Thing {k}", True, k) for k in range(6000)]
    print("ready", flush=True)
    i = 0
    while True:
        n = 1000 + (round_ * 7919 + i * 104729) % 5000  # every save a different size
        tiles = tuple(TileState("Water", k, -k) for k in range(n // 10))
        write_save(path, SaveFile(WorldStamp("Tiny", "ab" * 32), ("Water", "Fire", "Wind", "Earth"),
                                  tuple(crafts[:n]), tiles, play_ms=n))
        i += 1
""")


def test_killing_the_writer_at_any_moment_leaves_a_valid_save(tmp_path):
    """Even rounds kill the writer just after it synced a temporary file (so surely in the middle
    of a save: the temporary is written but not yet in place); odd rounds at a random moment."""
    path = tmp_path / "run.json"
    rng = random.Random(1234)
    rounds, mid_save = 20, 0
    for round_ in range(rounds):
        paused = round_ % 2 == 0
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(round_), "pause" if paused else "free"],
                                  cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert writer.stdout.readline().strip() == "ready"
            if paused:
                # Let it sync a few files, then kill it while it waits after the chosen one. The
                # second file synced is at the earliest the first save's backup: a save exists.
                last = rng.randint(2, 12)
                files = 0
                while True:
                    synced = writer.stdout.readline().strip()
                    assert synced in ("file", "dir"), synced
                    files += synced == "file"
                    if files == last:
                        break
                    writer.stdin.write("\n")
                    writer.stdin.flush()
                os.kill(writer.pid, signal.SIGKILL)
            else:
                # Let it write a few saves (each takes a few ms), then kill it wherever it is.
                with pytest.raises(subprocess.TimeoutExpired):  # it never stops by itself
                    writer.wait(timeout=rng.uniform(0.02, 0.25))
                os.kill(writer.pid, signal.SIGKILL)
            assert writer.wait(timeout=30) == -signal.SIGKILL  # killed, not crashed
        finally:
            if writer.poll() is None:
                writer.kill()
            writer.stdout.close()
            writer.stdin.close()
        if not path.exists():  # killed before its first save finished: nothing to check yet
            assert not paused
            continue
        save = read_save(path)  # raises if the kill left half a file
        assert save.play_ms == len(save.crafts) and len(save.canvas) == len(save.crafts) // 10
        backup = tmp_path / "run.json.bak"
        if backup.exists():
            assert len(read_save(backup).crafts) >= 1000
        leftovers = {p.name for p in tmp_path.iterdir()} - {"run.json", "run.json.bak"}
        assert all(name.startswith(".run.json") and name.endswith(".tmp") for name in leftovers), leftovers
        assert leftovers or not paused, "a kill after a temporary was synced leaves it behind"
        if leftovers:
            mid_save += 1
            for name in leftovers:  # (a later save removes these once they are stale)
                os.unlink(tmp_path / name)
    assert mid_save >= rounds // 2  # every paused round killed the writer in the middle of a save


def valid_save() -> dict:
    crafts = (Craft("Water", "Fire", "Steam", True, 1200), Craft("Steam", "Earth", None, False, 3400),
              Craft("Water", "Earth", "Mud", True, 3500))
    save = SaveFile(STAMP, START, crafts, (TileState("Steam", 10.5, -20.0),), (5.0, -7.5), 4000,
                    speedrun=Speedrun("Mud"))
    return save.to_json()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


def paths_in(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths_in(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths_in(item, prefix + (index,))


@st.composite
def mutated_saves(draw):
    """A valid save with a few parts replaced by random JSON or removed."""
    data = valid_save()
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(list(paths_in(data))[1:]))
        parent = data
        for key in where[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[where[-1]]
        else:
            parent[where[-1]] = draw(json_values)
    return data


def load_or_refuse(raw: bytes) -> None:
    """The property: a SaveFile that writes back to itself, or a SaveError; nothing else."""
    try:
        save = parse_save(raw, "fuzz.json")
    except SaveError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.json: ")
        return
    assert parse_save(save_bytes(save), "again.json") == save


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(raw):
    load_or_refuse(raw)


@FUZZ
@given(json_values)
def test_random_json(value):
    load_or_refuse(json.dumps(value).encode("utf-8"))


@FUZZ
@given(mutated_saves())
def test_mutated_saves(data):
    load_or_refuse(json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.integers(0, 2000), st.binary(min_size=1, max_size=8))
def test_truncated_and_spliced_saves(cut, junk):
    raw = json.dumps(valid_save()).encode("utf-8")
    load_or_refuse(raw[:cut])
    load_or_refuse(raw[:cut] + junk + raw[cut:])


def test_the_fuzz_base_is_itself_valid():
    assert parse_save(json.dumps(valid_save()).encode(), "base.json").finished_ms == 3500


@pytest.mark.parametrize("text", ['{"kind": "embedcraft-save", "format_version": 2, "play_ms": 1e999}',
                                  "[" * 100_000 + "]" * 100_000])
def test_pathological_json(text):
    load_or_refuse(text.encode())


@FUZZ
@example(text="", cut=0)  # the whole code
@given(st.text(max_size=200), st.integers(0, 500))  # the code is about 440 characters
def test_share_codes_decode_or_refuse(text, cut):
    from game.engine.runs.sharecode import PREFIX, decode_save, encode_save

    original = parse_save(json.dumps(valid_save()).encode(), "x")
    full = encode_save(original)
    shortened = full[:max(len(PREFIX), len(full) - cut)]  # ``cut`` characters off the end
    for code in (text, PREFIX + text, shortened):
        try:
            decoded = decode_save(code)
        except SaveError as exc:
            assert "\n" not in str(exc)
            assert code != full, "the whole code must turn back into its save"
        else:  # only the whole code decodes (anything else would have to match its check), to the same save
            assert code == full and decoded == original, code
    assert decode_save(" \n".join(full[k:k + 40] for k in range(0, len(full), 40))) == original  # wrapped by a mailer


@FUZZ
@given(st.text(max_size=300))
def test_routes_parse_or_name_the_line(text):
    from game.engine.runs.routes import RouteError, parse_route

    try:
        steps = parse_route(text, "r.txt")
    except RouteError as exc:
        assert str(exc).startswith("r.txt:") and exc.line >= 1
        return
    assert all(s.a and s.b and "+" not in s.a + s.b for s in steps)
