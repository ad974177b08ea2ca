"""Activations as functions: ``x.<name>(**params)`` on a Tensor or a Value, one rule for all.

Every elementwise activation here is derived from its entry in the op registry
(``autograd.core.registry.REGISTRY``, ``kind == "activation"``): its parameters and
their defaults are the entry's ``params``, so a parameter added there is taken here
(and by the modules in ``nn.activations``) with no other edit. The input rule is
``nn._checks.as_node``: a Tensor or a Value as it is, an array-like of numbers as a
constant Tensor, anything else refused. ``softmax`` and ``log_softmax`` work along an
axis, on Tensors only.

>>> from autograd import Tensor
>>> relu(Tensor([-1.0, 2.0])).data
array([0., 2.])
>>> import inspect; str(inspect.signature(leaky_relu))
'(x, negative_slope=0.01)'
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from autograd.core.registry import REGISTRY
from autograd.core.tensor import Tensor
from autograd.core.value import Value
from nn._checks import as_node, as_tensor

Node = Tensor | Value
_NODES = (Tensor, Value)
_ALONG_AN_AXIS = "it works along an axis of an array (for one Value, write exp/sum)"

__all__ = [
    "relu",
    "leaky_relu",
    "elu",
    "celu",
    "gelu",
    "mish",
    "hardswish",
    "relu6",
    "tanh",
    "sigmoid",
    "softplus",
    "softmax",
    "log_softmax",
]


def _elementwise(name: str, doc: str) -> Callable[..., Any]:
    """The functional form of registry activation ``name``, with the entry's signature."""
    entry_params = REGISTRY[name].params

    def activation(x: Any, *args: Any, **kwargs: Any) -> Any:
        # The node methods take the entry's parameters, by name and in order (the registry
        # test checks it), so the arguments pass through as given.
        node = x if type(x) in _NODES else as_node(x, name)
        return getattr(node, name)(*args, **kwargs)

    activation.__name__ = activation.__qualname__ = name
    activation.__doc__ = doc
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    signature = inspect.Signature(
        [inspect.Parameter("x", kind)]
        + [inspect.Parameter(p, kind, default=d) for p, d in entry_params]
    )
    setattr(activation, "__signature__", signature)  # noqa: B010 (mypy: not a declared attribute)
    return activation


relu = _elementwise(
    "relu",
    """max(x, 0).

    >>> relu(Tensor([-1.0, 2.0])).data
    array([0., 2.])
    """,
)

leaky_relu = _elementwise(
    "leaky_relu",
    """x for x > 0, else negative_slope * x.

    >>> leaky_relu(Tensor([-1.0, 2.0]), 0.1).data
    array([-0.1,  2. ])
    """,
)

elu = _elementwise(
    "elu",
    """x for x > 0, else alpha * (exp(x) - 1).

    >>> elu(Tensor([0.0, 2.0])).data
    array([0., 2.])
    """,
)

celu = _elementwise(
    "celu",
    """x for x > 0, else alpha * (exp(x / alpha) - 1).

    >>> celu(Tensor([0.0, 2.0])).data
    array([0., 2.])
    """,
)

gelu = _elementwise(
    "gelu",
    """x * Phi(x): exact (erf) by default, or ``approximate="tanh"``.

    >>> round(float(gelu(Tensor([1.0])).data[0]), 4)
    0.8413
    """,
)

mish = _elementwise(
    "mish",
    """x * tanh(softplus(x)).

    >>> round(float(mish(Tensor([1.0])).data[0]), 4)
    0.8651
    """,
)

hardswish = _elementwise(
    "hardswish",
    """x * relu6(x + 3) / 6.

    >>> hardswish(Tensor([-4.0, 0.0, 4.0])).data
    array([-0.,  0.,  4.])
    """,
)

relu6 = _elementwise(
    "relu6",
    """min(max(x, 0), 6).

    >>> relu6(Tensor([-1.0, 3.0, 9.0])).data
    array([0., 3., 6.])
    """,
)

tanh = _elementwise(
    "tanh",
    """Hyperbolic tangent.

    >>> tanh(Tensor([0.0])).data
    array([0.])
    """,
)

sigmoid = _elementwise(
    "sigmoid",
    """1 / (1 + exp(-x)), stable for large |x|.

    >>> sigmoid(Tensor([0.0])).data
    array([0.5])
    """,
)

softplus = _elementwise(
    "softplus",
    """log(1 + exp(x)), without overflow.

    >>> round(float(softplus(Tensor([0.0])).data[0]), 4)
    0.6931
    """,
)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim``.

    >>> softmax(Tensor([[0.0, 0.0]])).data
    array([[0.5, 0.5]])
    """
    return as_tensor(x, "softmax", value_hint=_ALONG_AN_AXIS).softmax(dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x - logsumexp(x) along ``dim``; stable for logits of any size.

    >>> log_softmax(Tensor([0.0, 1e4])).data
    array([-10000.,      0.])
    """
    return as_tensor(x, "log_softmax", value_hint=_ALONG_AN_AXIS).log_softmax(dim)
