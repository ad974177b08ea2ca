"""Tensor gradient rules (vector-Jacobian products) of the ops that are not elementwise.

Elementwise ops take their rules from ``autograd.core.registry``. Each rule here is
called as ``rule(g, inputs, out, saved, needs)`` (see ``autograd.Op``) and returns
one gradient per input. Rules are written once, with operators, array/Tensor
methods and ``autograd.core.generic``: they run on ndarrays in a plain backward and on
Tensors in a recorded one (``create_graph=True``), where their results can be
differentiated again. A rule may return a gradient at the broadcast output shape:
the driver reduces it with ``generic.unbroadcast``.

Rules never write into ``g``: the same array may be another node's gradient.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd.core import generic as G

Grads = tuple[Any, ...]


# -- products ---------------------------------------------------------------------
def matmul(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Grads:
    a, b = inputs
    ga = gb = None
    if a.ndim == 1 and b.ndim == 1:  # inner product: g is a scalar
        ga = g * b if needs[0] else None
        gb = g * a if needs[1] else None
    elif a.ndim == 1:  # (k,) @ (..., k, m) -> (..., m)
        if needs[0]:
            ga = (b @ g[..., None])[..., 0]
        if needs[1]:
            gb = a[:, None] * g[..., None, :]
    elif b.ndim == 1:  # (..., n, k) @ (k,) -> (..., n)
        if needs[0]:
            ga = g[..., None] * b
        if needs[1]:
            gb = (G.swap_last(a) @ g[..., None])[..., 0]
    elif b.ndim == 2 and a.ndim > 2:  # (..., n, k) @ (k, m): one 2-D product each way,
        g2 = g.reshape(-1, g.shape[-1])  # not a batch of small ones (and a sum, for b)
        if needs[0]:
            ga = (g2 @ b.T).reshape(a.shape)
        if needs[1]:
            gb = a.reshape(-1, a.shape[-1]).T @ g2
    else:
        if needs[0]:
            ga = g @ G.swap_last(b)
        if needs[1]:
            gb = G.swap_last(a) @ g
    return ga, gb


def linear(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Grads:
    """x @ weight.T + bias, with weight of shape (out_features, in_features)."""
    x, w = inputs[0], inputs[1]
    g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g  # 2-D products: one BLAS call each
    gx = gw = gb = None
    if needs[0]:
        gx = g2 @ w if g2 is g else (g2 @ w).reshape(x.shape)
    if needs[1]:
        x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
        gw = g2.T @ x2
    if len(inputs) == 3:
        if needs[2]:
            gb = g2.sum(axis=0)
        return gx, gw, gb
    return gx, gw


# -- softmax family -------------------------------------------------------------------
def softmax(g: Any, inputs: Any, y: Any, axis: int, needs: Any) -> Grads:
    gy = g * y
    return (gy - y * gy.sum(axis=axis, keepdims=True),)


def log_softmax(g: Any, inputs: Any, y: Any, axis: int, needs: Any) -> Grads:
    return (g - G.exp(y) * g.sum(axis=axis, keepdims=True),)


# -- reductions -------------------------------------------------------------------
def _kept(g: Any, axes: tuple[int, ...] | None, keepdims: bool, ndim: int) -> Any:
    """``g`` with the reduced axes back as length-1 axes (a reshape, so it works on both)."""
    if axes is None or keepdims:
        return g.reshape((1,) * ndim) if (axes is None and not keepdims) else g
    shape = list(g.shape)
    for a in axes:
        shape.insert(a, 1)
    return g.reshape(tuple(shape))


def sum_(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Grads:
    axes, keepdims = saved
    x = inputs[0]
    return (G.broadcast_to(_kept(g, axes, keepdims, x.ndim), x.shape),)


def mean(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Grads:
    axes, keepdims = saved
    x = inputs[0]
    size = math.prod(x.shape)  # (not x.size: a subclass may make it a method, as torch's)
    count = size // max(math.prod(out.shape), 1) if size else 1
    return (G.broadcast_to(_kept(g, axes, keepdims, x.ndim) / count, x.shape),)


def var(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Grads:
    """d var / dx = 2 (x - mean x) / (n - correction), times ``g`` at the kept shape."""
    axes, kept, n, denom = saved
    x = inputs[0]
    return (g.reshape(kept) * (x - x.sum(axis=axes, keepdims=True) / n) * (2.0 / denom),)


def extremum(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Grads:
    # Ties share the gradient evenly, as PyTorch's amax/amin do: the shares are constants.
    axes, keepdims = saved
    x = G.data(inputs[0])
    mask = x == _kept(G.data(out), axes, keepdims, x.ndim)
    share = mask / mask.sum(axis=axes, keepdims=True)
    return (share * _kept(g, axes, keepdims, x.ndim),)


# -- shape ----------------------------------------------------------------------------
def reshape(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Grads:
    return (g.reshape(inputs[0].shape),)


def transpose(g: Any, inputs: Any, out: Any, perm: tuple[int, ...], needs: Any) -> Grads:
    return (g.transpose(tuple(int(i) for i in np.argsort(perm))),)


def broadcast_to(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Grads:
    return (g,)  # the driver sums it back to the input's shape


def getitem(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Grads:
    index, basic = saved
    shape = inputs[0].shape
    if G.is_plain(g):
        return (scatter_array(g, index, basic, shape),)
    return (g._scatter(index, basic, shape),)


def scatter(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Grads:
    index, basic = saved
    return (g[index],)


def scatter_array(g: np.ndarray, index: Any, basic: bool, shape: tuple[int, ...]) -> np.ndarray:
    """An array of ``shape``, zero but where ``index`` reads: there ``g``, summed where an
    index repeats (the gradient of ``x[index]``)."""
    if not basic and type(index) is np.ndarray and index.dtype.kind in "iu" and index.size >= 32:
        # x[ids] (an embedding lookup): summed faster than np.add.at (measured, float32,
        # one BLAS thread: 256 ids into 27 rows of 24, 82 us -> 9; 512 into 65 of 64, 230 -> 55)
        if shape[0] <= 128 and shape[0] * index.size <= 1 << 22:
            return _scatter_by_product(g, index, shape)
        if g.size >= max(2048, 8 * index.size):
            return _scatter_rows(g, index, shape)
    out = np.zeros(shape, dtype=g.dtype)
    if basic:
        out[index] = g
    else:
        np.add.at(out, index, g)  # repeated indices accumulate
    return out


def _scatter_by_product(g: np.ndarray, rows: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``scatter_array`` for ``x[rows]`` into a small table: a one-hot (table rows x ids)
    matrix times the gradient's rows, one BLAS product (the sums agree to rounding)."""
    flat = rows.reshape(-1)
    onehot = np.zeros((shape[0], flat.size), dtype=g.dtype)
    onehot[flat, np.arange(flat.size)] = 1  # (a negative id picks its row from the end)
    return (onehot @ g.reshape(flat.size, -1)).reshape(shape)


def _scatter_rows(g: np.ndarray, rows: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``scatter_array`` for ``x[rows]`` (an embedding lookup) with many wide rows: the rows
    sorted, then one ``np.add.reduceat`` over each run of equal rows (3-4x faster than
    ``np.add.at`` at 512 rows of 64; the sums agree to rounding)."""
    flat = rows.reshape(-1)
    flat = np.where(flat < 0, flat + shape[0], flat) if flat.min() < 0 else flat
    order = np.argsort(flat, kind="stable")
    sorted_rows = flat[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_rows[1:] != sorted_rows[:-1])))
    out = np.zeros(shape, dtype=g.dtype)
    out[sorted_rows[starts]] = np.add.reduceat(g.reshape(-1, *shape[1:])[order], starts, axis=0)
    return out


def concatenate(g: Any, inputs: Any, out: Any, axis: int, needs: Any) -> Grads:
    grads = []
    start = 0
    lead = (slice(None),) * axis
    for x, need in zip(inputs, needs, strict=True):
        stop = start + x.shape[axis]
        grads.append(g[lead + (slice(start, stop),)] if need else None)
        start = stop
    return tuple(grads)


def stack(g: Any, inputs: Any, out: Any, axis: int, needs: Any) -> Grads:
    lead = (slice(None),) * axis
    return tuple(g[lead + (i,)] if need else None for i, need in enumerate(needs))


def where(g: Any, inputs: Any, out: Any, cond: np.ndarray, needs: Any) -> Grads:
    return (
        G.where(cond, g, 0.0) if needs[0] else None,
        G.where(cond, 0.0, g) if needs[1] else None,
    )


# -- writing into a copy, running sums ---------------------------------------------
def index_put(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Grads:
    """``x.index_put(index, value)``: x gets the gradient everywhere but at ``index``
    (``keep`` is 0 there, 1 elsewhere), ``value`` the gradient at ``index``."""
    index, keep = saved
    return (g * keep if needs[0] else None, g[index] if needs[1] else None)


def cumsum(g: Any, inputs: Any, out: Any, axis: int, needs: Any) -> Grads:
    """Each input adds to every later running sum: the gradient is g summed from the end."""
    back = (slice(None),) * axis + (slice(None, None, -1),)
    return (g[back].cumsum(axis)[back],)
