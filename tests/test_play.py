"""`embedcraft play` from the command line: first frame without torch, saves, clear errors."""

import json
import os
import subprocess
import sys

from conftest import REPO, TINY, run_python, write


def test_play_draws_a_frame_saves_and_never_imports_torch(_user_data):
    code = (
        "import sys\n"
        "from game.cli import main\n"
        "assert main(['play', '--quit-after-frames', '3']) == 0\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    lines = run_python(code).strip().splitlines()
    assert lines[0].startswith("playing 'Classic elements'; progress is saved in ")
    assert lines[-1] == "False False"
    save = json.loads((_user_data / "default.json").read_text(encoding="utf-8"))
    assert save["world"]["name"] == "Classic elements" and save["crafts"] == []
    settings = json.loads((_user_data / "settings.json").read_text(encoding="utf-8"))
    assert settings["window"] == [1280, 800] and settings["dark"] is False


def test_play_resumes_the_save_it_is_given(tmp_path):
    save = tmp_path / "mine.json"
    code = f"from game.cli import main\nassert main(['play', '--save', {str(save)!r}, '--quit-after-frames', '1']) == 0\n"
    run_python(code)
    data = json.loads(save.read_text(encoding="utf-8"))
    data["canvas"]["tiles"] = [{"name": "Fire", "x": 12.0, "y": 34.0}]
    save.write_text(json.dumps(data), encoding="utf-8")
    run_python(code)
    assert json.loads(save.read_text(encoding="utf-8"))["canvas"]["tiles"] == [{"name": "Fire", "x": 12.0, "y": 34.0}]


def test_play_with_a_broken_world_says_where_and_opens_no_window(tmp_path):
    bad = write(tmp_path / "bad.yaml", TINY.replace("  Mud:", "  Mud: [", 1))
    out = subprocess.run([sys.executable, "-m", "game", "play", "--vocab", str(bad)], cwd=REPO, capture_output=True,
                         text=True, timeout=120, env={**os.environ, "SDL_VIDEODRIVER": "dummy"})
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith(f"embedcraft: error: {bad}:")
    assert "Traceback" not in out.stderr and "playing" not in out.stdout


def test_play_without_a_display_says_so_instead_of_running_invisibly(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    out = subprocess.run([sys.executable, "-m", "game", "play"], cwd=REPO, capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith("embedcraft: error: cannot open a window")
    assert "Traceback" not in out.stderr and "playing" not in out.stdout


def test_default_save_paths_never_collide(tmp_path, _user_data):
    from game.paths import DEFAULT_VOCAB, default_save_path

    assert default_save_path(DEFAULT_VOCAB) == _user_data / "default.json"
    one, two = tmp_path / "a" / "world.yaml", tmp_path / "b" / "world.yaml"
    assert default_save_path(one) != default_save_path(two)
    assert default_save_path(one).parent == _user_data and default_save_path(one).name.startswith("world-")


def test_play_speedrun_opens_a_run_in_its_own_file(_user_data):
    code = "from game.cli import main\nassert main(['play', '--speedrun', 'lava', '--quit-after-frames', '2']) == 0\n"
    first = run_python(code).strip().splitlines()[0]
    assert first.startswith("playing a speedrun to Lava in 'Classic elements'; progress is saved in ")
    (run,) = (_user_data / "speedruns").glob("*.json")
    assert run.name.startswith("default-lava-")
    journal = run.with_name(run.name + ".journal")  # beside it: its craft journal, header only
    assert sorted(p.name for p in run.parent.iterdir()) == sorted([run.name, journal.name, run.name + ".lock"])
    assert json.loads(journal.read_text(encoding="utf-8"))["base"] == 0
    data = json.loads(run.read_text(encoding="utf-8"))
    assert data["speedrun"] == {"target": "Lava", "pauses": 0, "finished_ms": None, "splits": []}
    assert data["play_ms"] == 0  # no drag yet: the timer has not started
    assert not (_user_data / "default.json").exists()  # the normal game is not touched


def test_play_speedrun_with_a_bad_target_opens_no_window():
    out = subprocess.run([sys.executable, "-m", "game", "play", "--speedrun", "Lavva"], cwd=REPO, capture_output=True,
                         text=True, timeout=120, env={**os.environ, "SDL_VIDEODRIVER": "dummy"})
    assert out.returncode == 1 and "unknown element 'Lavva' (did you mean Lava" in out.stderr
    assert "Traceback" not in out.stderr and "playing" not in out.stdout


def test_play_save_of_a_speedrun_resumes_it_and_keeps_the_normal_game_apart(_user_data, tmp_path):
    run = tmp_path / "run.json"
    start = f"from game.cli import main\nassert main(['play', '--speedrun', 'lava', '--save', {str(run)!r}, '--quit-after-frames', '1']) == 0\n"
    run_python(start)
    resume = f"from game.cli import main\nassert main(['play', '--save', {str(run)!r}, '--quit-after-frames', '1']) == 0\n"
    assert run_python(resume).startswith("playing a speedrun to Lava in ")
    assert json.loads(run.read_text(encoding="utf-8"))["speedrun"]["target"] == "Lava"
