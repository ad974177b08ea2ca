"""Losses and activations as functions: the functional forms of nn's modules.

``import nn.functional as F`` as in PyTorch. Activations are thin wrappers over
the node methods (so they also take ``Value`` where the method exists).

Every loss is ONE graph node whatever its reduction or weighting. Its forward
computes the per-element loss ``l`` with numpy; ``_reduce`` then applies the
sample weights and the reduction and returns ``scale``, the derivative of the
output with respect to ``l``. Each loss's gradient rule sits right after it
and multiplies the upstream gradient by ``scale`` and by ``dl/dinput``.

Reductions (``reduction=``), with per-example weights ``w`` (all ones when
``sample_weight`` is None) broadcast over the loss's trailing dimensions:

- ``"mean"``: ``sum(w * l) / l.size``: the mean of the weighted losses, so
  a weight of 0 still counts in the denominator. PyTorch's *class*-weighted
  mean divides by ``sum(w)`` instead; we do not.
- ``"sum"``: ``sum(w * l)``.
- ``"none"``: ``w * l``, elementwise (the input's shape for mse, l1 and the
  binary cross-entropies; one loss per example for cross_entropy and nll).
- ``"sum_by_nonzero_weights"``: ``sum(w * l)`` divided by the number of loss
  elements whose weight is non-zero (TensorFlow's SUM_BY_NONZERO_WEIGHTS);
  equal to "mean" when no weight is zero, and 0 (not NaN) when all are.

NaN and inf in the input propagate to the loss as in PyTorch (only
binary_cross_entropy rejects them, since its input must lie in [0, 1]).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.random import generator
from autograd.tensor import Tensor, _result
from autograd.tensor import linear as linear
from autograd.value import Value
from autograd.vjp import stable_sigmoid

Node = Tensor | Value
REDUCTIONS = ("mean", "sum", "none", "sum_by_nonzero_weights")

__all__ = [
    "relu", "leaky_relu", "elu", "celu", "gelu", "mish", "hardswish", "relu6", "tanh", "sigmoid",
    "softplus", "softmax", "log_softmax", "linear", "dropout",
    "mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "cross_entropy", "nll_loss", "REDUCTIONS",
]


def _node(x: Any) -> Any:
    return x if isinstance(x, (Tensor, Value)) else Tensor(x)


# -- activations -------------------------------------------------------------------------
def relu(x: Node) -> Node:
    """max(x, 0).

    >>> relu(Tensor([-1.0, 2.0])).data
    array([0., 2.])
    """
    return _node(x).relu()


def leaky_relu(x: Node, negative_slope: float = 0.01) -> Node:
    """x for x > 0, else negative_slope * x.

    >>> leaky_relu(Tensor([-1.0, 2.0]), 0.1).data
    array([-0.1,  2. ])
    """
    return _node(x).leaky_relu(negative_slope)


def elu(x: Node, alpha: float = 1.0) -> Node:
    """x for x > 0, else alpha * (exp(x) - 1).

    >>> elu(Tensor([0.0, 2.0])).data
    array([0., 2.])
    """
    return _node(x).elu(alpha)


def celu(x: Node, alpha: float = 1.0) -> Node:
    """x for x > 0, else alpha * (exp(x / alpha) - 1).

    >>> celu(Tensor([0.0, 2.0])).data
    array([0., 2.])
    """
    return _node(x).celu(alpha)


def gelu(x: Node, approximate: str = "none") -> Node:
    """x * Phi(x): exact (erf) by default, or ``approximate="tanh"``.

    >>> round(float(gelu(Tensor([1.0])).data[0]), 4)
    0.8413
    """
    return _node(x).gelu(approximate)


def mish(x: Node) -> Node:
    """x * tanh(softplus(x)).

    >>> round(float(mish(Tensor([1.0])).data[0]), 4)
    0.8651
    """
    return _node(x).mish()


def hardswish(x: Node) -> Node:
    """x * relu6(x + 3) / 6.

    >>> hardswish(Tensor([-4.0, 0.0, 4.0])).data
    array([-0.,  0.,  4.])
    """
    return _node(x).hardswish()


def relu6(x: Node) -> Node:
    """min(max(x, 0), 6).

    >>> relu6(Tensor([-1.0, 3.0, 9.0])).data
    array([0., 3., 6.])
    """
    return _node(x).relu6()


def tanh(x: Node) -> Node:
    """Hyperbolic tangent.

    >>> tanh(Tensor([0.0])).data
    array([0.])
    """
    return _node(x).tanh()


def sigmoid(x: Node) -> Node:
    """1 / (1 + exp(-x)), stable for large |x|.

    >>> sigmoid(Tensor([0.0])).data
    array([0.5])
    """
    return _node(x).sigmoid()


def softplus(x: Node) -> Node:
    """log(1 + exp(x)), without overflow.

    >>> round(float(softplus(Tensor([0.0])).data[0]), 4)
    0.6931
    """
    return _node(x).softplus()


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``.

    >>> softmax(Tensor([[0.0, 0.0]])).data
    array([[0.5, 0.5]])
    """
    return _node(x).softmax(dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x - logsumexp(x) along ``dim``; stable for logits of any size.

    >>> log_softmax(Tensor([0.0, 1e4])).data
    array([-10000.,      0.])
    """
    return _node(x).log_softmax(dim)


def dropout(x: Node, p: float = 0.5, training: bool = True) -> Node:
    """Inverted dropout: zero each element with probability ``p`` and scale the rest by 1/(1-p).

    The identity when ``training`` is False or ``p`` is 0; all zeros when ``p`` is 1.
    Uses the generator seeded by ``autograd.manual_seed``.

    >>> x = Tensor([1.0, 2.0])
    >>> dropout(x, 0.5, training=False) is x
    True
    >>> sorted(set(dropout(Tensor(np.ones(1000)), 0.5).data.tolist()))
    [0.0, 2.0]
    """
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p (the drop probability) must be in [0, 1], got {p}")
    x = _node(x)
    if not training or p == 0.0:
        return x
    if isinstance(x, Value):
        return x * (1.0 / (1.0 - p)) if generator().random() >= p else x * 0.0
    if p == 1.0:
        return x * np.zeros(x.shape, dtype=x.dtype)
    keep = generator().random(x.shape) >= p
    return x * (keep * (1.0 / (1.0 - p))).astype(x.dtype, copy=False)


# -- argument checks shared by the losses ----------------------------------------------------
def _input(x: Any, op: str) -> Tensor:
    if not isinstance(x, Tensor):
        if isinstance(x, Value):
            raise TypeError(f"{op}: losses work on Tensors; for Values write the loss with "
                            "Value ops")
        x = Tensor(x)
    if x.data.size == 0:
        raise ValueError(f"{op}: empty batch: the input has no elements (shape {x.shape})")
    return x


def _target(target: Any, x: Tensor, op: str) -> tuple[np.ndarray, Tensor | None]:
    """The target as an array of the input's shape and dtype, and the Tensor to send grads to."""
    grad_to = None
    if isinstance(target, Tensor):
        t = target.data
        grad_to = target if target.requires_grad else None
    elif type(target) is np.ndarray:
        t = target
    else:
        try:
            t = np.asarray(target, dtype=x.dtype)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{op}: target must be numeric (Tensor, ndarray or nested list), "
                            f"got {type(target).__name__}: {exc}") from None
    if t.dtype != x.data.dtype:
        if t.dtype.kind not in "biuf":
            raise TypeError(f"{op}: target must be numeric, got an array of dtype {t.dtype}")
        t = t.astype(x.data.dtype)
    if t.shape != x.data.shape:
        raise ValueError(f"{op}: input shape {x.shape} and target shape {t.shape} differ; losses "
                         f"do not broadcast: reshape the target to {x.shape}")
    return t, grad_to


def _weights(sample_weight: Any, loss_shape: tuple[int, ...], dtype: Any, op: str) -> np.ndarray:
    """Per-example weights, checked, shaped (N, 1, ...) to broadcast over the loss."""
    if isinstance(sample_weight, str):
        raise TypeError(f"{op}: sample_weight must be numeric, got the string {sample_weight!r}; "
                        f"did you mean reduction={sample_weight!r}?")
    raw = sample_weight.data if isinstance(sample_weight, Tensor) else sample_weight
    try:
        w = np.asarray(raw, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{op}: sample_weight must be numeric, got {type(raw).__name__}: "
                        f"{exc}") from None
    if not loss_shape:
        raise ValueError(f"{op}: sample_weight needs a batch dimension, but the loss is a scalar")
    n = loss_shape[0]
    if w.shape != (n,):
        raise ValueError(f"{op}: sample_weight must have shape ({n},) (one weight per example), "
                         f"got {w.shape}")
    bad = ~(np.isfinite(w) & (w >= 0))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{op}: sample weights must be finite and >= 0; sample_weight[{i}] is "
                         f"{float(w[i])!r}")
    return w.reshape((n,) + (1,) * (len(loss_shape) - 1))


def _check_reduction(reduction: str, op: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {', '.join(map(repr, REDUCTIONS))}; "
                         f"got {reduction!r}")


def _reduce(
    loss: np.ndarray, sample_weight: Any, reduction: str, op: str
) -> tuple[np.ndarray, Any]:
    """Weight and reduce the per-element ``loss``; return (output, d output / d loss)."""
    _check_reduction(reduction, op)
    if sample_weight is None:
        if reduction == "none":
            return loss, 1.0
        total = loss.sum()
        if reduction == "sum":
            return total, 1.0
        return total / loss.size, 1.0 / loss.size
    w = _weights(sample_weight, loss.shape, loss.dtype, op)
    weighted = w * loss
    if reduction == "none":
        return weighted, w
    total = weighted.sum()
    if reduction == "sum":
        return total, w
    if reduction == "mean":
        count = loss.size
    else:  # sum_by_nonzero_weights: count the loss elements whose weight is non-zero
        count = int(np.count_nonzero(w)) * (loss.size // loss.shape[0])
        if count == 0:
            return np.zeros((), dtype=loss.dtype), np.zeros_like(w)
    return total / count, w / count


def _grad_targets(x: Tensor, grad_to: Tensor | None) -> tuple[Tensor, ...]:
    return (x,) if grad_to is None else (x, grad_to)


def _pair(node: Tensor, gx: Any, gt: Any) -> tuple[Any, ...]:
    """Gradients for (input,) or (input, target), skipping what is not needed."""
    if len(node._parents) == 1:
        return (gx,)
    return (gx if node._parents[0].requires_grad else None, gt)


# -- regression losses ---------------------------------------------------------------------
def mse_loss(
    input: Tensor, target: Any, sample_weight: Any = None, reduction: str = "mean"
) -> Tensor:
    """Mean squared error: reduce ``(input - target) ** 2`` (see the module doc for reductions).

    ``input`` and ``target`` must have the same shape; ``sample_weight`` has one
    weight per example (shape (N,)) and broadcasts over the trailing dimensions.
    Gradients flow to a target Tensor that requires grad. NaN propagates.
    With ``sample_weight`` w (shape (N,)), "mean" is ``sum(w * l) / l.size``, not
    PyTorch's class-weighted ``sum(w * l) / sum(w)``; see the module doc for all reductions.

    >>> float(mse_loss(Tensor([[0.9, 0.2, 0.2], [0.2, 0.8, 0.3]]), [[1, 0, 0], [0, 0, 1]]).data)
    0.21
    >>> mse_loss(Tensor([1.0, 3.0]), [0.0, 0.0], sample_weight=[1.0, 0.0], reduction="sum").item()
    1.0
    """
    x = _input(input, "mse_loss")
    t, grad_to = _target(target, x, "mse_loss")
    diff = x.data - t
    if sample_weight is None and reduction == "mean":  # the hot path: one dot product
        n = diff.size
        out, scale = np.vdot(diff, diff) / n, 1.0 / n
    else:
        out, scale = _reduce(diff * diff, sample_weight, reduction, "mse_loss")
    return _result(out, "mse_loss", _grad_targets(x, grad_to), _mse_rule, (diff, scale))


def _mse_rule(g: np.ndarray, node: Tensor) -> tuple[Any, ...]:
    diff, scale = node._saved
    gx = diff * (2.0 * (g * scale))
    return _pair(node, gx, -gx if len(node._parents) == 2 else None)


def l1_loss(
    input: Tensor, target: Any, sample_weight: Any = None, reduction: str = "mean"
) -> Tensor:
    """Mean absolute error: reduce ``|input - target|`` (see the module doc for reductions).

    The gradient at ``input == target`` is 0, as in PyTorch. NaN propagates.
    With ``sample_weight`` w (shape (N,)), "mean" is ``sum(w * l) / l.size``, not
    PyTorch's class-weighted ``sum(w * l) / sum(w)``; see the module doc for all reductions.

    >>> l1_loss(Tensor([1.0, -2.0]), [0.0, 0.0]).item()
    1.5
    """
    x = _input(input, "l1_loss")
    t, grad_to = _target(target, x, "l1_loss")
    diff = x.data - t
    out, scale = _reduce(np.abs(diff), sample_weight, reduction, "l1_loss")
    return _result(out, "l1_loss", _grad_targets(x, grad_to), _l1_rule, (diff, scale))


def _l1_rule(g: np.ndarray, node: Tensor) -> tuple[Any, ...]:
    diff, scale = node._saved
    gx = np.sign(diff) * (g * scale)
    return _pair(node, gx, -gx if len(node._parents) == 2 else None)


# -- binary classification -------------------------------------------------------------------
_LOG_FLOOR = -100.0  # PyTorch clamps BCE's logs here so a probability of 0 or 1 gives a finite loss
_BCE_EPS = 1e-12  # and bounds its gradient's denominator x * (1 - x) below by this


def _clamped_logs(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(x), _LOG_FLOOR), np.maximum(np.log1p(-x), _LOG_FLOOR)


def binary_cross_entropy(
    input: Tensor, target: Any, sample_weight: Any = None, reduction: str = "mean"
) -> Tensor:
    """Binary cross-entropy on probabilities: ``-(t log x + (1 - t) log(1 - x))``, reduced.

    ``input`` must lie in [0, 1] (NaN included, a ValueError says otherwise);
    as in PyTorch each log is clamped at -100, so x = 0 or 1 gives a finite loss.
    Prefer ``binary_cross_entropy_with_logits`` on raw scores: it is stabler.
    With ``sample_weight`` w (shape (N,)), "mean" is ``sum(w * l) / l.size``, not
    PyTorch's class-weighted ``sum(w * l) / sum(w)``; see the module doc for all reductions.

    >>> round(binary_cross_entropy(Tensor([0.8, 0.4]), [1.0, 0.0]).item(), 6)  # -(ln .8 + ln .6)/2
    0.366985
    """
    x = _input(input, "binary_cross_entropy")
    t, grad_to = _target(target, x, "binary_cross_entropy")
    p = x.data
    inside = (p >= 0) & (p <= 1)
    if not inside.all():
        i = np.unravel_index(int(np.argmin(inside)), p.shape)
        raise ValueError(f"binary_cross_entropy: input must be probabilities in [0, 1]; "
                         f"input[{', '.join(map(str, i))}] is {float(p[i])!r} (use "
                         "binary_cross_entropy_with_logits for raw scores)")
    log_p, log_q = _clamped_logs(p)
    loss = -(t * log_p + (1.0 - t) * log_q)
    out, scale = _reduce(loss, sample_weight, reduction, "binary_cross_entropy")
    return _result(out, "binary_cross_entropy", _grad_targets(x, grad_to), _bce_rule, (t, scale))


def _bce_rule(g: np.ndarray, node: Tensor) -> tuple[Any, ...]:
    t, scale = node._saved
    p = node._parents[0].data
    gl = g * scale
    gx = gl * (p - t) / np.maximum(p * (1.0 - p), _BCE_EPS)
    gt = None
    if len(node._parents) == 2:
        log_p, log_q = _clamped_logs(p)
        gt = gl * (log_q - log_p)
    return _pair(node, gx, gt)


def binary_cross_entropy_with_logits(
    input: Tensor, target: Any, sample_weight: Any = None, reduction: str = "mean"
) -> Tensor:
    """Binary cross-entropy on raw scores x: ``max(x, 0) - x t + log(1 + exp(-|x|))``, reduced.

    The same as ``binary_cross_entropy(sigmoid(x), t)`` but finite for any x
    (logits of +-1e4 included); its gradient is ``sigmoid(x) - t``. NaN propagates.
    With ``sample_weight`` w (shape (N,)), "mean" is ``sum(w * l) / l.size``, not
    PyTorch's class-weighted ``sum(w * l) / sum(w)``; see the module doc for all reductions.

    >>> round(binary_cross_entropy_with_logits(Tensor([0.0]), [1.0]).item(), 6)  # ln 2
    0.693147
    >>> binary_cross_entropy_with_logits(Tensor([1e4, -1e4]), [1.0, 0.0]).item()
    0.0
    """
    x = _input(input, "binary_cross_entropy_with_logits")
    t, grad_to = _target(target, x, "binary_cross_entropy_with_logits")
    z = x.data
    loss = np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))
    out, scale = _reduce(loss, sample_weight, reduction, "binary_cross_entropy_with_logits")
    return _result(out, "binary_cross_entropy_with_logits", _grad_targets(x, grad_to),
                   _bce_logits_rule, (t, scale))


def _bce_logits_rule(g: np.ndarray, node: Tensor) -> tuple[Any, ...]:
    t, scale = node._saved
    z = node._parents[0].data
    gl = g * scale
    gx = gl * (stable_sigmoid(z) - t)
    return _pair(node, gx, -gl * z if len(node._parents) == 2 else None)


# -- multi-class classification ------------------------------------------------------------------
def _labels(target: Any, x: Tensor, op: str) -> np.ndarray | None:
    """Integer class labels of shape input.shape without its class axis, or None if ``target``
    has the input's shape (class probabilities)."""
    raw = target.data if isinstance(target, Tensor) else np.asarray(target)
    shape = x.shape
    label_shape = _label_shape(shape)
    if raw.shape == shape:
        return None
    if raw.shape != label_shape:
        raise ValueError(f"{op}: input shape {shape} needs integer labels of shape {label_shape} "
                         f"or class probabilities of shape {shape}; got target shape {raw.shape}")
    kind = raw.dtype.kind
    if kind not in "iuf":
        raise ValueError(f"{op}: labels must be integers, got an array of dtype {raw.dtype}")
    n_classes = shape[1] if len(shape) >= 2 else shape[0]
    if kind == "f":
        not_whole = raw != np.floor(raw)  # also true for NaN
        if not_whole.any():
            bad = float(raw[not_whole].flat[0])
            raise ValueError(f"{op}: labels must be integers in [0, {n_classes}); "
                             f"got label {bad!r}")
    if raw.min() < 0 or raw.max() >= n_classes:
        out = (raw < 0) | (raw >= n_classes)
        bad = raw[out].flat[0]
        bad_text = int(bad) if np.isfinite(bad) else float(bad)
        raise ValueError(f"{op}: label {bad_text!r} is out of range for {n_classes} classes "
                         f"(C = {n_classes}; labels must be in [0, {n_classes}))")
    return raw.astype(np.intp, copy=False)


def _rows(z: np.ndarray) -> np.ndarray:
    """The input as (examples, classes): the class axis (1, or 0 for a 1-D input) moved last."""
    if z.ndim == 2:
        return z
    if z.ndim == 1:
        return z.reshape(1, -1)
    return np.moveaxis(z, 1, -1).reshape(-1, z.shape[1])


def _unrows(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Inverse of ``_rows``: a gradient of shape (examples, classes) back to the input's shape."""
    if len(shape) == 2:
        return grad
    if len(shape) == 1:
        return grad.reshape(shape)
    return np.moveaxis(grad.reshape((shape[0],) + shape[2:] + (shape[1],)), -1, 1)


def _label_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of one loss per example: the input's shape without its class axis."""
    return shape[:1] + shape[2:] if len(shape) >= 2 else ()


def _per_row(gl: Any, shape: tuple[int, ...]) -> Any:
    """The loss's gradient as a column for (examples, classes) arrays (a scalar stays one)."""
    if np.ndim(gl) == 0:
        return gl
    return np.broadcast_to(gl, _label_shape(shape)).reshape(-1, 1)


def cross_entropy(
    input: Tensor, target: Any, sample_weight: Any = None, reduction: str = "mean"
) -> Tensor:
    """Softmax cross-entropy of logits ``input`` against class labels or class probabilities.

    ``input`` has shape (N, C) (or (C,), or (N, C, d1, ...) with the classes on
    axis 1, as in PyTorch). ``target`` is either integer labels of shape (N,)
    (or (), or (N, d1, ...)) with values in [0, C), or probabilities with the
    input's shape. The loss per example is ``-log_softmax(input)[label]`` or
    ``-sum(target * log_softmax(input))``; computed through log_softmax, so it
    is finite for logits of any size. Labels out of range or non-integer raise
    ValueError. NaN in the logits propagates. One graph node; its gradient is
    ``(softmax(input) - onehot(target)) * weight / N`` for the default mean.
    With ``sample_weight`` w (shape (N,)), "mean" is ``sum(w * l) / l.size``, not
    PyTorch's class-weighted ``sum(w * l) / sum(w)``; see the module doc for all reductions.

    >>> logits = Tensor([[2.0, 0.0], [0.0, 0.0]])
    >>> round(cross_entropy(logits, [0, 1]).item(), 6)  # (log(1 + e**-2) + log 2) / 2
    0.410038
    >>> round(cross_entropy(logits, [[1.0, 0.0], [0.0, 1.0]]).item(), 6)
    0.410038
    """
    x = _input(input, "cross_entropy")
    labels = _labels(target, x, "cross_entropy")
    z = _rows(x.data)
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    norm = e.sum(axis=1, keepdims=True)
    if labels is not None:
        flat = labels.reshape(-1)
        rows = np.arange(flat.size)
        loss = (np.log(norm[:, 0]) - shifted[rows, flat]).reshape(labels.shape)
        out, scale = _reduce(loss, sample_weight, reduction, "cross_entropy")
        return _result(out, "cross_entropy", (x,), _cross_entropy_rule,
                       (e, norm, rows, flat, scale))
    t, grad_to = _target(target, x, "cross_entropy")
    t_rows = _rows(t)
    log_p = shifted - np.log(norm)
    loss = -(t_rows * log_p).sum(axis=1).reshape(_label_shape(x.shape))
    out, scale = _reduce(loss, sample_weight, reduction, "cross_entropy")
    return _result(out, "cross_entropy", _grad_targets(x, grad_to), _soft_cross_entropy_rule,
                   (t_rows, log_p, scale))


def _cross_entropy_rule(g: np.ndarray, node: Tensor) -> tuple[Any, ...]:
    e, norm, rows, labels, scale = node._saved
    grad = e / norm  # softmax
    grad[rows, labels] -= 1.0
    shape = node._parents[0].data.shape
    grad *= _per_row(g * scale, shape)
    return (_unrows(grad, shape),)


def _soft_cross_entropy_rule(g: np.ndarray, node: Tensor) -> tuple[Any, ...]:
    t, log_p, scale = node._saved
    shape = node._parents[0].data.shape
    gl = _per_row(g * scale, shape)
    gx = gl * (np.exp(log_p) * t.sum(axis=1, keepdims=True) - t)
    gt = _unrows(-gl * log_p, shape) if len(node._parents) == 2 else None
    return _pair(node, _unrows(gx, shape), gt)


def nll_loss(
    input: Tensor, target: Any, sample_weight: Any = None, reduction: str = "mean"
) -> Tensor:
    """Negative log-likelihood of log-probabilities ``input`` (N, C) at integer labels (N,).

    The loss per example is ``-input[i, label_i]``; use it after ``log_softmax``
    (``cross_entropy`` does both in one node). Shapes and label checks as in
    ``cross_entropy``.
    With ``sample_weight`` w (shape (N,)), "mean" is ``sum(w * l) / l.size``, not
    PyTorch's class-weighted ``sum(w * l) / sum(w)``; see the module doc for all reductions.

    >>> nll_loss(Tensor([[-0.5, -1.0], [-2.0, -0.1]]), [0, 1]).item()
    0.3
    """
    x = _input(input, "nll_loss")
    labels = _labels(target, x, "nll_loss")
    if labels is None:
        raise ValueError(f"nll_loss: target must be integer labels of shape "
                         f"{_label_shape(x.shape)}, got the input's "
                         f"shape {x.shape} (for class probabilities use cross_entropy)")
    flat = labels.reshape(-1)
    rows = np.arange(flat.size)
    loss = -_rows(x.data)[rows, flat].reshape(labels.shape)
    out, scale = _reduce(loss, sample_weight, reduction, "nll_loss")
    return _result(out, "nll_loss", (x,), _nll_rule, (rows, flat, scale))


def _nll_rule(g: np.ndarray, node: Tensor) -> tuple[Any, ...]:
    rows, labels, scale = node._saved
    shape = node._parents[0].data.shape
    grad = np.zeros((rows.size, shape[1] if len(shape) >= 2 else shape[0]), dtype=g.dtype)
    gl = _per_row(g * scale, shape)
    grad[rows, labels] = -(gl[:, 0] if np.ndim(gl) else gl)
    return (_unrows(grad, shape),)


# -- image ops (defined in nn/image_functional.py) ------------------------------------------
from nn.image_functional import avg_pool2d, batch_norm, conv2d, max_pool2d  # noqa: E402

__all__ += ["conv2d", "max_pool2d", "avg_pool2d", "batch_norm"]
