"""Synthesises the game's sound effects (CC0, made for Embedcraft): python assets/sounds/make_sounds.py

Each sound is a few sine partials under a short envelope, written as 16-bit mono WAV.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 22_050  # samples per second
HERE = Path(__file__).resolve().parent


def tone(freqs, seconds, attack=0.005, decay=8.0, glide=1.0):
    t = np.arange(int(RATE * seconds)) / RATE
    wave_ = np.zeros_like(t)
    for k, f in enumerate(freqs):
        sweep = f * (1 + (glide - 1) * t / seconds)  # linear pitch glide to f * glide
        phase = 2 * np.pi * np.cumsum(sweep) / RATE
        wave_ += np.sin(phase) / (k + 1)
    env = np.minimum(1, t / attack) * np.exp(-decay * t)
    return wave_ * env


def arpeggio(notes, step, tail):
    out = np.zeros(int(RATE * (step * len(notes) + tail)))
    for n, f in enumerate(notes):
        part = tone([f, 2 * f, 3 * f], tail, decay=6.0)
        start = int(RATE * step * n)
        out[start:start + len(part)] += part
    return out


def write(name, samples, volume=0.5):
    samples = samples / max(1e-9, np.abs(samples).max()) * volume
    data = (samples * 32767).astype("<i2").tobytes()
    with wave.open(str(HERE / f"{name}.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(data)


if __name__ == "__main__":
    write("discover", arpeggio([1046.5, 1318.5, 1568.0, 2093.0], 0.07, 0.45), 0.45)
    write("combine", tone([660, 990], 0.12, decay=30.0, glide=1.3), 0.35)
    write("nothing", tone([220, 330], 0.25, decay=12.0, glide=0.65), 0.4)
    write("place", tone([1200], 0.05, decay=60.0), 0.25)
