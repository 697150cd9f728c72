"""Inputs that are not what they claim: devices, endless streams and lines with no end get one
clear error each, never a memory blow-up or a hang (issue: unbounded reads)."""

from __future__ import annotations

import io
import os

import pytest

from game.engine.designer.quality import read_pairs
from game.engine.errors import EmbedcraftError, LocatedError, StorageError
from game.engine.pairs import PairLineError
from game.engine.reading import capped_lines, read_capped
from game.engine.runs.routes import read_route
from game.engine.runs.save_reader import read_save
from game.engine.runs.savefile import SaveError
from game.engine.world.reader import check_vocab

DEVICES = [d for d in ("/dev/zero", "/dev/urandom") if os.path.exists(d)]


@pytest.mark.parametrize("device", DEVICES)
def test_a_device_is_refused_by_every_reader(device):
    (error,) = check_vocab(device)
    assert "not a regular file" in str(error)
    with pytest.raises(SaveError, match="not a regular file"):
        read_save(device)
    with pytest.raises(StorageError, match="not a regular file"):
        read_route(device)
    with pytest.raises(PairLineError, match="not a regular file"):
        read_pairs(device)


def test_a_file_over_the_cap_is_refused_after_reading_only_the_cap(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 1001)
    assert read_capped(big, 1001) == b"x" * 1001
    with pytest.raises(OSError, match="larger than 1,000 bytes"):
        read_capped(big, 1000)
    endless = io.BytesIO(b"y" * 10_000)
    with pytest.raises(OSError, match="larger than 100 bytes"):
        read_capped("-", 100, endless)
    assert endless.tell() == 101  # it stopped one byte past the cap


def test_a_line_with_no_end_is_refused_at_the_line_cap():
    lines = capped_lines(io.StringIO("Water + Fire\n" + "W" * 5000), max_chars=1000)
    assert next(lines) == "Water + Fire\n"
    with pytest.raises(OSError, match="a line is longer than 1,000 characters"):
        next(lines)


def test_try_batch_on_an_endless_line_is_one_error(monkeypatch, capsys, default_world):
    from game.cli import main
    from game.cli import play as play_cli

    monkeypatch.setattr(play_cli, "open_world_for", lambda vocab: (default_world, None))
    monkeypatch.setattr("sys.stdin", io.StringIO("Water + Fire\n" + "\0" * 200_000))
    assert main(["try", "--batch", "-"]) == 1
    out, err = capsys.readouterr()
    assert err.strip() == "embedcraft: error: -: a line is longer than 65,536 characters"


def test_errors_are_located_errors_with_the_file_named(tmp_path):
    # Every reader's error is one line that names the file (the CLI prints it as it is).
    for device in DEVICES:
        for read in (read_save, read_pairs):
            with pytest.raises(LocatedError) as caught:
                read(device)
            assert str(caught.value).startswith(device) and "\n" not in str(caught.value)
    assert issubclass(StorageError, EmbedcraftError)


def test_a_file_that_is_not_regular_is_never_replaced(tmp_path):
    """`--force` onto a device node used to replace it with a regular file (and a .bak)."""
    import stat

    from game.engine.atomic import atomic_write_bytes, replace_keeping_backup

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for write in (atomic_write_bytes, replace_keeping_backup):
        with pytest.raises(StorageError, match="it is not a regular file, and it is left as it is"):
            write(fifo, b"{}")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_output_to_a_full_device_is_one_error_line():
    import subprocess
    import sys

    from conftest import REPO

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        out = subprocess.run([sys.executable, "-m", "game", "try", "water", "fire"], cwd=REPO, stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=120)
    # (a fresh clone's first command also says that it builds the index)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.splitlines()[-1] == "embedcraft: error: could not write the output: No space left on device"
