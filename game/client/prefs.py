"""Player preferences remembered between runs (dark mode, sound, window size)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from ..engine.atomic import atomic_write_text

__all__ = ["Prefs", "load_prefs", "save_prefs"]

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Prefs:
    dark: bool = False
    sound: bool = True
    window: tuple[int, int] = (1280, 800)  # px, the last window size


def load_prefs(path: Path) -> tuple[Prefs, str | None]:
    """The preferences stored at ``path``; defaults plus a message when the file is unusable.

    Returns:
        ``(prefs, problem)``; ``problem`` is None when the file was fine or absent.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Prefs(), None
    except (OSError, ValueError) as exc:
        return Prefs(), f"settings in {path} could not be read ({exc}); using defaults"
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        return Prefs(), f"settings in {path} are not in a known format; using defaults"
    prefs = Prefs()
    for f in fields(Prefs):
        value = data.get(f.name)
        if f.name == "window":
            if (isinstance(value, list) and len(value) == 2
                    and all(isinstance(v, int) and not isinstance(v, bool) and 200 <= v <= 16384 for v in value)):
                prefs = replace(prefs, window=(value[0], value[1]))
        elif isinstance(value, bool):
            prefs = replace(prefs, **{f.name: value})
    return prefs, None


def save_prefs(path: Path, prefs: Prefs) -> None:
    """Write ``prefs`` atomically. Raises StorageError when it cannot."""
    data = {"format_version": FORMAT_VERSION, **asdict(prefs)}
    data["window"] = list(prefs.window)
    atomic_write_text(path, json.dumps(data, indent=1) + "\n")
