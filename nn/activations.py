"""Activation modules: thin wrappers over the node methods (Tensor and Value alike).

Each module calls the functional form of the same name (``nn.functional``), so it
works on a ``Tensor`` and, for the elementwise ones, on a ``Value`` too; any other
input is read as an array-like of numbers (a constant Tensor) or refused with a
message naming what was expected, the same rule as the functional forms. The
elementwise ones call a Tensor's or Value's method directly (what the functional
form would do, two calls sooner: they sit in every MLP). ``activation(name)``
turns a lower-case name such as ``"relu"`` into a fresh module (used by ``MLP``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, Value
from nn import functional as F
from nn.init import _finite  # one check of number arguments for all of nn
from nn.module import Module

_NODES = (Tensor, Value)

__all__ = [
    "ReLU", "LeakyReLU", "ELU", "CELU", "GELU", "Mish", "Hardswish", "ReLU6", "Tanh", "Sigmoid",
    "Softplus", "Softmax", "LogSoftmax", "activation", "ACTIVATIONS",
]



def _axis(x: Any, what: str) -> int:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, np.integer)):
        raise TypeError(f"{what} must be an integer, got {type(x).__name__} {x!r}")
    return int(x)

class ReLU(Module):
    """max(0, x), elementwise.

    >>> from autograd import Tensor
    >>> ReLU()(Tensor([-1.0, 2.0])).data
    array([0., 2.])
    """

    def forward(self, x: Any) -> Any:
        return x.relu() if type(x) in _NODES else F.relu(x)


class LeakyReLU(Module):
    """x for x > 0, else negative_slope * x.

    >>> from autograd import Tensor
    >>> LeakyReLU(0.1)(Tensor([-2.0, 3.0])).data
    array([-0.2,  3. ])
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = _finite(negative_slope, "LeakyReLU: negative_slope")

    def forward(self, x: Any) -> Any:
        slope = self.negative_slope
        return x.leaky_relu(slope) if type(x) in _NODES else F.leaky_relu(x, slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """x for x > 0, else alpha * (exp(x) - 1).

    >>> from autograd import Value
    >>> round(ELU()(Value(-1.0)).data, 6)
    -0.632121
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = _finite(alpha, "ELU: alpha")

    def forward(self, x: Any) -> Any:
        return x.elu(self.alpha) if type(x) in _NODES else F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class CELU(Module):
    """x for x > 0, else alpha * (exp(x / alpha) - 1); alpha must be non-zero.

    >>> from autograd import Tensor
    >>> CELU(2.0)(Tensor([-2.0])).data.round(6)
    array([-1.264241])
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = _finite(alpha, "CELU: alpha")
        if self.alpha == 0:
            raise ValueError("CELU: alpha must be non-zero (it divides x), got 0")

    def forward(self, x: Any) -> Any:
        return x.celu(self.alpha) if type(x) in _NODES else F.celu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class GELU(Module):
    """x * Phi(x) with Phi the standard normal CDF; ``approximate="tanh"`` for the tanh form.

    >>> from autograd import Value
    >>> GELU()(Value(1.0)).data
    0.8413447460685429
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Any) -> Any:
        return x.gelu(self.approximate) if type(x) in _NODES else F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Mish(Module):
    """x * tanh(softplus(x)).

    >>> from autograd import Value
    >>> round(Mish()(Value(1.0)).data, 6)
    0.865098
    """

    def forward(self, x: Any) -> Any:
        return x.mish() if type(x) in _NODES else F.mish(x)


class Hardswish(Module):
    """x * relu6(x + 3) / 6.

    >>> from autograd import Tensor
    >>> Hardswish()(Tensor([-4.0, 1.0, 4.0])).data.round(6)
    array([-0.      ,  0.666667,  4.      ])
    """

    def forward(self, x: Any) -> Any:
        return x.hardswish() if type(x) in _NODES else F.hardswish(x)


class ReLU6(Module):
    """min(max(0, x), 6).

    >>> from autograd import Tensor
    >>> ReLU6()(Tensor([-1.0, 3.0, 9.0])).data
    array([0., 3., 6.])
    """

    def forward(self, x: Any) -> Any:
        return x.relu6() if type(x) in _NODES else F.relu6(x)


class Tanh(Module):
    """Hyperbolic tangent.

    >>> from autograd import Value
    >>> Tanh()(Value(0.0)).data
    0.0
    """

    def forward(self, x: Any) -> Any:
        return x.tanh() if type(x) in _NODES else F.tanh(x)


class Sigmoid(Module):
    """1 / (1 + exp(-x)).

    >>> from autograd import Value
    >>> Sigmoid()(Value(0.0)).data
    0.5
    """

    def forward(self, x: Any) -> Any:
        return x.sigmoid() if type(x) in _NODES else F.sigmoid(x)


class Softplus(Module):
    """log(1 + exp(beta x)) / beta; x where beta x > threshold.

    >>> from autograd import Value
    >>> round(Softplus()(Value(0.0)).data, 6)
    0.693147
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = _finite(beta, "Softplus: beta")
        self.threshold = _finite(threshold, "Softplus: threshold")

    def forward(self, x: Any) -> Any:
        beta, threshold = self.beta, self.threshold
        return (x.softplus(beta, threshold) if type(x) in _NODES
                else F.softplus(x, beta, threshold))

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """exp(x) / sum(exp(x)) along ``dim`` (Tensor only).

    >>> from autograd import Tensor
    >>> Softmax()(Tensor([[0.0, 0.0]])).data
    array([[0.5, 0.5]])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = _axis(dim, "Softmax: dim")

    def forward(self, x: Any) -> Any:
        return F.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log(softmax(x)) along ``dim``, computed stably (Tensor only).

    >>> from autograd import Tensor
    >>> LogSoftmax()(Tensor([[0.0, 0.0]])).data.round(6)
    array([[-0.693147, -0.693147]])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = _axis(dim, "LogSoftmax: dim")

    def forward(self, x: Any) -> Any:
        return F.log_softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


ACTIVATIONS: dict[str, type[Module]] = {
    "relu": ReLU, "leaky_relu": LeakyReLU, "elu": ELU, "celu": CELU, "gelu": GELU,
    "mish": Mish, "hardswish": Hardswish, "relu6": ReLU6, "tanh": Tanh, "sigmoid": Sigmoid,
    "softplus": Softplus, "softmax": Softmax, "log_softmax": LogSoftmax,
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
    raise TypeError(f"activation must be a Module or one of the names {valid}; "
                    f"got {type(spec).__name__}")
