"""Toy 2-D datasets for classification, and a mini-batch iterator.

Every generator is called as ``f(n, seed=...)`` and returns ``(X, y)``: ``X``
float64 of shape (n, 2) and ``y`` int64 labels (0/1, or 0..n_classes-1 for
blobs), shuffled. A given ``seed`` gives the same data on every call; with
``seed=None`` the draws come from ``autograd.core.random.generator()``, so
``autograd.manual_seed`` makes them reproducible too.

>>> X, y = make_moons(100, seed=0)
>>> X.shape, X.dtype, sorted(set(y.tolist()))
((100, 2), dtype('float64'), [0, 1])
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from autograd.core import random as _random

__all__ = [
    "make_moons",
    "make_blobs",
    "make_spirals",
    "make_linearly_separable",
    "make_xor",
    "batches",
]

Dataset = tuple[np.ndarray, np.ndarray]


def _rng(seed: int | None, what: str) -> np.random.Generator:
    if seed is None:
        return _random.generator()
    return np.random.default_rng(_seed(seed, what))


def _seed(seed: Any, what: str) -> int:
    """A seed: an integer >= 0 (as manual_seed takes), the error naming the function."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(
            f"{what}: seed must be None or an integer >= 0, got {type(seed).__name__} {seed!r}"
        )
    if seed < 0:
        raise ValueError(f"{what}: seed must be None or an integer >= 0, got {seed}")
    return int(seed)


def _count(n: Any, what: str, least: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < least:
        raise ValueError(f"{what}: n must be an integer >= {least}, got {n!r}")
    return int(n)


def _scale(x: Any, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not 0.0 <= x < math.inf:
        raise ValueError(f"{what} must be a finite number >= 0, got {x!r}")
    return float(x)


def _finite(x: Any, what: str) -> float:
    if (
        isinstance(x, (bool, np.bool_))
        or not isinstance(x, (int, float, np.integer, np.floating))
        or not math.isfinite(x)
    ):
        raise ValueError(f"{what} must be a finite number, got {x!r}")
    return float(x)


def _shuffled(rng: np.random.Generator, X: np.ndarray, y: np.ndarray) -> Dataset:
    order = rng.permutation(len(y))
    return X[order], y[order].astype(np.int64)


def make_moons(n: int, noise: float = 0.1, seed: int | None = None) -> Dataset:
    """Two interleaving half circles (labels 0 and 1) with Gaussian noise of std ``noise``.

    >>> X, y = make_moons(6, noise=0.0, seed=1)
    >>> int((y == 0).sum()), int((y == 1).sum())
    (3, 3)
    """
    n = _count(n, "make_moons")
    noise = _scale(noise, "make_moons: noise")
    rng = _rng(seed, "make_moons")
    n_outer = n // 2
    n_inner = n - n_outer
    t_out = np.linspace(0.0, np.pi, n_outer)
    t_in = np.linspace(0.0, np.pi, n_inner)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = np.stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)], axis=1)
    X = np.concatenate([outer, inner]) + rng.normal(0.0, noise, size=(n, 2))
    y = np.concatenate([np.zeros(n_outer), np.ones(n_inner)])
    return _shuffled(rng, X, y)


def make_blobs(
    n: int,
    centers: Any = 3,
    std: float = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    seed: int | None = None,
    *,
    n_classes: int | None = None,
) -> Dataset:
    """Gaussian blobs of std ``std``, one class per centre, as scikit-learn's ``make_blobs``.

    ``centers`` is the number of centres, drawn uniformly in ``center_box``, or the
    centres themselves (an array of shape (k, 2)). Points are split between the
    classes as evenly as possible. ``n_classes=k`` is the old name of ``centers=k``
    (deprecated: it warns).

    >>> X, y = make_blobs(90, centers=3, seed=0)
    >>> np.bincount(y).tolist()
    [30, 30, 30]
    >>> X, y = make_blobs(4, centers=[[0, 0], [5, 5]], std=0.0, seed=0)
    >>> sorted(X.tolist())
    [[0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [5.0, 5.0]]
    """
    if n_classes is not None:
        if centers != 3:
            raise TypeError(
                "make_blobs: pass centers= only (n_classes= is its old name), "
                f"got centers={centers!r} and n_classes={n_classes!r}"
            )
        warnings.warn(
            "make_blobs: n_classes= is now centers=, as in scikit-learn; n_classes will be removed",
            DeprecationWarning,
            stacklevel=2,
        )
        centers = n_classes
    n = _count(n, "make_blobs")
    given = None
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool) and centers >= 1:
        k = int(centers)
    else:
        given = (
            np.asarray(centers, dtype=object)
            if isinstance(centers, (list, tuple, np.ndarray))
            else None
        )
        if (
            given is None
            or given.ndim != 2
            or given.shape[1] != 2
            or len(given) == 0
            or not all(
                isinstance(v, (int, float, np.integer, np.floating))
                and not isinstance(v, (bool, np.bool_))
                for v in given.ravel()
            )
        ):
            raise ValueError(
                "make_blobs: centers must be a number of centres (an integer >= 1) "
                f"or an array of (x, y) centres, shape (k, 2); got {centers!r}"
            )
        given = given.astype(np.float64)
        if not np.isfinite(given).all():
            raise ValueError(f"make_blobs: centers must be finite, got {centers!r}")
        k = len(given)
    std = _scale(std, "make_blobs: std")
    if not isinstance(center_box, (tuple, list)) or len(center_box) != 2:
        raise ValueError(f"make_blobs: center_box must be a pair (low, high), got {center_box!r}")
    lo = _finite(center_box[0], "make_blobs: center_box[0]")
    hi = _finite(center_box[1], "make_blobs: center_box[1]")
    if not lo <= hi:
        raise ValueError(
            f"make_blobs: center_box must be (low, high) with low <= high, got {center_box!r}"
        )
    rng = _rng(seed, "make_blobs")
    points = rng.uniform(lo, hi, size=(k, 2)) if given is None else given
    y = np.arange(n) % k
    X = points[y] + rng.normal(0.0, std, size=(n, 2))
    return _shuffled(rng, X, y)


def make_spirals(
    n: int, noise: float = 0.05, turns: float = 1.5, seed: int | None = None
) -> Dataset:
    """Two interleaved spirals (labels 0 and 1) of radius up to 1, each ``turns`` turns long.

    >>> X, y = make_spirals(200, seed=0)
    >>> bool(np.abs(X).max() < 1.5)
    True
    """
    n = _count(n, "make_spirals")
    noise = _scale(noise, "make_spirals: noise")
    if isinstance(turns, bool) or not (isinstance(turns, (int, float)) and 0 < turns < math.inf):
        raise ValueError(f"make_spirals: turns must be a positive number, got {turns!r}")
    rng = _rng(seed, "make_spirals")
    y = np.arange(n) % 2
    # sqrt spacing puts as many points on the long outer arms as on the tight centre
    r = np.sqrt(rng.uniform(0.02, 1.0, size=n))
    theta = 2.0 * np.pi * turns * r + np.pi * y
    X = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)
    X += rng.normal(0.0, noise, size=(n, 2))
    return _shuffled(rng, X, y)


def make_linearly_separable(n: int, margin: float = 0.1, seed: int | None = None) -> Dataset:
    """Points in [-1, 1]^2 on either side of a random line, none closer than ``margin`` to it.

    The classes are balanced (sizes differ by at most one) and a line separates
    them with a gap of 2 * margin, so a perceptron converges on them.

    >>> X, y = make_linearly_separable(50, seed=0)
    >>> np.bincount(y).tolist()
    [25, 25]
    """
    n = _count(n, "make_linearly_separable")
    margin = _scale(margin, "make_linearly_separable: margin")
    if margin >= 0.5:
        raise ValueError(f"make_linearly_separable: margin must be < 0.5, got {margin!r}")
    rng = _rng(seed, "make_linearly_separable")
    angle = rng.uniform(0.0, 2.0 * np.pi)
    normal = np.array([np.cos(angle), np.sin(angle)])
    offset = rng.uniform(-0.2, 0.2)
    wanted = [n - n // 2, n // 2]  # class 0, class 1
    found: list[list[np.ndarray]] = [[], []]
    have = [0, 0]
    while have[0] < wanted[0] or have[1] < wanted[1]:
        pts = rng.uniform(-1.0, 1.0, size=(4 * n + 16, 2))
        score = pts @ normal + offset
        for label, side in ((0, score <= -margin), (1, score >= margin)):
            take = pts[side][: wanted[label] - have[label]]
            found[label].append(take)
            have[label] += len(take)
    X = np.concatenate([np.concatenate(found[0]), np.concatenate(found[1])])
    y = np.concatenate([np.zeros(wanted[0]), np.ones(wanted[1])])
    return _shuffled(rng, X, y)


def make_xor(n: int, noise: float = 0.1, seed: int | None = None) -> Dataset:
    """Four clusters at (+-1, +-1): label 1 where the signs differ (XOR), 0 where they agree.

    Points go to the corners in turn, so ``make_xor(4, noise=0.0)`` is the XOR truth table.

    >>> X, y = make_xor(4, noise=0.0, seed=0)
    >>> sorted(zip(X.tolist(), y.tolist()))
    [([-1.0, -1.0], 0), ([-1.0, 1.0], 1), ([1.0, -1.0], 1), ([1.0, 1.0], 0)]
    """
    n = _count(n, "make_xor")
    noise = _scale(noise, "make_xor: noise")
    rng = _rng(seed, "make_xor")
    corners = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    which = np.arange(n) % 4
    X = corners[which] + rng.normal(0.0, noise, size=(n, 2))
    y = (which >= 2).astype(np.int64)
    return _shuffled(rng, X, y)


def batches(
    X: Any,
    y: Any,
    batch_size: int,
    shuffle: bool = True,
    seed: int | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` pairs covering the data once, in random order if ``shuffle``.

    The last batch is smaller when ``batch_size`` does not divide the length
    (dropped if ``drop_last``).

    >>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [yb.tolist() for _, yb in batches(X, y, 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or batch_size < 1
    ):
        raise ValueError(f"batches: batch_size must be an integer >= 1, got {batch_size!r}")
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(
            f"batches: X and y need the same number of examples (first dimension); "
            f"got X of shape {X.shape} and y of shape {y.shape}"
        )
    if seed is not None:
        _seed(seed, "batches")
    return _batches(X, y, int(batch_size), shuffle, seed, drop_last)


def _batches(
    X: np.ndarray, y: np.ndarray, size: int, shuffle: bool, seed: int | None, drop_last: bool
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    n = len(y)
    order = _rng(seed, "batches").permutation(n) if shuffle else np.arange(n)
    stop = n - n % size if drop_last else n
    for start in range(0, stop, size):
        idx = order[start : start + size]
        yield X[idx], y[idx]
