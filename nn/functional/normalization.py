"""Normalisation as functions: layer_norm, rms_norm and batch_norm, as torch.nn.functional.

``rms_norm`` is composed of Tensor ops (mean, pow), so it needs no gradient rule of its
own; ``layer_norm`` and ``batch_norm`` in training are one ``Function`` each
(``LayerNormFn``, ``BatchNormTrain``: a few passes over the data and a closed-form
backward written with methods ndarrays and Tensors share, so it stays differentiable
twice).

>>> import numpy as np
>>> from autograd import Tensor
>>> np.round(layer_norm(Tensor([[1.0, 2.0, 3.0]]), 3).data, 4)
array([[-1.2247,  0.    ,  1.2247]])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.core.function import Function
from autograd.core.tensor import Tensor
from nn._checks import as_tensor, non_negative, values_per_channel

__all__ = ["layer_norm", "rms_norm", "batch_norm", "normalized_shape_tuple"]


def normalized_shape_tuple(normalized_shape: Any, op: str) -> tuple[int, ...]:
    """An int or a sequence of positive ints as a tuple.

    >>> normalized_shape_tuple(4, "LayerNorm")
    (4,)
    """
    shape = (
        (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else normalized_shape
    )
    if (
        isinstance(shape, (str, bytes))
        or not isinstance(shape, (Sequence, tuple))
        or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1 for s in shape)
    ):
        raise ValueError(
            f"{op}: normalized_shape must be a positive int or a sequence of "
            f"them, got {normalized_shape!r}"
        )
    return tuple(int(s) for s in shape)


def _check_trailing(x: Tensor, shape: tuple[int, ...], op: str) -> tuple[int, ...]:
    if x.shape[x.ndim - len(shape) :] != shape or x.ndim < len(shape):
        raise ValueError(
            f"{op}: input of shape {x.shape} does not end with normalized_shape {shape}"
        )
    return tuple(range(x.ndim - len(shape), x.ndim))


def _check_affine(p: Tensor | None, shape: tuple[int, ...], what: str, op: str) -> None:
    if p is not None and p.shape != shape:
        raise ValueError(f"{op}: {what} of shape {p.shape} does not match normalized_shape {shape}")


def layer_norm(
    input: Tensor,
    normalized_shape: Any,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias over the trailing ``normalized_shape`` dims.

    The variance is the biased one (divided by n), as in PyTorch.

    >>> y = layer_norm(Tensor([[1.0, 2.0, 3.0]]), 3)
    >>> np.round(y.data, 4)
    array([[-1.2247,  0.    ,  1.2247]])
    """
    x = as_tensor(input, "layer_norm")
    shape = normalized_shape_tuple(normalized_shape, "layer_norm")
    axes = _check_trailing(x, shape, "layer_norm")
    _check_affine(weight, shape, "weight", "layer_norm")
    _check_affine(bias, shape, "bias", "layer_norm")
    eps = non_negative(eps, "layer_norm: eps")
    return LayerNormFn.apply(x, weight, bias, len(axes), eps)


def _normalized(x: Any, axes: tuple[int, ...], eps: float) -> tuple[Any, Any]:
    """(x - mean) / sqrt(var + eps) over ``axes`` and that 1 / sqrt(var + eps), with
    methods ndarrays and Tensors share (the recorded backwards of the norms use it)."""
    centred = x - x.mean(axis=axes, keepdims=True)
    inv = ((centred * centred).mean(axis=axes, keepdims=True) + eps) ** -0.5
    return centred * inv, inv


def _layer_norm_grads(
    x: Any, weight: Any, g: Any, axes: tuple[int, ...], eps: float
) -> tuple[Any, Any, Any]:
    """dx, dweight, dbias of layer norm over the trailing ``axes``, from its inputs alone.

    Written with methods that ndarrays and Tensors share, so that a recorded
    backward (Tensors in, Tensors out) is itself differentiable.
    """
    lead = tuple(range(x.ndim - len(axes)))
    xhat, inv = _normalized(x, axes, eps)
    dbias = g.sum(axis=lead) if lead else g
    dweight = (g * xhat).sum(axis=lead) if lead else g * xhat
    gx = g if weight is None else g * weight
    mean_gx = gx.mean(axis=axes, keepdims=True)
    dx = inv * (gx - mean_gx - xhat * (gx * xhat).mean(axis=axes, keepdims=True))
    return dx, dweight, dbias


class LayerNormFn(Function):
    """Layer norm over the last ``n_axes`` dimensions as one node: rows of the normalised
    size, a few passes over them, and the closed-form backward (written so that it also
    runs on Tensors: a recorded backward stays differentiable).

    >>> LayerNormFn.apply(Tensor([[1.0, 3.0]]), None, None, 1, 0.0).data.tolist()
    [[-1.0, 1.0]]
    """

    @staticmethod
    def forward(
        ctx: Any,
        x: np.ndarray,
        weight: np.ndarray | None,
        bias: np.ndarray | None,
        n_axes: int,
        eps: float,
    ) -> np.ndarray:
        d = int(np.prod(x.shape[x.ndim - n_axes :]))
        rows = x.reshape(-1, d)
        xhat = rows - rows.mean(axis=1, keepdims=True)
        inv = 1.0 / np.sqrt(np.einsum("ij,ij->i", xhat, xhat)[:, None] / d + eps)
        xhat *= inv
        out = xhat * weight.reshape(-1) if weight is not None else xhat.copy()
        if bias is not None:
            out += bias.reshape(-1)
        ctx.save_for_backward(x, weight)
        ctx.fast = (xhat, inv, n_axes, eps)
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx: Any, grad_out: Any) -> tuple[Any, Any, Any, None, None]:
        x, weight = ctx.saved_tensors
        xhat, inv, n_axes, eps = ctx.fast
        want_w, want_b = ctx.needs_input_grad[1:3]
        if isinstance(grad_out, Tensor):  # a recorded backward: the generic form
            axes = tuple(range(x.ndim - n_axes, x.ndim))
            dx, dweight, dbias = _layer_norm_grads(x, weight, grad_out, axes, eps)
            return dx, dweight if want_w else None, dbias if want_b else None, None, None
        if isinstance(weight, Tensor):  # saved inputs may come back as Tensors
            weight = weight.data
        d = xhat.shape[1]
        g = np.asarray(grad_out).reshape(-1, d)
        gx = g * weight.reshape(-1) if weight is not None else g
        dx = gx - gx.mean(axis=1, keepdims=True)
        dx -= xhat * (np.einsum("ij,ij->i", gx, xhat)[:, None] / d)
        dx *= inv
        shape = x.shape[x.ndim - n_axes :]
        return (
            dx.reshape(x.shape),
            np.einsum("ij,ij->j", g, xhat).reshape(shape) if want_w else None,
            g.sum(axis=0).reshape(shape) if want_b else None,
            None,
            None,
        )


def rms_norm(
    input: Tensor, normalized_shape: Any, weight: Tensor | None = None, eps: float | None = None
) -> Tensor:
    """x / sqrt(mean(x**2) + eps) * weight over the trailing ``normalized_shape`` dims.

    ``eps=None`` means the machine epsilon of the input's dtype, as in PyTorch.

    >>> np.round(rms_norm(Tensor([[3.0, 4.0]]), 2, eps=0.0).data, 4)  # rms = sqrt(12.5)
    array([[0.8485, 1.1314]])
    """
    x = as_tensor(input, "rms_norm")
    shape = normalized_shape_tuple(normalized_shape, "rms_norm")
    axes = _check_trailing(x, shape, "rms_norm")
    _check_affine(weight, shape, "weight", "rms_norm")
    e = float(np.finfo(x.dtype).eps) if eps is None else non_negative(eps, "rms_norm: eps")
    out = x * ((x * x).mean(axis=axes, keepdims=True) + e) ** -0.5
    if weight is not None:
        out = out * weight
    return out


def _channel_rows(a: np.ndarray) -> np.ndarray:
    """(N, C, ...) -> (M, C) with the channel last (a view for channels-last memory)."""
    if a.ndim == 2:  # already (N, C): moveaxis would only cost time
        return a
    c = a.shape[1]
    return np.moveaxis(a, 1, -1).reshape(-1, c)


def _from_channel_rows(r: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The inverse of ``_channel_rows``: (M, C) -> ``shape`` (N, C, ...), a view."""
    if len(shape) == 2:
        return r
    moved = (shape[0], *shape[2:], shape[1])
    return np.moveaxis(r.reshape(moved), -1, 1)


def _batch_norm_grads(x: Any, weight: Any, g: Any, eps: float) -> tuple[Any, Any, Any]:
    """dx, dweight, dbias of training-mode batch norm, from its inputs alone.

    Written with methods that ndarrays and Tensors share, so that a recorded
    backward (Tensors in, Tensors out) is itself differentiable.
    """
    axes = (0, *range(2, x.ndim))
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    count = math.prod(x.shape) // x.shape[1]  # (not x.size: a method on torch's tensors)
    xhat, inv = _normalized(x, axes, eps)
    dbias = g.sum(axis=axes)
    dweight = (g * xhat).sum(axis=axes)
    scale = inv if weight is None else inv * weight.reshape(shape)
    dx = scale * (g - dbias.reshape(shape) / count - xhat * (dweight.reshape(shape) / count))
    return dx, dweight, dbias


class BatchNormTrain(Function):
    """Training-mode batch norm: normalise by the batch's statistics, then scale and shift.

    One Function (a handful of passes over the data, on (M, C) rows) rather than
    a dozen recorded ops; its backward is the closed form, written so that it
    also runs on Tensors (a recorded backward stays differentiable).
    ``stats``, a list, receives the batch mean and biased variance (for the
    running statistics).

    >>> import numpy as np
    >>> stats = []
    >>> BatchNormTrain.apply(Tensor([[1.0], [3.0]]), None, None, 0.0, stats).data.ravel().tolist()
    [-1.0, 1.0]
    >>> stats
    [(array([2.]), array([1.]))]
    """

    @staticmethod
    def forward(
        ctx: Any,
        x: np.ndarray,
        weight: np.ndarray | None,
        bias: np.ndarray | None,
        eps: float,
        stats: list[Any],
    ) -> np.ndarray:
        rows = _channel_rows(x)
        ones = np.ones(rows.shape[0], dtype=rows.dtype)
        mean = ones @ rows / rows.shape[0]  # column sums as a BLAS product: fast for few columns
        centred = rows - mean
        var = np.einsum("ij,ij->j", centred, centred) / rows.shape[0]
        inv = 1.0 / np.sqrt(var + eps)
        xhat = centred
        xhat *= inv
        out = xhat * weight if weight is not None else xhat.copy()
        if bias is not None:
            out += bias
        ctx.save_for_backward(x, weight)
        ctx.fast = (xhat, inv, eps)
        stats.append((mean, var))
        return _from_channel_rows(out, x.shape)

    @staticmethod
    def backward(ctx: Any, grad_out: Any) -> tuple[Any, Any, Any, None, None]:
        x, weight = ctx.saved_tensors
        xhat, inv, eps = ctx.fast
        want_w, want_b = ctx.needs_input_grad[1:3]
        if isinstance(grad_out, Tensor):  # a recorded backward: the generic form
            dx, dweight, dbias = _batch_norm_grads(x, weight, grad_out, eps)
            return dx, dweight if want_w else None, dbias if want_b else None, None, None
        if isinstance(weight, Tensor):  # saved inputs may come back as Tensors
            weight = weight.data
        g = _channel_rows(np.asarray(grad_out))
        m = g.shape[0]
        dbias = np.ones(m, dtype=g.dtype) @ g
        dweight = np.einsum("ij,ij->j", g, xhat)
        scale = inv if weight is None else inv * weight
        dx = g - dbias / m
        dx -= xhat * (dweight / m)
        dx *= scale
        return (
            _from_channel_rows(dx, grad_out.shape),
            dweight if want_w else None,
            dbias if want_b else None,
            None,
            None,
        )


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalisation over channel 1 of (N, C), (N, C, L) or (N, C, H, W), as torch's.

    In training the batch's mean and biased variance normalise; the running
    statistics (if given) move by ``momentum`` towards the batch mean and the
    unbiased variance, in place. Otherwise the running statistics normalise.

    >>> import numpy as np
    >>> x = Tensor([[1.0], [3.0]])
    >>> rm, rv = Tensor(np.zeros(1)), Tensor(np.ones(1))
    >>> batch_norm(x, rm, rv, training=True).data.round(4).ravel().tolist()
    [-1.0, 1.0]
    >>> rm.data, rv.data
    (array([0.2]), array([1.1]))
    """
    who = "batch_norm"
    x = as_tensor(input, who)
    if x.ndim < 2:
        raise ValueError(
            f"{who}: expected an input of shape (N, C) or (N, C, ...), got shape {x.shape}"
        )
    c = x.shape[1]
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and tuple(t.shape) != (c,):
            raise ValueError(
                f"{who}: {name} of shape {tuple(t.shape)} does not match input "
                f"of shape {x.shape}: expected ({c},)"
            )
    shape = (1, c) + (1,) * (x.ndim - 2)
    if training:
        values_per_channel(x, who)
        count = x.size // c
        stats: list[tuple[np.ndarray, np.ndarray]] = []
        y = BatchNormTrain.apply(x, weight, bias, float(eps), stats)
        if running_mean is not None and running_var is not None:
            batch_mean, batch_var = stats[0]
            rm, rv = running_mean.data, running_var.data
            rm *= 1.0 - momentum
            rm += momentum * batch_mean
            rv *= 1.0 - momentum
            rv += momentum * batch_var * (count / (count - 1))  # unbiased, as torch
        return y
    if running_mean is None or running_var is None:
        raise ValueError(f"{who}: running_mean and running_var are needed when not training")
    inv = 1.0 / np.sqrt(running_var.data + eps)
    y = (x - running_mean.data.reshape(shape)) * inv.reshape(shape)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y
