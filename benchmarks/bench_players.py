"""Simulated players on the default world, without and with its learned map (same run).

20 players each try 300 pairs drawn uniformly from the untried pairs of what they have found,
from the starting elements (:mod:`game.engine.designer.players`). Printed: the mean number of
elements found (the starting four included), the share of crafts that made something new, and
the five most frequent results' shares of all crafts. Recipes count, as in the game.
"""

from __future__ import annotations

import time
from dataclasses import replace

from game.engine import open_world
from game.engine.designer.players import CRAFTS, PLAYERS, simulate
from game.engine.world.reader import load_vocab
from game.paths import DEFAULT_VOCAB

from .common import print_table


def main(quick: bool = False) -> None:
    vocab = load_vocab(DEFAULT_VOCAB)
    players = PLAYERS // 4 if quick else PLAYERS
    rows = []
    fitted = vocab.settings.fit_hubness
    for label, settings in (("without the learned map (baseline)", replace(vocab.settings, learn_rank=0)),
                            (f"learned map, played at hubness {fitted} (as fitted)", replace(vocab.settings, hubness=fitted)),
                            (f"this world (learned map, hubness {vocab.settings.hubness})", vocab.settings)):
        started = time.perf_counter()
        world, _ = open_world(DEFAULT_VOCAB, vocab=vocab, settings=settings)
        report = simulate(world, players=players, crafts=CRAFTS)
        top = ", ".join(f"{name} {share:.1%}" for name, share in report.top())
        rows.append([label, f"{report.mean_found:.1f}", f"{report.new_share:.3f}", top,
                     f"{time.perf_counter() - started:.1f}"])
    print(f"{players} players x {CRAFTS} random untried pairs each, from {', '.join(vocab.starting)}")
    print_table(["world", "found", "new/craft", "top five results (share of crafts)", "s"], rows)
