"""Shared fixtures: a deterministic fake embedder, tiny worlds, and a copy of the default world."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Sequence

import numpy as np
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

REPO = Path(__file__).resolve().parent.parent
DEFAULT_VOCAB = REPO / "vocab" / "default.yaml"


class FakeEmbedder:
    """Deterministic vectors from a hash of the text, or from a table a test supplies."""

    def __init__(self, dim: int = 16, table: dict[str, Sequence[float]] | None = None, model_id: str = "fake-hash") -> None:
        self.dim = dim
        self.table = {k: np.asarray(v, dtype=np.float64) for k, v in (table or {}).items()}
        self.model_id = f"{model_id}-{dim}"
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = []
        for text in texts:
            if text in self.table:
                out.append(self.table[text])
                continue
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
            out.append(np.random.default_rng(seed).standard_normal(self.dim))
        return np.asarray(out, dtype=np.float32)

    @property
    def embedded(self) -> int:
        return sum(len(c) for c in self.calls)


class NoEmbedder:
    """Fails the test if anything asks for an embedding (the cache must cover everything)."""

    model_id = "sentence-transformers/all-MiniLM-L6-v2"

    def embed(self, texts):  # pragma: no cover - reaching it is the failure
        raise AssertionError(f"unexpected embedding of {len(texts)} texts: {list(texts)[:5]}")


TINY = """\
format_version: 1
name: Tiny
starting: [Water, Fire, Wind, Earth]
elements:
  Water: "💧"
  Fire: "🔥"
  Wind: "🌬️"
  Earth: "🌍"
  Steam:
  Mud: "🟫"
  Lava: "🌋"
  Dust:
  Rain: "🌧️"
  Stone: "🪨"
"""


def run_python(code: str, timeout: float = 300) -> str:
    """Run ``code`` in a fresh interpreter in the project folder; returns its stdout, fails on error."""
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stderr
    return out.stdout


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def fake() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def tiny_path(tmp_path: Path) -> Path:
    return write(tmp_path / "tiny.yaml", TINY)


@pytest.fixture(scope="session")
def default_copy(tmp_path_factory) -> Path:
    """The default vocabulary, its examples, committed vectors and learned map, copied so tests never touch vocab/."""
    folder = tmp_path_factory.mktemp("default")
    shutil.copy(DEFAULT_VOCAB, folder / "default.yaml")
    shutil.copy(DEFAULT_VOCAB.with_name("default.examples.txt"), folder / "default.examples.txt")
    cache = folder / "default.cache"
    cache.mkdir()
    for name in ("vectors.npy", "vectors.json", "learned.npz", "learned.json"):
        shutil.copy(REPO / "vocab" / "default.cache" / name, cache / name)
    return folder / "default.yaml"


@pytest.fixture(scope="session")
def default_world(default_copy):
    from game.engine import open_world

    world, _ = open_world(default_copy, embedder=NoEmbedder())
    return world


@pytest.fixture(scope="session")
def default_table(default_copy, default_world):
    """Every pair of the default world's reachable elements, crafted once per test session and
    cached beside ``default_copy`` as the CLI caches it, so `vocab reach`, `vocab map` and
    `route find` on ``default_copy`` read it back instead of crafting a million pairs again."""
    from game.engine.designer.crafts import craft_table

    return craft_table(default_world, default_copy.parent / "default.cache")


@pytest.fixture(autouse=True)
def _user_data(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own EMBEDCRAFT_HOME, so no test reads or writes a real save."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("EMBEDCRAFT_HOME", str(home))
    return home


class InlineExecutor(Executor):
    """Runs each job at once on the calling thread (the game uses a worker thread)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the future like a real executor
            future.set_exception(exc)
        return future


class HeldExecutor(Executor):
    """Queues jobs until :meth:`release`, like a combination slower than a frame."""

    def __init__(self) -> None:
        self.queue: list[tuple[Future, object, tuple]] = []

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        self.queue.append((future, fn, args))
        return future

    def release(self) -> None:
        while self.queue:
            future, fn, args = self.queue.pop(0)
            future.set_result(fn(*args))


def measure_tile(name: str) -> tuple[float, float]:
    """A renderer-free tile size: 10 px per letter plus room for the emoji."""
    return (48 + 10 * len(name), 44)


# Tests that need the whole default world crafted (1.3 M pairs, about half a minute once per
# run) are slow by cost, whatever their own marks say, so `pytest -m "not slow"` stays quick.
SLOW_FIXTURES = {"default_table"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
            # With pytest-xdist (`make test` runs two workers), these share one worker, so the
            # craft table is built once rather than once per worker.
            item.add_marker(pytest.mark.xdist_group("default-table"))
