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

import math
from typing import Any

import numpy as np

from autograd.core import generic as G
from autograd.core.free_functions import Node
from autograd.core.random import generator
from autograd.core.tensor import Op, Tensor
from autograd.core.tensor import linear as linear
from autograd.core.value import Value
from nn.functional_sequence import (
    embedding,
    layer_norm,
    rms_norm,
    scaled_dot_product_attention,
)

REDUCTIONS = ("mean", "sum", "none", "sum_by_nonzero_weights")

__all__ = [
    "relu", "leaky_relu", "elu", "celu", "gelu", "mish", "hardswish", "relu6", "tanh", "sigmoid",
    "softplus", "softmax", "log_softmax", "linear", "dropout",
    "mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "cross_entropy", "nll_loss", "REDUCTIONS",
    "embedding", "layer_norm", "rms_norm", "scaled_dot_product_attention",
]


# -- activations -------------------------------------------------------------------------
# One rule for every activation, functional or module: a Tensor or Value is used as it is;
# anything else is read with np.asarray and must hold numbers (bool, int or float): it becomes
# a constant Tensor (no gradient), as torch.sigmoid reads a list. Other input is refused.
def _activation_input(x: Any, who: str) -> Any:
    if isinstance(x, (Tensor, Value)):
        return x
    try:
        data = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged lists
        raise TypeError(f"{who}: expected a Tensor, a Value or an array-like of numbers; "
                        f"got {type(x).__name__} that numpy cannot read as an array ({exc})"
                        ) from None
    if data.dtype.kind not in "biuf":
        raise TypeError(f"{who}: expected a Tensor, a Value or an array-like of numbers; "
                        f"got {type(x).__name__} holding {data.dtype}")
    return Tensor(data)


def _tensor_input(x: Any, who: str) -> Tensor:
    if isinstance(x, Value):
        raise TypeError(f"{who}: expected a Tensor or an array-like of numbers (it works along "
                        f"an axis); got a single Value")
    return _activation_input(x, who)


def relu(x: Node) -> Node:
    """max(x, 0).

    >>> relu(Tensor([-1.0, 2.0])).data
    array([0., 2.])
    """
    return _activation_input(x, "relu").relu()


def leaky_relu(x: Node, negative_slope: float = 0.01) -> Node:
    """x for x > 0, else negative_slope * x.

    >>> leaky_relu(Tensor([-1.0, 2.0]), 0.1).data
    array([-0.1,  2. ])
    """
    return _activation_input(x, "leaky_relu").leaky_relu(negative_slope)


def elu(x: Node, alpha: float = 1.0) -> Node:
    """x for x > 0, else alpha * (exp(x) - 1).

    >>> elu(Tensor([0.0, 2.0])).data
    array([0., 2.])
    """
    return _activation_input(x, "elu").elu(alpha)


def celu(x: Node, alpha: float = 1.0) -> Node:
    """x for x > 0, else alpha * (exp(x / alpha) - 1).

    >>> celu(Tensor([0.0, 2.0])).data
    array([0., 2.])
    """
    return _activation_input(x, "celu").celu(alpha)


def gelu(x: Node, approximate: str = "none") -> Node:
    """x * Phi(x): exact (erf) by default, or ``approximate="tanh"``.

    >>> round(float(gelu(Tensor([1.0])).data[0]), 4)
    0.8413
    """
    return _activation_input(x, "gelu").gelu(approximate)


def mish(x: Node) -> Node:
    """x * tanh(softplus(x)).

    >>> round(float(mish(Tensor([1.0])).data[0]), 4)
    0.8651
    """
    return _activation_input(x, "mish").mish()


def hardswish(x: Node) -> Node:
    """x * relu6(x + 3) / 6.

    >>> hardswish(Tensor([-4.0, 0.0, 4.0])).data
    array([-0.,  0.,  4.])
    """
    return _activation_input(x, "hardswish").hardswish()


def relu6(x: Node) -> Node:
    """min(max(x, 0), 6).

    >>> relu6(Tensor([-1.0, 3.0, 9.0])).data
    array([0., 3., 6.])
    """
    return _activation_input(x, "relu6").relu6()


def tanh(x: Node) -> Node:
    """Hyperbolic tangent.

    >>> tanh(Tensor([0.0])).data
    array([0.])
    """
    return _activation_input(x, "tanh").tanh()


def sigmoid(x: Node) -> Node:
    """1 / (1 + exp(-x)), stable for large |x|.

    >>> sigmoid(Tensor([0.0])).data
    array([0.5])
    """
    return _activation_input(x, "sigmoid").sigmoid()


def softplus(x: Node, beta: float = 1.0, threshold: float = 20.0) -> Node:
    """log(1 + exp(beta x)) / beta, without overflow; x where beta x > threshold.

    >>> round(float(softplus(Tensor([0.0])).data[0]), 4)
    0.6931
    """
    return _activation_input(x, "softplus").softplus(beta, threshold)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``.

    >>> softmax(Tensor([[0.0, 0.0]])).data
    array([[0.5, 0.5]])
    """
    return _tensor_input(x, "softmax").softmax(dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x - logsumexp(x) along ``dim``; stable for logits of any size.

    >>> log_softmax(Tensor([0.0, 1e4])).data
    array([-10000.,      0.])
    """
    return _tensor_input(x, "log_softmax").log_softmax(dim)


def dropout(x: Node, p: float = 0.5, training: bool = True) -> Node:
    """Inverted dropout: zero each element with probability ``p`` and scale the rest by 1/(1-p).

    The identity when ``training`` is False or ``p`` is 0; all zeros when ``p`` is 1.
    Uses the generator seeded by ``autograd.manual_seed``; ``nn.Dropout`` calls this
    function, so the same seed gives the same mask either way.

    >>> x = Tensor([1.0, 2.0])
    >>> dropout(x, 0.5, training=False) is x
    True
    >>> sorted(set(dropout(Tensor(np.ones(1000)), 0.5).data.tolist()))
    [0.0, 2.0]
    """
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p (the drop probability) must be a number in [0, 1], "
                         f"got {p!r}")
    p = float(p)
    x = _activation_input(x, "dropout")
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
    if t.dtype is not x.data.dtype and t.dtype != x.data.dtype:
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


def _class_weights(weight: Any, n_classes: int, dtype: Any, op: str) -> np.ndarray | None:
    """PyTorch's ``weight=``: one finite, non-negative weight per class."""
    if weight is None:
        return None
    raw = weight.data if isinstance(weight, Tensor) else weight
    try:
        w = np.asarray(raw, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{op}: weight must be numeric, got {type(raw).__name__}: {exc}") from None
    if w.shape != (n_classes,):
        raise ValueError(f"{op}: weight must have shape ({n_classes},) (one weight per class), "
                         f"got {w.shape}")
    bad = ~(np.isfinite(w) & (w >= 0))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"{op}: class weights must be finite and >= 0; weight[{i}] is "
                         f"{float(w[i])!r}")
    return w


def _reduce(
    loss: np.ndarray, sample_weight: Any, reduction: str, op: str,
    per_example: np.ndarray | None = None,
) -> tuple[np.ndarray, Any]:
    """Weight and reduce the per-element ``loss``; return (output, d output / d loss).

    ``per_example`` are the class weights of each example's target (``weight=``):
    they multiply the loss, and "mean" divides by their sum, as PyTorch does.
    Sums of float16 losses accumulate in float32 (as numpy's ``mean``), so a mean
    is finite wherever its true value fits the dtype.
    """
    _check_reduction(reduction, op)
    dtype = loss.dtype
    acc = np.promote_types(dtype, np.float32)
    scale: Any = 1.0
    if per_example is not None:
        scale = per_example
    if sample_weight is not None:
        scale = scale * _weights(sample_weight, loss.shape, dtype, op)
    weighted = loss if (per_example is None and sample_weight is None) else scale * loss
    if reduction == "none":
        return weighted.astype(dtype, copy=False), scale
    total = weighted.sum(dtype=acc)
    if reduction == "sum":
        return total.astype(dtype), scale
    if reduction == "mean":
        count = loss.size if per_example is None else per_example.sum(dtype=acc)
    else:  # sum_by_nonzero_weights: count the loss elements whose weight is non-zero
        if per_example is None and sample_weight is None:
            count = loss.size
        else:
            count = int(np.count_nonzero(np.broadcast_to(scale, loss.shape)))
        if count == 0:
            return np.zeros((), dtype=dtype), np.zeros_like(np.broadcast_to(scale, loss.shape))
    return (total / count).astype(dtype), scale / count


def _grad_targets(x: Tensor, grad_to: Tensor | None) -> tuple[Tensor, ...]:
    return (x,) if grad_to is None else (x, grad_to)


def _grads(inputs: Any, needs: Any, gx: Any, gt: Any) -> tuple[Any, ...]:
    """Gradients for (input,) or (input, target), skipping what is not needed.

    ``gt`` may be a function of nothing, so that it is computed only when needed.
    """
    if len(inputs) == 1:
        return (gx,)
    return (gx if needs[0] else None, (gt() if callable(gt) else gt) if needs[1] else None)


def _target_of(inputs: Any, saved_target: np.ndarray) -> Any:
    """The target: the second input when it requires grad, else the saved constant."""
    return inputs[1] if len(inputs) == 2 else saved_target


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
        if diff.dtype.itemsize >= 4:
            out, scale = np.vdot(diff, diff) / n, 1.0 / n  # numpy keeps float32 float32
        else:  # float16: accumulate in float32
            d = diff.astype(np.float32)
            out, scale = (np.vdot(d, d) / n).astype(diff.dtype), 1.0 / n
    else:
        out, scale = _reduce(diff * diff, sample_weight, reduction, "mse_loss")
    return _MSE(out, _grad_targets(x, grad_to), (t, scale, diff))


def _mse_rule(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> tuple[Any, ...]:
    t, scale, diff = saved
    if type(inputs[0]) is not np.ndarray:  # a recorded backward: diff as a node
        diff = inputs[0] - _target_of(inputs, t)
    gx = diff * (2.0 * (g * scale))
    return _grads(inputs, needs, gx, lambda: -gx)


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
    out, scale = _reduce(np.abs(x.data - t), sample_weight, reduction, "l1_loss")
    return _L1(out, _grad_targets(x, grad_to), (t, scale))


def _l1_rule(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> tuple[Any, ...]:
    t, scale = saved
    sign = np.sign(G.data(inputs[0]) - G.data(_target_of(inputs, t)))  # a constant
    gx = sign * (g * scale)
    return _grads(inputs, needs, gx, lambda: -gx)


# -- binary classification -------------------------------------------------------------------
_LOG_FLOOR = -100.0  # PyTorch clamps BCE's logs here so a probability of 0 or 1 gives a finite loss
_BCE_EPS = 1e-12  # and bounds its gradient's denominator x * (1 - x) below by this


def _clamped_log(x: Any) -> Any:
    """max(log(x), -100), on arrays and Tensors (x in [0, 1])."""
    if G.is_plain(x):
        with np.errstate(divide="ignore"):
            return np.maximum(np.log(x), _LOG_FLOOR)
    above = G.data(x) > math.exp(_LOG_FLOOR)
    return G.where(above, G.log(G.where(above, x, 1.0)), _LOG_FLOOR)


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
    loss = -(t * _clamped_log(p) + (1.0 - t) * _clamped_log(1.0 - p))
    out, scale = _reduce(loss, sample_weight, reduction, "binary_cross_entropy")
    return _BCE(out, _grad_targets(x, grad_to), (t, scale))


def _bce_rule(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> tuple[Any, ...]:
    t0, scale = saved
    x, t = inputs[0], _target_of(inputs, t0)
    gl = g * scale
    spread = x * (1.0 - x)
    gx = gl * (x - t) / G.where(G.data(spread) > _BCE_EPS, spread, _BCE_EPS)
    gt = gl * (_clamped_log(1.0 - x) - _clamped_log(x)) if len(inputs) == 2 else None
    return _grads(inputs, needs, gx, gt)


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
    # max(z, 0) - z t, written so that an infinite z with t = 0 or 1 gives inf or 0, not NaN
    if np.isinf(z).any():
        linear = np.where(z > 0, z * (1.0 - t), -z * t)
    else:
        linear = np.maximum(z, 0) - z * t
    loss = linear + np.log1p(np.exp(-np.abs(z)))
    out, scale = _reduce(loss, sample_weight, reduction, "binary_cross_entropy_with_logits")
    return _BCE_LOGITS(out, _grad_targets(x, grad_to), (t, scale))


def _bce_logits_rule(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> tuple[Any, ...]:
    t0, scale = saved
    x = inputs[0]
    gl = g * scale
    gx = gl * (G.sigmoid(x) - _target_of(inputs, t0))
    return _grads(inputs, needs, gx, -gl * x if len(inputs) == 2 else None)


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


def _rows(z: Any) -> Any:
    """The input as (examples, classes): the class axis (1, or 0 for a 1-D input) moved last.
    Written with reshape/transpose, so it works on arrays and Tensors."""
    if z.ndim == 2:
        return z
    if z.ndim == 1:
        return z.reshape(1, -1)
    perm = (0,) + tuple(range(2, z.ndim)) + (1,)
    return z.transpose(perm).reshape(-1, z.shape[1])


def _unrows(grad: Any, shape: tuple[int, ...]) -> Any:
    """Inverse of ``_rows``: a gradient of shape (examples, classes) back to the input's shape."""
    if len(shape) == 2:
        return grad
    if len(shape) == 1:
        return grad.reshape(shape)
    n = len(shape)
    back = (0, n - 1) + tuple(range(1, n - 1))
    return grad.reshape((shape[0],) + shape[2:] + (shape[1],)).transpose(back)


def _label_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of one loss per example: the input's shape without its class axis."""
    return shape[:1] + shape[2:] if len(shape) >= 2 else ()


def _per_row(gl: Any, shape: tuple[int, ...]) -> Any:
    """The loss's gradient as a column for (examples, classes) arrays."""
    return G.broadcast_to(gl, _label_shape(shape)).reshape(-1, 1)


def _one_hot(labels: np.ndarray, n_classes: int, dtype: Any) -> np.ndarray:
    onehot = np.zeros((labels.size, n_classes), dtype=dtype)
    onehot[np.arange(labels.size), labels] = 1.0
    return onehot


def cross_entropy(
    input: Tensor, target: Any, sample_weight: Any = None, reduction: str = "mean",
    weight: Any = None,
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

    ``weight`` (shape (C,)) is PyTorch's class weight: example i's loss is
    multiplied by ``weight[label_i]`` and "mean" divides by the sum of those
    weights (for probability targets each class term is weighted and "mean"
    divides by N, as PyTorch). ``sample_weight`` (shape (N,)) multiplies each
    example's loss; with it, "mean" is ``sum(w * l) / N`` (or divided by the sum of
    the class weights when ``weight`` is given), never ``/ sum(w)``.

    >>> logits = Tensor([[2.0, 0.0], [0.0, 0.0]])
    >>> round(cross_entropy(logits, [0, 1]).item(), 6)  # (log(1 + e**-2) + log 2) / 2
    0.410038
    >>> round(cross_entropy(logits, [[1.0, 0.0], [0.0, 1.0]]).item(), 6)
    0.410038
    >>> round(cross_entropy(logits, [0, 1], weight=[3.0, 1.0]).item(), 6)  # (3 l0 + l1) / 4
    0.268483
    """
    x = _input(input, "cross_entropy")
    if x.ndim == 0:
        raise ValueError("cross_entropy: input must have a class axis (shape (C,), (N, C) or "
                         "(N, C, d1, ...)), got a 0-d tensor")
    labels = _labels(target, x, "cross_entropy")
    n_classes = x.shape[1] if x.ndim >= 2 else x.shape[0]
    cw = _class_weights(weight, n_classes, x.dtype, "cross_entropy")
    log_p = _rows(x.data)
    log_p = log_p - log_p.max(axis=1, keepdims=True)
    log_p = log_p - np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    if labels is not None:
        flat = labels.reshape(-1)
        picked = -log_p[np.arange(flat.size), flat].reshape(labels.shape)
        per_example = None if cw is None else cw[labels]
        out, scale = _reduce(picked, sample_weight, reduction, "cross_entropy", per_example)
        return _CROSS_ENTROPY(out, (x,), (_one_hot(flat, n_classes, x.dtype), scale))
    t, grad_to = _target(target, x, "cross_entropy")
    t_rows = _rows(t) if cw is None else _rows(t) * cw
    loss = -(t_rows * log_p).sum(axis=1).reshape(_label_shape(x.shape))
    out, scale = _reduce(loss, sample_weight, reduction, "cross_entropy")
    return _SOFT_CROSS_ENTROPY(out, _grad_targets(x, grad_to), (t, cw, scale))


def _cross_entropy_rule(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> tuple[Any, ...]:
    onehot, scale = saved
    x = inputs[0]
    probs = G.softmax(_rows(x), axis=1)
    return (_unrows((probs - onehot) * _per_row(g * scale, x.shape), x.shape),)


def _soft_cross_entropy_rule(
    g: Any, inputs: Any, out: Any, saved: Any, needs: Any
) -> tuple[Any, ...]:
    t0, cw, scale = saved
    x = inputs[0]
    shape = x.shape
    t = _rows(_target_of(inputs, t0))
    if cw is not None:
        t = t * cw
    gl = _per_row(g * scale, shape)
    gx = _unrows(gl * (G.softmax(_rows(x), axis=1) * t.sum(axis=1, keepdims=True) - t), shape)
    gt = None
    if len(inputs) == 2:
        log_p = G.log_softmax(_rows(x), axis=1)
        gt = _unrows(-gl * (log_p if cw is None else log_p * cw), shape)
    return _grads(inputs, needs, gx, gt)


def nll_loss(
    input: Tensor, target: Any, sample_weight: Any = None, reduction: str = "mean",
    weight: Any = None,
) -> Tensor:
    """Negative log-likelihood of log-probabilities ``input`` (N, C) at integer labels (N,).

    The loss per example is ``-input[i, label_i]`` (times ``weight[label_i]``
    when PyTorch's class weights ``weight`` are given; "mean" then divides by
    their sum); use it after ``log_softmax`` (``cross_entropy`` does both in one
    node). Shapes, label checks and ``sample_weight`` as in ``cross_entropy``.

    >>> nll_loss(Tensor([[-0.5, -1.0], [-2.0, -0.1]]), [0, 1]).item()
    0.3
    """
    x = _input(input, "nll_loss")
    if x.ndim == 0:
        raise ValueError("nll_loss: input must have a class axis (shape (C,), (N, C) or "
                         "(N, C, d1, ...)), got a 0-d tensor")
    labels = _labels(target, x, "nll_loss")
    if labels is None:
        raise ValueError(f"nll_loss: target must be integer labels of shape "
                         f"{_label_shape(x.shape)}, got the input's "
                         f"shape {x.shape} (for class probabilities use cross_entropy)")
    n_classes = x.shape[1] if x.ndim >= 2 else x.shape[0]
    cw = _class_weights(weight, n_classes, x.dtype, "nll_loss")
    flat = labels.reshape(-1)
    loss = -_rows(x.data)[np.arange(flat.size), flat].reshape(labels.shape)
    per_example = None if cw is None else cw[labels]
    out, scale = _reduce(loss, sample_weight, reduction, "nll_loss", per_example)
    return _NLL(out, (x,), (_one_hot(flat, n_classes, x.dtype), scale))


def _nll_rule(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> tuple[Any, ...]:
    onehot, scale = saved
    shape = inputs[0].shape
    return (_unrows(-onehot * _per_row(g * scale, shape), shape),)


# Every loss is one node, defined with autograd's public Op (its rule right above).
_MSE = Op("mse_loss", _mse_rule)
_L1 = Op("l1_loss", _l1_rule)
_BCE = Op("binary_cross_entropy", _bce_rule)
_BCE_LOGITS = Op("binary_cross_entropy_with_logits", _bce_logits_rule)
_CROSS_ENTROPY = Op("cross_entropy", _cross_entropy_rule)
_SOFT_CROSS_ENTROPY = Op("cross_entropy", _soft_cross_entropy_rule)
_NLL = Op("nll_loss", _nll_rule)


# -- image ops (defined in nn/image_functional.py) ------------------------------------------
from nn.image_functional import avg_pool2d, batch_norm, conv2d, max_pool2d  # noqa: E402

__all__ += ["conv2d", "max_pool2d", "avg_pool2d", "batch_norm"]
