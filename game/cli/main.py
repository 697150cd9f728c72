"""The ``embedcraft`` parser and entry point: each command group adds its own commands, and
expected failures become one line on stderr and exit status 1, never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from .. import __version__
from ..engine import EmbedcraftError
from . import play, runs, vocab
from .common import PROG, error

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Embedcraft: combine concepts; A + B is the word nearest to vec(A) + vec(B).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    for group in (vocab, play, runs):
        group.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failure, 2 usage error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status = args.handler(args)
        sys.stdout.flush()  # here, so a full disk or device behind stdout is reported below
        return status
    except EmbedcraftError as exc:
        error(str(exc))
        return 1
    except UnicodeDecodeError as exc:
        error(f"the input is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return 1
    except KeyboardInterrupt:
        error("interrupted")
        return 130
    except BrokenPipeError:
        # `embedcraft try --batch ... | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0
    except OSError as exc:  # writing the output failed: `try water fire > /dev/full`
        _drop_pending_output()
        error(f"could not write the output: {exc.strerror or exc}")
        return 1


def _drop_pending_output() -> None:
    """Forget what stdout still holds, so the interpreter's last flush does not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass
