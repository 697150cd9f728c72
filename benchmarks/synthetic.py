"""Synthetic vectors shaped like real sentence embeddings, for worlds larger than the default one.

Isotropic noise would flatter an ANN index (and make every pair of words nearly orthogonal),
so the generator copies two properties of the committed MiniLM vectors
(``vocab/default.cache/vectors.npy``): their mean direction ``mu``, which makes unrelated
words still score ~0.28 against each other, and the decay of their PCA spectrum.

The spectrum is modelled as a power law ``lambda_k ∝ k**alpha``, ``alpha`` fitted (log-log
least squares) to eigenvalues 5..150 of the centred real vectors, and scaled so the total
variance equals the real total variance (unit vectors: ``|mu|^2 + total variance = 1``; the
fit's own intercept would overshoot it by ~1.7x and pull the mean cosine down to ~0.2).
Vectors are then ``normalise(mu + (z * sqrt(lambda)) @ R.T)`` with ``z`` standard normal and
``R`` a random orthogonal matrix, all from one fixed seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["REAL_VECTORS", "Spectrum", "fit_spectrum", "generate", "load_real", "shape_report"]

REAL_VECTORS = Path(__file__).resolve().parent.parent / "vocab" / "default.cache" / "vectors.npy"
FIT_RANKS = (5, 150)  # 1-based eigenvalue ranks the power law is fitted to
SEED = 20_240_601
_GENERATE_CHUNK = 25_000  # rows generated per step (bounds memory at ~75 MB of float64)


@dataclass(frozen=True)
class Spectrum:
    """What the generator needs: the mean vector and the eigenvalues to draw with."""

    mu: np.ndarray  # (dim,) float64
    alpha: float  # fitted power-law exponent
    eigenvalues: np.ndarray  # (dim,) lambda_1..lambda_dim, power law scaled to the real total variance

    @property
    def dim(self) -> int:
        return len(self.mu)


def load_real(path: Path = REAL_VECTORS) -> np.ndarray:
    """The committed real vectors (float32 unit rows)."""
    return np.load(path)


def fit_spectrum(real: np.ndarray) -> Spectrum:
    """Fit the generator's parameters to ``real`` unit vectors."""
    real = real.astype(np.float64)
    mu = real.mean(axis=0)
    centred = real - mu
    eig = np.linalg.eigvalsh(centred.T @ centred / (len(real) - 1))[::-1]
    ranks = np.arange(1, len(eig) + 1, dtype=np.float64)
    lo, hi = FIT_RANKS
    alpha, _ = np.polyfit(np.log(ranks[lo - 1:hi]), np.log(eig[lo - 1:hi]), 1)
    shape = ranks**alpha
    return Spectrum(mu=mu, alpha=float(alpha), eigenvalues=shape * (eig.clip(min=0).sum() / shape.sum()))


def random_orthogonal(dim: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-random orthogonal matrix (QR of a Gaussian matrix, signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


def generate(n: int, spectrum: Spectrum, seed: int = SEED) -> np.ndarray:
    """``n`` float32 unit vectors drawn from ``spectrum``; the same seed gives the same rows."""
    rng = np.random.default_rng(seed)
    rotation = random_orthogonal(spectrum.dim, rng)
    scale = np.sqrt(spectrum.eigenvalues)
    out = np.empty((n, spectrum.dim), dtype=np.float32)
    for start in range(0, n, _GENERATE_CHUNK):
        rows = min(_GENERATE_CHUNK, n - start)
        block = spectrum.mu + (rng.standard_normal((rows, spectrum.dim)) * scale) @ rotation.T
        out[start:start + rows] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


# ------------------------------------------------------------------ how alike are they?


def mean_pairwise_cosine(vectors: np.ndarray) -> float:
    """Mean cosine over all distinct pairs of (unit) ``vectors``."""
    v = vectors.astype(np.float64)
    total = v.sum(axis=0)
    n = len(v)
    return float((total @ total - n) / (n * (n - 1)))


def mean_nearest_cosine(vectors: np.ndarray) -> float:
    """Mean cosine of each vector to its nearest other vector."""
    v = vectors.astype(np.float64)
    gram = v @ v.T
    np.fill_diagonal(gram, -np.inf)
    return float(gram.max(axis=1).mean())


def effective_dimension(vectors: np.ndarray) -> float:
    """Participation ratio ``(sum lambda)^2 / sum lambda^2`` of the centred vectors' spectrum."""
    v = vectors.astype(np.float64)
    centred = v - v.mean(axis=0)
    eig = np.linalg.eigvalsh(centred.T @ centred).clip(min=0)
    return float(eig.sum() ** 2 / (eig**2).sum())


def shape_report(real: np.ndarray, synthetic: np.ndarray, seed: int = 0) -> list[tuple[str, str, str]]:
    """Rows (statistic, real, synthetic) comparing ``real`` with an equal-sized sample of ``synthetic``."""
    rng = np.random.default_rng(seed)
    sample = synthetic[rng.choice(len(synthetic), size=min(len(real), len(synthetic)), replace=False)]
    stats = (
        ("mean pairwise cosine", mean_pairwise_cosine, "{:.3f}"),
        ("mean cosine to nearest other vector", mean_nearest_cosine, "{:.3f}"),
        ("effective dimension (participation ratio)", effective_dimension, "{:.0f}"),
    )
    return [(label, fmt.format(stat(real)), fmt.format(stat(sample))) for label, stat, fmt in stats]
