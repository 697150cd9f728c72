"""The layout stays honest: the engine imports no pygame, client, CLI or user-data paths; modules
stay small; every package says what lives in it."""

from __future__ import annotations

import ast
import importlib
import pkgutil

import pytest

import game
from conftest import REPO, run_python

GAME = REPO / "game"


def test_the_engine_imports_neither_pygame_nor_the_app():
    out = run_python(
        "import sys, pkgutil, importlib\n"
        "sys.modules['pygame'] = None  # importing pygame now fails\n"
        "import game.engine\n"
        "for info in pkgutil.walk_packages(game.engine.__path__, 'game.engine.'):\n"
        "    importlib.import_module(info.name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('game.client', 'game.cli', 'game.paths', 'torch')))\n"
        "print(len([m for m in sys.modules if m.startswith('game.engine.')]), bad)\n")
    count, bad = out.split(" ", 1)
    assert int(count) >= 20 and bad.strip() == "[]"


def test_every_package_has_a_docstring_saying_what_lives_there():
    packages = [p for p in GAME.rglob("__init__.py")]
    assert len(packages) >= 6
    for init in packages:
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 15, f"{init.relative_to(REPO)} does not say what lives in its folder"


@pytest.mark.parametrize("path", sorted(p.relative_to(REPO).as_posix() for p in GAME.rglob("*.py")))
def test_modules_stay_small_and_open_with_what_they_own(path):
    text = (REPO / path).read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400, f"{path} has grown past 400 lines: split it by concern"
    assert ast.get_docstring(ast.parse(text)), f"{path} has no module docstring"


def test_every_module_imports():
    for info in pkgutil.walk_packages(game.__path__, "game."):
        if info.name != "game.__main__":
            importlib.import_module(info.name)
