"""Activation modules, and PReLU (the learned one), as in torch.nn.

The elementwise ones are derived from the op registry, as ``nn.functional``'s are:
a class names its registry entry (``class ELU(Elementwise, op="elu")``) and takes the
entry's parameters, with their defaults, as its constructor's arguments (checked
when built: numbers finite, strings strings, then the op's own checks), keeps them as
attributes under their names, shows them in its repr as PyTorch does
(``LeakyReLU(negative_slope=0.01)``) and calls ``x.<op>(**params)`` on a Tensor or a
Value; other input follows the one rule of ``nn._checks.as_node``. So a new activation
with parameters is one registry entry plus one short class here.
``activation(name)`` turns a lower-case name such as ``"relu"`` into a fresh module
(used by ``MLP``); its table ``ACTIVATIONS`` is derived from the classes.
"""

from __future__ import annotations

import inspect
from operator import methodcaller
from typing import Any, ClassVar

import numpy as np

from autograd.core.registry import REGISTRY
from autograd.core.tensor import Tensor, where
from autograd.core.value import Value
from nn import functional as F
from nn._checks import ArgumentTypeError, as_node, as_tensor, finite, integer, positive_int
from nn.module import Module, Parameter

_NODES = (Tensor, Value)

__all__ = [
    "ReLU",
    "LeakyReLU",
    "ELU",
    "CELU",
    "GELU",
    "Mish",
    "Hardswish",
    "ReLU6",
    "Tanh",
    "Sigmoid",
    "Softplus",
    "Softmax",
    "LogSoftmax",
    "PReLU",
    "Elementwise",
    "activation",
    "ACTIVATIONS",
]


def bind_params(
    who: str,
    entry_params: tuple[tuple[str, Any], ...],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> dict[str, Any]:
    """The parameters given to activation ``who``, by name, as Python binds them (defaults
    left to the node method); too many or unknown ones raise TypeError, as a call would.

    >>> bind_params("elu", (("alpha", 1.0),), (0.5,), {})
    {'alpha': 0.5}
    """
    names = [name for name, _ in entry_params]
    if len(args) > len(names):
        raise TypeError(
            f"{who}() takes {len(names)} parameter(s) after the input "
            f"({', '.join(names) or 'none'}), got {len(args)}"
        )
    given = dict(zip(names, args, strict=False))
    for key, value in kwargs.items():
        if key not in names:
            raise TypeError(
                f"{who}() got an unexpected keyword argument {key!r}; its "
                f"parameters: {', '.join(names) or 'none'}"
            )
        if key in given:
            raise TypeError(f"{who}() got multiple values for argument {key!r}")
        given[key] = value
    return given


class Elementwise(Module):
    """An activation module derived from a registry entry: subclass with ``op="<name>"``.

    >>> class MyELU(Elementwise, op="elu"):
    ...     pass
    >>> MyELU(0.5)
    MyELU(alpha=0.5)
    >>> MyELU(alpha=float("inf"))
    Traceback (most recent call last):
    ...
    ValueError: MyELU: alpha must be a finite real number, got inf
    """

    op: ClassVar[str] = ""
    _call: methodcaller
    op_params: ClassVar[tuple[tuple[str, Any], ...]] = ()

    def __init_subclass__(cls, op: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if op:
            cls.op, cls.op_params = op, REGISTRY[op].params
            # What help(), IDEs and inspect show: PyTorch's keywords with their defaults.
            cls.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
                [
                    inspect.Parameter(
                        name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default
                    )
                    for name, default in cls.op_params
                ]
            )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        who = type(self).__name__
        given = bind_params(who, self.op_params, args, kwargs)
        values = []
        for name, default in self.op_params:
            value = given.get(name, default)
            if isinstance(default, str):
                if not isinstance(value, str):
                    raise ArgumentTypeError(
                        f"{who}: {name} must be a string, got {type(value).__name__} {value!r}"
                    )
            else:
                value = finite(value, f"{who}: {name}")
            values.append(value)
        try:  # the op's own checks (celu's alpha != 0, gelu's approximate), at construction
            REGISTRY[self.op].array(np.zeros(1), *values)
        except ValueError as exc:
            raise ValueError(f"{who}: {exc}") from None
        for (name, _), value in zip(self.op_params, values, strict=True):
            setattr(self, name, value)
        self.__dict__["_call"] = methodcaller(self.op, *values)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        d = self.__dict__
        if "_call" in d and any(name == p for p, _ in self.op_params):  # a parameter changed
            d["_call"] = methodcaller(self.op, *(d[p] for p, _ in self.op_params))

    def forward(self, x: Any) -> Any:
        if type(x) not in _NODES:
            x = as_node(x, self.op)
        return self._call(x)  # x.<op>(*params), one C call on the hot path

    def extra_repr(self) -> str:
        return ", ".join(f"{name}={getattr(self, name)!r}" for name, _ in self.op_params)


class ReLU(Elementwise, op="relu"):
    """max(0, x), elementwise.

    >>> from autograd import Tensor
    >>> ReLU()(Tensor([-1.0, 2.0])).data
    array([0., 2.])
    """


class LeakyReLU(Elementwise, op="leaky_relu"):
    """x for x > 0, else negative_slope * x.

    >>> from autograd import Tensor
    >>> LeakyReLU(0.1)(Tensor([-2.0, 3.0])).data
    array([-0.2,  3. ])
    >>> LeakyReLU()
    LeakyReLU(negative_slope=0.01)
    """


class ELU(Elementwise, op="elu"):
    """x for x > 0, else alpha * (exp(x) - 1).

    >>> from autograd import Value
    >>> round(ELU()(Value(-1.0)).data, 6)
    -0.632121
    """


class CELU(Elementwise, op="celu"):
    """x for x > 0, else alpha * (exp(x / alpha) - 1); alpha must be non-zero.

    >>> from autograd import Tensor
    >>> CELU(2.0)(Tensor([-2.0])).data.round(6)
    array([-1.264241])
    """


class GELU(Elementwise, op="gelu"):
    """x * Phi(x) with Phi the standard normal CDF; ``approximate="tanh"`` for the tanh form.

    >>> from autograd import Value
    >>> GELU()(Value(1.0)).data
    0.8413447460685429
    >>> GELU(approximate="tanh")
    GELU(approximate='tanh')
    """


class Mish(Elementwise, op="mish"):
    """x * tanh(softplus(x)).

    >>> from autograd import Value
    >>> round(Mish()(Value(1.0)).data, 6)
    0.865098
    """


class Hardswish(Elementwise, op="hardswish"):
    """x * relu6(x + 3) / 6.

    >>> from autograd import Tensor
    >>> Hardswish()(Tensor([-4.0, 1.0, 4.0])).data.round(6)
    array([-0.      ,  0.666667,  4.      ])
    """


class ReLU6(Elementwise, op="relu6"):
    """min(max(0, x), 6).

    >>> from autograd import Tensor
    >>> ReLU6()(Tensor([-1.0, 3.0, 9.0])).data
    array([0., 3., 6.])
    """


class Tanh(Elementwise, op="tanh"):
    """Hyperbolic tangent.

    >>> from autograd import Value
    >>> Tanh()(Value(0.0)).data
    0.0
    """


class Sigmoid(Elementwise, op="sigmoid"):
    """1 / (1 + exp(-x)).

    >>> from autograd import Value
    >>> Sigmoid()(Value(0.0)).data
    0.5
    """


class Softplus(Elementwise, op="softplus"):
    """log(1 + exp(beta x)) / beta; x where beta x > threshold.

    >>> from autograd import Value
    >>> round(Softplus()(Value(0.0)).data, 6)
    0.693147
    """


class _AlongAxis(Module):
    """An activation that works along one axis ``dim`` of a Tensor (softmax and its log)."""

    _fn: ClassVar[Any]

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = integer(dim, f"{type(self).__name__}: dim")

    def forward(self, x: Any) -> Any:
        return type(self)._fn(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_AlongAxis):
    """exp(x) / sum(exp(x)) along ``dim`` (Tensor only).

    >>> from autograd import Tensor
    >>> Softmax()(Tensor([[0.0, 0.0]])).data
    array([[0.5, 0.5]])
    """

    _fn = staticmethod(F.softmax)


class LogSoftmax(_AlongAxis):
    """log(softmax(x)) along ``dim``, computed stably (Tensor only).

    >>> from autograd import Tensor
    >>> LogSoftmax()(Tensor([[0.0, 0.0]])).data.round(6)
    array([[-0.693147, -0.693147]])
    """

    _fn = staticmethod(F.log_softmax)


class PReLU(Module):
    """x for x > 0, else a * x, with a learned slope ``a`` (``weight``), one per channel or shared.

    With ``num_parameters > 1`` the channel axis is axis 1, as in PyTorch.

    >>> from autograd import Tensor
    >>> PReLU()(Tensor([-2.0, 3.0])).data
    array([-0.5,  3. ])
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25) -> None:
        super().__init__()
        # The count is weight.size: an attribute named num_parameters would hide
        # Module.num_parameters().
        n = positive_int(num_parameters, "PReLU: num_parameters")
        self.weight = Parameter(np.full(n, finite(init, "PReLU: init (the initial slope)")))

    def forward(self, x: Tensor) -> Tensor:
        x = as_tensor(x, "PReLU")
        a: Tensor = self.weight
        n = a.data.size
        if n > 1:
            if x.ndim < 2 or x.shape[1] != n:
                raise ValueError(
                    f"PReLU: num_parameters={n} needs input with {n} channels on "
                    f"axis 1, got shape {x.shape}"
                )
            a = a.reshape(n, *([1] * (x.ndim - 2)))
        return where(x.data > 0, x, a * x)

    def extra_repr(self) -> str:
        return f"num_parameters={self.weight.data.size}"


#: Lower-case name -> module class (``MLP(activation="relu")``): the registry's activations,
#: through the classes above, and the two that work along an axis.
ACTIVATIONS: dict[str, type[Module]] = {
    **{cls.op: cls for cls in Elementwise.__subclasses__()},
    "softmax": Softmax,
    "log_softmax": LogSoftmax,
}


def activation(spec: str | Module) -> Module:
    """A fresh activation module for a lower-case name, or ``spec`` itself if it is a Module.

    >>> activation("tanh")
    Tanh()
    >>> activation("swish")
    Traceback (most recent call last):
    ...
    ValueError: unknown activation 'swish'; valid names: celu, elu, gelu, ...
    """
    if isinstance(spec, Module):
        return spec
    if isinstance(spec, str) and spec in ACTIVATIONS:
        return ACTIVATIONS[spec]()
    valid = ", ".join(sorted(ACTIVATIONS))
    if isinstance(spec, str):
        raise ValueError(f"unknown activation {spec!r}; valid names: {valid}")
    raise TypeError(
        f"activation must be a Module or one of the names {valid}; got {type(spec).__name__}"
    )
