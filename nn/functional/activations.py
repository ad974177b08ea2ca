"""Activations as functions: thin wrappers over the node methods (so they also take ``Value``).

>>> from autograd import Tensor
>>> relu(Tensor([-1.0, 2.0])).data
array([0., 2.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.core.tensor import Tensor
from autograd.core.value import Value

Node = Tensor | Value

__all__ = [
    "relu", "leaky_relu", "elu", "celu", "gelu", "mish", "hardswish", "relu6", "tanh", "sigmoid",
    "softplus", "softmax", "log_softmax",
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


def softplus(x: Node) -> Node:
    """log(1 + exp(x)), without overflow.

    >>> round(float(softplus(Tensor([0.0])).data[0]), 4)
    0.6931
    """
    return _activation_input(x, "softplus").softplus()


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
