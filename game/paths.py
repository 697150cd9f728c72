"""Where things live: the bundled default world and the user data folder."""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

__all__ = ["REPO_ROOT", "DEFAULT_VOCAB", "QUALITY_PAIRS", "data_dir", "default_save_path", "per_file_name", "speedrun_save_path"]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VOCAB = REPO_ROOT / "vocab" / "default.yaml"
QUALITY_DIR = REPO_ROOT / "benchmarks" / "quality"
QUALITY_PAIRS = (QUALITY_DIR / "tune.txt", QUALITY_DIR / "heldout.txt")  # the default world's evaluation set
HOME_ENV = "EMBEDCRAFT_HOME"  # moves all user data (saves, settings, fallback caches)


def data_dir() -> Path:
    """The folder for saves and settings: ``$EMBEDCRAFT_HOME`` or ``saves/`` in the project."""
    override = os.environ.get(HOME_ENV)
    return Path(override).expanduser() if override else REPO_ROOT / "saves"


def per_file_name(path: Path, digits: int) -> str:
    """``STEM-HASH``: a name for things kept per vocabulary file (a save, a fallback cache)
    that differs for two files of the same name in different folders."""
    key = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:digits]
    return f"{path.stem}-{key}"


def world_file_name(vocab: Path) -> str:
    """``default`` for the bundled world, ``STEM-HASH`` for any other: how saves name a world."""
    return "default" if vocab.resolve() == DEFAULT_VOCAB.resolve() else per_file_name(vocab, 8)


def default_save_path(vocab: Path) -> Path:
    """``saves/default.json`` for the bundled world, ``saves/STEM-HASH.json`` for any other."""
    return data_dir() / f"{world_file_name(vocab)}.json"


def speedrun_save_path(vocab: Path, target: str) -> Path:
    """A new file for a speedrun: ``saves/speedruns/WORLD-TARGET-YYYYmmdd-HHMMSS.json``."""
    world = world_file_name(vocab)
    slug = re.sub(r"[^a-z0-9]+", "-", target.casefold()).strip("-") or "target"
    base = data_dir() / "speedruns" / f"{world}-{slug}-{time.strftime('%Y%m%d-%H%M%S')}"
    path, n = base.with_name(base.name + ".json"), 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}.json")
    return path
