"""Run every benchmark: ``.venv/bin/python -m benchmarks [--quick] [--only NAME ...]``.

``--quick`` uses smaller worlds and fewer pairs (1k and 10k words instead of up to 100k) and
takes well under a minute; the full run builds a 100k-word index and takes a few minutes.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import time

from .common import machine_summary

BENCHMARKS = ("combine", "batch", "cli", "client", "saves", "quality", "players")  # module benchmarks.bench_NAME, run in this order


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer pairs")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, metavar="NAME",
                        help=f"run only these ({', '.join(BENCHMARKS)})")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    print(f"embedcraft benchmarks ({'quick' if args.quick else 'full'} run): Python {platform.python_version()}, "
          f"{machine_summary()}")
    print()
    started = time.perf_counter()
    for name in args.only or BENCHMARKS:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"=== bench_{name} " + "=" * (60 - len(name)))
        began = time.perf_counter()
        module.main(quick=args.quick)
        print(f"(bench_{name}: {time.perf_counter() - began:.0f} s)")
        print()
    print(f"all benchmarks: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
