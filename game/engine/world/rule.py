"""The refinements of the combination rule that a world can switch on in its ``settings``.

The rule itself stays "add the two vectors, take the nearest word in the Annoy index"; these
functions only prepare what it works with, so every one is cheap, deterministic and pure numpy:

- :func:`rule_space` centres the vectors (``centre``) before the index is built;
- :func:`hub_penalty` is the CSLS-style local scaling (``hubness``) subtracted from scores;
- ``balance`` (applied in :mod:`game.engine.world.ranking`) lowers words close to only one input;
- :func:`variant_pairs` lists which words are mere variants of which (``variants``);
- :func:`embed_text` applies the prompt ``template``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

import numpy as np

from .embed import unit_rows
from .vocab import Settings, fold

__all__ = ["HUB_SAMPLE", "embed_text", "rule_space", "fit_penalty", "hub_penalty", "stem_words", "stem_key", "variant_pairs",
           "is_variant"]

HUB_SAMPLE = 8192  # pair sums sampled to measure each word's hubness (all pairs when fewer)
_HUB_CHUNK = 2048  # pair sums per matrix product (bounds memory)
_GRAM_UP_TO = 4_000  # words; up to here hub_penalty works from the table of all cosines (128 MB at most)
_SPLIT = re.compile(r"[\s\-_/]+")


def embed_text(template: str, text: str) -> str:
    """What the model embeds for ``text`` under a world's ``template`` (``{}`` is the text)."""
    return template.replace("{}", text, 1)


def rule_space(raw: np.ndarray, items: Sequence[int], settings: Settings) -> np.ndarray:
    """The unit vectors the rule (and the index) works with: ``raw`` itself, or with
    ``centre`` the rows minus the mean of the indexed words, made unit length again.

    Returns float32, like the embedding cache, so the index is built from exactly these rows.
    """
    if not settings.centre or len(items) == 0:
        return raw
    v = raw.astype(np.float64)
    mean = v[np.asarray(items, dtype=np.int64)].mean(axis=0)
    return unit_rows(v - mean).astype(np.float32)


def fit_penalty(space: np.ndarray, items: Sequence[int], settings: Settings) -> np.ndarray | None:
    """The hubness penalty a learned map is fitted against: :func:`hub_penalty` at the
    settings' ``fit_hubness`` (``learn_hubness``, else ``hubness``)."""
    return hub_penalty(space, items, replace(settings, hubness=settings.fit_hubness))


def hub_penalty(space: np.ndarray, items: Sequence[int], settings: Settings) -> np.ndarray | None:
    """Each word's CSLS penalty: ``hubness`` times its mean score (cosine, less the ``balance``
    term) for the ``hubness_k`` pair sums it scores best on, or None when ``hubness`` is 0.

    The pair sums are the queries the game actually asks: all pairs of indexed words in a small
    world, otherwise ``HUB_SAMPLE`` pairs drawn with the world's ``seed``. A word's own pairs are
    left out (the rule never answers a pair with one of its inputs). Words that are not indexed
    get 0.
    """
    if settings.hubness <= 0 or len(items) < 2:
        return None
    idx = np.asarray(items, dtype=np.int64)
    n = len(idx)
    total = n * (n + 1) // 2
    if total <= HUB_SAMPLE:
        first, second = np.triu_indices(n)
    else:
        rng = np.random.default_rng(settings.seed)
        first, second = rng.integers(0, n, HUB_SAMPLE), rng.integers(0, n, HUB_SAMPLE)
    v = space[idx].astype(np.float64)
    gram = v @ v.T if n <= _GRAM_UP_TO else None  # every cosine once, instead of one product per chunk
    k = min(settings.hubness_k, len(first))
    best = np.full((n, 0), -np.inf)
    for start in range(0, len(first), _HUB_CHUNK):
        a, b = first[start:start + _HUB_CHUNK], second[start:start + _HUB_CHUNK]
        if gram is not None:
            to_a, to_b = gram[:, a], gram[:, b]
            sums = np.sqrt(np.maximum(gram[a, a] + gram[b, b] + 2 * gram[a, b], 0.0))
            sims = (to_a + to_b) / np.where(sums == 0, 1.0, sums)
        else:
            to_a, to_b = (v @ v[a].T, v @ v[b].T) if settings.balance else (None, None)
            sims = v @ unit_rows(v[a] + v[b]).T
        if settings.balance:
            sims -= settings.balance * np.abs(to_a - to_b)
        cols = np.arange(len(a))
        sims[a, cols] = -np.inf
        sims[b, cols] = -np.inf
        joined = np.concatenate([best, sims], axis=1)
        keep = min(k, joined.shape[1])
        best = -np.partition(-joined, keep - 1, axis=1)[:, :keep]
    finite = np.isfinite(best)
    r = np.where(finite, best, 0.0).sum(axis=1) / np.maximum(finite.sum(axis=1), 1)
    penalty = np.zeros(len(space))
    penalty[idx] = settings.hubness * np.round(r, 9)  # rounded so BLAS summation order cannot show
    return penalty


def _stem(token: str) -> str:
    t = token.strip("'’.!?()")
    if t.endswith(("'s", "’s")):
        t = t[:-2]
    if len(t) > 4 and t.endswith("ies"):
        t = t[:-3] + "y"
    elif len(t) > 4 and t.endswith(("ches", "shes", "sses", "xes", "zes")):
        t = t[:-2]
    elif len(t) > 3 and t.endswith("s") and not t.endswith(("ss", "us", "is")):
        t = t[:-1]
    return t


def stem_words(name: str) -> tuple[str, ...]:
    """The stems of a name's words (plurals made singular): ``"Pine Trees"`` -> ``("pine", "tree")``.

    Only plurals are undone: ``-ing`` and ``-ed`` are left alone because in a world of things
    they mostly make new nouns (Paint/Painting, Build/Building), not variants.
    """
    return tuple(_stem(t) for t in _SPLIT.split(fold(name)) if t)


def stem_key(name: str) -> str:
    """Names with the same key are the same word up to plural, spaces and hyphens."""
    return "".join(stem_words(name))


def is_variant(result: str, given: str, mode: str = "stem") -> bool:
    """Whether ``result`` is only a variant of the input ``given`` under ``mode`` (see
    :class:`Settings`): the same stem, or with ``"word"`` also containing it as whole words."""
    if mode == "keep":
        return False
    if stem_key(result) == stem_key(given):
        return True
    if mode != "word":
        return False
    words, inner = stem_words(result), stem_words(given)
    return any(words[i:i + len(inner)] == inner for i in range(len(words) - len(inner) + 1))


def variant_pairs(names: Sequence[str], mode: str) -> np.ndarray:
    """Sorted keys ``result * len(names) + given`` of every (result, given) pair of different
    elements where ``result`` is a variant of ``given`` under ``mode``."""
    n = len(names)
    if mode == "keep" or n == 0:
        return np.zeros(0, dtype=np.int64)
    words = [stem_words(name) for name in names]
    by_key: dict[str, list[int]] = {}
    by_words: dict[tuple[str, ...], list[int]] = {}
    for i, w in enumerate(words):
        by_key.setdefault("".join(w), []).append(i)
        by_words.setdefault(w, []).append(i)
    keys: set[int] = set()
    for group in by_key.values():
        keys.update(r * n + g for r in group for g in group if r != g)
    if mode == "word":
        for r, w in enumerate(words):
            for lo in range(len(w)):
                for hi in range(lo + 1, len(w) + 1):
                    keys.update(r * n + g for g in by_words.get(w[lo:hi], ()) if g != r)
    return np.array(sorted(keys), dtype=np.int64)
