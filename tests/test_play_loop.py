"""The frame loop of ``embedcraft play``: a crash saves the game being played, not the first one opened."""

from __future__ import annotations

import pygame
import pytest

from game.client.play import play
from game.engine.runs.save_reader import read_save
from test_client_input import drag_out, key, post, world  # noqa: F401 - fixtures
from test_speedrun import speedrun_app  # noqa: F401 - fixture


def test_a_crash_after_switching_games_saves_the_game_being_played(speedrun_app, tmp_path, monkeypatch):
    app = speedrun_app
    drag_out(app, "Earth", (300, 300))  # the normal game
    post(app, key(pygame.K_r, pygame.KMOD_CTRL), (pygame.TEXTINPUT, {"text": "steam"}), key(pygame.K_RETURN))
    assert app.session.speedrun is not None and app.session.save_path == tmp_path / "run-Steam.json"
    normal_before = (tmp_path / "game.json").read_bytes()
    drag_out(app, "Water", (500, 300))  # progress in the speedrun, not saved yet (no discovery)
    assert [t.name for t in read_save(tmp_path / "run-Steam.json").canvas] == []

    def broken_draw(*args, **kwargs):
        raise RuntimeError("a bug in drawing")

    monkeypatch.setattr(app.renderer, "draw", broken_draw)
    with pytest.raises(RuntimeError, match="a bug in drawing"):
        play(app)
    assert [t.name for t in read_save(tmp_path / "run-Steam.json").canvas] == ["Water"]
    assert (tmp_path / "game.json").read_bytes() == normal_before  # the other game is left alone


def test_the_loop_stops_after_the_frames_asked_for_and_saves(speedrun_app, tmp_path):
    app = speedrun_app
    drag_out(app, "Fire", (400, 300))
    drawn = app.frames  # the drag itself drew frames
    play(app, quit_after_frames=drawn + 3)
    assert not app.running and app.frames == drawn + 3
    assert [t.name for t in read_save(tmp_path / "game.json").canvas] == ["Fire"]
