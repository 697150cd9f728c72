"""Input -> intent -> model: synthetic pygame events through the real App on the dummy driver."""

import json

import pygame
import pytest

from conftest import InlineExecutor
from game.client.app import App
from game.client.geometry import Point
from game.client.modes import ConfirmQuitMode, DragTileMode, PlayMode
from game.client.prefs import Prefs, load_prefs
from game.paths import ASSETS
from game.client.render import Renderer
from game.client.session import open_session
from game.client.sound import Sounds
from game.engine import open_world
from game.engine.runs.save_reader import read_save


@pytest.fixture
def world(tiny_path, fake):
    tiny_path.write_text(tiny_path.read_text(encoding="utf-8") + "recipes:\n  - [Water, Fire, Steam]\n",
                         encoding="utf-8")
    return open_world(tiny_path, embedder=fake)[0]


@pytest.fixture
def make_app(world, tmp_path):
    def make(save_path=tmp_path / "save.json"):
        pygame.display.init()
        pygame.font.init()
        screen = pygame.display.set_mode((1280, 800))
        renderer = Renderer()
        session = open_session(world, save_path, InlineExecutor(), renderer.measure)
        sounds = Sounds(ASSETS / "sounds", enabled=True)
        made = App(session, renderer, sounds, Prefs(), tmp_path / "settings.json", screen)
        pygame.event.clear()
        return made

    yield make
    pygame.key.set_mods(0)
    pygame.display.quit()


@pytest.fixture
def app(make_app):
    return make_app()


def post(app, *events):
    for kind, fields in events:
        pygame.event.post(pygame.event.Event(kind, **fields))
    app.step()


def press(pos, button=1):
    return (pygame.MOUSEBUTTONDOWN, {"pos": pos, "button": button})


def release(pos, button=1):
    return (pygame.MOUSEBUTTONUP, {"pos": pos, "button": button})


def motion(pos):
    return (pygame.MOUSEMOTION, {"pos": pos, "rel": (0, 0), "buttons": (1, 0, 0)})


def key(k, mod=0):
    return (pygame.KEYDOWN, {"key": k, "mod": mod, "unicode": "", "scancode": 0})


def row_centre(app, name):
    rows = app.session.sidebar.visible()
    index = [e.name for e in rows].index(name)
    lay = app.layout
    return (int(lay.rows.x + 60), int(lay.rows.y + index * app.session.sidebar.row_h - app.session.sidebar.scroll + 18))


def drag_out(app, name, to):
    start = row_centre(app, name)
    post(app, press(start), motion((start[0] - 10, start[1])), motion(to), release(to))


def test_drag_from_sidebar_places_a_tile_where_dropped(app):
    drag_out(app, "Water", (300, 300))
    (tile,) = app.session.board.tiles
    assert tile.name == "Water"
    assert app.to_screen(Point(tile.x, tile.y)) == Point(300, 300)
    assert isinstance(app.mode, PlayMode)


def test_drop_one_tile_on_another_combines_them(app):
    drag_out(app, "Water", (300, 300))
    drag_out(app, "Fire", (310, 305))
    app.step()
    assert [t.name for t in app.session.board] == ["Steam"]
    assert "Steam" in app.session.log
    assert app.toasts[-1].kind == "new" and "Steam" in app.toasts[-1].text
    assert read_save(app.session.save_path).crafts[-1].result == "Steam"


def test_moving_a_tile_by_dragging(app):
    drag_out(app, "Earth", (300, 300))
    post(app, press((300, 300)), motion((310, 300)), motion((500, 420)))
    assert isinstance(app.mode, DragTileMode)
    post(app, release((500, 420)))
    (tile,) = app.session.board.tiles
    assert app.to_screen(Point(tile.x, tile.y)) == Point(500, 420)


def test_ctrl_drag_and_double_click_duplicate(app):
    drag_out(app, "Earth", (300, 300))
    pygame.key.set_mods(pygame.KMOD_CTRL)
    post(app, press((300, 300)), motion((310, 300)), motion((500, 300)), release((500, 300)))
    pygame.key.set_mods(0)
    assert [t.name for t in app.session.board] == ["Earth", "Earth"]
    original, copy = app.session.board.tiles
    assert app.to_screen(Point(original.x, original.y)) == Point(300, 300)
    post(app, press((300, 300)), release((300, 300)), press((300, 300)), release((300, 300)))
    assert len(app.session.board) == 3


def test_delete_by_right_click_or_dragging_back_to_the_sidebar(app):
    drag_out(app, "Earth", (300, 300))
    drag_out(app, "Wind", (600, 300))
    post(app, press((300, 300), button=3), release((300, 300), button=3))
    assert [t.name for t in app.session.board] == ["Wind"]
    side = (int(app.layout.sidebar.center.x), 400)
    post(app, press((600, 300)), motion((620, 300)), motion(side), release(side))
    assert len(app.session.board) == 0


def test_dragging_out_and_back_onto_the_sidebar_places_nothing(app):
    start = row_centre(app, "Water")
    post(app, press(start), motion((start[0], start[1] + 30)), release((start[0], start[1] + 30)))
    assert len(app.session.board) == 0


def test_clear_button_and_key(app):
    drag_out(app, "Earth", (300, 300))
    drag_out(app, "Wind", (600, 300))
    clear = app.layout.clear.center
    post(app, press((int(clear.x), int(clear.y))), release((int(clear.x), int(clear.y))))
    assert len(app.session.board) == 0
    drag_out(app, "Earth", (300, 300))
    post(app, key(pygame.K_l, pygame.KMOD_CTRL))
    assert len(app.session.board) == 0


def test_pan_by_dragging_empty_canvas(app):
    drag_out(app, "Earth", (300, 300))
    post(app, press((500, 500)), motion((540, 470)), release((540, 470)))
    (tile,) = app.session.board.tiles
    assert app.to_screen(Point(tile.x, tile.y)) == Point(340, 270)


def test_typing_searches_and_escape_clears(app):
    post(app, (pygame.TEXTINPUT, {"text": "a"}), (pygame.TEXTINPUT, {"text": "R"}))
    assert app.session.sidebar.query == "aR"
    assert [e.name for e in app.session.sidebar.visible()] == ["Earth"]
    post(app, key(pygame.K_BACKSPACE))
    assert app.session.sidebar.query == "a"
    post(app, key(pygame.K_ESCAPE))
    assert app.session.sidebar.query == "" and app.running


def test_sort_and_filter_buttons(app):
    sort_name = app.layout.sorts[1].center
    post(app, press(sort_name), release(sort_name))
    assert [e.name for e in app.session.sidebar.visible()] == ["Earth", "Fire", "Water", "Wind"]
    post(app, press(sort_name), release(sort_name))
    assert app.session.sidebar.descending
    mine = app.layout.mine.center
    post(app, press(mine), release(mine))
    assert app.session.sidebar.only_mine and app.session.sidebar.visible() == []


def test_wheel_and_scrollbar_scroll_the_list(app):
    sidebar = app.session.sidebar
    from game.client.sidebar import Entry

    for k in range(200):
        sidebar.add(Entry(f"Extra {k}", "", 10 + k, True))
    inside = (int(app.layout.rows.center.x), int(app.layout.rows.center.y))
    post(app, motion(inside), (pygame.MOUSEWHEEL, {"x": 0, "y": -2, "flipped": False}))
    assert sidebar.scroll > 0
    before = sidebar.scroll
    track = app.layout.scrollbar
    bottom = (int(track.center.x), int(track.bottom - 2))
    post(app, press(bottom), release(bottom))
    assert sidebar.scroll > before
    from game.client.geometry import scroll_thumb

    thumb = scroll_thumb(track, sidebar.content_h, app.layout.rows.h, sidebar.scroll)
    grab = (int(thumb.center.x), int(thumb.center.y))
    post(app, press(grab), motion((grab[0], int(track.y))), release((grab[0], int(track.y))))
    assert sidebar.scroll == 0


def test_click_on_a_row_shows_how_it_was_made(app):
    drag_out(app, "Water", (300, 300))
    drag_out(app, "Fire", (305, 300))
    app.step()
    start = row_centre(app, "Steam")
    post(app, press(start), release(start))
    assert app.inspected == "Steam"
    steps = app.session.log.lineage(app.inspected)
    assert [str(s) for s in steps] == ["Water + Fire = Steam"]


def test_toggles_are_remembered(app, tmp_path):
    dark = app.layout.toggles[0].center
    sound = app.layout.toggles[1].center
    post(app, press(dark), release(dark), press(sound), release(sound))
    prefs, problem = load_prefs(tmp_path / "settings.json")
    assert prefs.dark and not prefs.sound and problem is None
    assert not app.sounds.enabled
    post(app, key(pygame.K_d, pygame.KMOD_CTRL))
    assert not load_prefs(tmp_path / "settings.json")[0].dark


def test_escape_asks_before_quitting(app):
    post(app, key(pygame.K_ESCAPE))
    assert isinstance(app.mode, ConfirmQuitMode) and app.confirming and app.running
    post(app, key(pygame.K_ESCAPE))
    assert isinstance(app.mode, PlayMode) and not app.confirming and app.running
    post(app, key(pygame.K_ESCAPE), key(pygame.K_RETURN))
    assert not app.running


def test_ctrl_q_and_closing_the_window_save_and_quit(app):
    drag_out(app, "Earth", (300, 300))
    post(app, key(pygame.K_q, pygame.KMOD_CTRL))
    assert not app.running
    saved = json.loads(app.session.save_path.read_text(encoding="utf-8"))
    assert [t["name"] for t in saved["canvas"]["tiles"]] == ["Earth"]
    app.running = True
    drag_out(app, "Wind", (600, 300))
    post(app, (pygame.QUIT, {}))
    assert not app.running
    saved = json.loads(app.session.save_path.read_text(encoding="utf-8"))
    assert [t["name"] for t in saved["canvas"]["tiles"]] == ["Earth", "Wind"]


def test_help_opens_and_any_click_closes_it(app):
    post(app, key(pygame.K_F1))
    assert app.help_open
    post(app, press((100, 100)), release((100, 100)))
    assert not app.help_open and len(app.session.board) == 0


def test_window_resize_relayouts(app):
    pygame.display.set_mode((900, 700), pygame.RESIZABLE)
    post(app, (pygame.VIDEORESIZE, {"size": (900, 700), "w": 900, "h": 700}))
    assert app.layout.size == (900, 700)
    assert app.layout.sidebar.right == 900


def test_a_broken_save_is_announced_in_the_window(make_app, tmp_path):
    save = tmp_path / "broken.json"
    save.write_bytes(b"\x00\x01 not a save")
    app = make_app(save)
    (toast,) = app.toasts
    assert toast.kind == "error" and "could not be loaded" in toast.text and "broken-" in toast.text
    app.step()
    # The message is too long for one line, so it is drawn wrapped inside its red frame at the
    # top centre of the canvas: read the frame and the text back from the screen.
    canvas, theme, red = app.layout.canvas, app.view(app.now).theme, (220, 70, 60)
    font = app.renderer.font(16)
    assert font.size(toast.text)[0] > canvas.w
    cx, top = round(canvas.center.x), round(canvas.y) + 16
    column = [y for y in range(round(canvas.bottom)) if tuple(app.screen.get_at((cx, y)))[:3] == red]
    assert column and column[0] == top, column  # the frame's top edge
    bottom = column[-1]
    assert bottom - top + 1 >= 2 * font.get_linesize() + 18, (top, bottom)  # room for two lines or more
    middle = (top + bottom) // 2
    row = [x for x in range(app.layout.size[0]) if tuple(app.screen.get_at((x, middle)))[:3] == red]
    assert row and canvas.x < row[0] < cx < row[-1] < canvas.right - 1, row  # the frame fits on the canvas
    dark = [(x, y) for x in range(row[0] + 3, row[-1] - 2) for y in range(top + 3, bottom - 2)
            if sum(tuple(app.screen.get_at((x, y)))[:3]) < sum(theme.sidebar) / 2]  # text on the light panel
    assert dark and min(y for _, y in dark) < middle < max(y for _, y in dark)  # text above and below the middle
    names = {e.name for e in app.session.world.elements}  # the sidebar's rows use the same font
    lines = [k[0] for k in app.renderer._text
             if k[1:] == (16, theme.text, False) and k[0] in toast.text and k[0] not in names]
    assert len(lines) >= 2 and " ".join(lines) == toast.text  # every word drawn, over several lines
    assert all(font.size(line)[0] < row[-1] - row[0] for line in lines)
    assert app.session.log.found == ("Water", "Fire", "Wind", "Earth")
    assert any(".broken-" in p.name for p in tmp_path.iterdir())


def test_the_wheel_never_drops_a_held_tile(app):
    drag_out(app, "Earth", (300, 300))
    drag_out(app, "Wind", (600, 300))
    post(app, press((300, 300)), motion((310, 300)), motion((590, 300)))
    # A wheel notch arrives as MOUSEWHEEL plus a press and release of button 4.
    post(app, (pygame.MOUSEWHEEL, {"x": 0, "y": 1, "flipped": False}), press((590, 300), 4), release((590, 300), 4),
         release((590, 300), 3))
    assert isinstance(app.mode, DragTileMode) and len(app.session.board) == 2
    post(app, motion((300, 500)), release((300, 500)))
    assert isinstance(app.mode, PlayMode)
    assert sorted(t.name for t in app.session.board) == ["Earth", "Wind"]  # moved, not combined


def test_quitting_with_a_combination_in_flight_saves_its_result(world, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1280, 800))
    renderer = Renderer()
    with ThreadPoolExecutor(1) as worker:
        session = open_session(world, tmp_path / "s.json", worker, renderer.measure)
        app = App(session, renderer, Sounds(ASSETS / "sounds", enabled=False), Prefs(), None, screen)
        pygame.event.clear()
        drag_out(app, "Water", (300, 300))
        start = row_centre(app, "Fire")
        # Drop and quit in the same frame: no poll happens in between.
        post(app, press(start), motion((start[0] - 10, start[1])), motion((305, 300)), release((305, 300)),
             key(pygame.K_q, pygame.KMOD_CTRL))
    assert not app.running
    assert read_save(tmp_path / "s.json").crafts[-1].result == "Steam"
    pygame.display.quit()
