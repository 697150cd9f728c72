"""Where the app's things live: the bundled world, assets and quality pairs, and the user's data.

Bundled files sit beside the code in an installed package (``game/assets``, ``game/vocab``,
``game/quality``: ``pip install .`` puts them there) and in the project's own folders in a
checkout (``assets/``, ``vocab/``, ``benchmarks/quality/``). User data (saves, settings,
fallback caches) goes to ``$EMBEDCRAFT_HOME`` if set, else ``saves/`` in a checkout, else the
platform's data folder (``$XDG_DATA_HOME/embedcraft``, by default ``~/.local/share/embedcraft``).

Only the command line and the client use this module; the engine is given paths.
"""

from __future__ import annotations

import os
from pathlib import Path

from .engine.runs.resume import speedrun_path
from .engine.world.caches import per_file_name

__all__ = ["ASSETS", "DEFAULT_VOCAB", "QUALITY_PAIRS", "cache_root", "data_dir", "default_save_path",
           "speedrun_save_path", "world_file_name"]

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent
HOME_ENV = "EMBEDCRAFT_HOME"  # moves all user data (saves, settings, fallback caches)


def _bundled(installed: str, checkout: str) -> Path:
    inside = _PACKAGE / installed
    return inside if inside.is_dir() else _CHECKOUT / checkout


ASSETS = _bundled("assets", "assets")
DEFAULT_VOCAB = _bundled("vocab", "vocab") / "default.yaml"
QUALITY_DIR = _bundled("quality", "benchmarks/quality")
# The default world's evaluation sets; none of them is ever in its examples (a test checks it).
QUALITY_PAIRS = (QUALITY_DIR / "tune.txt", QUALITY_DIR / "heldout.txt", QUALITY_DIR / "heldout2.txt")


def data_dir() -> Path:
    """The folder for saves and settings (see the module docstring)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    if (_CHECKOUT / "saves").is_dir() and (_CHECKOUT / "pyproject.toml").is_file():
        return _CHECKOUT / "saves"
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "embedcraft"


def cache_root() -> Path:
    """Where a world's caches go when the folder beside its vocabulary cannot be written."""
    return data_dir() / "cache"


def world_file_name(vocab: Path) -> str:
    """``default`` for the bundled world, ``STEM-HASH`` for any other: how saves name a world."""
    return "default" if Path(vocab).resolve() == DEFAULT_VOCAB.resolve() else per_file_name(vocab, 8)


def default_save_path(vocab: Path) -> Path:
    """``saves/default.json`` for the bundled world, ``saves/STEM-HASH.json`` for any other."""
    return data_dir() / f"{world_file_name(vocab)}.json"


def speedrun_save_path(vocab: Path, target: str) -> Path:
    """A new file for a speedrun: ``saves/speedruns/WORLD-TARGET-YYYYmmdd-HHMMSS.json``."""
    return speedrun_path(data_dir() / "speedruns", world_file_name(vocab), target)
