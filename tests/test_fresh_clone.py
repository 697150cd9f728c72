"""The README's set-up, tried as a newcomer would: a fresh clone, `make install`, the CLI (slow)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_readme_commands_and_ci_script():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make play" in readme and "make test" in readme
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and os.access(REPO / ".ci" / "run", os.X_OK)


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("make") is None, reason="needs git and make")
def test_fresh_clone_installs_and_answers(tmp_path):
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path / "embedcraft"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    install = subprocess.run(["make", "install"], cwd=clone, env=env, capture_output=True, text=True, timeout=1500)
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-2000:]

    embedcraft = str(clone / ".venv" / "bin" / "embedcraft")
    check = subprocess.run([embedcraft, "vocab", "check"], cwd=clone, capture_output=True, text=True, timeout=120)
    assert check.returncode == 0 and "ok" in check.stdout, check.stderr
    first = subprocess.run([embedcraft, "try", "water", "fire", "--json"], cwd=clone, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert '"result": "Steam"' in first.stdout
    assert "building the index" in first.stderr and "loading the embedding model" not in first.stderr

    started = time.monotonic()
    again = subprocess.run(["make", "install"], cwd=clone, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "pip install" not in again.stdout  # nothing changed: nothing reinstalled
    assert time.monotonic() - started < 60
