"""Nothing lost: the craft journal (every drop on disk at once) and one window per save (the lock)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from conftest import REPO, HeldExecutor, InlineExecutor, measure_tile
from game.client.geometry import Point
from game.client.session import open_session
from game.engine import open_world
from game.engine.runs.journal import Drop, Journal, JournalError, JournalHead, journal_path, read_journal
from game.engine.runs.lock import SaveLock, SaveLocked, lock_path
from game.engine.runs.save_reader import read_save


@pytest.fixture
def world(tiny_path, fake):
    w, _ = open_world(tiny_path, embedder=fake)
    return w


def drop_pair(session, a, b):
    ta = session.place(a, Point(100, 100))
    tb = session.place(b, Point(110, 104))
    session.drop(tb)
    return ta, tb


def killed(session) -> None:
    """What a ``kill -9`` leaves: no save, no close; the kernel drops the lock."""
    session.lock._fd and os.close(session.lock._fd)
    session.lock._fd, session.lock._released = None, True


# ---------------------------------------------------------------- the journal file
def test_a_journal_round_trips_and_ignores_a_torn_last_line(tmp_path):
    path = tmp_path / "run.json.journal"
    journal = Journal(path, JournalHead("ab" * 32, "2026-01-01T00:00:00Z", 3))
    journal.add(Drop("Water", "Fire", 10))
    journal.add(Drop("Mud", "Earth", 20))
    with open(path, "ab") as handle:
        handle.write(b'{"a": "Water", "b": "Ea')  # a kill in the middle of a write
    head, drops = read_journal(path)
    assert head == JournalHead("ab" * 32, "2026-01-01T00:00:00Z", 3)
    assert drops == [Drop("Water", "Fire", 10), Drop("Mud", "Earth", 20)]
    journal.close()


def test_restarting_keeps_the_drops_a_save_does_not_hold(tmp_path):
    path = tmp_path / "run.json.journal"
    journal = Journal(path, JournalHead("ab" * 32, "c", 0))
    for k in range(4):
        journal.add(Drop("Water", "Fire", k))
    mark = journal.count - 1  # one drop still waiting for its answer when the save was taken
    journal.add(Drop("Wind", "Earth", 9))  # made while the save was being written
    journal.restart(3, mark)
    head, drops = read_journal(path)
    assert head.base == 3 and [d.t_ms for d in drops] == [3, 9]
    journal.restart(5, journal.count)  # positions count from the start of the game
    assert read_journal(path)[1] == [] and read_journal(path)[0].base == 5
    journal.close()


@pytest.mark.parametrize("text, problem", [
    (b"", "no header line"),
    (b'{"journal": 2, "world": "x", "created": "c", "base": 0}\n', "not a journal header"),
    (b'{"journal": 1, "world": "x", "created": "c", "base": 0}\nnot json\n{"a": "W", "b": "F", "t_ms": 1}\n',
     ":2: line is not JSON"),
    (b'{"journal": 1, "world": "x", "created": "c", "base": 0}\n{"a": "W", "b": "F", "t_ms": -1}\n', ":2: not a drop"),
    (b'{"journal": 1, "world": "x", "created": "c", "base": 0}\n{"a": "W", "b": ["F"], "t_ms": 1}\n', ":2: not a drop"),
])
def test_a_damaged_journal_is_refused_with_its_line(tmp_path, text, problem):
    path = tmp_path / "run.json.journal"
    path.write_bytes(text)
    with pytest.raises(JournalError, match=problem):
        read_journal(path)


def test_a_journal_that_is_not_a_regular_file_is_refused(tmp_path):
    (tmp_path / "run.json.journal").mkdir()
    with pytest.raises(JournalError, match="not a regular file"):
        read_journal(tmp_path / "run.json.journal")


# ---------------------------------------------------------------- a game that is killed
def test_a_drop_survives_a_kill_before_its_answer_and_before_any_save(world, tmp_path):
    save = tmp_path / "run.json"
    held = HeldExecutor()
    session = open_session(world, save, held, measure_tile)
    held.release()  # the opening save
    drop_pair(session, "Water", "Earth")  # the answer never arrives: killed right after the drop
    killed(session)
    again = open_session(world, save, InlineExecutor(), measure_tile)
    made = world.combine("Water", "Earth", 0).result
    assert [c.result for c in again.log.crafts] == [made]
    assert again.messages == ["1 craft made after the last save was restored from run.json.journal"]
    assert read_save(save).crafts == tuple(again.log.crafts)  # folded into the save at once
    assert read_journal(journal_path(save))[1] == []  # and the journal starts again from it
    again.close()


def test_crafts_that_discover_nothing_survive_a_kill(world, tmp_path):
    save = tmp_path / "run.json"
    session = open_session(world, save, InlineExecutor(), measure_tile)
    for _ in range(3):
        drop_pair(session, "Water", "Fire")
        session.poll()
    assert len(read_save(save).crafts) < 3 == len(session.log.crafts)  # repeats are not saved in full at once
    killed(session)
    again = open_session(world, save, InlineExecutor(), measure_tile)
    assert [(c.a, c.b) for c in again.log.crafts] == [(c.a, c.b) for c in session.log.crafts]
    assert [c.t_ms for c in again.log.crafts] == [c.t_ms for c in session.log.crafts]
    again.close()


def test_a_kill_between_the_save_and_the_journal_restart_counts_nothing_twice(world, tmp_path, monkeypatch):
    save = tmp_path / "run.json"
    session = open_session(world, save, InlineExecutor(), measure_tile)
    drop_pair(session, "Water", "Fire")
    session.poll()
    drop_pair(session, "Water", "Fire")
    session.poll()
    monkeypatch.setattr(Journal, "restart", lambda self, base, kept_from: None)  # killed before it ran
    session.save_now()
    killed(session)
    monkeypatch.undo()
    again = open_session(world, save, InlineExecutor(), measure_tile)
    assert len(again.log.crafts) == 2 and not again.messages
    again.close()


def test_a_journal_of_another_run_is_kept_aside_not_replayed(world, tmp_path):
    save = tmp_path / "run.json"
    session = open_session(world, save, InlineExecutor(), measure_tile)
    session.journal.add(Drop("Water", "Earth", 5))
    killed(session)
    data = json.loads(save.read_text(encoding="utf-8"))
    data["created"] = "2020-01-01T00:00:00Z"  # the save was replaced by another run meanwhile
    save.write_text(json.dumps(data), encoding="utf-8")
    again = open_session(world, save, InlineExecutor(), measure_tile)
    assert len(again.log.crafts) == 0
    (message,) = again.messages
    assert "belongs to another run" in message and "kept as run.json.unused-" in message
    assert any(p.name.startswith("run.json.unused-") for p in tmp_path.iterdir())
    again.close()


def test_a_journal_that_cannot_be_written_falls_back_to_saving_every_craft(world, tmp_path, monkeypatch):
    save = tmp_path / "run.json"
    session = open_session(world, save, InlineExecutor(), measure_tile)
    from game.engine.errors import StorageError

    def full(self, drop):
        raise StorageError("could not write run.json.journal: No space left on device")

    monkeypatch.setattr(Journal, "add", full)
    drop_pair(session, "Water", "Fire")
    session.poll()
    drop_pair(session, "Water", "Fire")
    session.poll()
    assert session.journal is None and any("No space left" in m for m in session.messages)
    assert len(read_save(save).crafts) == 2  # the known craft was saved in full
    session.close()


KILLER = textwrap.dedent("""
    import sys, time
    from concurrent.futures import ThreadPoolExecutor
    sys.path.insert(0, {tests!r})
    from conftest import FakeEmbedder, measure_tile
    from game.client.geometry import Point
    from game.client.session import open_session
    from game.engine import open_world
    world, _ = open_world({vocab!r}, embedder=FakeEmbedder())
    names = [e.name for e in world.starting]
    session = open_session(world, __import__("pathlib").Path({save!r}), ThreadPoolExecutor(1), measure_tile)
    k = 0
    while True:
        a = session.place(names[k % 4], Point(0, 0))
        b = session.place(names[(k // 4) % 4], Point(5, 5))
        session.drop(b)
        k += 1
        print(k, flush=True)  # this drop has been made
        session.poll()
        time.sleep(0.002)
""")


def test_no_craft_is_lost_over_50_kills_of_a_running_game(tmp_path, tiny_path):
    """A real process with the game's worker thread, killed with SIGKILL right after a drop,
    50 times on one save: every drop it reported is in the save when it is opened again."""
    from conftest import FakeEmbedder

    world, _ = open_world(tiny_path, embedder=FakeEmbedder())
    save = tmp_path / "run.json"
    script = KILLER.format(tests=str(REPO / "tests"), vocab=str(tiny_path), save=str(save))
    expected = 0
    for kill in range(50):
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True)
        wanted = 1 + kill % 7  # kill after a few drops, at a different point each time
        reported = 0
        for line in proc.stdout:
            reported = int(line)
            if reported >= wanted:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        expected += reported
        session = open_session(world, save, InlineExecutor(), measure_tile)
        assert len(session.log.crafts) >= expected, f"kill {kill + 1}: crafts lost"
        expected = len(session.log.crafts)  # a drop made after the last report counts too
        session.close()
    assert expected >= 50 + sum(1 + k % 7 for k in range(50)) - 50


# ---------------------------------------------------------------- one window per save
def test_a_second_window_on_an_open_save_is_refused_and_loses_nothing(world, tmp_path):
    save = tmp_path / "run.json"
    first = open_session(world, save, InlineExecutor(), measure_tile)
    drop_pair(first, "Water", "Fire")
    first.poll()
    with pytest.raises(SaveLocked, match=rf"run.json is open in an Embedcraft window \(process {os.getpid()}, since"):
        open_session(world, save, InlineExecutor(), measure_tile)
    first.save_now()
    first.close()
    second = open_session(world, save, InlineExecutor(), measure_tile)
    assert len(second.log.crafts) == 1
    second.close()


HOLDER = "import sys, time; from game.engine.runs.lock import SaveLock; " \
         "SaveLock.acquire(sys.argv[1], 'a test holder'); print('held', flush=True); time.sleep(60)"


def test_commands_refuse_a_save_another_process_holds_and_a_dead_holder_blocks_nothing(tmp_path, default_world):
    from game.engine.runs.sharecode import encode_save
    from game.engine.runs.savefile import SaveFile, world_stamp

    save = tmp_path / "run.json"
    code = encode_save(SaveFile(world_stamp(default_world), tuple(e.name for e in default_world.starting)))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(save)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    for args in (["save", "import", code, "--save", str(save)], ["play", "--save", str(save), "--quit-after-frames", "2"]):
        out = subprocess.run([sys.executable, "-m", "game", *args], cwd=REPO, capture_output=True, text=True,
                             timeout=120, env=env)
        assert out.returncode == 1 and f"is open in a test holder (process {holder.pid}" in out.stderr, out.stderr
        assert "Traceback" not in out.stderr and not save.exists()
    holder.send_signal(signal.SIGKILL)  # it crashes: the kernel lets the lock go
    holder.wait(timeout=30)
    holder.stdout.close()
    with SaveLock.acquire(save) as lock:
        assert lock.held and json.loads(lock_path(save).read_text())["pid"] == os.getpid()
    out = subprocess.run([sys.executable, "-m", "game", "save", "import", code, "--save", str(save)], cwd=REPO,
                         capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0 and save.is_file(), out.stderr


# ---------------------------------------------------------------- closed standard streams
@pytest.mark.parametrize("args, status", [
    (["try", "water", "fire"], 0),
    (["try", "--batch", "-"], 0),
    (["save", "import", "-", "--save", "{tmp}/x.json"], 1),
    (["play", "--save", "{tmp}/p.json", "--quit-after-frames", "2"], 0),
])
def test_a_command_started_with_stdin_closed_ends_cleanly(tmp_path, args, status):
    """``embedcraft try water fire <&-`` used to abort in free(): a file the game opened took
    descriptor 0 and was later closed as stdin."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "EMBEDCRAFT_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "game", *args], cwd=REPO, capture_output=True, text=True,
                         timeout=120, env=env, stdin=subprocess.DEVNULL, pass_fds=(),
                         preexec_fn=lambda: os.close(0))
    assert out.returncode == status, out.stderr
    assert "Traceback" not in out.stderr and "free()" not in out.stderr
    if args == ["try", "water", "fire"]:
        assert "Steam" in out.stdout
