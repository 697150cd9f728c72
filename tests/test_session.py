"""A game in progress: placing, combining, feedback, saving and resuming, broken saves."""

import json

import pytest

from conftest import HeldExecutor, InlineExecutor, measure_tile
from game.client.geometry import Point
from game.client.session import open_session
from game.engine import open_world
from game.engine.runs.save_reader import read_save


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def world(tiny_path, fake):
    # The recipe makes Water + Fire = Steam whatever the fake vectors say.
    tiny_path.write_text(tiny_path.read_text(encoding="utf-8") + "recipes:\n  - [Water, Fire, Steam]\n",
                         encoding="utf-8")
    w, _ = open_world(tiny_path, embedder=fake)
    return w


@pytest.fixture
def save_path(tmp_path):
    return tmp_path / "saves" / "tiny.json"


def start(world, save_path, executor=None, clock=None):
    return open_session(world, save_path, executor or InlineExecutor(), measure_tile, clock=clock or Clock())


def combine_on_board(session, a, b, at=Point(100, 100)):
    session.place(a, at)
    tb = session.place(b, Point(at.x + 10, at.y + 4))
    session.drop(tb)
    return session.poll()


def test_fresh_game_starts_with_the_starting_elements_and_a_save(world, save_path):
    session = start(world, save_path)
    assert session.log.found == ("Water", "Fire", "Wind", "Earth")
    assert session.sidebar.found == 4 and session.sidebar.total == len(world.elements)
    assert read_save(save_path).crafts == ()
    assert not session.messages


def test_combining_two_tiles_makes_the_engines_answer(world, save_path):
    clock = Clock()
    session = start(world, save_path, clock=clock)
    clock.t += 2.5
    (outcome,) = combine_on_board(session, "Water", "Fire")
    assert outcome.combination.result == "Steam"
    assert outcome.kind == "new"
    assert [t.name for t in session.board] == ["Steam"]
    tile = outcome.tile
    assert (tile.x, tile.y) == (105, 102) and tile.fresh  # where the two met
    assert session.sidebar.found == 5
    saved = read_save(save_path)  # saved right after the discovery
    assert saved.crafts[-1].result == "Steam" and saved.crafts[-1].new
    assert saved.crafts[-1].t_ms == 2500


def test_a_known_result_is_not_new(world, save_path):
    session = start(world, save_path)
    combine_on_board(session, "Water", "Fire")
    (again,) = combine_on_board(session, "Fire", "Water", at=Point(600, 600))
    assert again.kind == "known" and again.tile.name == "Steam" and not again.tile.fresh
    assert len(session.log.crafts) == 2


def test_nothing_bounces_apart(world, save_path, fake):
    # A threshold above any cosine score: every pair makes Nothing.
    text = world.vocab.path.read_text(encoding="utf-8") + "settings:\n  nothing_threshold: 0.999\n"
    world.vocab.path.write_text(text, encoding="utf-8")
    strict, _ = open_world(world.vocab.path, embedder=fake)
    clock = Clock()
    session = start(strict, save_path, clock=clock)
    (outcome,) = combine_on_board(session, "Wind", "Earth")
    assert outcome.kind == "nothing" and outcome.tile is None
    a, b = session.board.tiles
    gap = abs(b.x - a.x)
    clock.t += 1
    session.board.update(clock.t)
    assert abs(b.x - a.x) > gap
    assert session.log.crafts[-1].result is None


def test_tiles_stay_busy_until_the_answer_arrives(world, save_path):
    held = HeldExecutor()
    session = start(world, save_path, executor=held)
    held.release()  # the opening save
    a = session.place("Water", Point(0, 0))
    b = session.place("Earth", Point(5, 5))
    session.drop(b)
    assert a.busy and b.busy and session.poll() == []
    assert session.board.drop_target(session.place("Fire", Point(0, 0))) is None  # busy tiles are no target
    session.delete(a)
    assert a in session.board.tiles  # busy tiles cannot be deleted
    assert session.clear() == 1 and len(session.board) == 2  # clear keeps what is busy
    held.release()
    (outcome,) = session.poll()
    assert not a.busy and not b.busy
    expected = world.combine("Water", "Earth", 0)
    assert {outcome.combination.a, outcome.combination.b} == {"Water", "Earth"}
    assert outcome.combination.result == expected.result
    assert session.log.crafts[-1].result == expected.result


def test_result_of_cleared_tiles_is_still_discovered(world, save_path):
    held = HeldExecutor()
    session = start(world, save_path, executor=held)
    session.place("Water", Point(0, 0))
    b = session.place("Fire", Point(5, 5))
    session.drop(b)
    session.board.clear()  # e.g. the tiles vanished meanwhile
    held.release()
    (outcome,) = session.poll()
    assert outcome.tile is None
    assert outcome.combination.result == "Steam" and "Steam" in session.log


def test_resume_restores_log_canvas_camera_and_time(world, save_path):
    clock = Clock()
    session = start(world, save_path, clock=clock)
    combine_on_board(session, "Water", "Fire")
    session.place("Earth", Point(300, -40))
    session.pan(25, -10)
    clock.t += 7
    session.save_now()
    session.close()
    again = start(world, save_path, clock=Clock())
    assert again.log.found == session.log.found
    assert [(t.name, t.x, t.y) for t in again.board] == [(t.name, t.x, t.y) for t in session.board]
    assert again.camera == session.camera == Point(-25, 10)
    assert again.play_ms == session.play_ms
    assert not again.messages


def test_broken_save_is_kept_and_a_fresh_game_starts(world, save_path):
    save_path.parent.mkdir(parents=True)
    save_path.write_text('{"format_version": 1, "kind": "embedcraft-save", "world": ', encoding="utf-8")
    session = start(world, save_path)
    assert session.log.found == ("Water", "Fire", "Wind", "Earth")
    (message,) = session.messages
    assert "could not be loaded" in message and "not JSON" in message
    kept = [p for p in save_path.parent.iterdir() if ".broken-" in p.name]
    assert len(kept) == 1 and kept[0].name in message
    assert kept[0].read_text(encoding="utf-8").endswith('"world": ')  # untouched
    assert read_save(save_path).crafts == ()


def test_save_with_an_undiscovered_input_is_broken(world, save_path):
    session = start(world, save_path)
    data = session.snapshot().to_json()
    data["crafts"] = [{"a": "Steam", "b": "Fire", "result": "Lava", "new": True, "t_ms": 5}]
    save_path.write_text(json.dumps(data), encoding="utf-8")
    session.close()
    again = start(world, save_path)
    assert "'Steam' has not been discovered" in again.messages[0]


def test_save_from_another_world_version_keeps_what_fits(world, save_path, fake, tmp_path):
    session = start(world, save_path)
    data = session.snapshot().to_json()
    data["world"]["fingerprint"] = "0" * 64
    data["play_ms"] = 10
    data["crafts"] = [
        {"a": "Water", "b": "Fire", "result": "Steam", "new": True, "t_ms": 5},
        {"a": "Water", "b": "Earth", "result": "Marsh", "new": True, "t_ms": 6},  # not in this world
        {"a": "Marsh", "b": "Fire", "result": "Peat", "new": True, "t_ms": 7},  # built on what is gone
    ]
    data["canvas"]["tiles"] = [{"name": "Steam", "x": 1, "y": 2}, {"name": "Marsh", "x": 3, "y": 4}]
    save_path.write_text(json.dumps(data), encoding="utf-8")
    session.close()
    again = start(world, save_path)
    assert again.log.found[-1] == "Steam" and len(again.log) == 5
    assert [t.name for t in again.board] == ["Steam"]
    (message,) = again.messages
    assert "1 discoveries carried over" in message and "2 no longer exist" in message
    kept = [p for p in save_path.parent.iterdir() if ".older-world-" in p.name]
    assert len(kept) == 1 and json.loads(kept[0].read_text())["world"]["fingerprint"] == "0" * 64
    assert read_save(save_path).world.fingerprint == again.stamp.fingerprint


def test_failed_autosave_is_reported_and_retried(world, save_path, monkeypatch):
    import game.client.session as session_module
    from game.engine.errors import StorageError

    clock = Clock()
    session = start(world, save_path, clock=clock)

    def full(path, save):
        raise StorageError(f"could not write {path}: No space left on device")

    monkeypatch.setattr(session_module, "write_save", full)
    session.place("Water", Point(0, 0))
    clock.t += 60
    session.autosave()
    session.poll()  # messages from the worker thread arrive on the main thread
    assert session.messages and "No space left" in session.messages[0]
    assert session.dirty  # tried again next time


def test_a_broken_save_resumes_from_its_backup(world, save_path):
    session = start(world, save_path)
    combine_on_board(session, "Water", "Fire")  # saved: Steam
    session.pan(5, 5)
    session.save_now()  # the Steam save becomes the backup of this one
    session.close()
    save_path.write_bytes(b"\x00 torn write")
    again = start(world, save_path)
    assert "Steam" in again.log
    (message,) = again.messages
    assert "could not be loaded" in message and "restored from tiny.json.bak" in message
    assert any(".broken-" in p.name for p in save_path.parent.iterdir())
    again.save_now()
    again.save_now()
    assert "Steam" in read_save(save_path).log()


def test_a_broken_save_with_a_broken_backup_keeps_both(world, save_path):
    save_path.parent.mkdir(parents=True)
    save_path.write_text("not json", encoding="utf-8")
    (save_path.parent / "tiny.json.bak").write_text("nor this", encoding="utf-8")
    session = start(world, save_path)
    assert "A fresh game starts" in session.messages[-1]
    session.save_now()
    session.save_now()  # a second save would replace the backup: it must be kept aside first
    kept = sorted(p.read_text(encoding="utf-8") for p in save_path.parent.iterdir() if ".broken" in p.name)
    assert kept == ["nor this", "not json"]


def test_keep_aside_copies_where_links_are_not_supported(world, save_path, monkeypatch):
    import errno
    import os

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    save_path.parent.mkdir(parents=True)
    save_path.write_text("not json", encoding="utf-8")
    session = start(world, save_path)
    assert session.save_path == save_path  # the broken file moved; the save keeps its name
    (kept,) = [p for p in save_path.parent.iterdir() if ".broken-" in p.name]
    assert kept.read_text(encoding="utf-8") == "not json"


def test_quitting_right_after_a_drop_records_the_result(world, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    save = tmp_path / "q.json"
    with ThreadPoolExecutor(1) as worker:
        session = open_session(world, save, worker, measure_tile)
        a = session.place("Water", Point(0, 0))
        b = session.place("Fire", Point(4, 4))
        session.drop(b)  # the answer arrives on the worker thread; nobody polls before quitting
        session.settle()
        session.save_now()
    saved = read_save(save)
    assert [c.result for c in saved.crafts] == ["Steam"]
    assert [t.name for t in saved.canvas] == ["Steam"] and not (a.busy or b.busy)
