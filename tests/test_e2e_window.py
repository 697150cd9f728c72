"""The real window under Xvfb, driven with xdotool like a player: drag two elements out of the
sidebar, drop one onto the other, screenshot, check the save, quit with Ctrl+Q."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from game.client.geometry import layout
from game.client.sidebar import ROW_H

pytestmark = [pytest.mark.e2e, pytest.mark.slow]  # a real window under Xvfb: seconds

TOOLS = {"Xvfb": "xvfb", "xdotool": "xdotool", "xprop": "x11-utils", "import": "imagemagick"}
SIZE = (1280, 800)
SHOT_DIR_ENV = "EMBEDCRAFT_SCREENSHOT_DIR"  # set it to keep the screenshots


def _missing() -> list[str]:
    return [package for tool, package in TOOLS.items() if shutil.which(tool) is None]


@pytest.fixture
def display():
    missing = _missing()
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (Debian packages); `make test` installs them when it runs as root")
    number = next(n for n in range(90, 300) if not Path(f"/tmp/.X{n}-lock").exists()
                  and not Path(f"/tmp/.X11-unix/X{n}").exists())
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    env = {**os.environ, "DISPLAY": f":{number}"}

    def ready() -> bool:
        if server.poll() is not None:
            pytest.fail(f"Xvfb :{number} exited: {server.stderr.read().decode(errors='replace')[-500:]}")
        return subprocess.run(["xdotool", "getmouselocation"], env=env, capture_output=True).returncode == 0

    wait_for(ready, 15, f"Xvfb on :{number}")
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)
    server.stderr.close()


def xdo(env, *args: str) -> str:
    out = subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def drag(env, start, end) -> None:
    """Press, move in small steps like a hand, release."""
    xdo(env, "mousemove", str(start[0]), str(start[1]))
    xdo(env, "mousedown", "1")
    steps = 8
    for k in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * k // steps
        y = start[1] + (end[1] - start[1]) * k // steps
        xdo(env, "mousemove", str(x), str(y))
        time.sleep(0.03)
    xdo(env, "mouseup", "1")
    time.sleep(0.3)


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def saved(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def screenshot(env, path: Path) -> Path:
    subprocess.run(["import", "-window", "root", str(path)], env=env, check=True, timeout=30)
    keep = os.environ.get(SHOT_DIR_ENV)
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(keep) / path.name)
    return path


def test_play_in_a_real_window(display, tmp_path):
    env = {**os.environ, "DISPLAY": display, "SDL_AUDIODRIVER": "dummy", "EMBEDCRAFT_HOME": str(tmp_path)}
    env.pop("SDL_VIDEODRIVER", None)
    save = tmp_path / "e2e.json"
    game = subprocess.Popen([sys.executable, "-m", "game", "play", "--save", str(save)], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([game.stdout], [], [], 60)
        assert ready, "the game drew no frame within 60 s"
        assert game.stdout.readline().startswith("playing "), game.stderr.read()
        # xdotool 3.2016 cannot match a UTF-8 WM_NAME, so find the window by its process and
        # check the title with xprop.
        window = xdo(env, "search", "--sync", "--pid", str(game.pid)).split()[0]
        title = subprocess.run(["xprop", "-id", window, "_NET_WM_NAME", "WM_CLASS"], env=env, capture_output=True,
                               text=True).stdout
        assert '"Embedcraft"' in title
        xdo(env, "windowmove", window, "0", "0")
        xdo(env, "windowfocus", "--sync", window)
        lay = layout(*SIZE)

        def row(index: int) -> tuple[int, int]:  # starting elements are listed first, in order
            return int(lay.rows.x + 60), int(lay.rows.y + index * ROW_H + ROW_H // 2)

        drag(env, row(0), (300, 300))  # Water
        drag(env, row(1), (520, 320))  # Fire, beside it
        drag(env, (520, 320), (312, 304))  # Fire onto Water
        data = wait_for(lambda: (d := saved(save)) and d.get("crafts") and d, 10, "the craft in the save file")
        craft = data["crafts"][0]
        assert {craft["a"], craft["b"]} == {"Water", "Fire"} and craft["result"] == "Steam" and craft["new"]
        time.sleep(0.5)
        shot = screenshot(env, tmp_path / "e2e-window.png")
        assert shot.stat().st_size > 10_000

        # A speedrun picked in the window: Ctrl+R, type the target, Enter, race to it.
        xdo(env, "key", "--clearmodifiers", "ctrl+r")
        time.sleep(0.3)
        xdo(env, "type", "mud")
        xdo(env, "key", "Return")
        runs = tmp_path / "speedruns"
        # Only a finished save: the atomic writer's temporary (.NAME.json.XXXX.tmp) is there too.
        run = wait_for(lambda: runs.is_dir() and next(runs.glob("[!.]*.json"), None), 10, "the speedrun's save file")
        drag(env, row(0), (300, 500))  # Water (the run starts from the four elements again)
        drag(env, row(3), (312, 504))  # Earth onto it
        wait_for(lambda: (d := saved(run)) and d["speedrun"]["finished_ms"] is not None, 10, "the finished run")
        time.sleep(0.5)
        screenshot(env, tmp_path / "e2e-speedrun.png")
        verified = subprocess.run([sys.executable, "-m", "game", "save", "verify", str(run)], cwd=REPO, env=env,
                                  capture_output=True, text=True, timeout=120)
        assert verified.returncode == 0 and "speedrun to Mud: 0:0" in verified.stdout, verified.stderr

        xdo(env, "key", "--clearmodifiers", "ctrl+q")
        assert game.wait(timeout=15) == 0, game.stderr.read()
    finally:
        if game.poll() is None:
            game.kill()
    final = saved(save)
    assert [t["name"] for t in final["canvas"]["tiles"]] == ["Steam"]
    _check_screenshot(shot, lay)


def _check_screenshot(path: Path, lay) -> None:
    """The screenshot shows a light canvas, the sidebar, and the Steam tile where it was made."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    image = pygame.image.load(str(path))
    assert image.get_size() == SIZE
    canvas_colour = image.get_at((40, 200))
    tile_area = [image.get_at((x, 302)) for x in range(270, 360, 3)]
    assert any(abs(c.r - canvas_colour.r) + abs(c.g - canvas_colour.g) + abs(c.b - canvas_colour.b) > 60
               for c in tile_area), "no tile drawn where Water and Fire met"
    sidebar_colour = image.get_at((int(lay.sidebar.x) + 4, int(lay.sidebar.bottom) - 4))
    assert sidebar_colour != canvas_colour
