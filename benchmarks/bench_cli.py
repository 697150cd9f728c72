"""Start-up cost of ``embedcraft try water fire`` on the default world, and that it avoids torch.

The command's wall time (best of 5, in fresh processes) is compared, in the same run, with
``python -c "import sentence_transformers"`` (best of 3): the cost ``try`` would pay if it
loaded the embedding stack. ``python -c pass`` is shown for the interpreter's own floor. A
last subprocess runs ``game.cli.main(["try", "water", "fire"])`` and reports whether torch (or
sentence_transformers) ended up in ``sys.modules``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from .common import print_table, ratio

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
EMBEDCRAFT = PYTHON.parent / "embedcraft"
TRY = [str(EMBEDCRAFT), "try", "water", "fire"]
IMPORT_ST = [str(PYTHON), "-c", "import sentence_transformers"]
BARE = [str(PYTHON), "-c", "pass"]
PROBE = """
import contextlib, io, json, sys
from game.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    status = main(["try", "water", "fire"])
print(json.dumps({"status": status, "torch": "torch" in sys.modules,
                  "sentence_transformers": "sentence_transformers" in sys.modules}))
"""


def run(command: list[str]) -> float:
    """Wall time of one run of ``command`` from the project folder; raises if it fails."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr.strip()}")
    return seconds


def best_of(command: list[str], runs: int) -> float:
    return min(run(command) for _ in range(runs))


def probe_imports() -> dict:
    """What ``main(["try", "water", "fire"])`` leaves in ``sys.modules``, from a fresh process."""
    done = subprocess.run([str(PYTHON), "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(quick: bool = False) -> None:
    del quick  # the same few runs either way: each is a fresh process of well under a second
    if not EMBEDCRAFT.exists():
        print(f"skipped: {EMBEDCRAFT} not found (run `make install`)")
        return
    run(TRY)  # builds the default world's index if it is missing, so it is not timed below
    baseline = best_of(IMPORT_ST, 3)
    timed = [
        ("python -c 'import sentence_transformers'", 3, baseline),
        ("embedcraft try water fire", 5, best_of(TRY, 5)),
        ("python -c pass (interpreter start-up)", 5, best_of(BARE, 5)),
    ]
    print_table(
        ["command", "runs", "best wall s", "vs import sentence_transformers"],
        [[label, runs, f"{seconds:.3f}", "1.00x (baseline)" if row == 0 else ratio(seconds / baseline)]
         for row, (label, runs, seconds) in enumerate(timed)],
        title="start-up: fresh processes from the project folder, index already built",
    )
    found = probe_imports()
    print(f"main(['try', 'water', 'fire']) exit status {found['status']}; "
          f"torch kept out of sys.modules: {'no' if found['torch'] else 'yes'}; "
          f"sentence_transformers kept out: {'no' if found['sentence_transformers'] else 'yes'}")


if __name__ == "__main__":
    main()
