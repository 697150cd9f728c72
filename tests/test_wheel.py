"""A non-editable install from a built wheel, outside the repository, plays the default world (slow)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding only the embedcraft wheel; its dependencies come from this
    environment's site-packages through a ``.pth`` line, which adds the folder but not the
    editable install's finder, so ``import game`` can only find the wheel's copy."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__",
                                                                 "saves", ".pytest_cache", ".hypothesis"))
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                            "--disable-pip-version-check", "-w", str(root / "dist"), str(source)],
                           capture_output=True, text=True, timeout=600, cwd=root)
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = (root / "dist").glob("embedcraft-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("game/vocab/default.yaml", "game/vocab/default.examples.txt", "game/vocab/default.cache/vectors.npy",
                    "game/vocab/default.cache/learned.npz", "game/vocab/default.cache/learned.json",
                    "game/assets/fonts/OFL.txt", "game/assets/sounds/discover.wav", "game/quality/heldout2.txt"):
        assert shipped in names, f"{shipped} is not in the wheel"
    # The committed learned map ships (fitting it takes a minute); built caches never do.
    assert not [n for n in names if n.endswith((".ann", ".npz")) and not n.endswith("learned.npz")], \
        "built caches leaked into the wheel"

    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    # The fresh venv's own pip, before it can see this environment: a pip that sees the
    # editable install here would uninstall it.
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps",
                              "--no-index", "--disable-pip-version-check", str(wheel)],
                             capture_output=True, text=True, timeout=600, cwd=root)
    assert install.returncode == 0, install.stderr[-2000:]
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv


def _run(venv: Path, tmp_path: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(EMBEDCRAFT_HOME=str(tmp_path / "home"), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    return subprocess.run([str(venv / "bin" / "python"), "-m", "game", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_the_wheel_answers_and_plays_outside_the_repository(installed, tmp_path):
    where = _run(installed, tmp_path, "--version")
    assert where.returncode == 0, where.stderr
    probe = subprocess.run([str(installed / "bin" / "python"), "-c", "import game.paths as p; print(p.__file__); "
                            "print(p.DEFAULT_VOCAB)"], cwd=tmp_path, capture_output=True, text=True, check=True)
    module, vocab = probe.stdout.split()
    assert str(REPO) not in module and str(installed) in module and str(installed) in vocab

    first = _run(installed, tmp_path, "try", "water", "fire", "--json")
    assert first.returncode == 0, first.stderr
    assert '"result": "Steam"' in first.stdout
    assert "loading the embedding model" not in first.stderr  # the shipped vectors cover the world

    played = _run(installed, tmp_path, "play", "--quit-after-frames", "2")
    assert played.returncode == 0, played.stderr
    assert played.stdout.startswith("playing 'Classic elements'")
    assert (tmp_path / "home" / "default.json").is_file()  # the save went to the user's folder
