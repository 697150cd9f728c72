"""``embedcraft play``: open a world, a window and a session around it, and play until quit.

:func:`run` sets up (world, display, fonts, sounds, the worker thread) and :func:`play` runs
the frame loop, which saves the game being played if anything goes wrong.
"""

from __future__ import annotations

import os
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import pygame

from ..engine.errors import EmbedcraftError
from ..engine.runs.lock import SaveLock
from ..engine.runs.resume import RunFiles, speedrun_target
from ..engine.world.caches import open_world
from ..paths import ASSETS, cache_root, speedrun_save_path
from . import intents as do
from .app import FIRST_FRAME, FPS, TITLE, App
from .prefs import Prefs, load_prefs
from .render import Renderer
from .session import Session, open_session
from .sound import Sounds

__all__ = ["HEADLESS_DRIVERS", "play", "run"]

HEADLESS_DRIVERS = ("offscreen", "dummy")  # SDL drivers that draw nowhere a player can see


def _open_display() -> None:
    """Start SDL's video; refuse to play in an invisible window.

    Without a display SDL silently falls back to its offscreen driver, and the game would run
    where no one sees it. Asking for a headless driver on purpose (``SDL_VIDEODRIVER=dummy``,
    as the tests and benchmarks do) is fine.
    """
    try:
        pygame.display.init()
    except pygame.error as exc:
        raise EmbedcraftError(f"cannot open a window: {exc}") from exc
    driver = pygame.display.get_driver()
    if driver in HEADLESS_DRIVERS and os.environ.get("SDL_VIDEODRIVER") != driver:
        pygame.display.quit()
        raise EmbedcraftError("cannot open a window: no display found (is DISPLAY or WAYLAND_DISPLAY set? "
                              "On a machine without a screen, run the game under Xvfb)")


def play(app: App, quit_after_frames: int | None = None,
         on_first_frame: Callable[[Session], None] = lambda session: None,
         tick: Callable[[], object] = lambda: None) -> None:
    """Run ``app``'s frames until the player quits (or ``quit_after_frames`` have been drawn).

    If a frame raises (a bug, or Ctrl+C in the terminal), the session being played at that
    moment, which may be another than the first since the picker can switch games, is
    settled and saved before the error goes on.
    """
    try:
        while app.running:
            app.step()
            if app.frames == 1:
                on_first_frame(app.session)
            if quit_after_frames is not None and app.frames >= quit_after_frames and app.running:
                app.apply(do.Quit())
            tick()
    except BaseException:
        try:
            app.session.settle(timeout=1.0)
            app.session.save_now()
            app.session.close()
        except Exception:  # noqa: BLE001 - the original error matters more
            pass
        raise


def run(vocab_path: Path, files: RunFiles, prefs_path: Path | None, *, quit_after_frames: int | None = None,
        notify: Callable[[str], None] = lambda message: None, executor: Executor | None = None) -> int:
    """Open the world in ``vocab_path``, resume the game in ``files`` and play until the player quits.

    Args:
        files: the normal game's save and, for a speedrun, its target and file (None: a new
            file under ``saves/speedruns/``); see :func:`game.engine.runs.resume.choose_files`.
        prefs_path: where dark mode, sound and window size are remembered (None: not at all).
        quit_after_frames: stop (saving, as on Ctrl+Q) after this many frames; for benchmarks
            and smoke tests. The first frame is announced on stdout either way.
    Returns:
        The exit status: 0.
    Raises:
        EmbedcraftError: the world cannot be opened (reported before any window appears).
    """
    world, _ = open_world(vocab_path, notify=notify, fallback_cache=cache_root())
    speedrun = speedrun_target(world, files.speedrun) if files.speedrun is not None else None  # before any window
    first = files.save if speedrun is None else files.speedrun_save
    if first is not None:  # a save open in another window is refused before this one appears
        SaveLock.acquire(first).release()
    prefs, problem = load_prefs(prefs_path) if prefs_path else (Prefs(), None)
    os.environ.setdefault("SDL_VIDEO_X11_WMCLASS", TITLE)  # the window's class, for window managers
    _open_display()
    pygame.font.init()
    renderer = Renderer()
    pygame.display.set_caption(TITLE)
    pygame.display.set_icon(renderer.emoji("⚗️", 64))
    try:
        screen = pygame.display.set_mode(prefs.window, pygame.RESIZABLE)
    except pygame.error as exc:
        pygame.quit()
        raise EmbedcraftError(f"cannot open a window: {exc}") from exc
    pygame.key.set_repeat(400, 35)
    pygame.key.start_text_input()
    own_executor = executor is None
    executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix="combine")
    try:
        def opener(target: str | None, path: Path | None = None) -> Session:
            if target is None:
                return open_session(world, files.save, executor, renderer.measure)
            return open_session(world, path or speedrun_save_path(vocab_path, target), executor, renderer.measure,
                                speedrun=target)

        def announce(session: Session) -> None:
            what = f"a speedrun to {session.speedrun.target} in " if session.speedrun else ""
            print(f"{FIRST_FRAME} {what}{world.vocab.name!r}; progress is saved in {session.save_path}", flush=True)

        app = App(opener(speedrun, files.speedrun_save), renderer, Sounds(ASSETS / "sounds", enabled=prefs.sound),
                  prefs, prefs_path, screen, opener=opener)
        if problem:
            app.toast(problem, "⚠️", "error")
        ticker = pygame.time.Clock()
        play(app, quit_after_frames, announce, lambda: ticker.tick(FPS))
        app.session.close()
    finally:
        if own_executor:
            executor.shutdown(wait=True)
        pygame.quit()
    return 0
