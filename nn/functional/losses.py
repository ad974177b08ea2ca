"""Losses as functions: the functional forms of nn's loss modules.

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

import functools
import inspect
import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

from autograd.core import generic as G
from autograd.core.graph import PER_THREAD
from autograd.core.tensor import Op, Tensor
from nn._checks import as_tensor, per_item_weights

REDUCTIONS = ("mean", "sum", "none", "sum_by_nonzero_weights")

__all__ = [
    "mse_loss",
    "l1_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "nll_loss",
    "REDUCTIONS",
]


# -- argument checks shared by the losses ----------------------------------------------------
def _input(x: Any, op: str) -> Tensor:
    x = as_tensor(x, op, value_hint="for Values write the loss with Value ops")
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
            raise TypeError(
                f"{op}: target must be numeric (Tensor, ndarray or nested list), "
                f"got {type(target).__name__}: {exc}"
            ) from None
    if t.dtype is not x.data.dtype and t.dtype != x.data.dtype:
        if t.dtype.kind not in "biuf":
            raise TypeError(f"{op}: target must be numeric, got an array of dtype {t.dtype}")
        t = t.astype(x.data.dtype)
    if t.shape != x.data.shape:
        raise ValueError(
            f"{op}: input shape {x.shape} and target shape {t.shape} differ; losses "
            f"do not broadcast: reshape the target to {x.shape}"
        )
    return t, grad_to


def _weights(sample_weight: Any, loss_shape: tuple[int, ...], dtype: Any, op: str) -> np.ndarray:
    """Per-example weights, checked, shaped (N, 1, ...) to broadcast over the loss."""
    if not loss_shape:
        raise ValueError(f"{op}: sample_weight needs a batch dimension, but the loss is a scalar")
    n = loss_shape[0]
    w = per_item_weights(sample_weight, n, dtype, op, "sample_weight", "example", True)
    return w.reshape((n,) + (1,) * (len(loss_shape) - 1))


def _check_reduction(reduction: str, op: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"{op}: reduction must be one of {', '.join(map(repr, REDUCTIONS))}; got {reduction!r}"
        )


def _class_weights(weight: Any, n_classes: int, dtype: Any, op: str) -> np.ndarray | None:
    """PyTorch's ``weight=``: one finite weight per class (any sign, as PyTorch)."""
    if weight is None:
        return None
    return per_item_weights(weight, n_classes, dtype, op, "weight", "class", False)


def _reduce(
    loss: np.ndarray,
    sample_weight: Any,
    reduction: str,
    op: str,
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


_LossFn = TypeVar("_LossFn", bound=Callable[..., Tensor])


def _replayable(loss: _LossFn) -> _LossFn:
    """Let ``autograd.compile`` replay ``loss``: while a trace records, the call is kept, and
    a replay calls ``loss`` again with each call's tensors, its target included (a target kept
    in saved state would replay the first batch forever). Eager calls pay one attribute read.
    """
    signature = inspect.signature(loss)

    @functools.wraps(loss)
    def replayable(*args: Any, **kwargs: Any) -> Tensor:
        node = loss(*args, **kwargs)
        trace = PER_THREAD.state.trace
        if trace is not None:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            trace.replay_call(node, loss, *bound.args)
        return node

    return cast(_LossFn, replayable)


# -- regression losses ---------------------------------------------------------------------
@_replayable
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
    node = _MSE(out, _grad_targets(x, grad_to), (t, scale, diff))
    return node


def _mse_rule(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> tuple[Any, ...]:
    t, scale, diff = saved
    if type(inputs[0]) is not np.ndarray:  # a recorded backward: diff as a node
        diff = inputs[0] - _target_of(inputs, t)
    gx = diff * (2.0 * (g * scale))
    return _grads(inputs, needs, gx, lambda: -gx)


@_replayable
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
    node = _L1(out, _grad_targets(x, grad_to), (t, scale))
    return node


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


@_replayable
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
        raise ValueError(
            f"binary_cross_entropy: input must be probabilities in [0, 1]; "
            f"input[{', '.join(map(str, i))}] is {float(p[i])!r} (use "
            "binary_cross_entropy_with_logits for raw scores)"
        )
    loss = -(t * _clamped_log(p) + (1.0 - t) * _clamped_log(1.0 - p))
    out, scale = _reduce(loss, sample_weight, reduction, "binary_cross_entropy")
    node = _BCE(out, _grad_targets(x, grad_to), (t, scale))
    return node


def _bce_rule(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> tuple[Any, ...]:
    t0, scale = saved
    x, t = inputs[0], _target_of(inputs, t0)
    gl = g * scale
    spread = x * (1.0 - x)
    gx = gl * (x - t) / G.where(G.data(spread) > _BCE_EPS, spread, _BCE_EPS)
    gt = gl * (_clamped_log(1.0 - x) - _clamped_log(x)) if len(inputs) == 2 else None
    return _grads(inputs, needs, gx, gt)


@_replayable
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
    node = _BCE_LOGITS(out, _grad_targets(x, grad_to), (t, scale))
    return node


def _bce_logits_rule(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> tuple[Any, ...]:
    t0, scale = saved
    x = inputs[0]
    gl = g * scale
    gx = gl * (G.sigmoid(x) - _target_of(inputs, t0))
    return _grads(inputs, needs, gx, -gl * x if len(inputs) == 2 else None)


# -- multi-class classification ------------------------------------------------------------------
def _labels(target: Any, x: Tensor, op: str) -> np.ndarray | None:
    """Integer class labels of shape input.shape without its class axis, or None if ``target``
    has the input's shape (class probabilities).

    Class indices are integers: an integer array or list, or a Tensor holding whole numbers
    (a Tensor made from ints is float64). A float ndarray or list is refused, as PyTorch does.
    """
    is_tensor = isinstance(target, Tensor)
    raw = target.data if is_tensor else np.asarray(target)
    shape = x.shape
    label_shape = _label_shape(shape)
    if raw.shape == shape:
        return None
    if raw.shape != label_shape:
        raise ValueError(
            f"{op}: input shape {shape} needs integer labels of shape {label_shape} "
            f"or class probabilities of shape {shape}; got target shape {raw.shape}"
        )
    kind = raw.dtype.kind
    if kind not in "iuf" or (kind == "f" and not is_tensor):
        raise ValueError(
            f"{op}: labels must be integers, got an array of dtype {raw.dtype}; "
            f"pass integer class indices (e.g. target.astype(int)), as PyTorch, "
            f"or class probabilities of the input's shape {shape}"
        )
    n_classes = shape[1] if len(shape) >= 2 else shape[0]
    if kind == "f":
        not_whole = raw != np.floor(raw)  # also true for NaN
        if not_whole.any():
            bad = float(raw[not_whole].flat[0])
            raise ValueError(
                f"{op}: labels must be integers in [0, {n_classes}); got label {bad!r}"
            )
    if raw.min() < 0 or raw.max() >= n_classes:
        out = (raw < 0) | (raw >= n_classes)
        bad = raw[out].flat[0]
        bad_text = int(bad) if np.isfinite(bad) else float(bad)
        raise ValueError(
            f"{op}: label {bad_text!r} is out of range for {n_classes} classes "
            f"(C = {n_classes}; labels must be in [0, {n_classes}))"
        )
    return raw.astype(np.intp, copy=False)


def _classes_last(z: Any) -> Any:
    """The input as (examples, classes): the class axis (1, or 0 for a 1-D input) moved last.
    Written with reshape/transpose, so it works on arrays and Tensors."""
    if z.ndim == 2:
        return z
    if z.ndim == 1:
        return z.reshape(1, -1)
    perm = (0,) + tuple(range(2, z.ndim)) + (1,)
    return z.transpose(perm).reshape(-1, z.shape[1])


def _classes_back(grad: Any, shape: tuple[int, ...]) -> Any:
    """Inverse of ``_classes_last``: a gradient (examples, classes) back to the input's shape."""
    if len(shape) == 2:
        return grad
    if len(shape) == 1:
        return grad.reshape(shape)
    n = len(shape)
    back = (0, n - 1) + tuple(range(1, n - 1))
    return grad.reshape((shape[0],) + shape[2:] + (shape[1],)).transpose(back)


def _class_input(
    input: Any, target: Any, weight: Any, op: str
) -> tuple[Tensor, np.ndarray | None, int, np.ndarray | None]:
    """The prologue of the class losses (cross_entropy, nll_loss): the input with a class
    axis, the integer labels (None for probabilities), the number of classes and the
    checked class weights."""
    x = _input(input, op)
    if x.ndim == 0:
        raise ValueError(
            f"{op}: input must have a class axis (shape (C,), (N, C) or "
            "(N, C, d1, ...)), got a 0-d tensor"
        )
    labels = _labels(target, x, op)
    n_classes = x.shape[1] if x.ndim >= 2 else x.shape[0]
    return x, labels, n_classes, _class_weights(weight, n_classes, x.dtype, op)


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


@_replayable
def cross_entropy(
    input: Tensor,
    target: Any,
    sample_weight: Any = None,
    reduction: str = "mean",
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
    x, labels, n_classes, cw = _class_input(input, target, weight, "cross_entropy")
    log_p = G.log_softmax(_classes_last(x.data), axis=1)
    if labels is not None:
        flat = labels.reshape(-1)
        picked = -log_p[np.arange(flat.size), flat].reshape(labels.shape)
        per_example = None if cw is None else cw[labels]
        out, scale = _reduce(picked, sample_weight, reduction, "cross_entropy", per_example)
        node = _CROSS_ENTROPY(out, (x,), (_one_hot(flat, n_classes, x.dtype), scale))
        return node
    t, grad_to = _target(target, x, "cross_entropy")
    t_rows = _classes_last(t) if cw is None else _classes_last(t) * cw
    loss = -(t_rows * log_p).sum(axis=1).reshape(_label_shape(x.shape))
    out, scale = _reduce(loss, sample_weight, reduction, "cross_entropy")
    node = _SOFT_CROSS_ENTROPY(out, _grad_targets(x, grad_to), (t, cw, scale))
    return node


def _cross_entropy_rule(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> tuple[Any, ...]:
    onehot, scale = saved
    x = inputs[0]
    probs = G.softmax(_classes_last(x), axis=1)
    return (_classes_back((probs - onehot) * _per_row(g * scale, x.shape), x.shape),)


def _soft_cross_entropy_rule(
    g: Any, inputs: Any, out: Any, saved: Any, needs: Any
) -> tuple[Any, ...]:
    t0, cw, scale = saved
    x = inputs[0]
    shape = x.shape
    t = _classes_last(_target_of(inputs, t0))
    if cw is not None:
        t = t * cw
    gl = _per_row(g * scale, shape)
    probs = G.softmax(_classes_last(x), axis=1)
    gx = _classes_back(gl * (probs * t.sum(axis=1, keepdims=True) - t), shape)
    gt = None
    if len(inputs) == 2:
        log_p = G.log_softmax(_classes_last(x), axis=1)
        gt = _classes_back(-gl * (log_p if cw is None else log_p * cw), shape)
    return _grads(inputs, needs, gx, gt)


@_replayable
def nll_loss(
    input: Tensor,
    target: Any,
    sample_weight: Any = None,
    reduction: str = "mean",
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
    x, labels, n_classes, cw = _class_input(input, target, weight, "nll_loss")
    if labels is None:
        raise ValueError(
            f"nll_loss: target must be integer labels of shape "
            f"{_label_shape(x.shape)}, got the input's "
            f"shape {x.shape} (for class probabilities use cross_entropy)"
        )
    flat = labels.reshape(-1)
    loss = -_classes_last(x.data)[np.arange(flat.size), flat].reshape(labels.shape)
    per_example = None if cw is None else cw[labels]
    out, scale = _reduce(loss, sample_weight, reduction, "nll_loss", per_example)
    node = _NLL(out, (x,), (_one_hot(flat, n_classes, x.dtype), scale))
    return node


def _nll_rule(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> tuple[Any, ...]:
    onehot, scale = saved
    shape = inputs[0].shape
    return (_classes_back(-onehot * _per_row(g * scale, shape), shape),)


# Every loss is one node, defined with autograd's public Op (its rule right above).
_MSE = Op("mse_loss", _mse_rule)
_L1 = Op("l1_loss", _l1_rule)
_BCE = Op("binary_cross_entropy", _bce_rule)
_BCE_LOGITS = Op("binary_cross_entropy_with_logits", _bce_logits_rule)
_CROSS_ENTROPY = Op("cross_entropy", _cross_entropy_rule)
_SOFT_CROSS_ENTROPY = Op("cross_entropy", _soft_cross_entropy_rule)
_NLL = Op("nll_loss", _nll_rule)
