"""A world's learned space: a linear map ``W = I + A·Bᵀ`` fitted on the designer's examples.

The rule does not change: a pair still makes the word nearest to the sum of its two vectors.
What changes is the space. Every element's rule vector ``x`` becomes ``unit(W·x)`` before the
index is built, so a pair ``a + b`` is looked up as ``unit(W·a) + unit(W·b)`` among the
``unit(W·w)``. The map is linear and applied once when a world opens, so the game needs numpy
only; fitting it is numpy too (a few seconds to a minute), and nothing here imports torch.

Fitting (:func:`fit_map`) minimises, over the examples, the softmax cross-entropy of the
accepted answers among every word of the index (the pair's inputs left out), with the rule's
own scores in the mapped space, ``temperature · (cos(w, a + b) - balance · |cos(w, a) -
cos(w, b)| - penalty(w))`` (the hubness penalty is that of the space before the map, held
fixed), plus ``decay · (|A|² + |B|²)``, which pulls ``W`` toward the identity. Fitting the
scores the game ranks by, not the bare cosine, lets the map learn with the refinements
instead of against them. An example's accepted answers are a target distribution, best
first, each weighing ``ANSWER_WEIGHT`` times the one before: the map must give every accepted
answer its share instead of piling the probability on whichever is easiest (which made the
answers that many examples accept, Steam and Mud, win far too many pairs). Full-batch Adam in float64, from a seeded start, with a fixed
number of BLAS threads, so the same examples and settings give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import numpy as np

from .embed import unit_rows

__all__ = ["MAP_VERSION", "FIT_THREADS", "LearnedMap", "ExampleSet", "FitOptions", "fit_map", "example_loss"]

MAP_VERSION = 2  # bump when fitting or applying changes what a map does (cached maps are then refitted)
FIT_THREADS = 2  # BLAS threads while fitting: fixed, so the summation order is the same on every run
ANSWER_WEIGHT = 0.5  # each accepted answer of an example weighs this much of the one before it
_ADAM = (0.9, 0.999, 1e-8)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LearnedMap:
    """``W = I + a·bᵀ``: ``a`` and ``b`` are (dim, rank) float64."""

    a: np.ndarray
    b: np.ndarray

    @property
    def rank(self) -> int:
        return int(self.a.shape[1])

    def apply(self, vectors: np.ndarray) -> np.ndarray:
        """``unit(W·x)`` for every row ``x`` of ``vectors``, as float32 (what the index holds)."""
        x = np.asarray(vectors, dtype=np.float64)
        return unit_rows(x + (x @ self.b) @ self.a.T).astype(np.float32)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, a=self.a, b=self.b)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, dim: int) -> "LearnedMap":
        """Read a map written by :meth:`to_bytes`; raises ValueError when it is not one for ``dim``."""
        with np.load(io.BytesIO(data), allow_pickle=False) as files:
            if sorted(files.files) != ["a", "b"]:
                raise ValueError(f"holds {sorted(files.files)}, not the two factors a and b")
            a, b = files["a"], files["b"]
        if a.dtype != np.float64 or b.dtype != np.float64 or a.ndim != 2 or a.shape != b.shape or a.shape[0] != dim:
            raise ValueError(f"factors of shape {a.shape} / {b.shape} ({a.dtype}), expected ({dim}, rank) float64")
        if not (np.isfinite(a).all() and np.isfinite(b).all()):
            raise ValueError("the factors hold values that are not finite")
        return cls(a, b)

    def digest(self) -> str:
        return hashlib.sha256(self.to_bytes()).hexdigest()


@dataclass(frozen=True)
class ExampleSet:
    """Examples as element positions: ``pairs`` (E, 2), per example the accepted answers and the
    words the rule never gives for that pair besides its inputs (variants of an input)."""

    pairs: np.ndarray
    answers: tuple[tuple[int, ...], ...]
    skipped: tuple[tuple[int, ...], ...] = ()

    def __len__(self) -> int:
        return len(self.pairs)

    def subset(self, rows: Sequence[int]) -> "ExampleSet":
        rows = list(rows)
        return ExampleSet(self.pairs[rows], tuple(self.answers[r] for r in rows),
                          tuple(self.skipped[r] for r in rows) if self.skipped else ())


@dataclass(frozen=True)
class FitOptions:
    """How a map is fitted (a world's ``learn_*`` settings)."""

    rank: int = 32
    decay: float = 1e-3
    epochs: int = 200
    temperature: float = 20.0
    rate: float = 0.01
    seed: int = 42
    balance: float = 0.0  # the world's balance setting, so the fit scores pairs as the rule does


def fit_map(vectors: np.ndarray, items: Sequence[int], examples: ExampleSet, options: FitOptions,
            progress: Progress | None = None, checkpoint: Callable[[int, LearnedMap], None] | None = None,
            penalty: np.ndarray | None = None) -> LearnedMap:
    """Fit ``W`` on ``examples`` (see the module docstring).

    Args:
        vectors: the rule's unit vectors (float32 or float64), one row per element.
        items: the words that can be answers (the index's elements).
        penalty: each word's hubness penalty in ``vectors``' space (:func:`rule.hub_penalty`),
            or None for a world without hubness.
        progress: receives ``(epoch, epochs)`` after every epoch.
        checkpoint: receives ``(epoch, map)`` after every epoch, for tools that watch held-out
            pairs while a map is fitted.
    """
    x = np.asarray(vectors, dtype=np.float64)
    dim = x.shape[1]
    rng = np.random.default_rng(options.seed)
    a = np.zeros((dim, options.rank))
    b = rng.normal(0.0, 1.0 / np.sqrt(dim), (dim, options.rank))
    moments = [np.zeros_like(a), np.zeros_like(a), np.zeros_like(b), np.zeros_like(b)]
    target, allowed = _problem(examples, items, len(x))
    with _threads(FIT_THREADS):
        for epoch in range(1, options.epochs + 1):
            _, grad_a, grad_b = _loss_and_grads(x, a, b, examples.pairs, target, allowed, options, penalty)
            a = _adam_step(a, grad_a, moments[0], moments[1], epoch, options.rate)
            b = _adam_step(b, grad_b, moments[2], moments[3], epoch, options.rate)
            if progress:
                progress(epoch, options.epochs)
            if checkpoint:
                checkpoint(epoch, LearnedMap(a.copy(), b.copy()))
    return LearnedMap(a, b)


def example_loss(vectors: np.ndarray, items: Sequence[int], examples: ExampleSet, learned: LearnedMap,
                 options: FitOptions, penalty: np.ndarray | None = None) -> tuple[float, np.ndarray, np.ndarray]:
    """The fitting loss of ``learned`` on ``examples`` and its gradients for ``a`` and ``b``
    (what :func:`fit_map` descends; public so a test can check the gradients numerically)."""
    x = np.asarray(vectors, dtype=np.float64)
    return _loss_and_grads(x, learned.a, learned.b, examples.pairs, *_problem(examples, items, len(x)), options,
                           penalty)


def _problem(examples: ExampleSet, items: Sequence[int], n: int) -> tuple[np.ndarray, np.ndarray]:
    """The examples' targets and the words each one's softmax runs over; every answer must be
    one of those words (the reader and :func:`caches.example_set` make sure of it)."""
    target, allowed = _targets(examples, n), _allowed(examples, items, n)
    if ((target > 0) & ~allowed).any():
        raise ValueError("an example's answer is one of its inputs, a skipped variant or not indexed")
    return target, allowed


def _targets(examples: ExampleSet, n: int) -> np.ndarray:
    """Each example's target distribution over the words: its answers, best first, each
    weighing ``ANSWER_WEIGHT`` of the one before."""
    target = np.zeros((len(examples), n))
    for row, answers in enumerate(examples.answers):
        weights = ANSWER_WEIGHT ** np.arange(len(answers))
        target[row, list(answers)] = weights / weights.sum()
    return target


def _allowed(examples: ExampleSet, items: Sequence[int], n: int) -> np.ndarray:
    """Which words each example's softmax runs over: the index's words, less the two inputs and
    the words the rule skips for the pair."""
    allowed = np.zeros((len(examples), n), dtype=bool)
    allowed[:, np.asarray(items, dtype=np.int64)] = True
    rows = np.arange(len(examples))
    allowed[rows, examples.pairs[:, 0]] = False
    allowed[rows, examples.pairs[:, 1]] = False
    for row, skipped in enumerate(examples.skipped):
        allowed[row, list(skipped)] = False
    return allowed


def _loss_and_grads(x: np.ndarray, a: np.ndarray, b: np.ndarray, pairs: np.ndarray, target: np.ndarray,
                    allowed: np.ndarray, options: FitOptions, penalty: np.ndarray | None
                    ) -> tuple[float, np.ndarray, np.ndarray]:
    """Forward and backward pass, written out by hand (checked against finite differences)."""
    tau, beta, count = options.temperature, options.balance, len(pairs)
    p = x @ b                                     # (n, r)
    m = x + p @ a.T                               # rows W·x
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    z = m / norms                                 # unit(W·x)
    z_a, z_b = z[pairs[:, 0]], z[pairs[:, 1]]
    q_raw = z_a + z_b
    q_norm = np.maximum(np.linalg.norm(q_raw, axis=1, keepdims=True), 1e-12)
    q = q_raw / q_norm
    scores = q @ z.T                              # (E, n): cos(w, a + b)
    if beta:
        lean = z_a @ z.T - z_b @ z.T              # cos(w, a) - cos(w, b)
        scores -= beta * np.abs(lean)
    if penalty is not None:
        scores -= penalty[None, :]
    logits = np.where(allowed, tau * scores, -np.inf)
    top = logits.max(axis=1, keepdims=True)
    weights = np.exp(logits - top)
    every = weights.sum(axis=1, keepdims=True)
    # cross-entropy against the target: log(every) - sum_t target_t * (logit_t - top)
    aimed = (target * np.where(target > 0, logits - top, 0.0)).sum(axis=1)
    loss = float(np.mean(np.log(every[:, 0]) - aimed))
    loss += options.decay * float((a * a).sum() + (b * b).sum())
    d_scores = tau * (weights / every - target) / count   # (E, n)
    d_q = d_scores @ z
    d_z = d_scores.T @ q
    d_q_raw = (d_q - q * np.sum(q * d_q, axis=1, keepdims=True)) / q_norm
    d_z_a, d_z_b = d_q_raw, d_q_raw.copy()
    if beta:
        signed = beta * d_scores * np.sign(lean)  # d(-beta·|lean|) = -beta·sign(lean)·d(lean)
        d_z -= signed.T @ (z_a - z_b)
        toward = signed @ z
        d_z_a = d_z_a - toward
        d_z_b += toward
    np.add.at(d_z, pairs[:, 0], d_z_a)
    np.add.at(d_z, pairs[:, 1], d_z_b)
    d_m = (d_z - z * np.sum(z * d_z, axis=1, keepdims=True)) / norms
    grad_a = d_m.T @ p + 2 * options.decay * a
    grad_b = x.T @ (d_m @ a) + 2 * options.decay * b
    return loss, grad_a, grad_b


def _adam_step(w: np.ndarray, grad: np.ndarray, first: np.ndarray, second: np.ndarray, step: int,
               rate: float) -> np.ndarray:
    beta1, beta2, eps = _ADAM
    first *= beta1
    first += (1 - beta1) * grad
    second *= beta2
    second += (1 - beta2) * grad * grad
    return w - rate * (first / (1 - beta1 ** step)) / (np.sqrt(second / (1 - beta2 ** step)) + eps)


@contextmanager
def _threads(count: int) -> Iterator[None]:
    """Run with ``count`` BLAS threads when threadpoolctl is installed (it comes with
    sentence-transformers); without it, BLAS keeps its own setting."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=count, user_api="blas"):
        yield
