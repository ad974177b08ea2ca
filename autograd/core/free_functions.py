"""Module-level functions mirroring the node methods, as ``torch.sigmoid`` mirrors ``t.sigmoid()``.

Each takes a Tensor, a Value (where the method exists) or anything ``Tensor``
accepts (a list, an ndarray, a number), which becomes a constant Tensor. The
elementwise ones are checked against ``autograd.core.registry.REGISTRY`` by
``tests/test_registry.py``.

>>> import autograd
>>> autograd.sigmoid([0.0, 100.0]).data
array([0.5, 1. ])
>>> autograd.tanh(autograd.Value(0.0)).data
0.0
"""

from __future__ import annotations

from typing import Any

from autograd.core.tensor import Axis, Tensor, _matmul, _operand, as_tensor
from autograd.core.value import Value

Node = Any  # Tensor | Value


def _node(x: Any) -> Any:
    if isinstance(x, (Tensor, Value)):
        return x
    return as_tensor(x)  # a list holding Tensors is stacked into the graph


def exp(x: Any) -> Node:
    """``x.exp()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).exp()

def log(x: Any) -> Node:
    """``x.log()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).log()

def sqrt(x: Any) -> Node:
    """``x.sqrt()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).sqrt()

def abs(x: Any) -> Node:
    """``x.abs()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).abs()

def sin(x: Any) -> Node:
    """``x.sin()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).sin()

def cos(x: Any) -> Node:
    """``x.cos()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).cos()

def erf(x: Any) -> Node:
    """``x.erf()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).erf()

def tanh(x: Any) -> Node:
    """``x.tanh()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).tanh()

def sigmoid(x: Any) -> Node:
    """``x.sigmoid()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).sigmoid()

def relu(x: Any) -> Node:
    """``x.relu()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).relu()

def softplus(x: Any) -> Node:
    """``x.softplus()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).softplus()

def mish(x: Any) -> Node:
    """``x.mish()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).mish()

def hardswish(x: Any) -> Node:
    """``x.hardswish()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).hardswish()

def relu6(x: Any) -> Node:
    """``x.relu6()`` (Tensor or Value; array-likes become constants)."""
    return _node(x).relu6()

def leaky_relu(x: Any, negative_slope: float = 0.01) -> Node:
    """``x.leaky_relu(negative_slope)`` (Tensor or Value; array-likes become constants)."""
    return _node(x).leaky_relu(negative_slope)

def elu(x: Any, alpha: float = 1.0) -> Node:
    """``x.elu(alpha)`` (Tensor or Value; array-likes become constants)."""
    return _node(x).elu(alpha)

def celu(x: Any, alpha: float = 1.0) -> Node:
    """``x.celu(alpha)`` (Tensor or Value; array-likes become constants)."""
    return _node(x).celu(alpha)

def gelu(x: Any, approximate: str = "none") -> Node:
    """``x.gelu(approximate)`` (Tensor or Value; array-likes become constants)."""
    return _node(x).gelu(approximate)

def softmax(x: Any, axis: int = -1) -> Tensor:
    """``x.softmax(axis)``; array-likes become constant Tensors."""
    return _tensor(x).softmax(axis)

def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """``x.log_softmax(axis)``; array-likes become constant Tensors."""
    return _tensor(x).log_softmax(axis)

def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """``x.sum(axis, keepdims)``; array-likes become constant Tensors."""
    return _tensor(x).sum(axis, keepdims)

def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """``x.mean(axis, keepdims)``; array-likes become constant Tensors."""
    return _tensor(x).mean(axis, keepdims)

def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """``x.max(axis, keepdims)``; array-likes become constant Tensors."""
    return _tensor(x).max(axis, keepdims)

def min(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """``x.min(axis, keepdims)``; array-likes become constant Tensors."""
    return _tensor(x).min(axis, keepdims)

def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """``x.argmax(axis, keepdims)``: an integer Tensor."""
    return _tensor(x).argmax(axis, keepdims)

def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """``x.argmin(axis, keepdims)``: an integer Tensor."""
    return _tensor(x).argmin(axis, keepdims)

def reshape(x: Any, *shape: Any) -> Tensor:
    """``x.reshape(*shape)``."""
    return _tensor(x).reshape(*shape)


def transpose(x: Any, *axes: Any) -> Tensor:
    """``x.transpose(*axes)``."""
    return _tensor(x).transpose(*axes)


def matmul(a: Any, b: Any) -> Tensor:
    """``a @ b`` (either side may be an array-like)."""
    ta = _operand(a, b if isinstance(b, Tensor) else None, "matmul")
    return _matmul(ta, _operand(b, ta, "matmul"))


def _tensor(x: Any) -> Tensor:
    if isinstance(x, Value):
        raise TypeError(f"expected a Tensor or an array-like, got a Value ({x!r})")
    return x if isinstance(x, Tensor) else as_tensor(x)  # lists of Tensors: stacked
