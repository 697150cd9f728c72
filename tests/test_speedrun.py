"""Speedruns: the timer starts at the first drag, splits, the finish, the save, and the picker."""

from __future__ import annotations

import pygame
import pytest

from conftest import InlineExecutor, measure_tile
from game.client.geometry import Point
from game.client.geometry import picker as picker_rects
from game.client.modes import PickTargetMode, PlayMode
from game.client.picker import BACK, TargetPicker
from game.client.session import open_session
from game.engine.errors import EmbedcraftError, UnknownElement
from game.engine.runs.discovery import format_ms
from game.engine.runs.save_reader import read_save
from game.engine.runs.verify import verify_file
from test_client_input import drag_out, key, post, world  # noqa: F401 - fixtures
from test_session import Clock, combine_on_board


def speedrun(world, path, clock, target="Steam"):
    return open_session(world, path, InlineExecutor(), measure_tile, clock=clock, speedrun=target)


def test_the_timer_waits_for_the_first_drag_then_stops_at_the_target(world, tmp_path):
    clock = Clock()
    path = tmp_path / "run.json"
    run = speedrun(world, path, clock)
    clock.t += 30  # looking at the screen before starting does not count
    assert run.play_ms == 0 and run.timer_ms == 0 and not run.timer_running
    run.start_timer()
    clock.t += 1.5
    outcomes = combine_on_board(run, "Water", "Earth")  # not the target
    clock.t += 2.0
    outcomes += combine_on_board(run, "Water", "Fire", at=Point(400, 400))
    assert [o.finished for o in outcomes] == [False, True]
    assert run.finished_ms == 3500 and run.splits[-1] == ("Steam", 3500) and len(run.splits) == 2
    clock.t += 10
    assert run.timer_ms == 3500 and run.play_ms == 13500  # the timer stays on the final time
    run.save_now()
    saved = read_save(path)
    assert saved.speedrun.target == "Steam" and saved.finished_ms == 3500 and saved.speedrun.pauses == 0
    _, verified = verify_file(world, path)
    assert verified.finished_ms == 3500


def test_resuming_an_unfinished_run_counts_a_pause(world, tmp_path):
    clock = Clock()
    path = tmp_path / "run.json"
    run = speedrun(world, path, clock)
    run.start_timer()
    clock.t += 2
    combine_on_board(run, "Water", "Earth")
    run.save_now()
    run.close()
    again = speedrun(world, path, clock)
    assert again.speedrun.pauses == 1 and not again.timer_running and again.play_ms == 2000
    assert read_save(path).speedrun.pauses == 1
    again.close()
    also = open_session(world, path, InlineExecutor(), measure_tile, clock=clock)  # opened as a save: still a run
    assert also.speedrun is not None and also.speedrun.target == "Steam"


def test_bad_targets_and_files_are_refused(world, tmp_path):
    clock = Clock()
    with pytest.raises(UnknownElement, match="did you mean Steam"):
        speedrun(world, tmp_path / "a.json", clock, "Steem")
    with pytest.raises(EmbedcraftError, match="Water cannot be a speedrun target: it is a starting element"):
        speedrun(world, tmp_path / "b.json", clock, "water")
    normal = open_session(world, tmp_path / "game.json", InlineExecutor(), measure_tile, clock=clock)
    normal.save_now()
    normal.close()
    with pytest.raises(EmbedcraftError, match="already holds another run"):
        speedrun(world, tmp_path / "game.json", clock)


def test_picker_search_order_and_back_row():
    picker = TargetPicker([("Stone", "🪨"), ("Steam", ""), ("Mud", ""), ("Dust", "")], in_speedrun=True)
    assert [c.label for c in picker.choices()][:2] == [BACK, "Dust"]
    picker.type("st")
    assert [c.name for c in picker.choices()] == ["Steam", "Stone", "Dust"]  # starts-with first, then contains
    picker.move(1)
    assert picker.chosen.name == "Stone"
    picker.move(10)
    assert picker.chosen.name == "Dust"
    picker.backspace()
    assert picker.selected == 0 and picker.query == "s"


@pytest.fixture
def speedrun_app(world, tmp_path):
    from game.client.app import App
    from game.client.prefs import Prefs
    from game.paths import ASSETS
    from game.client.render import Renderer
    from game.client.sound import Sounds

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1280, 800))
    renderer = Renderer()

    def opener(target, path=None):
        file = tmp_path / ("game.json" if target is None else f"run-{target}.json")
        return open_session(world, file, InlineExecutor(), renderer.measure, speedrun=target)

    made = App(opener(None), renderer, Sounds(ASSETS / "sounds"), Prefs(), None, screen, opener=opener)
    pygame.event.clear()
    yield made
    pygame.key.set_mods(0)
    pygame.display.quit()


def pixel(screen, x, y) -> tuple[int, int, int]:
    return tuple(screen.get_at((round(x), round(y))))[:3]


def count(screen, x0, x1, y0, y1, wanted) -> int:
    """How many pixels of the screen's box [x0, x1) x [y0, y1) have a colour ``wanted`` accepts."""
    return sum(1 for x in range(round(x0), round(x1)) for y in range(round(y0), round(y1))
               if wanted(pixel(screen, x, y)))


def test_pick_a_target_in_the_client_and_race_to_it(speedrun_app, tmp_path):
    app = speedrun_app
    drag_out(app, "Earth", (300, 300))  # some progress in the normal game
    post(app, key(pygame.K_r, pygame.KMOD_CTRL))
    assert isinstance(app.mode, PickTargetMode) and app.picker is not None
    post(app, (pygame.TEXTINPUT, {"text": "stea"}))
    assert app.picker.chosen.name == "Steam"
    view = app.view(app.now)
    app.screen.fill((0, 0, 0))
    app.renderer.draw(app.screen, app.session, view)
    # The picker is drawn over the shaded game: its box, the search field with the query, and
    # the chosen row outlined in the accent colour.
    theme, screen = view.theme, app.screen
    box, field, rows = picker_rects(app.layout.size, len(app.picker.choices()))
    assert all(abs(c - round(v * 135 / 255)) <= 2 for c, v in zip(pixel(screen, 5, 5), theme.canvas))  # the veil
    assert pixel(screen, box.x + 4, box.center.y) == theme.sidebar
    assert pixel(screen, field.right - 5, field.center.y) == theme.canvas
    assert app.picker.selected == 0 and pixel(screen, rows[0].x, rows[0].center.y) == theme.accent

    def ink(colour):  # dark text on the light field and row
        return sum(colour) < 250

    assert count(screen, field.x, field.right - 4, field.y + 4, field.bottom - 4, ink) > 20  # "stea|"
    assert count(screen, rows[0].x + 40, rows[0].right - 4, rows[0].y + 4, rows[0].bottom - 4, ink) > 20  # "Steam"
    assert ("stea|" if view.caret else "stea", 16, theme.text, False) in app.renderer._text
    post(app, key(pygame.K_RETURN))
    assert isinstance(app.mode, PlayMode) and app.session.speedrun.target == "Steam"
    assert app.session.save_path == tmp_path / "run-Steam.json" and len(app.session.board) == 0
    assert "timer starts at your first drag" in app.toasts[-1].text
    assert [t.name for t in read_save(tmp_path / "game.json").canvas] == ["Earth"]  # the game was saved first
    assert not app.session.timer_running
    drag_out(app, "Water", (300, 300))
    assert app.session.timer_running
    drag_out(app, "Fire", (310, 305))
    app.step()
    assert app.session.finished_ms is not None
    assert app.toasts[-1].text.startswith("Steam in 0:") and "run-Steam.json" in app.toasts[-1].text
    view = app.view(app.now)
    app.screen.fill((0, 0, 0))
    app.renderer.draw(app.screen, app.session, view)
    # The final time, in the accent colour, on a panel at the bottom centre of the canvas; the
    # target's split, also in the accent colour, above the Clear button.
    canvas, clear = app.layout.canvas, app.layout.clear
    theme, screen = view.theme, app.screen

    def accent_in(x0, x1, y0, y1):
        return count(screen, x0, x1, y0, y1, lambda c: c == theme.accent)

    cx, panel_bottom = round(canvas.center.x), round(canvas.bottom) - 10
    assert pixel(screen, cx, panel_bottom - 3) == theme.sidebar  # the timer's panel
    assert accent_in(cx - 100, cx + 100, panel_bottom - 78, panel_bottom - 40) > 100  # the time, in the accent
    assert accent_in(app.layout.speedrun.right + 4, cx - 120, panel_bottom - 78, panel_bottom) == 0  # only there
    assert app.session.splits[-1][0] == "Steam"
    assert accent_in(canvas.x + 14, canvas.x + 200, clear.y - 26, clear.y - 6) > 30  # the target's split
    assert accent_in(canvas.x + 14, canvas.x + 200, clear.y - 46, clear.y - 26) == 0  # the only split
    cache = app.renderer._text
    assert (format_ms(app.session.timer_ms), 30, theme.accent, True) in cache
    assert ("Reached: Steam", 16, theme.muted, True) in cache
    assert (f"{format_ms(app.session.splits[-1][1])}  Steam", 14, theme.accent, True) in cache
    # Back to the normal game through the picker's first row.
    post(app, key(pygame.K_r, pygame.KMOD_CTRL))
    assert app.picker.chosen.name is None
    post(app, key(pygame.K_RETURN))
    assert app.session.speedrun is None and [t.name for t in app.session.board] == ["Earth"]
    assert read_save(tmp_path / "run-Steam.json").finished_ms is not None


def test_the_speedrun_button_opens_the_picker_and_escape_closes_it(speedrun_app):
    app = speedrun_app
    button = app.layout.speedrun.center
    post(app, (pygame.MOUSEBUTTONDOWN, {"pos": (int(button.x), int(button.y)), "button": 1}))
    assert isinstance(app.mode, PickTargetMode)
    post(app, key(pygame.K_ESCAPE))
    assert isinstance(app.mode, PlayMode) and app.picker is None and app.session.speedrun is None


def test_a_craft_is_timed_at_the_drop_not_when_the_engine_answers(world, tmp_path):
    from conftest import HeldExecutor

    clock, held = Clock(), HeldExecutor()
    run = open_session(world, tmp_path / "run.json", held, measure_tile, clock=clock, speedrun="Steam")
    run.start_timer()
    clock.t += 2
    run.place("Water", Point(100, 100))
    run.drop(run.place("Fire", Point(108, 102)))
    clock.t += 5  # a slow machine
    held.release()
    (outcome,) = run.poll()
    assert outcome.finished and run.finished_ms == 2000
