"""Frame time of the desktop client, and the time from ``embedcraft play`` to the first frame.

Frames are drawn headless (SDL's dummy video driver) at 1280x800 with 2,000 discovered
elements in the sidebar and 500 tiles on the canvas, through the real ``App.step()`` (events,
results, animations, drawing, flip). Three scenes: still, dragging a tile every frame, and
scrolling the sidebar while a search is typed. The baseline, measured in the same run, is the
same still scene with every text, emoji and tile cache emptied before each frame: what the
caches save. The budget is 16.7 ms (60 frames per second).

Start-up: wall time from starting ``embedcraft play --quit-after-frames 1`` to the line
"playing ..." on its stdout (printed once the first frame is drawn), in fresh processes on the default world, beside
``python -c "import pygame"`` and ``python -c pass``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .common import print_table, ratio

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
EMBEDCRAFT = PYTHON.parent / "embedcraft"
BUDGET_MS = 1000 / 60
TARGET_FIRST_FRAME_S = 2.0
ELEMENTS = 2_000
TILES = 500


def _headless() -> None:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def build_app(elements: int = ELEMENTS, tiles: int = TILES, seed: int = 7):
    """An App over a synthetic world whose every element is discovered, with ``tiles`` on the canvas."""
    _headless()
    import pygame

    from game.client.app import App
    from game.client.sidebar import Entry
    from game.client.geometry import Point
    from game.client.prefs import Prefs
    from game.paths import ASSETS
    from game.client.render import Renderer
    from game.client.session import open_session
    from game.client.sound import Sounds
    from game.engine.world.world import World
    from game.engine.world.index import AnnIndex
    from game.engine.world.vocab import Element, Vocabulary
    from game.engine.world.reader import load_vocab

    real = load_vocab(ROOT / "vocab" / "default.yaml").elements
    made = [Element(f"{e.name} {k // len(real)}" if k >= len(real) else e.name, e.emoji)
            for k, e in ((k, real[k % len(real)]) for k in range(elements))]
    vocab = Vocabulary("bench", tuple(e.name for e in made[:4]), tuple(made))
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((elements, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = AnnIndex.build(vectors, model_id="bench", vocab_hash="bench", seed=1, trees=2, search_k=elements * 2)
    world = World(vocab, vectors, index, list(range(elements)))

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1280, 800))
    renderer = Renderer()
    save_dir = Path(tempfile.mkdtemp(prefix="embedcraft-bench-"))
    session = open_session(world, save_dir / "bench.json", ThreadPoolExecutor(1), renderer.measure)
    for k, element in enumerate(made[4:], start=1):
        session.log.record(made[0].name, made[1].name, element.name, k)
        session.sidebar.add(Entry(element.name, element.emoji or "", session.log.order_of(element.name), True))
    app = App(session, renderer, Sounds(ASSETS / "sounds", enabled=False), Prefs(), None, screen)
    width, height = app.layout.canvas.w, app.layout.canvas.h
    for k in range(tiles):
        name = made[int(rng.integers(0, elements))].name
        session.board.add(name, float(rng.uniform(40, width - 40)), float(rng.uniform(30, height - 30)))
    return app, Point


def time_frames(app, frames: int, before_frame=None) -> list[float]:
    """Milliseconds per ``app.step()``, after a warm-up frame."""
    app.step()
    samples = []
    for k in range(frames):
        if before_frame is not None:
            before_frame(k)
        started = time.perf_counter()
        app.step()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def frame_rows(frames: int) -> list[list[str]]:
    from game.client import intents as do

    app, Point = build_app()
    held = app.session.board.tiles[-1]

    def drag(k: int) -> None:
        app.apply(do.MoveTile(held.id, Point(100 + (k * 7) % 700, 100 + (k * 5) % 500)))

    def scroll_and_search(k: int) -> None:
        if k % 10 == 0:
            app.apply(do.TypeText("a") if k % 20 == 0 else do.Backspace())
        app.apply(do.ScrollList(37))

    def uncached(k: int) -> None:
        r = app.renderer
        for cache in (r._text, r._emoji, r._emoji_base, r._tiles):
            cache.clear()

    scenes = [("still", None), ("dragging a tile", drag), ("scrolling + searching", scroll_and_search)]
    results = {name: time_frames(app, frames, hook) for name, hook in scenes}
    baseline = time_frames(app, max(10, frames // 5), uncached)
    rows = []
    for name, samples in [*results.items(), ("still, caches emptied every frame (baseline)", baseline)]:
        median = statistics.median(samples)
        p95 = float(np.percentile(samples, 95))
        rows.append([name, f"{median:.2f}", f"{p95:.2f}", f"{1000 / median:.0f}", ratio(BUDGET_MS / p95),
                     ratio(statistics.median(baseline) / median)])
    return rows


def first_frame_seconds(runs: int) -> list[float]:
    samples = []
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            env["EMBEDCRAFT_HOME"] = home
            started = time.perf_counter()
            game = subprocess.Popen([str(EMBEDCRAFT), "play", "--quit-after-frames", "1"], cwd=ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            line = game.stdout.readline()
            seconds = time.perf_counter() - started
            _, err = game.communicate(timeout=60)
            if not line.startswith("playing ") or game.returncode != 0:
                raise RuntimeError(f"embedcraft play failed: {err.strip()[-400:]}")
            samples.append(seconds)
    return samples


def wall(command: list[str], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return samples


def main(quick: bool = False) -> None:
    frames = 60 if quick else 300
    print(f"frames at 1280x800, {ELEMENTS:,} elements in the sidebar, {TILES} tiles on the canvas, "
          f"{frames} frames per scene (dummy video driver; budget {BUDGET_MS:.1f} ms = 60 fps)")
    print_table(["scene", "median ms", "p95 ms", "fps (median)", "budget / p95", "speed-up vs baseline"],
                frame_rows(frames))
    print()
    runs = 3 if quick else 7
    first = first_frame_seconds(runs)
    pygame_import = wall([str(PYTHON), "-c", "import pygame"], runs)
    bare = wall([str(PYTHON), "-c", "pass"], runs)
    print(f"`embedcraft play` to the first drawn frame on the default world ({runs} fresh processes):")
    print_table(["command", "best s", "median s", "vs target 2 s"], [
        ["embedcraft play (to first frame)", f"{min(first):.3f}", f"{statistics.median(first):.3f}",
         ratio(TARGET_FIRST_FRAME_S / statistics.median(first))],
        ["python -c 'import pygame'", f"{min(pygame_import):.3f}", f"{statistics.median(pygame_import):.3f}", ""],
        ["python -c pass", f"{min(bare):.3f}", f"{statistics.median(bare):.3f}", ""],
    ])


if __name__ == "__main__":
    main()
