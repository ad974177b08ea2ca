"""Every argument check of ``nn``, written once: layers, functional forms and losses call these.

One error type per kind of mistake: a wrong *type* of argument raises
``ArgumentTypeError`` (a TypeError, and a ValueError as these checks raised before), a
number or shape outside what is allowed a ValueError (a non-integer count too, as
PyTorch's ``positive_int`` checks do). Each message names the function and argument
(``what``: ``"Linear: in_features"``), the value it got and what was expected.

>>> positive_int(3, "Linear: in_features")
3
>>> positive_int(0, "Linear: in_features")
Traceback (most recent call last):
...
ValueError: Linear: in_features must be a positive integer, got 0
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from autograd.core.tensor import Tensor
from autograd.core.value import Value

__all__ = [
    "ArgumentTypeError",
    "positive_int",
    "integer",
    "finite",
    "non_negative",
    "probability",
    "pair",
    "pool_padding",
    "as_tensor",
    "as_node",
    "per_item_weights",
    "values_per_channel",
]

Pair = tuple[int, int]


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type: a TypeError, and a ValueError as nn's checks raised before.

    >>> issubclass(ArgumentTypeError, TypeError), issubclass(ArgumentTypeError, ValueError)
    (True, True)
    """


# Where a Value reaches a Tensor-only layer: say where the scalar models are.
_SCALAR_HINT = (
    "Tensor layers work on Tensors; for models of Values use nn.scalar (Neuron, Layer, MLP)"
)


def positive_int(x: Any, what: str) -> int:
    """``x`` as an int >= 1 (not a bool); a ValueError naming ``what`` otherwise.

    >>> positive_int(np.int64(2), "Embedding: embedding_dim")
    2
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)) or x < 1:
        raise ValueError(f"{what} must be a positive integer, got {x!r}")
    return int(x)


def integer(x: Any, what: str) -> int:
    """``x`` as an int (an axis or a dim; not a bool); a TypeError naming ``what`` otherwise.

    >>> integer(-1, "Softmax: dim")
    -1
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise ArgumentTypeError(f"{what} must be an integer, got {type(x).__name__} {x!r}")
    return int(x)


def finite(x: Any, what: str) -> float:
    """``x`` as a finite float: a TypeError for a non-number (bools and strings too), a
    ValueError for NaN or inf.

    >>> finite(0.5, "LeakyReLU: negative_slope")
    0.5
    >>> finite(float("nan"), "ELU: alpha")
    Traceback (most recent call last):
    ...
    ValueError: ELU: alpha must be a finite real number, got nan
    """
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, Real):
        raise ArgumentTypeError(
            f"{what} must be a finite real number, got {type(x).__name__} {x!r}"
        )
    if not math.isfinite(x):
        raise ValueError(f"{what} must be a finite real number, got {x!r}")
    return float(x)


def non_negative(x: Any, what: str, positive: bool = False) -> float:
    """``x`` as a finite float >= 0 (> 0 when ``positive``), checked as ``finite``.

    >>> non_negative(1e-5, "LayerNorm: eps")
    1e-05
    >>> non_negative(-1, "LayerNorm: eps")
    Traceback (most recent call last):
    ...
    ValueError: LayerNorm: eps must be a finite number >= 0, got -1
    """
    value = finite(x, what)
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{what} must be a finite number {'>' if positive else '>='} 0, got {x!r}")
    return value


def probability(p: Any, what: str) -> float:
    """A drop probability: a number in [0, 1] (a ValueError naming ``what`` otherwise).

    >>> probability(0.5, "Dropout: p")
    0.5
    """
    if (
        isinstance(p, (bool, np.bool_))
        or not isinstance(p, (int, float, np.integer, np.floating))
        or not 0.0 <= p <= 1.0
    ):
        raise ValueError(f"{what} (the drop probability) must be a number in [0, 1], got {p!r}")
    return float(p)


def pair(value: Any, name: str, who: str, minimum: int) -> Pair:
    """``value`` as (height, width): an int for both, or a pair of ints, each >= minimum.

    >>> pair(3, "kernel_size", "Conv2d", 1)
    (3, 3)
    """
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2 or not all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items
    ):
        raise ArgumentTypeError(f"{who}: {name} must be an int or a pair of ints, got {value!r}")
    if any(v < minimum for v in items):
        raise ValueError(f"{who}: {name} must be at least {minimum}, got {value!r}")
    return int(items[0]), int(items[1])


def pool_padding(kernel_size: Any, padding: Any, who: str) -> tuple[Pair, Pair]:
    """A pooling window and its padding, checked: padding at most half the kernel, as torch.

    >>> pool_padding(3, 1, "max_pool2d")
    ((3, 3), (1, 1))
    """
    kernel = pair(kernel_size, "kernel_size", who, 1)
    pad = pair(padding, "padding", who, 0)
    if pad[0] > kernel[0] // 2 or pad[1] > kernel[1] // 2:
        raise ValueError(
            f"{who}: padding {padding!r} must be at most half the kernel size {kernel_size!r}"
        )
    return kernel, pad


def as_tensor(x: Any, who: str, name: str = "input", value_hint: str = _SCALAR_HINT) -> Tensor:
    """``x`` as a Tensor: a Tensor as it is, an array-like of numbers as a constant Tensor.

    A ``Value`` is refused, pointing to ``nn.scalar``; anything numpy cannot read
    as numbers (bool, int or float) is refused with a TypeError naming ``who``.

    >>> as_tensor([1, 2], "Linear").data
    array([1., 2.])
    >>> as_tensor(Value(1.0), "Linear")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nn._checks.ArgumentTypeError: Linear: expected a Tensor as input, got a single Value; ...
    """
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Value):
        raise ArgumentTypeError(
            f"{who}: expected a Tensor as {name}, got a single Value; {value_hint}"
        )
    return _numbers(x, who, name, "a Tensor or an array-like of numbers", value_hint)


def as_node(x: Any, who: str) -> Tensor | Value:
    """An elementwise op's input: a Tensor or a Value as it is, else numbers as a constant
    Tensor (the one input rule of every activation, functional or module).

    >>> as_node(Value(2.0), "relu").data
    2.0
    >>> as_node(["a"], "relu")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nn._checks.ArgumentTypeError: relu: expected a Tensor, a Value or an array-like ... <U1
    """
    if isinstance(x, (Tensor, Value)):
        return x
    return _numbers(x, who, "input", "a Tensor, a Value or an array-like of numbers", _SCALAR_HINT)


def _numbers(x: Any, who: str, name: str, expected: str, value_hint: str) -> Tensor:
    """``x`` read by numpy as bool, int or float numbers, as a constant Tensor."""
    try:
        data = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged lists
        raise ArgumentTypeError(
            f"{who}: expected {expected} as {name}; got "
            f"{type(x).__name__} that numpy cannot read as an array "
            f"({exc})"
        ) from None
    if data.dtype == object and any(isinstance(v, Value) for v in data.flat):
        raise ArgumentTypeError(
            f"{who}: expected a Tensor as {name}, got a list of Values; {value_hint}"
        )
    if data.dtype.kind not in "biuf":
        raise ArgumentTypeError(
            f"{who}: expected {expected} as {name}; got {type(x).__name__} holding {data.dtype}"
        )
    return Tensor(data)


def per_item_weights(
    weight: Any, n: int, dtype: Any, op: str, name: str, one_per: str, non_negative: bool
) -> np.ndarray:
    """Weights, one per example or per class, as an array of shape (n,): numeric, finite,
    and >= 0 when ``non_negative`` (sample weights; class weights may take any sign, as
    PyTorch's).

    >>> per_item_weights([1, -2], 2, float, "cross_entropy", "weight", "class", False)
    array([ 1., -2.])
    >>> per_item_weights([1, -2], 2, float, "mse_loss", "sample_weight", "example", True)
    Traceback (most recent call last):
    ...
    ValueError: mse_loss: example weights must be finite and >= 0; sample_weight[1] is -2.0
    """
    if isinstance(weight, str):
        raise ArgumentTypeError(
            f"{op}: {name} must be numeric, got the string {weight!r}"
            + ("; did you mean reduction=" + repr(weight) + "?" if name == "sample_weight" else "")
        )
    raw = weight.data if isinstance(weight, Tensor) else weight
    try:
        w = np.asarray(raw, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ArgumentTypeError(
            f"{op}: {name} must be numeric, got {type(raw).__name__}: {exc}"
        ) from None
    if w.shape != (n,):
        raise ValueError(
            f"{op}: {name} must have shape ({n},) (one weight per {one_per}), got {w.shape}"
        )
    bad = ~np.isfinite(w)
    if non_negative:
        bad |= w < 0
    if bad.any():
        i = int(np.argmax(bad))
        need = "finite and >= 0" if non_negative else "finite"
        raise ValueError(f"{op}: {one_per} weights must be {need}; {name}[{i}] is {float(w[i])!r}")
    return w


def values_per_channel(x: Tensor, who: str) -> None:
    """Training batch norm needs more than one value per channel (its variance), as torch.

    >>> values_per_channel(Tensor(np.zeros((1, 3))), "BatchNorm1d")
    Traceback (most recent call last):
    ...
    ValueError: BatchNorm1d: expected more than 1 value per channel when training, got input \
of shape (1, 3)
    """
    if x.size // x.shape[1] <= 1:
        raise ValueError(
            f"{who}: expected more than 1 value per channel when training, "
            f"got input of shape {x.shape}"
        )
