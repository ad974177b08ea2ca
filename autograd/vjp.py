"""Tensor gradient rules (vector-Jacobian products), one per op, and ``unbroadcast``.

A rule takes the output gradient ``g`` and the output node, and returns one
gradient per parent (``None`` where a parent needs none). It may return a
gradient at the broadcast output shape: the backward driver reduces every
gradient to its operand's shape with ``unbroadcast``, the one place where
broadcasting is undone. Rules read the op's inputs as ``node._parents[i].data``,
the output as ``node.data``, and extra arguments from ``node._saved``.

Rules never write into ``g``: the same array may be another node's gradient.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from autograd.tensor import Tensor

Grads = tuple[np.ndarray | None, ...]
Rule = Callable[[np.ndarray, "Tensor"], Grads]

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_erf = np.frompyfunc(math.erf, 1, 1)


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched, giving ``shape``.

    >>> unbroadcast(np.ones((4, 2, 3)), (2, 1)).tolist()
    [[12.0], [12.0]]
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra < 0:
        raise ValueError(f"unbroadcast: gradient of shape {grad.shape} is smaller than {shape}")
    axes = list(range(extra))
    for i, n in enumerate(shape):
        m = grad.shape[i + extra]
        if n == 1 and m != 1:
            axes.append(i + extra)
        elif n != m:
            raise ValueError(
                f"unbroadcast: gradient of shape {grad.shape} cannot be reduced to {shape}"
            )
    return grad.sum(axis=tuple(axes), keepdims=True).reshape(shape)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise, exact to the C library's ``erf``."""
    return np.asarray(_erf(x), dtype=x.dtype)


def _needs(node: Tensor, i: int) -> bool:
    return node._parents[i].requires_grad


# -- arithmetic -------------------------------------------------------------------
def add(g: np.ndarray, node: Tensor) -> Grads:
    return g, g


def sub(g: np.ndarray, node: Tensor) -> Grads:
    return g, (-g if _needs(node, 1) else None)


def neg(g: np.ndarray, node: Tensor) -> Grads:
    return (-g,)


def mul(g: np.ndarray, node: Tensor) -> Grads:
    a, b = node._parents
    return (g * b.data if a.requires_grad else None, g * a.data if b.requires_grad else None)


def div(g: np.ndarray, node: Tensor) -> Grads:
    a, b = node._parents
    ga = g / b.data if a.requires_grad else None
    gb = -g * node.data / b.data if b.requires_grad else None
    return ga, gb


def pow_(g: np.ndarray, node: Tensor) -> Grads:
    a, b = node._parents
    x, k = a.data, b.data
    ga = gb = None
    if a.requires_grad:
        if k.ndim == 0 and k == 2.0:
            ga = g * (2.0 * x)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                d = k * x ** (k - 1.0)
            ga = g * np.where(k == 0, 0.0, d)  # x ** 0 is flat, also at x = 0 (as PyTorch)
    if b.requires_grad:
        if np.any(x < 0):
            raise ValueError(
                "pow: the gradient with respect to the exponent needs a non-negative base"
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            log_x = np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), 0.0)
        gb = g * node.data * log_x
    return ga, gb


def matmul(g: np.ndarray, node: Tensor) -> Grads:
    at, bt = node._parents
    a, b = at.data, bt.data
    ga = gb = None
    if a.ndim == 1 and b.ndim == 1:  # inner product: g is a scalar
        ga = g * b if at.requires_grad else None
        gb = g * a if bt.requires_grad else None
    elif a.ndim == 1:  # (k,) @ (..., k, m) -> (..., m)
        if at.requires_grad:
            ga = np.matmul(b, g[..., None])[..., 0]
        if bt.requires_grad:
            gb = a[:, None] * g[..., None, :]
    elif b.ndim == 1:  # (..., n, k) @ (k,) -> (..., n)
        if at.requires_grad:
            ga = g[..., None] * b
        if bt.requires_grad:
            gb = np.matmul(np.swapaxes(a, -1, -2), g[..., None])[..., 0]
    else:
        if at.requires_grad:
            ga = np.matmul(g, np.swapaxes(b, -1, -2))
        if bt.requires_grad:
            gb = np.matmul(np.swapaxes(a, -1, -2), g)
    return ga, gb


def linear(g: np.ndarray, node: Tensor) -> Grads:
    """x @ weight.T + bias, with weight of shape (out_features, in_features)."""
    x, w = node._parents[0], node._parents[1]
    gx = np.matmul(g, w.data) if x.requires_grad else None
    gw = gb = None
    g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
    if w.requires_grad:
        x2 = x.data.reshape(-1, x.data.shape[-1]) if x.data.ndim != 2 else x.data
        gw = np.matmul(g2.T, x2)
    if len(node._parents) == 3 and node._parents[2].requires_grad:
        gb = g2.sum(axis=0)
    return (gx, gw, gb) if len(node._parents) == 3 else (gx, gw)


# -- elementwise functions ----------------------------------------------------------
def exp(g: np.ndarray, node: Tensor) -> Grads:
    return (g * node.data,)


def log(g: np.ndarray, node: Tensor) -> Grads:
    return (g / node._parents[0].data,)


def sqrt(g: np.ndarray, node: Tensor) -> Grads:
    with np.errstate(divide="ignore"):
        return (g * (0.5 / node.data),)


def abs_(g: np.ndarray, node: Tensor) -> Grads:
    return (g * np.sign(node._parents[0].data),)


def sin(g: np.ndarray, node: Tensor) -> Grads:
    return (g * np.cos(node._parents[0].data),)


def cos(g: np.ndarray, node: Tensor) -> Grads:
    return (-g * np.sin(node._parents[0].data),)


def tanh(g: np.ndarray, node: Tensor) -> Grads:
    y = node.data
    return (g * (1.0 - y * y),)


def sigmoid(g: np.ndarray, node: Tensor) -> Grads:
    y = node.data
    return (g * (y * (1.0 - y)),)


def relu(g: np.ndarray, node: Tensor) -> Grads:
    return (g * (node._parents[0].data > 0),)


def leaky_relu(g: np.ndarray, node: Tensor) -> Grads:
    (slope,) = node._saved
    return (np.where(node._parents[0].data > 0, g, g * slope),)


def elu(g: np.ndarray, node: Tensor) -> Grads:
    (alpha,) = node._saved
    x = node._parents[0].data
    return (np.where(x > 0, g, g * (node.data + alpha)),)


def celu(g: np.ndarray, node: Tensor) -> Grads:
    (alpha,) = node._saved
    x = node._parents[0].data
    return (np.where(x > 0, g, g * np.exp(np.minimum(x, 0) / alpha)),)


def gelu(g: np.ndarray, node: Tensor) -> Grads:
    (approximate,) = node._saved
    x = node._parents[0].data
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (x + 0.044715 * x**3)
        t = np.tanh(inner)
        d_inner = _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x)
        return (g * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * d_inner),)
    cdf = 0.5 * (1.0 + erf(x / math.sqrt(2.0)))
    pdf = _INV_SQRT_2PI * np.exp(-0.5 * x * x)
    return (g * (cdf + x * pdf),)


def softplus(g: np.ndarray, node: Tensor) -> Grads:
    x = node._parents[0].data
    return (g * np.where(x > 20.0, 1.0, stable_sigmoid(x)),)


def mish(g: np.ndarray, node: Tensor) -> Grads:
    x = node._parents[0].data
    t = np.tanh(np.logaddexp(0.0, x))
    return (g * (t + x * stable_sigmoid(x) * (1.0 - t * t)),)


def hardswish(g: np.ndarray, node: Tensor) -> Grads:
    x = node._parents[0].data
    # As PyTorch: 0 up to -3, x/3 + 1/2 strictly between -3 and 3, 1 from 3 on.
    return (g * np.where(x <= -3.0, 0.0, np.where(x < 3.0, x / 3.0 + 0.5, 1.0)),)


def relu6(g: np.ndarray, node: Tensor) -> Grads:
    x = node._parents[0].data
    return (g * ((x > 0) & (x < 6)),)


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e**-x) without overflow for large |x|."""
    return np.exp(-np.logaddexp(0.0, -x))


# -- softmax family -------------------------------------------------------------------
def softmax(g: np.ndarray, node: Tensor) -> Grads:
    (axis,) = node._saved
    y = node.data
    gy = g * y
    return (gy - y * gy.sum(axis=axis, keepdims=True),)


def log_softmax(g: np.ndarray, node: Tensor) -> Grads:
    (axis,) = node._saved
    return (g - np.exp(node.data) * g.sum(axis=axis, keepdims=True),)


# -- reductions -------------------------------------------------------------------
def _expand(g: np.ndarray, axes: tuple[int, ...] | None, keepdims: bool) -> np.ndarray:
    if axes is None or keepdims:
        return g
    return np.expand_dims(g, axes)


def sum_(g: np.ndarray, node: Tensor) -> Grads:
    axes, keepdims = node._saved
    shape = node._parents[0].data.shape
    return (np.broadcast_to(_expand(g, axes, keepdims), shape),)


def mean(g: np.ndarray, node: Tensor) -> Grads:
    axes, keepdims = node._saved
    x = node._parents[0].data
    count = x.size // max(node.data.size, 1) if x.size else 1
    return (np.broadcast_to(_expand(g, axes, keepdims) / count, x.shape),)


def _extremum(g: np.ndarray, node: Tensor) -> Grads:
    # Ties share the gradient evenly, as PyTorch's amax/amin do.
    axes, keepdims = node._saved
    x = node._parents[0].data
    y = _expand(node.data, axes, keepdims)
    mask = x == y
    count = mask.sum(axis=axes, keepdims=True)
    return (mask * (_expand(g, axes, keepdims) / count),)


max_ = _extremum
min_ = _extremum


# -- shape ----------------------------------------------------------------------------
def reshape(g: np.ndarray, node: Tensor) -> Grads:
    return (g.reshape(node._parents[0].data.shape),)


def transpose(g: np.ndarray, node: Tensor) -> Grads:
    (axes,) = node._saved
    return (g.transpose(np.argsort(axes)),)


def getitem(g: np.ndarray, node: Tensor) -> Grads:
    index, basic = node._saved
    x = node._parents[0].data
    out = np.zeros(x.shape, dtype=g.dtype)
    if basic:
        out[index] = g
    else:
        np.add.at(out, index, g)  # repeated indices accumulate
    return (out,)


def concatenate(g: np.ndarray, node: Tensor) -> Grads:
    (axis,) = node._saved
    bounds = np.cumsum([p.data.shape[axis] for p in node._parents])[:-1]
    return tuple(np.split(g, bounds, axis=axis))


def stack(g: np.ndarray, node: Tensor) -> Grads:
    (axis,) = node._saved
    return tuple(np.take(g, i, axis=axis) for i in range(len(node._parents)))


def where(g: np.ndarray, node: Tensor) -> Grads:
    (cond,) = node._saved
    a, b = node._parents
    return (
        np.where(cond, g, 0.0) if a.requires_grad else None,
        np.where(cond, 0.0, g) if b.requires_grad else None,
    )


def maximum(g: np.ndarray, node: Tensor) -> Grads:
    a, b = node._parents
    return _pick(g, a.data, b.data, a.data > b.data)


def minimum(g: np.ndarray, node: Tensor) -> Grads:
    a, b = node._parents
    return _pick(g, a.data, b.data, a.data < b.data)


def _pick(g: np.ndarray, x: np.ndarray, y: np.ndarray, first: np.ndarray) -> Grads:
    # Ties split the gradient in half, as PyTorch's maximum/minimum do.
    share = np.where(first, 1.0, np.where(x == y, 0.5, 0.0))
    return g * share, g * (1.0 - share)
