"""Why a pair makes what it makes: its best words under each refinement of the rule, exactly."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..world.embed import unit_rows
from ..world.rule import hub_penalty, is_variant, rule_space
from ..world.vocab import fold
from ..world.world import World

__all__ = ["Candidate", "explain"]


@dataclass(frozen=True)
class Candidate:
    """One word's scores for a pair under each refinement of the rule (rank 1 = best)."""

    name: str
    cosine: float  # the model's own vectors
    centred: float  # after subtracting the vocabulary mean
    penalty: float  # CSLS hubness penalty at the world's strength (or 1.0 when the world has none)
    learned: float | None  # cosine in the world's learned space (None when the world has no learned map)
    csls: float  # the world's space (centred or not, learned or not, as it sets) less the hubness penalty
    gap: float  # |cos(word, a) - cos(word, b)| in the world's space; the world's rule subtracts balance x gap
    final: float | None  # the world's own rule; None when it skips this word
    ranks: dict[str, int]  # "cosine", "centred", "learned", "csls", "final" -> rank
    note: str  # why the world skips it, if it does


def explain(world: World, a: str, b: str, top: int = 8) -> tuple[list[Candidate], dict[str, str]]:
    """The best ``top`` words for ``a + b`` under each rule, exactly (every indexed word).

    Rules: ``cosine`` (plain sum, nearest word), ``centred`` (vectors minus their mean),
    ``learned`` (cosine in the space of the world's learned map, when it has one), ``csls`` (centred as the world sets it, minus the hubness penalty) and ``final`` (the world's
    settings, with variant exclusion). Returns the candidates and a label for each rule.
    """
    vocab = world.vocab
    i, j = vocab.index_of(a), vocab.index_of(b)
    settings = vocab.settings
    items = world.items
    raw = world.raw_vectors.astype(np.float64)
    centred_space = rule_space(world.raw_vectors, items, replace(settings, centre=True)).astype(np.float64)
    space = world.vectors.astype(np.float64)
    strength = settings.hubness if settings.hubness > 0 else 1.0
    penalty = world.penalty if world.penalty is not None else hub_penalty(
        world.vectors, items, replace(settings, hubness=strength))

    def cos(v: np.ndarray) -> np.ndarray:
        return v @ unit_rows(v[i] + v[j])  # a zero sum gives zeros

    c_raw, c_centred, c_space = cos(raw), cos(centred_space), cos(space)
    csls = c_space - penalty
    gap = np.abs(space @ space[i] - space @ space[j])
    final = world.ranker.scores(np.array([[i, j]]), np.arange(len(raw))[None, :])[0]  # the rule's own score
    skip = np.ones(len(raw), dtype=bool)
    skip[items] = False
    skip[[i, j]] = True
    names = [e.name for e in vocab.elements]
    notes = {k: "" for k in items.tolist()}
    excluded = skip.copy()
    if settings.variants != "keep":
        for k in items.tolist():
            if k not in (i, j) and (is_variant(names[k], names[i], settings.variants)
                                    or is_variant(names[k], names[j], settings.variants)):
                excluded[k] = True
                notes[k] = f"skipped: a variant of an input (variants: {settings.variants})"
    columns = {"cosine": (c_raw, skip), "centred": (c_centred, skip), "csls": (csls, skip), "final": (final, excluded)}
    if world.learned is not None:
        columns = {"cosine": columns["cosine"], "centred": columns["centred"], "learned": (c_space, skip), **columns}
    ranks: dict[str, dict[int, int]] = {}
    shown: dict[int, None] = {}
    for rule, (score, hidden) in columns.items():
        order = [k for k in sorted(items.tolist(), key=lambda k: (-round(float(score[k]), 6), fold(names[k])))
                 if not hidden[k]]
        ranks[rule] = {k: r for r, k in enumerate(order, 1)}
        for k in order[:top]:
            shown.setdefault(k)
    out = []
    for k in shown:
        out.append(Candidate(names[k], float(c_raw[k]), float(c_centred[k]), float(penalty[k]),
                             float(c_space[k]) if world.learned is not None else None, float(csls[k]), float(gap[k]),
                             None if excluded[k] else float(final[k]),
                             {rule: ranks[rule].get(k, 0) for rule in columns}, notes.get(k, "")))
    out.sort(key=lambda c: (c.ranks["final"] or 10**9, c.ranks["cosine"]))
    labels = {"cosine": "plain cosine", "centred": "centred cosine",
              **({"learned": f"learned map (rank {world.learned.rank}, {len(vocab.examples)} examples)"}
                 if world.learned is not None else {}),
              "csls": f"CSLS (hubness {strength:g}, k={settings.hubness_k})", "final": "this world's rule" + (f" (balance {settings.balance:g})" if settings.balance else "")}
    return out, labels

