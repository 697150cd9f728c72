"""How well the rule answers, on the default world, under each refinement (``vocab quality``).

Every row is the same world with different ``settings``; the baseline (measured in the same
run) is the plain rule: bare words, no centring, no hubness scaling, no balance, variants kept,
no learned map. The last two rows are this world without and with its learned map. Settings
were chosen on ``benchmarks/quality/tune.txt``; ``heldout.txt`` and ``heldout2.txt`` (written
before any map was fitted) show whether the gain holds on pairs no choice was made on. None of
the three files is in the examples the map is fitted on.

Columns: hit@1 / hit@5 on each set, the distinct results over all 20,100 pairs of the first
200 elements, the most frequent result's share of them (hubness), and the share of results that
are a variant of an input (same word up to plural) or contain an input as a whole word.
"""

from __future__ import annotations

import time
from dataclasses import replace

from game.engine import open_world
from game.engine.designer.quality import evaluate, read_pairs, spread
from game.engine.world.vocab import Settings
from game.engine.world.reader import load_vocab
from game.paths import DEFAULT_VOCAB, QUALITY_PAIRS

from .common import print_table

PLAIN = dict(template="{}", centre=False, hubness=0.0, balance=0.0, variants="keep", learn_rank=0)
CONFIGS = [  # one refinement at a time, then the combinations that did best on the tuning pairs
    ("plain rule (baseline)", {}),
    ("template 'the {}'", dict(template="the {}")),
    ("template 'a {}'", dict(template="a {}")),
    ("template 'a picture of {}'", dict(template="a picture of {}")),
    ("centre", dict(centre=True)),
    ("hubness 0.5", dict(hubness=0.5)),
    ("hubness 1.0", dict(hubness=1.0)),
    ("balance 0.25", dict(balance=0.25)),
    ("balance 0.5", dict(balance=0.5)),
    ("variants word", dict(variants="word")),
    ("hubness 0.5 + balance 0.25", dict(hubness=0.5, balance=0.25)),
    ("centre + hubness 0.5 + balance 0.25", dict(centre=True, hubness=0.5, balance=0.25)),
    ("'a {}' + hubness 0.25 + balance 0.15 + word", dict(template="a {}", hubness=0.25, balance=0.15, variants="word")),
]
QUICK = ("plain rule (baseline)", "balance 0.25")


def measure(vocab, settings: Settings, sets) -> tuple[list, object, float]:
    started = time.perf_counter()
    world, _ = open_world(DEFAULT_VOCAB, vocab=vocab, settings=settings)
    scores = [evaluate(world, pairs) for pairs in sets]
    shape = spread(world)
    return scores, shape, time.perf_counter() - started


def main(quick: bool = False) -> None:
    vocab = load_vocab(DEFAULT_VOCAB)
    sets = [read_pairs(p) for p in QUALITY_PAIRS]
    plain = replace(vocab.settings, **PLAIN)
    configs = [c for c in CONFIGS if c[0] in QUICK] if quick else CONFIGS
    chosen = {k: getattr(vocab.settings, k) for k in (*PLAIN, "hubness_k") if getattr(vocab.settings, k) != getattr(plain, k)}
    print(f"{vocab.name!r}: {len(vocab.elements)} elements, {len(vocab.examples)} examples; evaluation pairs: "
          + ", ".join(f"{p.stem} {len(s)}" for p, s in zip(QUALITY_PAIRS, sets))
          + " (the first run of a template embeds every word with the model)")
    rows, results = [], []
    print("this world's settings: " + (", ".join(f"{k}={v}" for k, v in chosen.items()) or "the plain rule"))
    finals = [("this world without its learned map", replace(vocab.settings, learn_rank=0)),
              (f"learned map, played at hubness {vocab.settings.fit_hubness} (as fitted)",
               replace(vocab.settings, hubness=vocab.settings.fit_hubness)),
              ("this world's settings", vocab.settings)]
    for label, change in [(label, replace(plain, **change)) for label, change in configs] + finals:
        scores, shape, seconds = measure(vocab, change, sets)
        results.append((label, scores, shape))
        data = shape.to_json()
        rows.append([label, *(f"{s.hit1_rate:.1%} / {s.hit5_rate:.1%}" for s in scores), shape.distinct,
                     f"{shape.hub_share:.1%} {data['hub']}", f"{data['variant_share']:.1%}",
                     f"{data['contains_share']:.1%}", f"{seconds:.1f}"])
    print_table(["settings", *(f"{p.stem} @1/@5" for p in QUALITY_PAIRS), "distinct", "top result", "variant",
                 "contains", "s"], rows)
    print()
    for base, final in ((results[0], results[-1]), (results[-3], results[-1]), (results[-2], results[-1])):
        print(f"{final[0]} vs {base[0]}:")
        for k, path in enumerate(QUALITY_PAIRS):
            b, f = base[1][k], final[1][k]
            print(f"  {path.stem}: hit@1 {b.hit1_rate:.1%} -> {f.hit1_rate:.1%}, hit@5 {b.hit5_rate:.1%} -> {f.hit5_rate:.1%}")
        print(f"  distinct results: {base[2].distinct} -> {final[2].distinct}; "
              f"most frequent result's share: {base[2].hub_share:.1%} -> {final[2].hub_share:.1%}")
