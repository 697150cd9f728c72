"""Where things live: the bundled default world and the user data folder."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["REPO_ROOT", "DEFAULT_VOCAB", "data_dir"]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VOCAB = REPO_ROOT / "vocab" / "default.yaml"
HOME_ENV = "EMBEDCRAFT_HOME"  # moves all user data (saves, settings, fallback caches)


def data_dir() -> Path:
    """The folder for saves and settings: ``$EMBEDCRAFT_HOME`` or ``saves/`` in the project."""
    override = os.environ.get(HOME_ENV)
    return Path(override).expanduser() if override else REPO_ROOT / "saves"
