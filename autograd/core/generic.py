"""Math that runs on floats, ndarrays, ``Value`` nodes and ``Tensor`` nodes alike.

Gradient rules are written once with these functions (and Python's operators),
so the same formula computes a plain derivative (floats at a Value's forward
time, ndarrays in a Tensor's backward) and, inside ``backward(create_graph=True)``,
a recorded one made of nodes that can be differentiated again.

Functions of a node dispatch to its method (``exp(t)`` is ``t.exp()``). Conditions
(``data(x) > 0``) are read from the data: they are constants, with a zero
derivative, which is what a piecewise formula needs.

>>> exp(0.0), float(exp(np.zeros(1))[0])
(1.0, 1.0)
>>> where(True, 2.0, 3.0)
2.0
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_erf_ufunc = np.frompyfunc(math.erf, 1, 1)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def is_plain(x: Any) -> bool:
    """True for floats and ndarrays (a derivative evaluated as a number), False for nodes."""
    return type(x) is float or type(x) is np.ndarray or isinstance(x, (int, np.generic))


def data(x: Any) -> Any:
    """The number or array behind ``x``: a node's ``data``, or ``x`` itself."""
    return x if is_plain(x) else x.data


def exp(x: Any) -> Any:
    """e ** x."""
    if type(x) is float:
        try:
            return math.exp(x)
        except OverflowError:
            return math.inf
    if is_plain(x):
        return np.exp(x)
    return x.exp()


def log(x: Any) -> Any:
    """Natural logarithm."""
    if type(x) is float:
        return math.log(x)
    if is_plain(x):
        return np.log(x)
    return x.log()


def sin(x: Any) -> Any:
    if type(x) is float:
        return math.sin(x) if math.isfinite(x) else math.nan
    return np.sin(x) if is_plain(x) else x.sin()


def cos(x: Any) -> Any:
    if type(x) is float:
        return math.cos(x) if math.isfinite(x) else math.nan
    return np.cos(x) if is_plain(x) else x.cos()


def tanh(x: Any) -> Any:
    if type(x) is float:
        return math.tanh(x)
    return np.tanh(x) if is_plain(x) else x.tanh()


def sigmoid(x: Any) -> Any:
    """1 / (1 + e**-x), without overflow for large |x|."""
    if type(x) is float:
        if x >= 0.0:
            return 1.0 / (1.0 + math.exp(-x))
        e = math.exp(x)
        return e / (1.0 + e)
    if is_plain(x):
        return np.exp(-np.logaddexp(0.0, -x))
    return x.sigmoid()


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    """log(1 + e**(beta x)) / beta, and exactly x where beta x > threshold (PyTorch's rule).

    >>> softplus(0.0) == math.log(2.0), softplus(30.0), softplus(1.0, 2.0, 1.0)
    (True, 30.0, 1.0)
    """
    if type(x) is float:
        if beta == 1.0:  # the default, and mish's: no scaling
            if x > threshold:
                return x
            # log1p(e**x) overflows past x = 709, where a threshold may be set that high
            return math.log1p(math.exp(x)) if x < 30.0 else x + math.log1p(math.exp(-x))
        bx = _nonzero_beta(beta) * x
        if bx > threshold:
            return x
        return (math.log1p(math.exp(bx)) if bx < 30.0 else bx + math.log1p(math.exp(-bx))) / beta
    if is_plain(x):
        if beta == 1.0:
            return np.where(x > threshold, x, np.logaddexp(0.0, np.minimum(x, threshold)))
        bx = _nonzero_beta(beta) * x
        return np.where(bx > threshold, x, np.logaddexp(0.0, np.minimum(bx, threshold)) / beta)
    return x.softplus(beta, threshold)


def _nonzero_beta(beta: float) -> float:
    if beta == 0.0:
        raise ValueError("softplus: beta must be non-zero, got 0")
    return beta


def erf(x: Any) -> Any:
    """The error function."""
    if type(x) is float:
        return math.erf(x)
    if is_plain(x):
        arr = np.asarray(x)
        return np.asarray(_erf_ufunc(arr), dtype=arr.dtype if arr.dtype.kind == "f" else float)
    return x.erf()


def softmax(x: Any, axis: int) -> Any:
    """exp(x) / sum(exp(x)) along ``axis``, shifted by the max (stable)."""
    if is_plain(x):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
    return x.softmax(axis)


def log_softmax(x: Any, axis: int) -> Any:
    """x - logsumexp(x) along ``axis`` (stable)."""
    if is_plain(x):
        shifted = x - x.max(axis=axis, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return x.log_softmax(axis)


def where(cond: Any, a: Any, b: Any) -> Any:
    """``a`` where ``cond`` (a constant: bool or bool array) holds, else ``b``."""
    if type(cond) is bool or isinstance(cond, np.bool_):
        return a if cond else b
    if is_plain(a) and is_plain(b):
        return np.where(cond, a, b)
    from autograd.core.tensor import where as tensor_where

    return tensor_where(cond, a, b)


def step(x: Any) -> Any:
    """1 where x > 0, else 0: the derivative of relu, a constant."""
    d = data(x)
    if type(d) is float:
        return 1.0 if d > 0.0 else 0.0
    return (d > 0).astype(d.dtype)


def sign(x: Any) -> Any:
    """-1, 0 or 1: the derivative of |x| (0 at 0, as PyTorch), a constant."""
    d = data(x)
    if type(d) is float:
        return 1.0 if d > 0.0 else (-1.0 if d < 0.0 else 0.0)
    return np.sign(d)


def reciprocal(x: Any) -> Any:
    """1 / x, with 1 / 0 = inf for floats (as numpy does for arrays)."""
    if type(x) is float:
        return 1.0 / x if x != 0.0 else math.inf
    if is_plain(x):
        with np.errstate(divide="ignore"):
            return 1.0 / x
    return 1.0 / x


def erf_derivative(x: Any) -> Any:
    """d/dx erf(x) = 2 / sqrt(pi) * exp(-x**2)."""
    return _TWO_OVER_SQRT_PI * exp(-(x * x))


def broadcast_to(x: Any, shape: tuple[int, ...]) -> Any:
    """``x`` stretched to ``shape`` by broadcasting (a read-only view for arrays)."""
    if is_plain(x):
        return np.broadcast_to(x, shape)
    return x._broadcast_to(shape)


def swap_last(x: Any) -> Any:
    """Swap the last two axes."""
    if is_plain(x):
        return np.swapaxes(x, -1, -2)
    perm = list(range(x.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return x.transpose(perm)


def unbroadcast(grad: Any, shape: tuple[int, ...], op: str = "unbroadcast") -> Any:
    """Sum ``grad`` over the axes broadcasting added or stretched, giving ``shape``.

    The one place where broadcasting is undone; works on arrays and Tensors.

    >>> unbroadcast(np.ones((4, 2, 3)), (2, 1)).tolist()
    [[12.0], [12.0]]
    """
    gshape = grad.shape
    if gshape == shape:
        return grad
    extra = len(gshape) - len(shape)
    axes = list(range(max(extra, 0)))
    ok = extra >= 0
    if ok:
        for i, n in enumerate(shape):
            m = gshape[i + extra]
            if n == 1 and m != 1:
                axes.append(i + extra)
            elif n != m:
                ok = False
                break
    if not ok:
        raise ValueError(
            f"{op}: a gradient of shape {gshape} cannot be reduced to its input's shape "
            f"{shape} by undoing broadcasting"
        )
    return grad.sum(axis=tuple(axes), keepdims=True).reshape(shape)
