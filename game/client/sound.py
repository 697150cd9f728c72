"""Sound effects from ``assets/sounds``; silent (never failing) where there is no audio device."""

from __future__ import annotations

from pathlib import Path

import pygame

__all__ = ["Sounds", "SOUND_NAMES"]

SOUND_NAMES = ("discover", "combine", "nothing", "place")


class Sounds:
    """Plays the named effects while ``enabled``; ``available`` is False without audio."""

    def __init__(self, folder: Path, enabled: bool = True) -> None:
        self.enabled = enabled
        self._sounds: dict[str, pygame.mixer.Sound] = {}
        self.problem: str | None = None
        try:
            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=22_050, size=-16, channels=1, buffer=512)
            for name in SOUND_NAMES:
                self._sounds[name] = pygame.mixer.Sound(str(folder / f"{name}.wav"))
        except (pygame.error, FileNotFoundError, OSError) as exc:
            self._sounds.clear()
            self.problem = f"no sound: {exc}"

    @property
    def available(self) -> bool:
        return bool(self._sounds)

    def play(self, name: str) -> bool:
        """Play ``name`` if sound is on and works; True when it was started."""
        sound = self._sounds.get(name)
        if not self.enabled or sound is None:
            return False
        sound.play()
        return True
