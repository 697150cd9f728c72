"""Saves, verification, share codes and shortest routes on the default world.

- ``save verify`` replays a long run with one batched engine call; the baseline, measured in
  the same run, replays it one craft at a time through ``World.combine`` on a fresh world.
- Writing and reading a long save (atomic write with backup, full check on load), and the
  per-craft cost of the craft journal against writing the whole save.
- Share codes: length against the save file's size.
- ``route find``: the all-pairs craft table built from scratch and read back from its cache,
  then the search for targets at several depths (time, crafts, proven or not).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from game.engine import open_world
from game.engine.runs.discovery import DiscoveryLog
from game.engine.runs.journal import Drop, Journal, JournalHead
from game.engine.designer.crafts import craft_table
from game.engine.designer.shortest import find_route
from game.engine.runs.savefile import SaveFile, save_bytes, world_stamp, write_save
from game.engine.runs.save_reader import read_save
from game.engine.runs.sharecode import encode_save
from game.engine.runs.verify import verify_save
from game.paths import DEFAULT_VOCAB

from .common import print_table, ratio

TARGETS = ("Steam", "Glass", "Oil", "Clay", "Steel", "Salt", "Palm Tree")


def long_run(world, crafts: int, seed: int = 7) -> SaveFile:
    """A player who combines random pairs of what they know, ``crafts`` times."""
    rng = random.Random(seed)
    log = DiscoveryLog([e.name for e in world.starting])
    for step in range(crafts):
        a, b = rng.choice(log.found), rng.choice(log.found)
        made = world.combine(a, b, top=0)
        log.record(made.a, made.b, made.result, 700 * (step + 1))
    return SaveFile(world_stamp(world), log.starting, tuple(log.crafts), play_ms=700 * crafts + 1)


def fresh_world():
    return open_world(DEFAULT_VOCAB)[0]


def main(quick: bool = False) -> None:
    n = 500 if quick else 2000
    save = long_run(fresh_world(), n)
    world = fresh_world()
    started = time.perf_counter()
    verify_save(world, save, "bench")
    batched = time.perf_counter() - started
    world = fresh_world()
    started = time.perf_counter()
    for craft in save.crafts:
        world.combine(craft.a, craft.b, top=0)
    one_by_one = time.perf_counter() - started
    print_table(["replay", f"{n} crafts", "per craft", "speed-up"], [
        ["verify_save (batched)", f"{batched * 1000:.0f} ms", f"{batched / n * 1e6:.0f} µs", ratio(one_by_one / batched)],
        ["one craft at a time (baseline)", f"{one_by_one * 1000:.0f} ms", f"{one_by_one / n * 1e6:.0f} µs", "1.0x"],
    ], title=f"save verify on a {n}-craft run of the default world ({len(save.discoveries)} discoveries)")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run.json"
        writes, reads = [], []
        for _ in range(5):
            started = time.perf_counter()
            write_save(path, save)
            writes.append(time.perf_counter() - started)
            started = time.perf_counter()
            read_save(path)
            reads.append(time.perf_counter() - started)
        size = len(save_bytes(save))
        code = encode_save(save)
        print_table(["", "value"], [
            ["write_save (atomic, with backup), median of 5", f"{statistics.median(writes) * 1000:.1f} ms"],
            ["read_save (every field and craft checked), median of 5", f"{statistics.median(reads) * 1000:.1f} ms"],
            ["save file", f"{size:,} bytes"],
            ["share code", f"{len(code):,} characters ({ratio(size / len(code))} smaller)"],
        ], title=f"a {n}-craft save")

        # Per craft, the game writes one journal line (fsynced) instead of the whole save.
        journal = Journal(Path(folder) / "run.json.journal", JournalHead(save.world.fingerprint, save.created, n))
        adds = []
        for craft in save.crafts[:200]:
            started = time.perf_counter()
            journal.add(Drop(craft.a, craft.b, craft.t_ms))
            adds.append(time.perf_counter() - started)
        journal.close()
        add, full = statistics.median(adds), statistics.median(writes)
        p95 = sorted(adds)[int(len(adds) * 0.95)]
        print_table(["durable per craft", "median", "p95", "against a frame (16.7 ms)", "speed-up"], [
            [f"whole save written ({n} crafts, baseline)", f"{full * 1000:.2f} ms", "", f"{full / (1 / 60):.1%}", "1.0x"],
            ["one journal line, written and fsynced", f"{add * 1000:.3f} ms", f"{p95 * 1000:.3f} ms",
             f"{add / (1 / 60):.2%}", ratio(full / add)],
        ], title="making every craft durable at its drop (200 drops)")

        world = fresh_world()
        cache = Path(folder) / "cache"
        started = time.perf_counter()
        table = craft_table(world, cache)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        craft_table(world, cache)
        warm = time.perf_counter() - started
        print_table(["craft table", "time", "speed-up"], [
            [f"built: {len(table[1]):,} pairs crafted (baseline)", f"{cold:.2f} s", "1.0x"],
            ["read back from crafts.npz", f"{warm * 1000:.0f} ms", ratio(cold / warm)],
        ], title="route find: every pair of reachable elements")
        limit = 1.0 if quick else 5.0
        rows = []
        for target in TARGETS:
            found = find_route(world, target, table, time_limit=limit)
            rows.append([target, len(found.crafts), found.lower_bound, "yes" if found.optimal else "no",
                         f"{found.seconds:.2f} s", f"{found.nodes:,}"])
        print_table(["target", "crafts", "proven minimum", "shortest proven", "search time", "states"], rows,
                    title=f"route find, time limit {limit:g} s")
