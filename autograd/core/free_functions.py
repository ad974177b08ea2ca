"""Module-level functions mirroring the node methods, as ``torch.sigmoid`` mirrors ``t.sigmoid()``.

Each takes a Tensor, a Value (where the method exists) or anything ``Tensor``
accepts (a list, an ndarray, a number), which becomes a constant Tensor. The
elementwise ones are one line each (``exp = _elementwise("exp")``), one per unary entry
of ``autograd.core.registry.REGISTRY``, with the entry's parameters; ``ELEMENTWISE``
lists them, in registry order.

>>> import autograd
>>> autograd.sigmoid([0.0, 100.0]).data
array([0.5, 1. ])
>>> autograd.tanh(autograd.Value(0.0)).data
0.0
>>> autograd.softplus([0.0], beta=2.0).data.round(4)
array([0.3466])
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Protocol, cast, overload

from autograd.core.registry import REGISTRY, UNARY_METHODS
from autograd.core.tensor import ArrayLike, Axis, Tensor, _matmul, _operand, as_tensor
from autograd.core.value import Value

Node = Tensor | Value  # the one definition of "a Tensor or a Value", for type hints


class UnaryFunction(Protocol):
    """The type of ``autograd.exp`` and the other parameter-free elementwise functions:
    a Value gives a Value, anything else a Tensor."""

    @overload
    def __call__(self, x: Value) -> Value: ...
    @overload
    def __call__(self, x: ArrayLike) -> Tensor: ...


class UnaryFunctionWith(Protocol):
    """The type of ``autograd.softplus`` and the other elementwise functions with parameters
    (after the input, by position or by name): a Value gives a Value, anything else a Tensor."""

    @overload
    def __call__(self, x: Value, *args: Any, **kwargs: Any) -> Value: ...
    @overload
    def __call__(self, x: ArrayLike, *args: Any, **kwargs: Any) -> Tensor: ...


def _node(x: Any) -> Any:
    if isinstance(x, (Tensor, Value)):
        return x
    return as_tensor(x)  # a list holding Tensors is stacked into the graph


def _function(name: str, params: bool) -> Callable[..., Any]:
    """``autograd.<name>(x, *params)``: ``x.<name>(*params)`` for a Tensor or a Value, and for
    anything else a constant Tensor of it; the entry's parameters in the signature."""
    entry = REGISTRY[name]
    if bool(entry.params) != params:
        factory = "_elementwise_with" if entry.params else "_elementwise"
        raise TypeError(
            f"autograd.{name}: the registry entry "
            f"{'has' if entry.params else 'has no'} parameters; write "
            f"{name} = {factory}({name!r})"
        )

    def with_params(x: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(_node(x), name)(*args, **kwargs)

    def without_params(x: Any) -> Any:
        return getattr(_node(x), name)()

    function: Callable[..., Any] = with_params if entry.params else without_params
    method = inspect.signature(getattr(Tensor, name))
    x = inspect.Parameter("x", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Any)
    parameters = list(method.parameters.values())[1:]
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [x, *parameters], return_annotation=Node
    )
    function.__annotations__ = (
        {"x": Any} | {p.name: p.annotation for p in parameters} | {"return": Node}
    )
    function.__name__ = function.__qualname__ = name
    function.__module__ = __name__
    call = ", ".join(["x", *(p.name for p in parameters)]) if parameters else ""
    function.__doc__ = (
        f"``x.{name}({call.partition(', ')[2]})`` (Tensor or Value; "
        f"array-likes become constants): {entry.doc or name}"
    )
    return function


def _elementwise(name: str) -> UnaryFunction:
    """``autograd.<name>`` for a registry entry without parameters."""
    return cast(UnaryFunction, _function(name, params=False))


def _elementwise_with(name: str) -> UnaryFunctionWith:
    """``autograd.<name>`` for a registry entry with parameters."""
    return cast(UnaryFunctionWith, _function(name, params=True))


# One per unary registry entry (the registry test names any that is missing).
exp = _elementwise("exp")
log = _elementwise("log")
sqrt = _elementwise("sqrt")
abs = _elementwise("abs")
sin = _elementwise("sin")
cos = _elementwise("cos")
erf = _elementwise("erf")
tanh = _elementwise("tanh")
sigmoid = _elementwise("sigmoid")
relu = _elementwise("relu")
leaky_relu = _elementwise_with("leaky_relu")
elu = _elementwise_with("elu")
celu = _elementwise_with("celu")
gelu = _elementwise_with("gelu")
softplus = _elementwise_with("softplus")
mish = _elementwise("mish")
hardswish = _elementwise("hardswish")
relu6 = _elementwise("relu6")

#: ``autograd.exp``, ``autograd.tanh``, ``autograd.softplus`` ...: the lines above, in
#: registry order.
ELEMENTWISE: dict[str, Callable[..., Any]] = {
    name: globals()[name] for name in UNARY_METHODS if name in globals()
}


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
